"""The electorate and the vote kernel: positions, turnout, first preferences, ballots."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from electoral_sim.model import ballots
from electoral_sim.model.behaviour import ALIENATION_WEIGHT, INDIFFERENCE_WEIGHT, VOTER_SPREAD
from electoral_sim.model.regions import Geography

_CHUNK = 1 << 15  #: voters per vectorised block (fixed: results depend on it)


@dataclass(frozen=True)
class Electorate:
    """Voters sorted by constituency, constituencies by region."""

    centres: np.ndarray  #: (C, 2) constituency centres
    sizes: np.ndarray  #: (C,) voters per constituency
    positions: np.ndarray  #: (2, n) float32: row 0 is x, row 1 is y
    constituency: np.ndarray  #: (n,) int32 constituency of each voter
    region: np.ndarray  #: (C,) region of each constituency


def draw_electorate(rng: np.random.Generator, n_voters: int, geography: Geography) -> Electorate:
    """Draw constituency centres (around their region's centre) and voter positions."""
    region = geography.region_of
    n, c = n_voters, len(region)
    centres = geography.centres[region] + geography.spreads[region, None] * rng.standard_normal((c, 2))
    sizes = np.full(c, n // c, dtype=np.int64)
    sizes[: n % c] += 1
    xy = rng.standard_normal((2, n), dtype=np.float32)
    xy *= np.float32(VOTER_SPREAD)
    xy += np.repeat(centres.T.astype(np.float32), sizes, axis=1)
    return Electorate(centres, sizes, xy, np.repeat(np.arange(c, dtype=np.int32), sizes), region)


@dataclass(frozen=True)
class PartyTerms:
    """What the parties offer each constituency's voters, apart from closeness."""

    positions: np.ndarray  #: (P, 2) party positions
    const: np.ndarray  #: (C, P) voter-independent utility; -inf where the party does not stand
    turnout: np.ndarray  #: (C,) base turnout propensity

    @property
    def standing(self) -> np.ndarray:
        """(C, P) bool: the party is on the constituency's ballot."""
        return np.isfinite(self.const)


@dataclass
class Ballots:
    """What one election's voters cast, per constituency (only what was asked for)."""

    votes: np.ndarray  #: (C, P) first preferences
    pairwise: np.ndarray | None = None  #: (C, P, P) sincere pairwise counts
    profiles: list[tuple[np.ndarray, np.ndarray]] | None = None  #: per constituency (rankings, counts)
    approvals: np.ndarray | None = None  #: (C, P)
    scores: np.ndarray | None = None  #: (C, P)
    prefer: np.ndarray | None = None  #: (C, P, P) voters scoring i above j


def _logit_block(xy: np.ndarray, weights: np.ndarray, off: np.ndarray, b, w, t: float, keep_utilities: bool):
    """One block of voters: cumulative logit weights (P, m), utilities / T (or None), best, turnout propensity.

    ``a[j]`` is the sum over parties k <= j of ``exp(u_k / T - best)``, so
    ``a[-1]`` is the total and party j's probability is ``(a[j] - a[j-1]) / a[-1]``;
    the propensity is not clipped (a voter turns out with probability
    ``clip(propensity, 0, 1)``).
    """
    n_parties, m = len(weights), xy.shape[1]
    x, y = xy
    a = np.empty((n_parties, m), dtype=np.float32)
    for j in range(n_parties):  # by hand, not BLAS: single-threaded, same bits everywhere
        np.multiply(x, weights[j, 0], out=a[j])
        a[j] += off[j]
        a[j] += weights[j, 1] * y
    best = a.max(axis=0)
    a -= best
    s = a.copy() if keep_utilities else None  # utilities / T, the voter's best at 0
    np.exp(a, out=a)
    for j in range(1, n_parties):  # cumulative sums (np.cumsum on axis 0 is slow)
        a[j] += a[j - 1]
    total = a[-1]
    # turnout: alienation = max(0, ||v||^2 - T * best), indifference from max prob 1/total
    f32 = np.float32
    alienation = x * x
    alienation += y * y
    alienation -= f32(t) * best
    np.maximum(alienation, 0, out=alienation)
    propensity = b - f32(ALIENATION_WEIGHT) * alienation
    propensity -= w * (1 - 1 / total)
    return a, s, best, propensity


def _block_terms(offsets, base, indifference, uniform: bool, seg: ballots.Segments):
    """The utility offsets (P, m or 1), base turnout and indifference weight of a block's voters."""
    if uniform:  # one set of terms for every voter
        return offsets[0][:, None], base[0], indifference[0]
    lengths = np.diff(np.append(seg.starts, seg.n))
    return (np.repeat(offsets[seg.c0:seg.stop].T, lengths, axis=1), np.repeat(base[seg.c0:seg.stop], lengths),
            np.repeat(indifference[seg.c0:seg.stop], lengths))


def _kernel_terms(terms: PartyTerms, t: float):
    """Per-constituency terms of the kernel, in its float32 arithmetic, and whether they are all equal."""
    weights = (2.0 * terms.positions / t).astype(np.float32)
    offsets = (terms.const / t).astype(np.float32)  # (C, P)
    n_standing = terms.standing.sum(axis=1)
    base = terms.turnout.astype(np.float32)
    indifference = (INDIFFERENCE_WEIGHT * n_standing / (n_standing - 1)).astype(np.float32)
    uniform = bool((offsets == offsets[0]).all() and (base == base[0]).all())
    return weights, offsets, base, indifference, uniform


def expected_votes(electorate: Electorate, terms: PartyTerms, t: float) -> np.ndarray:
    """(C, P) expected first preferences per constituency: the kernel's probabilities, no draws.

    Each voter contributes ``P(turns out) * P(chooses j)``; the election's
    vote counts scatter around these by the binomial noise of the draws.
    """
    weights, offsets, base, indifference, uniform = _kernel_terms(terms, t)
    c, n = len(electorate.sizes), electorate.positions.shape[1]
    ends = np.cumsum(electorate.sizes)
    out = np.zeros((c, len(weights)), dtype=np.float64)
    for start in range(0, n, _CHUNK):
        stop = min(start + _CHUNK, n)
        seg = ballots.segments(electorate.constituency, start, stop, ends)
        off, b, w = _block_terms(offsets, base, indifference, uniform, seg)
        a, _, _, propensity = _logit_block(electorate.positions[:, start:stop], weights, off, b, w, t, False)
        p = np.diff(a, axis=0, prepend=0) / a[-1]
        p *= np.clip(propensity, 0, 1)
        out[seg.c0:seg.stop] += np.add.reduceat(p.astype(np.float64), np.minimum(seg.starts, seg.n - 1), axis=1).T \
            * (np.diff(np.append(seg.starts, seg.n)) > 0)[:, None]
    return out


def cast_ballots(
    electorate: Electorate,
    terms: PartyTerms,
    t: float,
    rng: np.random.Generator,
    ballot_rng: np.random.Generator | None = None,
    need: frozenset[str] = frozenset(),
) -> Ballots:
    """Simulate turnout and choices; return the ballots.

    Parameters
    ----------
    terms : the parties' positions and, per constituency, the voter-independent
        part of utility and the base turnout propensity.
    t : the logit temperature.
    rng : draws choices and turnout (two float32 uniforms per voter, in blocks).
    ballot_rng : draws what ``need`` asks for beyond first preferences.
    need : any of ``"pairwise"`` (sincere pairwise counts, no draws), ``"rankings"``
        and ``"cardinal"`` (both from one Gumbel draw per voter and party).

    A party that does not stand in a constituency has utility -inf there: it
    gets no vote and sits below every party that stands on each ranking and
    score. Constituencies that differ in nothing take the same arithmetic as
    one national set of terms, so an electorate without regions gives the
    same bits as before regions existed.
    """
    n = electorate.positions.shape[1]
    n_parties, c = len(terms.positions), len(electorate.sizes)
    # u_ij + ||v_i||^2 = 2 p_j . v_i + const_j, scaled by 1/T for the logit
    weights, offsets, base, indifference, uniform = _kernel_terms(terms, t)
    everyone_stands = bool(terms.standing.all())
    counts = np.zeros(c * (n_parties + 1), dtype=np.int64)
    keys_base = electorate.constituency * np.int32(n_parties + 1)
    ends = np.cumsum(electorate.sizes)
    pairwise = ballots.Pairwise(c, n_parties) if "pairwise" in need else None
    rankings = ballots.Rankings(c, n_parties) if "rankings" in need else None
    cardinal = ballots.Cardinal(c, n_parties) if "cardinal" in need else None
    for start in range(0, n, _CHUNK):
        stop = min(start + _CHUNK, n)
        xy = electorate.positions[:, start:stop]
        u_choice, u_turnout = rng.random((2, stop - start), dtype=np.float32)
        seg = ballots.segments(electorate.constituency, start, stop, ends)
        off, b, w = _block_terms(offsets, base, indifference, uniform, seg)
        a, s, best, propensity = _logit_block(xy, weights, off, b, w, t, keep_utilities=bool(need))
        total = a[-1]
        if not everyone_stands:  # a draw of exactly 0 must not land on a leading party that does not stand
            np.maximum(u_choice, np.finfo(np.float32).tiny, out=u_choice)
        u_choice *= total
        choice = (a[0] < u_choice).astype(np.int32)
        for j in range(1, n_parties - 1):
            choice += a[j] < u_choice
        choice[u_turnout >= propensity] = n_parties
        if need:  # the ballots of the voters who voted
            voted = choice < n_parties
            if rankings is None and cardinal is None:  # abstainers prefer nobody: equal utilities
                if everyone_stands:
                    s *= voted
                else:  # -inf * 0 would be NaN
                    s[:, ~voted] = 0
                pairwise.add(s, seg)
            else:  # the voters who voted only, so that no draw is wasted on the others
                s, vseg = np.compress(voted, s, axis=1), seg.compress(voted)
                if pairwise is not None:
                    pairwise.add(s, vseg)
                perceived, first = ballots.perceive(s, ballot_rng), choice[voted]
                for builder in (rankings, cardinal):
                    if builder is not None:
                        builder.add(perceived, first, vseg)
        choice += keys_base[start:stop]
        counts += np.bincount(choice, minlength=counts.size)
    out = Ballots(counts.reshape(c, n_parties + 1)[:, :n_parties])
    if pairwise is not None:
        out.pairwise = pairwise.counts
    if rankings is not None:
        out.profiles = rankings.profiles()
    if cardinal is not None:
        out.approvals, out.scores, out.prefer = cardinal.approvals, cardinal.scores, cardinal.prefer
    return out
