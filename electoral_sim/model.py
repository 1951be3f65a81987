"""The agent-based election model."""
from __future__ import annotations

import inspect
import math
import numbers
from typing import Any

import numpy as np

from electoral_sim import limits, metrics, systems

#: The default party system: five parties in a 2-D ideological space, one incumbent.
DEFAULT_PARTIES: tuple[dict[str, Any], ...] = (
    {"name": "Left", "position": (-0.6, 0.1), "valence": 0.0, "incumbent": False},
    {"name": "Centre-Left", "position": (-0.2, -0.1), "valence": 0.1, "incumbent": True},
    {"name": "Centre-Right", "position": (0.25, 0.05), "valence": 0.1, "incumbent": False},
    {"name": "Right", "position": (0.65, 0.2), "valence": 0.0, "incumbent": False},
    {"name": "Green", "position": (-0.35, 0.6), "valence": -0.05, "incumbent": False},
)
_PARTY_KEYS = {"name", "position", "valence", "incumbent"}

CENTRE_SPREAD = 0.35  #: s.d. of constituency centres around the origin, per axis
VOTER_SPREAD = 0.5  #: s.d. of voters around their constituency centre, per axis
GROWTH_WEIGHT = 10.0  #: utility per unit of economic growth (0.02 -> +0.2)
BASE_TURNOUT = 0.9  #: turnout propensity of a satisfied, decided voter
ALIENATION_WEIGHT = 0.3  #: propensity lost per unit of shortfall of the best utility below 0
INDIFFERENCE_WEIGHT = 0.3  #: propensity lost by a fully indifferent voter
_CHUNK = 1 << 15  #: voters per vectorised block (fixed: results depend on it)


def new_seed() -> int:
    """A fresh seed from OS entropy, in [0, 2**63) so it fits every table format."""
    return int(np.random.SeedSequence().generate_state(1, np.uint64)[0] >> np.uint64(1))


def _integer(name: str, value: object, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, float)):
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    if value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def _real(name: str, value: object, rule: str = "a finite number", ok=lambda x: True) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or not ok(value):
        raise ValueError(f"{name} must be {rule}, got {value!r}")
    return float(value)


def _threshold(value: object) -> float:
    return _real("threshold", value, "a number in [0, 1)", lambda x: 0 <= x < 1)


def _temperature(value: object) -> float:
    return _real("temperature", value, "a finite number > 0", lambda x: x > 0)


def _parties(parties: object) -> tuple[dict[str, Any], ...]:
    if parties is None:
        return DEFAULT_PARTIES
    if not isinstance(parties, (list, tuple)) or len(parties) < 2:
        raise ValueError(f"parties must be a list of at least 2 party dicts, got {parties!r}")
    out, names = [], set()
    for i, party in enumerate(parties):
        where = f"parties[{i}]"
        if not isinstance(party, dict):
            raise ValueError(f"{where} must be a dict with keys {sorted(_PARTY_KEYS)}, got {party!r}")
        unknown = set(party) - _PARTY_KEYS
        if unknown or "name" not in party or "position" not in party:
            raise ValueError(
                f"{where} must have keys 'name' and 'position' (optional 'valence', "
                f"'incumbent'), got {sorted(party)}"
            )
        name = party["name"]
        if not isinstance(name, str) or not name or name in names:
            raise ValueError(f"{where}['name'] must be a unique non-empty string, got {name!r}")
        names.add(name)
        pos = party["position"]
        if not isinstance(pos, (list, tuple)) or len(pos) != 2:
            raise ValueError(f"{where}['position'] must be [x, y], got {pos!r}")
        position = tuple(_real(f"{where}['position']", c) for c in pos)
        valence = _real(f"{where}['valence']", party.get("valence", 0.0))
        incumbent = party.get("incumbent", False)
        if not isinstance(incumbent, (bool, np.bool_)):
            raise ValueError(f"{where}['incumbent'] must be true or false, got {incumbent!r}")
        out.append({"name": name, "position": position, "valence": valence, "incumbent": bool(incumbent)})
    return tuple(out)


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
    whose choice probabilities are uniform, and votes for party j with the
    multinomial-logit probability ``exp(u_ij / T) / sum_k exp(u_ik / T)``.
    Votes are counted by ``electoral_system``: ``FPTP`` elects one member per
    constituency; ``PR`` allocates ``n_constituencies`` seats nationally with
    ``allocation_method`` above ``threshold``.

    Parameters
    ----------
    n_voters : eligible voters (>= 1), split evenly across constituencies.
    n_constituencies : constituencies, 1 <= n_constituencies <= n_voters.
    parties : list of ``{"name", "position": [x, y], "valence", "incumbent"}``;
        default :data:`DEFAULT_PARTIES` (five parties, one incumbent).
    electoral_system : ``FPTP`` or ``PR`` (case-insensitive).
    allocation_method : ``dhondt``, ``sainte_lague``, ``hare`` or ``droop`` (PR only).
    threshold : national legal threshold, a vote share in [0, 1) (PR only).
    temperature : logit temperature T > 0; higher means noisier choices.
    economic_growth : growth rate (0.02 = 2 %); raises the incumbent's utility.
    anti_incumbency : penalty >= 0 on the incumbent's utility, in utility units.
    national_mood : swing towards (> 0) or away from the incumbent, in utility units.
    seed : seed of the model's one ``numpy.random.Generator``; None draws one from
        entropy and records it in ``self.seed``.

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
        seed: int | None = None,
    ) -> None:
        checked = self.canonical_params(
            n_voters=n_voters, n_constituencies=n_constituencies, parties=parties,
            electoral_system=electoral_system, allocation_method=allocation_method,
            threshold=threshold, temperature=temperature, economic_growth=economic_growth,
            anti_incumbency=anti_incumbency, national_mood=national_mood,
        )
        self.__dict__.update(checked)
        self.parties = tuple(checked["parties"] or DEFAULT_PARTIES)
        # with no seed, draw one from entropy and record it so the run can be repeated
        self.seed = _integer("seed", seed, 0) if seed is not None else new_seed()
        self.rng = np.random.default_rng(self.seed)
        limits.check_memory(self.n_voters)  # a clear error, not a MemoryError
        self._build_electorate()

    @classmethod
    def canonical_params(cls, **params: Any) -> dict[str, Any]:
        """Validate parameters without simulating; return all of them, canonical.

        Defaults are filled in, names normalised (``"pr"`` -> ``"PR"``) and
        numbers typed, so equal configurations compare (and hash) equal.
        Raises ``ValueError`` naming the first bad parameter.
        """
        bound = inspect.signature(cls).bind(**params)
        bound.apply_defaults()
        a = bound.arguments
        n_voters = _integer("n_voters", a["n_voters"], 1)
        limits.check_voters(n_voters)
        n_constituencies = _integer("n_constituencies", a["n_constituencies"], 1)
        if n_constituencies > n_voters:
            raise ValueError(
                f"n_constituencies must be between 1 and n_voters={n_voters}, got {a['n_constituencies']!r}"
            )
        parties = None if a["parties"] is None else [
            {**p, "position": list(p["position"])} for p in _parties(a["parties"])
        ]
        return {
            "n_voters": n_voters,
            "n_constituencies": n_constituencies,
            "parties": parties,
            "electoral_system": systems.normalize_system(a["electoral_system"]),
            "allocation_method": systems.normalize_method(a["allocation_method"]),
            "threshold": _threshold(a["threshold"]),
            "temperature": _temperature(a["temperature"]),
            "economic_growth": _real("economic_growth", a["economic_growth"]),
            "anti_incumbency": _real("anti_incumbency", a["anti_incumbency"], "a finite number >= 0", lambda x: x >= 0),
            "national_mood": _real("national_mood", a["national_mood"]),
        }

    # -- chainable setters -------------------------------------------------
    def with_system(self, electoral_system: str) -> ElectionModel:
        """Set the electoral system (``FPTP`` or ``PR``); returns self."""
        self.electoral_system = systems.normalize_system(electoral_system)
        return self

    def with_allocation(self, allocation_method: str) -> ElectionModel:
        """Set the PR allocation method; returns self."""
        self.allocation_method = systems.normalize_method(allocation_method)
        return self

    def with_threshold(self, threshold: float) -> ElectionModel:
        """Set the PR legal threshold, a vote share in [0, 1); returns self."""
        self.threshold = _threshold(threshold)
        return self

    def with_temperature(self, temperature: float) -> ElectionModel:
        """Set the logit temperature (> 0); returns self."""
        self.temperature = _temperature(temperature)
        return self

    # -- simulation -----------------------------------------------------------
    def _build_electorate(self) -> None:
        """Draw constituency centres and voter positions (sorted by constituency)."""
        n, c = self.n_voters, self.n_constituencies
        self.constituency_centres = self.rng.normal(0.0, CENTRE_SPREAD, size=(c, 2))
        sizes = np.full(c, n // c, dtype=np.int64)
        sizes[: n % c] += 1
        self.constituency_sizes = sizes
        xy = self.rng.standard_normal((2, n), dtype=np.float32)
        xy *= np.float32(VOTER_SPREAD)
        xy += np.repeat(self.constituency_centres.T.astype(np.float32), sizes, axis=1)
        self.voter_positions = xy  # shape (2, n): row 0 is x, row 1 is y
        self._mean_position = xy.mean(axis=1, dtype=np.float64)
        self._constituency = np.repeat(np.arange(c, dtype=np.int32), sizes)

    def _party_terms(self) -> tuple[np.ndarray, np.ndarray]:
        """Positions (P, 2) and the voter-independent part of utility (P,)."""
        pos = np.array([p["position"] for p in self.parties], dtype=np.float64)
        incumbent = np.array([p["incumbent"] for p in self.parties], dtype=np.float64)
        valence = np.array([p["valence"] for p in self.parties], dtype=np.float64)
        swing = GROWTH_WEIGHT * self.economic_growth - self.anti_incumbency + self.national_mood
        return pos, valence + incumbent * swing - np.sum(pos**2, axis=1)

    def _count_votes(self, pos: np.ndarray, const: np.ndarray) -> np.ndarray:
        """Simulate turnout and choices; return vote counts of shape (C, P)."""
        n, n_parties, c = self.n_voters, len(self.parties), self.n_constituencies
        t = self.temperature
        # u_ij + ||v_i||^2 = 2 p_j . v_i + const_j, scaled by 1/T for the logit
        weights = (2.0 * pos / t).astype(np.float32)
        offsets = (const / t).astype(np.float32)
        counts = np.zeros(c * (n_parties + 1), dtype=np.int64)
        keys_base = self._constituency * np.int32(n_parties + 1)
        f32 = np.float32
        for start in range(0, n, _CHUNK):
            stop = min(start + _CHUNK, n)
            xy = self.voter_positions[:, start:stop]
            u_choice, u_turnout = self.rng.random((2, stop - start), dtype=np.float32)
            x, y = xy
            a = np.empty((n_parties, stop - start), dtype=np.float32)
            for j in range(n_parties):  # by hand, not BLAS: single-threaded, same bits everywhere
                np.multiply(x, weights[j, 0], out=a[j])
                a[j] += offsets[j]
                a[j] += weights[j, 1] * y
            best = a.max(axis=0)
            a -= best
            np.exp(a, out=a)
            for j in range(1, n_parties):  # cumulative sums (np.cumsum on axis 0 is slow)
                a[j] += a[j - 1]
            total = a[-1]
            u_choice *= total
            choice = (a[0] < u_choice).astype(np.int32)
            for j in range(1, n_parties - 1):
                choice += a[j] < u_choice
            # turnout: alienation = max(0, ||v||^2 - T * best), indifference from max prob 1/total
            alienation = x * x
            alienation += y * y
            alienation -= f32(t) * best
            np.maximum(alienation, 0, out=alienation)
            propensity = f32(BASE_TURNOUT) - f32(ALIENATION_WEIGHT) * alienation
            propensity -= f32(INDIFFERENCE_WEIGHT * n_parties / (n_parties - 1)) * (1 - 1 / total)
            choice[u_turnout >= propensity] = n_parties
            choice += keys_base[start:stop]
            counts += np.bincount(choice, minlength=counts.size)
        return counts.reshape(c, n_parties + 1)[:, :n_parties]

    def run_election(self) -> dict[str, Any]:
        """Simulate one election and count it.

        Voter positions are drawn once, at construction; each call draws new
        choices and turnout for that electorate from the model's generator.

        Returns
        -------
        dict with ``turnout`` (votes cast / eligible voters), ``gallagher``
        (0-100), ``loosemore_hanby`` (0-100), ``enp_votes``, ``enp_seats``,
        ``vse`` (see :func:`electoral_sim.metrics.vse`; utilities over all
        eligible voters), ``incumbent_vote_share``, ``incumbent_seat_share``
        (NaN without an incumbent), ``party_names``, ``vote_counts``, ``seats``,
        ``vote_shares``, ``seat_shares`` (lists, one entry per party),
        ``winner`` (most seats; ties by votes, then listed order),
        ``constituency_winners`` (FPTP only) and ``n_seats``.
        Metrics that need at least one vote are NaN when nobody voted.
        """
        n_parties, n_seats = len(self.parties), self.n_constituencies
        pos, const = self._party_terms()
        by_constituency = self._count_votes(pos, const)
        votes = by_constituency.sum(axis=0)
        total_votes = int(votes.sum())
        result: dict[str, Any] = {}
        if self.electoral_system == "FPTP":
            winners = systems.fptp_winners(by_constituency, votes)
            seats = np.bincount(winners, minlength=n_parties)
            result["constituency_winners"] = [self.parties[w]["name"] for w in winners]
        else:
            seats = systems.allocate_seats(votes, n_seats, self.allocation_method, self.threshold)
        mean_utility = 2.0 * pos @ self._mean_position + const  # up to a party-independent term
        seat_shares = seats / n_seats
        incumbent = np.array([p["incumbent"] for p in self.parties])
        nan = float("nan")
        if total_votes:
            vote_shares = votes / total_votes
            gallagher = metrics.gallagher_index(votes, seats)
            lh = metrics.loosemore_hanby_index(votes, seats)
            enp_votes = metrics.effective_number_of_parties(votes)
        else:
            vote_shares = np.zeros(n_parties)
            gallagher = lh = enp_votes = nan
        winner = int(np.lexsort((np.arange(n_parties), -votes, -seats))[0])
        result.update(
            turnout=total_votes / self.n_voters,
            gallagher=gallagher,
            loosemore_hanby=lh,
            enp_votes=enp_votes,
            enp_seats=metrics.effective_number_of_parties(seats),
            vse=metrics.vse(mean_utility, seats),
            incumbent_vote_share=float(vote_shares[incumbent].sum()) if incumbent.any() else nan,
            incumbent_seat_share=float(seat_shares[incumbent].sum()) if incumbent.any() else nan,
            party_names=[p["name"] for p in self.parties],
            vote_counts=votes.tolist(),
            seats=seats.tolist(),
            vote_shares=vote_shares.tolist(),
            seat_shares=seat_shares.tolist(),
            winner=self.parties[winner]["name"],
            n_seats=n_seats,
        )
        return result
