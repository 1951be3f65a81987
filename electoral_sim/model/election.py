"""ElectionModel: parameters, one election, its count and its metrics."""
from __future__ import annotations

import inspect
import math
from functools import lru_cache
from typing import Any

import numpy as np

from electoral_sim import limits, metrics, systems
from electoral_sim.model import params as check
from electoral_sim.model.ballots import MAX_RANKED_PARTIES
from electoral_sim.model import regions as geo
from electoral_sim.model.behaviour import GROWTH_WEIGHT
from electoral_sim.model.electorate import Ballots, PartyTerms, cast_ballots, draw_electorate
from electoral_sim.systems.mixed import OVERHANG_RULES


@lru_cache(maxsize=None)
def _defaults(cls: type) -> dict[str, Any]:
    """Constructor parameters and their defaults, read once (canonical_params runs per configuration)."""
    return {name: p.default for name, p in inspect.signature(cls).parameters.items()}

PR_TIERS = ("national", "constituency")


class ElectionModel:
    """An electorate in constituencies choosing among parties.

    Voters live in a 2-D ideological space: each constituency has a centre
    drawn from N(0, CENTRE_SPREAD^2) per axis, its voters scatter around it
    with s.d. VOTER_SPREAD. Voter i's utility for party j is

        u_ij = -||v_i - p_j||^2 + valence_j + incumbent_j * (
                   GROWTH_WEIGHT * economic_growth - anti_incumbency + national_mood)

    (squared-distance closeness, in units of squared ideological distance).
    Each voter turns out with probability

        clip(BASE_TURNOUT - ALIENATION_WEIGHT * max(0, -max_j u_ij)
             - INDIFFERENCE_WEIGHT * indifference_i, 0, 1),

    where indifference is 0 for a voter sure of their choice and 1 for one
    whose choice probabilities are uniform, and gives first preference to
    party j with the multinomial-logit probability
    ``exp(u_ij / T) / sum_k exp(u_ik / T)``. Systems that count more than
    first preferences read rankings (Plackett-Luce with the same weights),
    approvals or scores from the same utilities
    (:mod:`electoral_sim.model.ballots` documents the rules).

    Electoral systems (``electoral_system``, case-insensitive; parties are the
    candidates, and ties go to more first preferences nationally, then to the
    party listed first):

    - ``FPTP``: plurality in each constituency. ``TRS``: a majority of first
      preferences, else a top-two runoff on the rankings. ``IRV``, ``BORDA``,
      ``SCHULZE``, ``RANKED_PAIRS``, ``COPELAND``, ``MINIMAX``: counted on the
      rankings. ``APPROVAL``, ``SCORE``, ``STAR``: on approvals and 0-5 scores.
      Each elects one member per constituency.
    - ``STV``: ``district_magnitude`` members per constituency (Droop quota,
      fractional surplus transfers). Each party fields that many candidates
      and its voters rank them as a slate in the party's order (party-line
      ranking, like above-the-line voting in the Australian Senate).
    - ``SNTV``: ``district_magnitude`` members per constituency, the parties
      with most first preferences; each party fields one candidate, so the
      magnitude is at most the number of parties.
    - ``PR``: list PR with ``allocation_method`` above ``threshold``:
      ``pr_tier="national"`` allocates all ``n_constituencies *
      district_magnitude`` seats in one national count,
      ``"constituency"`` allocates ``district_magnitude`` seats in each
      constituency, with the threshold applied there.
    - ``MMP``: FPTP constituencies plus ``list_seats`` compensatory list seats
      (default: as many as constituencies); a party qualifies for the list
      tier by reaching ``threshold`` or winning ``waiver_seats``
      constituencies; overhang seats are kept (``overhang="keep"``) or the
      house grows until every qualified party has its proportional share
      (``"level"``). Voters cast the same party for both tiers.
    - ``PARALLEL``: FPTP constituencies plus ``list_seats`` list seats
      allocated independently.

    What each system draws: FPTP, SNTV, PR, MMP and PARALLEL only the first
    preferences and turnout; ranked systems also one Gumbel variate per voter
    and party (for the later preferences), and so do the cardinal systems
    (for their perceived utilities). Those come from the election's ballot
    stream, a child of the model's seed sequence: first preferences and
    turnout are the same under every system for one seed.

    Parameters
    ----------
    n_voters : eligible voters (>= 1), split evenly across constituencies.
    n_constituencies : constituencies, 1 <= n_constituencies <= n_voters.
    parties : list of ``{"name", "position": [x, y], "valence", "incumbent"}``;
        default :data:`DEFAULT_PARTIES` (five parties, one incumbent). Position
        coordinates and valence lie in [-1000, 1000].
    electoral_system : one of :data:`electoral_sim.systems.ELECTORAL_SYSTEMS`.
    allocation_method : ``dhondt``, ``sainte_lague``, ``hare`` or ``droop`` (PR and list tiers).
    threshold : legal threshold, a vote share in [0, 1) (PR and list tiers). A
        threshold that no party reaches is waived (reported as ``threshold_waived``).
    temperature : logit temperature T in [1e-6, 1e6]; higher means noisier choices.
        At 1e-6 choices are deterministic to float32 precision (the T -> 0 limit).
    economic_growth : growth rate in [-100, 100] (0.02 = 2 %); raises the incumbent's utility.
    anti_incumbency : penalty in [0, 1000] on the incumbent's utility, in utility units.
    national_mood : swing towards (> 0) or away from the incumbent, in [-1000, 1000].
    district_magnitude : members per constituency (>= 1): STV, SNTV and PR only.
    pr_tier : ``national`` or ``constituency`` (PR only).
    list_seats : list-tier seats (>= 0; MMP and PARALLEL only); None means
        ``n_constituencies``.
    overhang : ``keep`` or ``level`` (MMP only).
    waiver_seats : constituencies a party must win to enter the list tier
        regardless of the threshold (>= 1; MMP only).
    uncompensated_overhang : with ``overhang="level"``, up to this many overhang
        seats stay without levelling seats (>= 0; Germany's 2020 law: 3; MMP only).
    regions : list of region dicts (see :mod:`electoral_sim.model.regions`):
        constituency counts, centres, spreads, regional valence shifts and
        turnout; a party's ``regions`` key says where it stands. A name takes a
        named party system's regions, scaled to ``n_constituencies``; a named
        ``parties`` system brings its own regions when ``regions`` is None.
    seed : seed of the model's ``numpy.random.Generator``; None draws one from
        entropy and records it in ``self.seed``.

    Combinations that cannot be counted (IRV with magnitude 3, ``pr_tier``
    with FPTP, ...) are refused by :meth:`canonical_params` with a ValueError.

    Examples
    --------
    >>> result = ElectionModel(n_voters=10_000, seed=1).run_election()
    >>> sum(result["seats"]) == 10
    True
    """

    def __init__(
        self,
        n_voters: int = 100_000,
        n_constituencies: int = 10,
        parties: list[dict] | None = None,
        electoral_system: str = "FPTP",
        allocation_method: str = "dhondt",
        threshold: float = 0.0,
        temperature: float = 0.5,
        economic_growth: float = 0.0,
        anti_incumbency: float = 0.0,
        national_mood: float = 0.0,
        district_magnitude: int = 1,
        pr_tier: str = "national",
        list_seats: int | None = None,
        overhang: str = "keep",
        waiver_seats: int = 1,
        uncompensated_overhang: int = 0,
        regions: list[dict] | str | None = None,
        seed: int | None = None,
    ) -> None:
        given = {k: v for k, v in locals().items() if k not in ("self", "seed")}
        self._set(self.canonical_params(**given))
        # with no seed, draw one from entropy and record it so the run can be repeated
        self.seed = check.integer("seed", seed, 0) if seed is not None else check.new_seed()
        self.rng = np.random.default_rng(self.seed)
        limits.check_memory(self.n_voters)  # a clear error, not a MemoryError
        self.geography = geo.geography(self.regions, self.parties, self.n_constituencies)
        self.electorate = draw_electorate(self.rng, self.n_voters, self.geography)
        self.constituency_centres = self.electorate.centres
        self.constituency_sizes = self.electorate.sizes
        self.voter_positions = self.electorate.positions  # shape (2, n): row 0 is x, row 1 is y
        self._mean_position = self.voter_positions.mean(axis=1, dtype=np.float64)

    @classmethod
    def canonical_params(cls, **params: Any) -> dict[str, Any]:
        """Validate parameters without simulating; return all of them, canonical.

        Defaults are filled in, names normalised (``"pr"`` -> ``"PR"``) and
        numbers typed, so equal configurations compare (and hash) equal.
        Raises ``ValueError`` naming the first bad parameter or combination.
        """
        defaults = _defaults(cls)
        unknown = params.keys() - defaults.keys()
        if unknown:
            raise TypeError(f"canonical_params() got an unexpected keyword argument {sorted(unknown)[0]!r}")
        a = {**defaults, **params}
        n_voters = check.integer("n_voters", a["n_voters"], 1)
        limits.check_voters(n_voters)
        n_constituencies = check.integer("n_constituencies", a["n_constituencies"], 1)
        if n_constituencies > n_voters:
            raise ValueError(
                f"n_constituencies must be between 1 and n_voters={n_voters}, got {a['n_constituencies']!r}"
            )
        parties = check.parties(a["parties"])
        regions = a["regions"]
        if regions is None and isinstance(a["parties"], str):
            regions = a["parties"]  # a named party system comes with its regions, if it has any
        if isinstance(regions, str):
            from electoral_sim.party_systems import system_regions

            regions = system_regions(regions, n_constituencies)
        out = {
            "n_voters": n_voters,
            "n_constituencies": n_constituencies,
            "parties": None if a["parties"] is None else [{**p, "position": list(p["position"])} for p in parties],
            "electoral_system": systems.normalize_system(a["electoral_system"]),
            "allocation_method": systems.normalize_method(a["allocation_method"]),
            "threshold": check.threshold(a["threshold"]),
            "temperature": check.temperature(a["temperature"]),
            "economic_growth": check.real("economic_growth", a["economic_growth"], *check.GROWTH_RANGE),
            "anti_incumbency": check.utility_term("anti_incumbency", a["anti_incumbency"], 0.0),
            "national_mood": check.utility_term("national_mood", a["national_mood"]),
            "district_magnitude": check.integer("district_magnitude", a["district_magnitude"], 1),
            "pr_tier": check.choice("pr_tier", a["pr_tier"], PR_TIERS),
            "list_seats": None if a["list_seats"] is None else check.integer("list_seats", a["list_seats"], 0),
            "overhang": check.choice("overhang", a["overhang"], OVERHANG_RULES),
            "waiver_seats": check.integer("waiver_seats", a["waiver_seats"], 1),
            "uncompensated_overhang": check.integer("uncompensated_overhang", a["uncompensated_overhang"], 0),
            "regions": geo.check_regions(regions, parties, n_constituencies),
        }
        _check_combination(out, len(parties), _fewest_standing(out["regions"], parties))
        return out

    def _set(self, canonical: dict[str, Any]) -> None:
        self._params = canonical
        self.__dict__.update(canonical)
        self.parties = tuple(check.parties(canonical["parties"]))

    def _replace(self, **change: Any) -> ElectionModel:
        self._set(self.canonical_params(**{**self._params, **change}))
        return self

    # -- chainable setters -------------------------------------------------
    def with_system(self, electoral_system: str) -> ElectionModel:
        """Set the electoral system; returns self."""
        return self._replace(electoral_system=electoral_system)

    def with_allocation(self, allocation_method: str) -> ElectionModel:
        """Set the PR allocation method; returns self."""
        return self._replace(allocation_method=allocation_method)

    def with_threshold(self, threshold: float) -> ElectionModel:
        """Set the PR legal threshold, a vote share in [0, 1); returns self."""
        return self._replace(threshold=threshold)

    def with_temperature(self, temperature: float) -> ElectionModel:
        """Set the logit temperature; returns self."""
        return self._replace(temperature=temperature)

    # -- simulation -----------------------------------------------------------
    @property
    def _standing(self) -> np.ndarray:
        """(C, P) bool: the party stands in the constituency."""
        return self.geography.standing[self.electorate.region]

    def _national_terms(self) -> tuple[np.ndarray, np.ndarray]:
        """Positions (P, 2) and the voter-independent part of utility before regional shifts (P,)."""
        pos = np.array([p["position"] for p in self.parties], dtype=np.float64)
        incumbent = np.array([p["incumbent"] for p in self.parties], dtype=np.float64)
        valence = np.array([p["valence"] for p in self.parties], dtype=np.float64)
        swing = GROWTH_WEIGHT * self.economic_growth - self.anti_incumbency + self.national_mood
        return pos, valence + incumbent * swing - np.sum(pos**2, axis=1)

    def _party_terms(self) -> PartyTerms:
        """Positions, and per constituency the voter-independent utility and base turnout."""
        pos, national = self._national_terms()
        g, region = self.geography, self.electorate.region
        const = np.where(g.standing, national + g.valence, -np.inf)[region]
        return PartyTerms(pos, const, g.turnout[region])

    def _mean_const(self) -> np.ndarray:
        """(P,) the voter-independent utility averaged over the electorate, regional shifts included
        (a party's utility to voters where it does not stand counts too: it is a national figure)."""
        _, national = self._national_terms()
        g = self.geography
        if len(g.names) == 1:
            return national + g.valence[0]
        share = np.bincount(self.electorate.region, weights=self.electorate.sizes, minlength=len(g.names))
        return national + share / self.n_voters @ g.valence

    def _single_member(self) -> bool:
        """True when every seat is won in a constituency that elects one member."""
        seats = systems.MODEL_SYSTEMS[self.electoral_system].seats
        if seats == "list":
            return self.pr_tier == "constituency" and self.district_magnitude == 1
        return seats == "single" or (seats == "magnitude" and self.district_magnitude == 1)

    def run_election(self) -> dict[str, Any]:
        """Simulate one election and count it.

        Voter positions are drawn once, at construction; each call draws new
        first preferences and turnout for that electorate from the model's
        generator, and the k-th call takes its other ballot draws from the
        k-th child stream of the model's seed sequence.

        Returns
        -------
        dict with ``turnout`` (votes cast / eligible voters), ``gallagher``
        (0-100), ``loosemore_hanby`` (0-100), ``enp_votes``, ``enp_seats``,
        ``vse`` (see :func:`electoral_sim.metrics.vse`; utilities over all
        eligible voters), ``incumbent_vote_share``, ``incumbent_seat_share``
        (NaN without an incumbent), ``condorcet_efficiency`` (see
        :func:`electoral_sim.metrics.condorcet_efficiency`; NaN unless every
        seat is won in a single-member constituency), ``threshold_waived``
        (share of the list counts in which no party reached the threshold, so
        it was waived; NaN without a list count), ``party_names``,
        ``vote_counts`` (first preferences), ``seats``, ``vote_shares``,
        ``seat_shares`` (lists, one entry per party), ``winner`` (most seats;
        ties by votes, then listed order), ``constituency_winners`` (names,
        in constituency order, for systems with constituency seats; a list of
        names per constituency when it elects several) and ``n_seats`` (all
        seats filled, overhang and levelling seats included). Metrics that
        need at least one vote are NaN when nobody voted.
        """
        spec = systems.MODEL_SYSTEMS[self.electoral_system]
        single = self._single_member()
        need = {"ranking": {"rankings"}, "first": set()}.get(spec.ballot, {"cardinal"})
        if single:
            need = need | {"pairwise"}
        t = self.temperature
        ballot_rng = self.rng.spawn(1)[0]
        terms = self._party_terms()
        ballots = cast_ballots(self.electorate, terms, t, self.rng, ballot_rng, frozenset(need))
        votes = ballots.votes.sum(axis=0)
        seats, winners, waived = self._count(spec, ballots, votes)
        result: dict[str, Any] = {}
        if winners is not None:
            names = [p["name"] for p in self.parties]
            one = all(len(w) == 1 for w in winners)
            result["constituency_winners"] = [names[w[0]] if one else [names[i] for i in w] for w in winners]
        return {**result, **self._metrics(votes, seats, terms, ballots, winners if single else None, waived)}

    def _count(self, spec: systems.ModelSystem, ballots: Ballots, votes: np.ndarray):
        """Seats per party, the winners of each constituency (or None) and ``threshold_waived``."""
        n_parties, c, m = len(self.parties), self.n_constituencies, self.district_magnitude
        tie = systems.tie_order(votes)
        nan = math.nan
        if spec.seats == "list":
            if self.pr_tier == "national":
                seats = systems.allocate_seats(votes, c * m, self.allocation_method, self.threshold)
                return seats, None, float(systems.qualifying_parties(votes, self.threshold)[1])
            won = [systems.allocate_seats(row, m, self.allocation_method, self.threshold) for row in ballots.votes]
            waived = sum(systems.qualifying_parties(row, self.threshold)[1] for row in ballots.votes)
            winners = [np.repeat(np.arange(n_parties), s).tolist() for s in won]
            return np.sum(won, axis=0).astype(np.int64), winners, waived / c
        if self.electoral_system == "FPTP" or spec.seats == "mixed":
            # a party that does not stand cannot win, not even a constituency where nobody voted
            won = systems.fptp_winners(np.where(self._standing, ballots.votes, -1), votes)
            winners = [[int(w)] for w in won]
            district = np.bincount(won, minlength=n_parties)
            if spec.seats == "single":
                return district, winners, nan
            list_seats = c if self.list_seats is None else self.list_seats
            if self.electoral_system == "PARALLEL":
                seats = systems.allocate_parallel(votes, district, list_seats, self.allocation_method, self.threshold)
                return seats, winners, float(systems.qualifying_parties(votes, self.threshold)[1])
            seats = systems.allocate_mixed(votes, district, c + list_seats, self.allocation_method,
                                           self.threshold, self.waiver_seats, self.overhang,
                                           self.uncompensated_overhang)
            waived = systems.mmp_qualifying(votes, district, self.threshold, self.waiver_seats)[1]
            return seats, winners, float(waived)
        winners = [self._count_constituency(spec, ballots, k, tie) for k in range(c)]
        seats = np.bincount(np.concatenate(winners).astype(np.int64), minlength=n_parties)
        return seats, winners, nan

    def _count_constituency(self, spec: systems.ModelSystem, ballots: Ballots, k: int, tie: np.ndarray) -> list[int]:
        """The parties elected in constituency ``k`` (a party may appear more than once in STV)."""
        p, m = len(self.parties), self.district_magnitude
        if spec.ballot == "approval":
            return spec.count(ballots.approvals[k], tie)
        if spec.ballot == "score":
            return spec.count(ballots.scores[k], tie)
        if spec.ballot == "star":
            return spec.count(ballots.scores[k], ballots.prefer[k], tie)
        if spec.ballot == "first":  # SNTV: one candidate per party
            return spec.count(np.arange(p)[:, None], ballots.votes[k], p, tie, m)
        rankings, counts = ballots.profiles[k]
        if not self._standing[k].all():
            rankings = _drop_candidates(rankings, ~self._standing[k])
        if spec.seats != "magnitude":
            return spec.count(rankings, counts, p, tie)
        if m == 1:
            return spec.count(rankings, counts, p, tie, 1)
        # STV with party slates: candidate j * m + i is party j's (i + 1)-th candidate
        slate = np.arange(m)
        expanded = np.where(rankings[:, :, None] >= 0, rankings[:, :, None] * m + slate, -1).reshape(len(rankings), -1)
        elected = spec.count(expanded, counts, p * m, (tie[:, None] * m + slate).ravel(), m)
        return [w // m for w in elected]

    def _metrics(self, votes, seats, terms: PartyTerms, ballots: Ballots, single_winners, waived) -> dict[str, Any]:
        n_parties = len(self.parties)
        n_seats = int(seats.sum())
        total_votes = int(votes.sum())
        mean_utility = 2.0 * terms.positions @ self._mean_position + self._mean_const()
        seat_shares = seats / n_seats
        incumbent = np.array([p["incumbent"] for p in self.parties])
        nan = math.nan
        if total_votes:
            vote_shares = votes / total_votes
            gallagher = metrics.gallagher_index(votes, seats)
            lh = metrics.loosemore_hanby_index(votes, seats)
            enp_votes = metrics.effective_number_of_parties(votes)
            incumbent_votes = float(vote_shares[incumbent].sum()) if incumbent.any() else nan
        else:
            vote_shares = np.zeros(n_parties)
            gallagher = lh = enp_votes = incumbent_votes = nan
        condorcet = nan
        if single_winners is not None:
            won = np.array([w[0] for w in single_winners])
            condorcet = metrics.condorcet_efficiency(won, ballots.pairwise)
        winner = int(np.lexsort((np.arange(n_parties), -votes, -seats))[0])
        return dict(
            turnout=total_votes / self.n_voters,
            gallagher=gallagher,
            loosemore_hanby=lh,
            enp_votes=enp_votes,
            enp_seats=metrics.effective_number_of_parties(seats),
            vse=metrics.vse(mean_utility, seats),
            incumbent_vote_share=incumbent_votes,
            incumbent_seat_share=float(seat_shares[incumbent].sum()) if incumbent.any() else nan,
            condorcet_efficiency=condorcet,
            threshold_waived=waived,
            party_names=[p["name"] for p in self.parties],
            vote_counts=votes.tolist(),
            seats=seats.tolist(),
            vote_shares=vote_shares.tolist(),
            seat_shares=seat_shares.tolist(),
            winner=self.parties[winner]["name"],
            n_seats=n_seats,
        )


def _fewest_standing(regions: list[dict[str, Any]] | None, parties: tuple[dict[str, Any], ...]) -> int:
    """The fewest parties standing in any region."""
    if regions is None:
        return len(parties)
    return min(sum(p.get("regions") is None or r["name"] in p["regions"] for p in parties) for r in regions)


def _drop_candidates(rankings: np.ndarray, dropped: np.ndarray) -> np.ndarray:
    """``rankings`` (K, L) with the candidates where ``dropped`` (P,) is True removed, order kept, -1 padded."""
    keep = (rankings >= 0) & ~dropped[np.maximum(rankings, 0)]
    order = np.argsort(~keep, axis=1, kind="stable")
    return np.take_along_axis(np.where(keep, rankings, -1), order, axis=1)


def _check_combination(p: dict[str, Any], n_parties: int, n_standing: int) -> None:
    """Refuse parameters that the chosen system cannot use."""
    system = p["electoral_system"]
    seats = systems.MODEL_SYSTEMS[system].seats
    m = p["district_magnitude"]
    if systems.MODEL_SYSTEMS[system].ballot == "ranking" and n_parties > MAX_RANKED_PARTIES:
        raise ValueError(f"{system} counts ranked ballots, which support at most {MAX_RANKED_PARTIES} parties, "
                         f"got {n_parties}")
    if m > 1 and seats not in ("magnitude", "list"):
        raise ValueError(f"district_magnitude={m} needs STV, SNTV or PR: {system} elects one member "
                         "per constituency (use district_magnitude=1)")
    if system == "SNTV" and m > n_standing:
        where = f"the {n_parties} parties" if n_standing == n_parties else f"the {n_standing} parties standing in a region"
        raise ValueError(f"district_magnitude={m} exceeds {where}: under SNTV each party "
                         "fields one candidate per constituency")
    if p["pr_tier"] != "national" and system != "PR":
        raise ValueError(f"pr_tier={p['pr_tier']!r} applies only to electoral_system PR, got {system}")
    if p["list_seats"] is not None and seats != "mixed":
        raise ValueError(f"list_seats={p['list_seats']} applies only to MMP and PARALLEL, got {system}")
    if p["overhang"] != "keep" and system != "MMP":
        raise ValueError(f"overhang={p['overhang']!r} applies only to MMP, got {system}")
    if p["overhang"] == "level" and p["allocation_method"] not in systems.DIVISOR_METHODS:
        raise ValueError(f"overhang='level' needs allocation_method {' or '.join(systems.DIVISOR_METHODS)}, "
                         f"got {p['allocation_method']!r}")
    if p["uncompensated_overhang"] and (system != "MMP" or p["overhang"] != "level"):
        raise ValueError(f"uncompensated_overhang={p['uncompensated_overhang']} applies only to MMP with "
                         f"overhang='level', got {system} with overhang={p['overhang']!r}")
    if p["waiver_seats"] != 1 and system != "MMP":
        raise ValueError(f"waiver_seats={p['waiver_seats']} applies only to MMP, got {system}")
