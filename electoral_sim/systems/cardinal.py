"""Cardinal systems on aggregates: approval, score (range) and STAR voting.

The model builds the aggregates in one vectorised pass over the voters:
approval totals (P,), score totals (P,) and, for STAR, ``prefer[i, j]`` =
number of voters scoring i strictly above j. Every tie goes to the candidate
with the lower ``tie_rank``.
"""
from __future__ import annotations

import numpy as np

from electoral_sim.systems._profile import best, check_tie_rank
from electoral_sim.systems.plurality import _check_seats


def approval(totals: np.ndarray, tie_rank: np.ndarray, n_seats: int = 1) -> list[int]:
    """Approval voting: the ``n_seats`` most-approved candidates, most approvals first.

    Source: Brams & Fishburn (1978), "Approval voting", American Political
    Science Review 72.
    """
    return _top(totals, tie_rank, n_seats, "approval totals")


def score(totals: np.ndarray, tie_rank: np.ndarray, n_seats: int = 1) -> list[int]:
    """Score (range) voting: the ``n_seats`` candidates with the highest total score.

    Source: Smith (2000), "Range voting"; Wikipedia, "Score voting".
    """
    return _top(totals, tie_rank, n_seats, "score totals")


def star(score_totals: np.ndarray, prefer: np.ndarray, tie_rank: np.ndarray) -> list[int]:
    """STAR voting (score then automatic runoff).

    The two candidates with the highest total scores are finalists (ties:
    lower tie_rank). The finalist scored strictly higher by more voters wins;
    a runoff tie goes to the finalist with the higher total score, then to
    the lower tie_rank. (The official protocol breaks ties in the scoring
    round by head-to-head results and then five-star counts; we use tie_rank
    there and after the score tie-break, as the aggregates hold no five-star
    counts.) Sources: Wikipedia, "STAR voting"; the Equal Vote Coalition's
    tabulator (github.com/Equal-Vote/star-server, Tabulators/Star.test.ts:
    a runoff tie goes to the finalist with the higher score).
    """
    s = _totals(score_totals, "score_totals")
    tr = check_tie_rank(tie_rank, s.size)
    m = np.asarray(prefer)
    if m.shape != (s.size, s.size) or not np.all(np.isfinite(m)) or np.any(m < 0):
        raise ValueError(f"prefer must be a non-negative ({s.size}, {s.size}) matrix, got shape {m.shape}")
    if s.size == 1:
        return [0]
    a, b = best(s, tr, n=2)
    runoff = np.array([m[a, b], m[b, a]])
    scores = np.array([s[a], s[b]])
    pair = np.array([a, b])
    winner = pair[np.lexsort((tr[pair], -scores, -runoff))[0]]
    return [int(winner)]


def _top(totals: np.ndarray, tie_rank: np.ndarray, n_seats: int, what: str) -> list[int]:
    t = _totals(totals, what)
    tr = check_tie_rank(tie_rank, t.size)
    _check_seats(n_seats, t.size)
    return [int(i) for i in best(t, tr, n=n_seats)]


def _totals(totals: np.ndarray, what: str) -> np.ndarray:
    t = np.asarray(totals)
    if t.ndim != 1 or t.size == 0 or not np.issubdtype(t.dtype, np.number) or not np.all(np.isfinite(t)) or np.any(t < 0):
        raise ValueError(f"{what} must be a non-empty 1-D array of non-negative numbers, got {totals!r}")
    return t
