"""Seat allocation: first-past-the-post and proportional representation.

Ties are broken the same way everywhere: in favour of the party with more
votes in total, then the party listed first.
"""
from __future__ import annotations

import numpy as np

ELECTORAL_SYSTEMS = ("FPTP", "PR")
ALLOCATION_METHODS = ("dhondt", "sainte_lague", "hare", "droop")


def normalize_system(name: object) -> str:
    """Return the canonical electoral system name (case-insensitive)."""
    if isinstance(name, str) and name.strip().upper() in ELECTORAL_SYSTEMS:
        return name.strip().upper()
    raise ValueError(
        f"electoral_system must be one of {', '.join(ELECTORAL_SYSTEMS)} "
        f"(case-insensitive), got {name!r}"
    )


def normalize_method(name: object) -> str:
    """Return the canonical allocation method name (case-insensitive, '-' = '_')."""
    if isinstance(name, str):
        key = name.strip().lower().replace("-", "_").replace("'", "")
        if key in ALLOCATION_METHODS:
            return key
    raise ValueError(
        f"allocation_method must be one of {', '.join(ALLOCATION_METHODS)} "
        f"(case-insensitive), got {name!r}"
    )


def tie_order(votes: np.ndarray) -> np.ndarray:
    """Rank of each party in the tie-break order (0 = wins every tie).

    Parties with more votes come first; equal votes keep the listed order.
    """
    order = np.argsort(-np.asarray(votes, dtype=np.float64), kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank


def fptp_winners(votes_by_constituency: np.ndarray, national_votes: np.ndarray) -> np.ndarray:
    """Index of the plurality winner in each constituency.

    Parameters
    ----------
    votes_by_constituency : (C, P) array of vote counts.
    national_votes : (P,) array used to break ties (see module docstring).
    """
    order = np.argsort(tie_order(national_votes))  # party indices in tie order
    return order[np.argmax(votes_by_constituency[:, order], axis=1)]


def allocate_seats(
    votes: np.ndarray, n_seats: int, method: str = "dhondt", threshold: float = 0.0
) -> np.ndarray:
    """Allocate ``n_seats`` proportionally to ``votes``.

    Parameters
    ----------
    votes : array of non-negative vote counts (or shares), one per party.
    n_seats : number of seats to fill (>= 0).
    method : ``dhondt`` and ``sainte_lague`` (highest averages, divisors
        1, 2, 3, ... and 1, 3, 5, ...), ``hare`` and ``droop`` (largest
        remainder with quota V/S, resp. floor(V/(S+1)) + 1 for whole-number
        votes and V/(S+1) otherwise).
    threshold : legal threshold as a fraction of all votes in [0, 1): parties
        below it win no seats. If no party reaches it, it is ignored.

    Returns
    -------
    numpy.ndarray of int64 seats per party, summing to ``n_seats``.

    Examples
    --------
    >>> allocate_seats([100, 80, 30], 5, "dhondt").tolist()
    [3, 2, 0]
    """
    method = normalize_method(method)
    v = np.asarray(votes, dtype=np.float64)
    if v.ndim != 1 or v.size == 0 or not np.all(np.isfinite(v)) or np.any(v < 0):
        raise ValueError(f"votes must be a non-empty 1-D array of non-negative numbers, got {votes!r}")
    if isinstance(n_seats, bool) or not float(n_seats).is_integer() or n_seats < 0:
        raise ValueError(f"n_seats must be a non-negative integer, got {n_seats!r}")
    if not 0.0 <= threshold < 1.0:
        raise ValueError(f"threshold must be in [0, 1), got {threshold!r}")
    n_seats = int(n_seats)
    rank = tie_order(v)
    total = v.sum()
    eligible = v >= threshold * total if total > 0 else np.ones(v.size, bool)
    if not eligible.any():
        eligible[:] = True
    seats = np.zeros(v.size, dtype=np.int64)
    if n_seats == 0:
        return seats
    if method in ("dhondt", "sainte_lague"):
        k = np.arange(n_seats, dtype=np.float64)
        divisors = k + 1 if method == "dhondt" else 2 * k + 1
        quotients = np.where(eligible[:, None], v[:, None] / divisors[None, :], -1.0)
        party = np.repeat(np.arange(v.size), n_seats)
        best = np.lexsort((np.repeat(rank, n_seats), -quotients.ravel()))[:n_seats]
        return np.bincount(party[best], minlength=v.size).astype(np.int64)
    valid = np.where(eligible, v, 0.0)
    total = valid.sum()
    if total == 0:
        quota_seats, remainder = np.zeros(v.size), np.zeros(v.size)
    else:
        if method == "hare":
            quota = total / n_seats
        elif np.all(valid == np.floor(valid)):
            quota = np.floor(total / (n_seats + 1)) + 1
        else:
            quota = total / (n_seats + 1)
        quota_seats = np.floor(valid / quota)
        remainder = valid / quota - quota_seats
    seats[:] = quota_seats
    # the exact Droop quota V/(S+1) can hand out one seat too many when parties
    # sit exactly on quotas: take it back from the smallest remainder
    while seats.sum() > n_seats:
        holders = np.flatnonzero(seats > 0)
        loser = holders[np.lexsort((-rank[holders], remainder[holders]))[0]]
        seats[loser] -= 1
        remainder[loser] += 1.0
    left = n_seats - int(seats.sum())
    remainder = np.where(eligible, remainder, -1.0)
    # one remainder seat per party at most; cycle if more seats than parties remain
    while left > 0:
        take = np.lexsort((rank, -remainder))[: min(left, int(eligible.sum()))]
        seats[take] += 1
        left -= take.size
    return seats
