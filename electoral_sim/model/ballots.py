"""Ballots from the voters' utilities, aggregated per constituency in one pass.

The vote kernel (:mod:`electoral_sim.model.electorate`) hands the voters of
every block who voted to the builders here (the pairwise counts may also
take every voter, abstainers with equal utilities), with ``s`` (P, m): each voter's
utilities divided by the temperature, shifted so that the voter's best party
is at 0, and ``first`` (m,): the first preference drawn by the multinomial
logit. A builder adds the block's ballots to per-constituency aggregates;
nothing per voter is kept.

Rankings (Plackett-Luce)
    A voter's ranking starts with the logit first preference; the later places
    follow the "Gumbel race" over the remaining parties: party j gets the
    perceived utility ``s_j + G_j`` with ``G_j`` a standard Gumbel draw, and
    the remaining parties are ranked by it. Given the first preference this is
    exactly the Plackett-Luce distribution with weights ``exp(u_j / T)``, whose
    first place is the logit choice (Luce 1959; Yellott 1977). The draws come
    from the ballot generator, a stream apart from the one that draws first
    preferences and turnout, so they never move those.

Truncation
    A ballot lists the top ``min(P - 1, RANKING_DEPTH)`` preferences; when that
    is P - 1 the last place is implied and the ranking is complete (up to six
    parties). With more parties each ballot ranks its top five and leaves the
    rest unranked, so a profile has at most ``P! / (P - 5)!`` distinct ballots
    per constituency. Ranked ballots support up to ``MAX_RANKED_PARTIES`` (24)
    parties.

Approvals and scores
    Cardinal ballots read the same perceived utilities, with the first
    preference raised to the top, so they agree with the ranking: a voter
    approves every party whose perceived utility is at least the mean of their
    perceived utilities over all parties (always their first preference), and
    scores each party 0..5 by rescaling it linearly between their worst (0)
    and best (5) party, rounded half to even (a voter indifferent between all
    parties scores them all 0). At low temperature these are the sincere rules
    on the utilities themselves.

Sincere pairwise counts
    For the Condorcet winner, ``pairwise[c, i, j]`` counts the voters of
    constituency c who voted and strictly prefer i to j by their utilities
    (no draws).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RANKING_DEPTH = 5  #: preferences listed per ballot beyond six parties (complete rankings up to six)
MAX_SCORE = 5  #: scores run 0..MAX_SCORE
DENSE_BINS = 1 << 22  #: profiles with at most this many (constituency, ballot) keys are counted densely
_FIRST = np.float32(1e30)  #: perceived utility that puts the first preference on top (finite)
_TINY = np.float32(1e-30)  #: floor of the exponential draws, so their log is finite
_FEW = 16  #: blocks spanning at most this many constituencies count by slices, more by reduceat
_ONE_SEGMENT = np.zeros(1, dtype=np.int64)
MAX_RANKED_PARTIES = 24  #: ballot keys must fit int64: 6**24 < 2**63


@dataclass(frozen=True)
class Segments:
    """The constituencies ``c0 .. c0 + len(starts) - 1`` of ``n`` consecutive voters.

    ``starts`` are offsets of each constituency's first voter (a constituency
    may have none among them, so two starts can be equal).
    """

    c0: int
    starts: np.ndarray
    n: int

    @property
    def stop(self) -> int:
        return self.c0 + len(self.starts)

    @property
    def local(self) -> np.ndarray:
        """(n,) each voter's constituency minus c0."""
        return np.repeat(np.arange(len(self.starts), dtype=np.int64), np.diff(np.append(self.starts, self.n)))

    @property
    def few(self) -> bool:
        """Few enough constituencies to count by slices."""
        return len(self.starts) <= _FEW

    def count(self, mask: np.ndarray) -> np.ndarray:
        """(n,) bool -> (n_segments,) number of True per constituency (few segments)."""
        if len(self.starts) == 1:
            return np.count_nonzero(mask)
        bounds = [*self.starts.tolist(), self.n]
        return np.array([np.count_nonzero(mask[a:b]) for a, b in zip(bounds[:-1], bounds[1:])])

    def sums(self, rows: np.ndarray) -> np.ndarray:
        """(k, n) bool or integers -> (n_segments, k) sums per constituency."""
        if self.few:
            bounds = [*self.starts.tolist(), self.n]
            return np.array([rows[:, a:b].sum(axis=1, dtype=np.int64) for a, b in zip(bounds[:-1], bounds[1:])])
        out = np.zeros((rows.shape[0], len(self.starts)), dtype=np.int64)
        if self.n:  # reduceat returns the element at an empty segment's start: zero those
            empty = np.diff(np.append(self.starts, self.n)) == 0
            out[:] = np.add.reduceat(rows, np.minimum(self.starts, self.n - 1), axis=1, dtype=np.int64)
            out[:, empty] = 0
        return out.T

    def compress(self, keep: np.ndarray) -> Segments:
        """The segments of the voters where ``keep`` (n,) is True."""
        if len(self.starts) == 1:
            return Segments(self.c0, self.starts, int(np.count_nonzero(keep)))
        before = np.concatenate([[0], np.cumsum(keep, dtype=np.int64)])
        return Segments(self.c0, before[self.starts], int(before[-1]))


def segments(constituency: np.ndarray, start: int, stop: int, ends: np.ndarray) -> Segments:
    """The segments of voters ``start:stop`` (sorted by ``constituency``; ``ends``: cumulative sizes)."""
    c0, c1 = int(constituency[start]), int(constituency[stop - 1])
    starts = _ONE_SEGMENT if c0 == c1 else np.concatenate([[0], ends[c0:c1] - start])
    return Segments(c0, starts, stop - start)


def ranking_length(n_parties: int) -> int:
    """Preferences listed per ballot: ``min(P - 1, RANKING_DEPTH)`` (the P-th is implied)."""
    return min(n_parties - 1, RANKING_DEPTH)


class Pairwise:
    """Sincere pairwise counts (C, P, P): voters who voted and prefer i to j."""

    def __init__(self, n_constituencies: int, n_parties: int) -> None:
        self.i, self.j = np.nonzero(~np.eye(n_parties, dtype=bool))
        self.counts = np.zeros((n_constituencies, n_parties, n_parties), dtype=np.int64)

    def add(self, s: np.ndarray, seg: Segments) -> None:
        """Count ``s`` (P, m), each voter's utilities (all equal for a voter who prefers nobody)."""
        rows = np.empty((1 if seg.few else len(self.i), s.shape[1]), dtype=bool)
        for q, (i, j) in enumerate(zip(self.i, self.j)):
            better = rows[0 if seg.few else q]
            np.greater(s[i], s[j], out=better)
            if seg.few:  # one pair at a time: the row stays in cache
                self.counts[seg.c0:seg.stop, i, j] += seg.count(better)
        if not seg.few:
            self.counts[seg.c0:seg.stop, self.i, self.j] += seg.sums(rows)


def perceive(s: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Perceived utilities ``s + G`` (P, m), G standard Gumbel (as -log of an exponential)."""
    e = rng.standard_exponential(s.shape, dtype=np.float32)
    np.maximum(e, _TINY, out=e)
    np.log(e, out=e)
    np.subtract(s, e, out=e)
    return e


class Rankings:
    """Ranked ballots counted per (constituency, distinct ballot).

    A ballot's key holds, for each party j, its place clamped to L (L =
    unranked) as the base-(L + 1) digit j: ``sum_j min(place_j, L) * (L + 1)**j``.
    """

    def __init__(self, n_constituencies: int, n_parties: int) -> None:
        p, length = n_parties, ranking_length(n_parties)
        self.n_constituencies, self.n_parties, self.length = n_constituencies, p, length
        self.base = length + 1
        self.space = self.base**p  #: distinct keys per constituency
        self.dense = n_constituencies * self.space <= DENSE_BINS
        if self.dense:
            self.counts = np.zeros(n_constituencies * self.space, dtype=np.int64)
        else:  # per constituency: (distinct keys, counts) of each block
            self.parts: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in range(n_constituencies)]

    def add(self, perceived: np.ndarray, first: np.ndarray, seg: Segments) -> None:
        p, m = perceived.shape
        g = perceived.copy()
        g[first, np.arange(m)] = _FIRST
        # place of each party: parties ahead of it (ties to the lower index, so places are a permutation)
        place = np.zeros((p, m), dtype=np.int8)
        for j in range(p):
            for k in range(p):
                if k < j:
                    place[j] += g[k] >= g[j]
                elif k > j:
                    place[j] += g[k] > g[j]
        if self.length < p - 1:
            np.minimum(place, self.length, out=place)
        key = place[p - 1].astype(np.int64)
        for j in range(p - 2, -1, -1):
            key *= self.base
            key += place[j]
        if self.dense:
            span = len(seg.starts) * self.space
            key += seg.local * self.space
            self.counts[seg.c0 * self.space:seg.c0 * self.space + span] += np.bincount(key, minlength=span)
        else:
            bounds = [*seg.starts.tolist(), m]
            for q, (a, b) in enumerate(zip(bounds[:-1], bounds[1:])):
                self.parts[seg.c0 + q].append(np.unique(key[a:b], return_counts=True))

    def profiles(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per constituency: (rankings (K, L) int64, counts (K,) int64), one row per distinct ballot."""
        return [self._decode(*self._constituency(c)) for c in range(self.n_constituencies)]

    def _constituency(self, c: int) -> tuple[np.ndarray, np.ndarray]:
        """Distinct keys of constituency ``c`` and their counts."""
        if self.dense:
            counts = self.counts[c * self.space:(c + 1) * self.space]
            keys = np.flatnonzero(counts)
            return keys, counts[keys]
        keys, inverse = np.unique(np.concatenate([k for k, _ in self.parts[c]]), return_inverse=True)
        counts = np.bincount(inverse, weights=np.concatenate([n for _, n in self.parts[c]]))
        return keys, counts.astype(np.int64)

    def _decode(self, keys: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p = self.n_parties
        places = (keys[:, None] // self.base ** np.arange(p, dtype=np.int64)) % self.base
        listed = p if self.length == p - 1 else self.length  # a complete ranking lists the implied last
        return np.argsort(places, axis=1, kind="stable")[:, :listed].astype(np.int64), counts


class Cardinal:
    """Approval totals, score totals (C, P) and STAR's ``prefer`` (C, P, P) per constituency."""

    def __init__(self, n_constituencies: int, n_parties: int) -> None:
        c, p = n_constituencies, n_parties
        self.i, self.j = np.nonzero(~np.eye(p, dtype=bool))
        self.approvals = np.zeros((c, p), dtype=np.int64)
        self.scores = np.zeros((c, p), dtype=np.int64)
        self.prefer = np.zeros((c, p, p), dtype=np.int64)

    def add(self, perceived: np.ndarray, first: np.ndarray, seg: Segments) -> None:
        p, m = perceived.shape
        h = perceived.copy()
        top = h.max(axis=0)
        h[first, np.arange(m)] = top
        on_ballot = np.isfinite(h)  # -inf: the party does not stand there
        if on_ballot.all():
            approve = h >= h.mean(axis=0)
            low = h.min(axis=0)
        else:  # the mean and the worst over the parties on the voter's ballot
            approve = on_ballot & (h >= np.where(on_ballot, h, 0).sum(axis=0) / on_ballot.sum(axis=0))
            low = np.where(on_ballot, h, np.inf).min(axis=0)
            h[~on_ballot] = np.broadcast_to(low, h.shape)[~on_ballot]
        span = top - low
        span[span <= 0] = 1  # indifferent voters: every party scores 0
        h -= low
        h *= np.float32(MAX_SCORE) / span
        score = np.rint(h).astype(np.int8)
        rows = slice(seg.c0, seg.stop)
        self.approvals[rows] += seg.sums(approve)
        self.scores[rows] += seg.sums(score)
        self.prefer[rows, self.i, self.j] += seg.sums(score[self.i] > score[self.j])
