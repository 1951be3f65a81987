"""Ranked ballots counted in rounds (IRV, STV) and by points (Borda).

Profiles as in ``_profile``: ``rankings`` (K, L) with -1 padding, ``counts``
(K,), ``tie_rank`` (P,) (lower wins every tie). Each round works on the K
distinct ballots at once: a ballot's current candidate is its first ranked
candidate still in the count.

``irv`` and ``stv`` return the winners; ``irv_rounds`` and ``stv_rounds``
return ``(winners, rounds)`` with one :class:`Round` per round of the count,
in the manner of votekit's round-by-round records.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from electoral_sim.systems._profile import best, check_profile, check_tie_rank, tally
from electoral_sim.systems.plurality import _check_seats

#: STV transfer values are kept to 5 decimal places, rounded down (Scottish STV rules, SSI 2007/42 rule 48(3)).
STV_DECIMALS = 5


@dataclass(frozen=True)
class Round:
    """One round of an IRV or STV count.

    Attributes
    ----------
    number : 1 for the first round.
    tallies : votes of every candidate still in the count at the start of the round.
    elected, eliminated : candidates elected or eliminated in this round.
    transfers : votes each candidate still in the count gains from this round's
        transfer (an eliminated candidate's ballots, or elected candidates'
        surpluses); empty in the last round.
    exhausted : votes that this round's transfer could not pass on (no further
        preference among the candidates left).
    threshold : IRV: half the continuing votes (a winner needs more than this);
        STV: the Droop quota.
    """

    number: int
    tallies: dict[Any, Any]
    elected: tuple = ()
    eliminated: tuple = ()
    transfers: dict[Any, Any] = field(default_factory=dict)
    exhausted: Any = 0
    threshold: Any = 0

    def renamed(self, names: list) -> "Round":
        """The same round with candidate indices replaced by ``names[i]``."""
        return Round(
            self.number,
            {names[i]: v for i, v in self.tallies.items()},
            tuple(names[i] for i in self.elected),
            tuple(names[i] for i in self.eliminated),
            {names[i]: v for i, v in self.transfers.items()},
            self.exhausted,
            self.threshold,
        )


def irv(rankings: np.ndarray, counts: np.ndarray, n_candidates: int, tie_rank: np.ndarray) -> list[int]:
    """Instant-runoff voting (alternative vote). See :func:`irv_rounds`."""
    return irv_rounds(rankings, counts, n_candidates, tie_rank, record=False)[0]


def irv_rounds(
    rankings: np.ndarray, counts: np.ndarray, n_candidates: int, tie_rank: np.ndarray, record: bool = True
) -> tuple[list[int], list[Round]]:
    """Instant-runoff voting with a round-by-round record.

    Each round, every ballot counts for its highest-ranked candidate still in
    the count. A candidate with more than half of the continuing (not
    exhausted) votes wins; otherwise the candidate with the fewest votes is
    eliminated, one per round (ties: the higher tie_rank goes). The last
    candidate left wins. Source: FairVote / Ballotpedia, "Ranked-choice
    voting (RCV)"; Wikipedia, "Instant-runoff voting" (majority of continuing
    ballots, as in most US RCV statutes).

    Returns
    -------
    ([winner], rounds); ``rounds`` is empty when ``record`` is False. Votes
    are ints for integer counts, floats otherwise.
    """
    r, c, p, tr = check_profile(rankings, counts, n_candidates, tie_rank)
    count, rank = _Count(r, p), tr.tolist()
    cont = list(range(p))
    history: list[tuple[np.ndarray, list, tuple, tuple]] = []
    while True:
        t = count.tallies(c)
        v = t.tolist()
        lead = min(cont, key=lambda i: (-v[i], rank[i], i))
        if 2 * v[lead] > sum(v[i] for i in cont) or len(cont) == 1:
            history.append((t, cont, (lead,), ()))
            break
        loser = max(cont, key=lambda i: (-v[i], rank[i], i))
        history.append((t, cont, (), (loser,)))
        count.active[loser] = False
        cont = [i for i in cont if i != loser]
    if not record:
        return [lead], []
    to_votes = int if c.dtype.kind in "iu" else float
    return [lead], _rounds(history, p, [float(h[0][:p].sum() / 2) for h in history], to_votes)


def stv(
    rankings: np.ndarray, counts: np.ndarray, n_candidates: int, tie_rank: np.ndarray, n_seats: int
) -> list[int]:
    """Single transferable vote. See :func:`stv_rounds`."""
    return stv_rounds(rankings, counts, n_candidates, tie_rank, n_seats, record=False)[0]


def stv_rounds(
    rankings: np.ndarray,
    counts: np.ndarray,
    n_candidates: int,
    tie_rank: np.ndarray,
    n_seats: int,
    record: bool = True,
) -> tuple[list[int], list[Round]]:
    """Single transferable vote: Droop quota, weighted inclusive Gregory transfers.

    - Quota (Droop): ``floor(V / (n_seats + 1)) + 1`` for whole-number counts,
      where V is the number of non-blank ballots; a candidate is elected on
      reaching it. For weighted (non-integer) counts the exact Droop quota
      ``V / (n_seats + 1)`` is used and must be exceeded.
    - Each round, every candidate at or over the quota is elected (most votes
      first); their surpluses are transferred together: every ballot an elected
      candidate holds (including ballots it received by transfer) passes to the
      next continuing preference at ``value * surplus / total`` (the weighted
      inclusive Gregory method). Transfers skip elected and eliminated
      candidates.
    - Otherwise the candidate with the fewest votes is eliminated (ties: the
      higher tie_rank goes) and its ballots pass on at their current value.
    - When the candidates left are no more than the seats left, they are all
      elected (most votes first), so every seat is filled even when ballots
      exhaust.

    Arithmetic is exact for whole-number counts: ballot values are integers in
    units of 10**-5 vote and transfer values are rounded down to 5 decimal
    places, as in the Scottish STV rules (Scottish Local Government Elections
    Order 2007, SSI 2007/42, schedule 1, rule 48(3)), so the few votes below
    10**-5 per ballot are lost; every quota comparison is between integers.
    Weighted counts, and electorates of 4.6e8 ballots or more (where int64
    would overflow), use float64 with the exact Droop quota V / (n_seats + 1). Unlike the Scottish rules, simultaneous
    surpluses move in one round (not largest first) and ties follow tie_rank
    (not earlier stages, then lot).
    Sources: the Scottish STV counting rules (SSI 2007/42, schedule 1,
    rules 40-54: Droop quota, weighted inclusive Gregory transfers, last
    vacancies filled by the continuing candidates); Wikipedia, "Counting
    single transferable votes" (Gregory method) and "Single transferable
    vote" (the food-election example in the tests).

    Returns
    -------
    (winners in order of election, rounds); vote figures in the rounds are
    Fractions for whole-number counts, floats otherwise.
    """
    r, c, p, tr = check_profile(rankings, counts, n_candidates, tie_rank)
    _check_seats(n_seats, p)
    blank = r[:, 0] < 0 if r.shape[1] else np.ones(r.shape[0], bool)
    total = c[~blank].sum()
    exact = c.dtype.kind in "iu" or bool(np.all(c == np.floor(c)))
    unit = 10**STV_DECIMALS
    if exact and int(total) * unit**2 >= 2**62:  # ballot value x surplus must fit in int64
        exact = False
    if exact:
        value = np.full(r.shape[0], unit, dtype=np.int64)  # value of one ballot, in 1e-5 votes
        weights = c.astype(np.int64)
        quota = (int(total) // (n_seats + 1) + 1) * unit
    else:
        value = np.ones(r.shape[0])
        weights = c.astype(np.float64)
        quota = float(total) / (n_seats + 1)
    count, rank = _Count(r, p), tr.tolist()
    cont = list(range(p))
    elected: list[int] = []
    history: list[tuple[np.ndarray, list, tuple, tuple]] = []
    while len(elected) < n_seats:
        t = count.tallies(weights * value)
        v = t.tolist()
        left = n_seats - len(elected)
        order = sorted(cont, key=lambda i: (-v[i], rank[i], i))
        if len(cont) <= left:
            new = tuple(order)
        elif exact:
            new = tuple(i for i in order if v[i] >= quota)[:left]
        else:
            new = tuple(i for i in order if v[i] > quota)[:left]
        if new:
            elected += new
            history.append((t, cont, new, ()))
            count.active[list(new)] = False
            cont = [i for i in cont if i not in new]
            if len(elected) < n_seats:
                moving = np.isin(count.top, new)
                held = t[count.top[moving]]
                if exact:
                    held = held.astype(np.int64)
                    value[moving] = value[moving] * (held - quota) // held
                else:
                    value[moving] = value[moving] * (held - quota) / held
        else:
            loser = order[-1]
            history.append((t, cont, (), (loser,)))
            count.active[loser] = False
            cont = order[:-1]
    if not record:
        return elected, []
    to_votes = (lambda x: Fraction(int(x), unit)) if exact else float
    return elected, _rounds(history, p, [quota] * len(history), to_votes)


def borda(rankings: np.ndarray, counts: np.ndarray, n_candidates: int, tie_rank: np.ndarray) -> list[int]:
    """Borda count: the candidate with the most points wins.

    A ballot gives P-1 points to its first choice, P-2 to its second, and so
    on down to 0 for a P-th choice; on a truncated ballot the ranked
    candidates keep these points and unranked candidates get 0. Ties: lower
    tie_rank. Source: Borda (1781); Wikipedia, "Borda count" (the Tennessee
    example: Nashville 194, Chattanooga 173, Memphis 126, Knoxville 107).

    Returns
    -------
    list with the single winner's index.
    """
    return [int(best(borda_scores(rankings, counts, n_candidates), check_tie_rank(tie_rank, n_candidates))[0])]


def borda_scores(rankings: np.ndarray, counts: np.ndarray, n_candidates: int) -> np.ndarray:
    """(P,) Borda points (see :func:`borda`)."""
    r, c, p, _ = check_profile(rankings, counts, n_candidates)
    ranked = r >= 0
    points = (p - 1 - np.arange(r.shape[1]))[None, :] * c[:, None]
    return tally(r[ranked], points[ranked].astype(c.dtype), p)


class _Count:
    """Which candidate each distinct ballot currently counts for."""

    def __init__(self, rankings: np.ndarray, n_candidates: int):
        p = self.p = n_candidates
        # padding -1 -> P (never in the count); a last column P+1 (always in) collects exhausted ballots
        rk = np.where(rankings < 0, p, rankings)
        self.rk = np.concatenate([rk, np.full((rk.shape[0], 1), p + 1)], axis=1)
        self.flat = self.rk.ravel()
        self.row_start = np.arange(rk.shape[0]) * self.rk.shape[1]
        self.active = np.ones(p + 2, dtype=bool)
        self.active[p] = False
        self.top = np.zeros(0, np.int64)

    def tallies(self, weights: np.ndarray) -> np.ndarray:
        """(P+2,) float64 votes per candidate (exact for integer weights below 2**53); [P+1]: exhausted."""
        self.top = self.flat[self.row_start + self.active[self.rk].argmax(axis=1)]
        return np.bincount(self.top, weights=weights, minlength=self.p + 2)


def _rounds(history: list, p: int, thresholds: list, to_votes) -> list[Round]:
    """Build Round records; transfers are the next round's tallies minus this round's."""
    rounds = []
    for i, (t, cont, elected, eliminated) in enumerate(history):
        if i + 1 < len(history):
            nxt, nxt_cont = history[i + 1][0], history[i + 1][1]
            transfers = {int(j): to_votes(nxt[j] - t[j]) for j in nxt_cont}
            exhausted = to_votes(nxt[p + 1] - t[p + 1])
        else:
            transfers, exhausted = {}, to_votes(0)
        rounds.append(
            Round(
                number=i + 1,
                tallies={int(j): to_votes(t[j]) for j in cont},
                elected=elected,
                eliminated=eliminated,
                transfers=transfers,
                exhausted=exhausted,
                threshold=thresholds[i] if isinstance(thresholds[i], float) else to_votes(thresholds[i]),
            )
        )
    return rounds
