"""Ballot profiles: checks and the small helpers every counting function shares.

A ranked profile is ``rankings`` (K, L) int64, one distinct ballot per row,
most preferred first, a truncated ballot padded with -1 after its last ranked
candidate, and ``counts`` (K,) non-negative (int64, or float64 for weighted
ballots). Candidates are 0..P-1. ``tie_rank`` (P,) orders candidates for
every tie: the lower rank wins (equal ranks: the lower index).

Integer counts are summed in float64, which is exact below 2**53 votes; ties
between sums are exact comparisons.
"""
from __future__ import annotations

import numpy as np


def check_profile(
    rankings: np.ndarray, counts: np.ndarray, n_candidates: int, tie_rank: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, int, np.ndarray | None]:
    """Validate a ranked profile; return it as (rankings int64, counts, P, tie_rank int64).

    Raises ValueError naming the bad value. Counts keep an integer dtype when
    given one; anything else becomes float64.
    """
    if isinstance(n_candidates, bool) or not isinstance(n_candidates, (int, np.integer)) or n_candidates < 1:
        raise ValueError(f"n_candidates must be a positive integer, got {n_candidates!r}")
    p = int(n_candidates)
    r = np.asarray(rankings)
    if r.ndim != 2 or r.shape[1] > p or (r.size and r.dtype.kind not in "iu"):
        raise ValueError(
            f"rankings must be a (K, L) integer array with L <= n_candidates={p}, got shape {r.shape}"
        )
    r = r.astype(np.int64, copy=False)
    if r.size:
        low, high = r.min(), r.max()
        if low < -1 or high >= p:
            raise ValueError(f"rankings must hold candidates 0..{p - 1} or -1 (padding)")
        ranked = r >= 0
        if low < 0 and np.any(ranked[:, 1:] > ranked[:, :-1]):
            raise ValueError("rankings: -1 padding must come after a ballot's last ranked candidate")
    c = np.asarray(counts)
    if c.shape != (r.shape[0],):
        raise ValueError(f"counts must have shape ({r.shape[0]},) to match rankings, got {c.shape}")
    if c.dtype.kind not in "iu":
        c = c.astype(np.float64)
        if not np.all(np.isfinite(c)):
            raise ValueError("counts must be finite")
    if c.size and c.min() < 0:
        raise ValueError(f"counts must be non-negative, got minimum {c.min()!r}")
    if tie_rank is not None:
        tie_rank = check_tie_rank(tie_rank, p)
    return r, c, p, tie_rank


def check_tie_rank(tie_rank: np.ndarray, n_candidates: int) -> np.ndarray:
    """Validate a tie order: (P,) integers, lower wins (the model passes a permutation)."""
    t = np.asarray(tie_rank)
    if t.shape != (n_candidates,) or t.dtype.kind not in "iu":
        raise ValueError(f"tie_rank must be an integer array of shape ({n_candidates},), got {tie_rank!r}")
    return t


def tally(top: np.ndarray, counts: np.ndarray, n_bins: int) -> np.ndarray:
    """Sum ``counts`` by the candidate in ``top``; integer dtype kept for integer counts."""
    t = np.bincount(top, weights=counts, minlength=n_bins)
    return t.astype(np.int64) if counts.dtype.kind in "iu" else t


def first_preferences(rankings: np.ndarray, counts: np.ndarray, n_candidates: int) -> np.ndarray:
    """(P,) votes by first preference; blank ballots (a row of -1) count for nobody."""
    if rankings.shape[1] == 0:
        return tally(np.zeros(0, np.int64), counts[:0], n_candidates)
    first = rankings[:, 0]
    return tally(np.where(first < 0, n_candidates, first), counts, n_candidates + 1)[:n_candidates]


def best(values: np.ndarray, tie_rank: np.ndarray, among=None, n: int = 1) -> list[int]:
    """The ``n`` candidates with the largest ``values`` (ties: lower tie_rank, then lower index), best first."""
    v, t = values.tolist(), tie_rank.tolist()
    idx = range(len(v)) if among is None else np.asarray(among).tolist()
    return sorted(idx, key=lambda i: (-v[i], t[i], i))[:n]

