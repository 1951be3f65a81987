"""Disproportionality, fragmentation and voter-satisfaction metrics.

Every function accepts counts or shares: inputs are normalised to sum to 1
first, and an input that is negative, non-finite or sums to zero is an error.
"""
from __future__ import annotations

import math

import numpy as np


def _shares(x: np.ndarray, name: str) -> np.ndarray:
    a = np.asarray(x, dtype=np.float64)
    if a.ndim != 1 or a.size == 0 or not np.all(np.isfinite(a)) or np.any(a < 0):
        raise ValueError(f"{name} must be a non-empty 1-D array of non-negative numbers, got {x!r}")
    total = a.sum()
    if total <= 0:
        raise ValueError(f"{name} must have a positive total, got {x!r}")
    return a / total


def _pair(votes, seats) -> tuple[np.ndarray, np.ndarray]:
    v, s = _shares(votes, "votes"), _shares(seats, "seats")
    if v.shape != s.shape:
        raise ValueError(f"votes and seats must have one entry per party, got {v.size} and {s.size}")
    return v, s


def gallagher_index(votes: np.ndarray, seats: np.ndarray) -> float:
    """Gallagher least-squares index, 0 (proportional) to 100.

    ``100 * sqrt(sum((v_i - s_i)**2) / 2)`` with vote and seat shares v, s.

    >>> gallagher_index([50, 50], [1, 0])
    50.0
    """
    v, s = _pair(votes, seats)
    return float(100.0 * np.sqrt(0.5 * np.sum((v - s) ** 2)))


def loosemore_hanby_index(votes: np.ndarray, seats: np.ndarray) -> float:
    """Loosemore-Hanby index, 0 (proportional) to 100: ``100 * sum(|v_i - s_i|) / 2``.

    >>> loosemore_hanby_index([60, 40], [1, 0])
    40.0
    """
    v, s = _pair(votes, seats)
    return float(100.0 * 0.5 * np.sum(np.abs(v - s)))


def effective_number_of_parties(shares: np.ndarray) -> float:
    """Laakso-Taagepera effective number of parties, ``1 / sum(p_i**2)``.

    >>> effective_number_of_parties([25, 25, 25, 25])
    4.0
    """
    p = _shares(shares, "shares")
    return float(1.0 / np.sum(p * p))


def vse(utilities: np.ndarray, seat_shares: np.ndarray) -> float:
    """Voter satisfaction efficiency of an outcome.

    The outcome's utility is the seat-share-weighted mean of the parties'
    mean utilities over the electorate; ``VSE = (U_outcome - U_random) /
    (U_best - U_random)`` with ``U_random`` the mean over parties (a party
    picked at random) and ``U_best`` the best party. 1 means the best party
    holds every seat, 0 means no better than chance; it is negative when the
    outcome is worse than chance. For a single seat this is the usual VSE of
    the winner. When all parties are equally good every outcome scores 1.

    >>> vse([1.0, 0.0, -1.0], [1, 0, 0])
    1.0
    """
    u = np.asarray(utilities, dtype=np.float64)
    if u.ndim != 1 or u.size == 0 or not np.all(np.isfinite(u)):
        raise ValueError(f"utilities must be a non-empty 1-D array of finite numbers, got {utilities!r}")
    s = _shares(seat_shares, "seat_shares")
    if s.shape != u.shape:
        raise ValueError(f"utilities and seat_shares must have one entry per party, got {u.size} and {s.size}")
    chance, best = u.mean(), u.max()
    if best - chance <= 1e-12 * max(1.0, abs(best)):
        return 1.0
    return float((s @ u - chance) / (best - chance))


def condorcet_winners(pairwise: np.ndarray) -> np.ndarray:
    """The Condorcet winner of each constituency, -1 where there is none.

    ``pairwise[c, i, j]`` counts the voters of constituency c who prefer i to
    j; the Condorcet winner beats every other candidate by a strict majority
    of the voters who rank the pair (``pairwise[c, i, j] > pairwise[c, j, i]``).

    >>> condorcet_winners(np.array([[[0, 6, 7], [4, 0, 5], [3, 5, 0]]])).tolist()
    [0]
    """
    d = np.asarray(pairwise)
    if d.ndim != 3 or d.shape[1] != d.shape[2]:
        raise ValueError(f"pairwise must have shape (C, P, P), got {d.shape}")
    beats = d > d.transpose(0, 2, 1)
    is_winner = beats.sum(axis=2) == d.shape[1] - 1
    return np.where(is_winner.any(axis=1), is_winner.argmax(axis=1), -1)


def condorcet_efficiency(winners: np.ndarray, pairwise: np.ndarray) -> float:
    """Share of constituencies with a Condorcet winner in which that candidate won the seat.

    Parameters
    ----------
    winners : (C,) the winner of each single-member constituency.
    pairwise : (C, P, P) pairwise preference counts (see :func:`condorcet_winners`).
        The model counts, among the voters who turned out, who prefers i to j
        by their utilities (sincere preferences, no random draws), so a system
        is scored against the candidate a majority truly prefers to each
        rival, whatever the noise in the ballots it counted.

    Returns NaN when no constituency has a Condorcet winner.

    >>> d = np.array([[[0, 6], [4, 0]], [[0, 5], [5, 0]]])
    >>> condorcet_efficiency(np.array([1, 0]), d)  # a winner only in the first, and it lost
    0.0
    """
    cw = condorcet_winners(pairwise)
    w = np.asarray(winners)
    if w.shape != cw.shape:
        raise ValueError(f"winners must have one entry per constituency ({cw.size}), got shape {w.shape}")
    has = cw >= 0
    return float(np.mean(w[has] == cw[has])) if has.any() else math.nan
