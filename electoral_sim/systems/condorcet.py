"""Condorcet methods over the pairwise matrix of a ranked profile.

``d[i, j]`` is the number of voters ranking i above j; on a truncated ballot
a ranked candidate is above every unranked one and unranked candidates tie.
Schulze, ranked pairs and minimax measure a pairwise defeat by its winning
votes ``d[i, j]`` (the number of voters in the majority), the usual choice
(Schulze 2011; Wikipedia, "Minimax Condorcet method"). Every tie goes to the
candidate with the lower ``tie_rank``.

Each method comes twice: ``schulze(rankings, counts, n_candidates,
tie_rank)`` on a profile, and ``schulze_from_matrix(d, tie_rank)`` on a
pairwise matrix already computed (e.g. shared with :func:`condorcet_winner`).
"""
from __future__ import annotations

import functools

import numpy as np

from electoral_sim.systems._profile import best, check_profile, check_tie_rank, tally


def pairwise_matrix(rankings: np.ndarray, counts: np.ndarray, n_candidates: int) -> np.ndarray:
    """(P, P) matrix: ``d[i, j]`` = votes ranking i above j (int64 for integer counts).

    Computed as ``d[i, j] = R[i] - A[j, i]``, where R[i] counts the ballots
    ranking i and A[j, i] those ranking both with j above i: one bincount
    over the L(L-1)/2 position pairs of the K distinct ballots.
    """
    r, c, p, _ = check_profile(rankings, counts, n_candidates)
    length = r.shape[1]
    rk = np.where(r < 0, p, r)  # padding -> bin P, dropped below
    above, below = _position_pairs(length)
    codes = (rk[:, above] * (p + 1) + rk[:, below]).ravel()
    both = tally(codes, np.repeat(c, above.size), (p + 1) ** 2).reshape(p + 1, p + 1)[:p, :p]
    ranked = tally(rk.ravel(), np.repeat(c, length), p + 1)[:p]
    d = ranked[:, None] - both.T
    np.fill_diagonal(d, 0)
    return d


@functools.lru_cache(maxsize=64)
def _position_pairs(length: int) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of ballot positions (a, b) with a < b."""
    return np.triu_indices(length, 1)


def condorcet_winner(rankings: np.ndarray, counts: np.ndarray, n_candidates: int) -> int | None:
    """The candidate who beats every other pairwise (``d[i, j] > d[j, i]``), or None."""
    return condorcet_winner_from_matrix(pairwise_matrix(rankings, counts, n_candidates))


def condorcet_winner_from_matrix(d: np.ndarray) -> int | None:
    """:func:`condorcet_winner` on a pairwise matrix."""
    beats = d > d.T
    wins = np.flatnonzero(beats.sum(axis=1) == d.shape[0] - 1)
    return int(wins[0]) if wins.size else None


def schulze(rankings: np.ndarray, counts: np.ndarray, n_candidates: int, tie_rank: np.ndarray) -> list[int]:
    """Schulze (beatpath) method. See :func:`schulze_from_matrix`."""
    return schulze_from_matrix(pairwise_matrix(rankings, counts, n_candidates), tie_rank)


def schulze_from_matrix(d: np.ndarray, tie_rank: np.ndarray) -> list[int]:
    """Schulze method with winning votes.

    A link i -> j has strength ``d[i, j]`` when ``d[i, j] > d[j, i]`` (else
    0); ``p[i, j]`` is the strength of the strongest path (its weakest link),
    found by Floyd-Warshall. Candidates with ``p[i, j] >= p[j, i]`` for every
    j are the potential winners; among several, the lower tie_rank wins.
    Source: Schulze (2011), "A new monotonic, clone-independent, reversal
    symmetric, and Condorcet-consistent single-winner election method",
    Social Choice and Welfare 36.
    """
    tr = check_tie_rank(tie_rank, d.shape[0])
    p = np.where(d > d.T, d, 0)
    for k in range(d.shape[0]):
        p = np.maximum(p, np.minimum(p[:, k : k + 1], p[k : k + 1, :]))
    np.fill_diagonal(p, 0)
    winners = np.flatnonzero(np.all(p >= p.T, axis=1))
    return [int(winners[np.argmin(tr[winners])])]


def ranked_pairs(rankings: np.ndarray, counts: np.ndarray, n_candidates: int, tie_rank: np.ndarray) -> list[int]:
    """Ranked pairs (Tideman). See :func:`ranked_pairs_from_matrix`."""
    return ranked_pairs_from_matrix(pairwise_matrix(rankings, counts, n_candidates), tie_rank)


def ranked_pairs_from_matrix(d: np.ndarray, tie_rank: np.ndarray) -> list[int]:
    """Ranked pairs with winning votes and a tie-breaking ranking.

    Majorities i over j (``d[i, j] > d[j, i]``) are taken from the largest
    ``d[i, j]`` down (equal: fewer votes against first, then the winner with
    the lower tie_rank, then the loser with the higher tie_rank); each is
    locked in unless it would close a cycle with pairs already locked.
    Pairwise ties come last (in the same order), locked in favour of the
    lower tie_rank (the tie-breaking ranking of Zavist & Tideman 1989). The locked pairs then
    order all candidates; the winner is their top. Sources: Tideman (1987),
    "Independence of clones as a criterion for voting rules", Social Choice
    and Welfare 4; Zavist & Tideman (1989), Social Choice and Welfare 6;
    Wikipedia, "Ranked pairs" (sort order).
    """
    n = d.shape[0]
    tr = check_tie_rank(tie_rank, n)
    i, j = np.nonzero(~np.eye(n, dtype=bool))
    win = d[i, j] > d[j, i]
    tied = (d[i, j] == d[j, i]) & (tr[i] < tr[j])
    keep = win | tied
    i, j = i[keep], j[keep]
    order = np.lexsort((-tr[j], tr[i], d[j, i], -d[i, j], ~win[keep]))
    reach = np.eye(n, dtype=bool)  # reach[a, b]: b is below a in the locked order
    for a, b in zip(i[order], j[order]):
        if not reach[b, a]:
            reach |= reach[:, a : a + 1] & reach[b : b + 1, :]
    return [int(np.flatnonzero(reach.all(axis=1))[0])]


def copeland(rankings: np.ndarray, counts: np.ndarray, n_candidates: int, tie_rank: np.ndarray) -> list[int]:
    """Copeland's method. See :func:`copeland_from_matrix`."""
    return copeland_from_matrix(pairwise_matrix(rankings, counts, n_candidates), tie_rank)


def copeland_from_matrix(d: np.ndarray, tie_rank: np.ndarray) -> list[int]:
    """Copeland: most pairwise wins, a pairwise tie counting half (score = 2 wins + ties).

    Ties in score: lower tie_rank. Source: Copeland (1951), "A 'reasonable'
    social welfare function", University of Michigan seminar; Wikipedia,
    "Copeland's method".
    """
    tr = check_tie_rank(tie_rank, d.shape[0])
    off = ~np.eye(d.shape[0], dtype=bool)
    score = 2 * ((d > d.T) & off).sum(axis=1) + ((d == d.T) & off).sum(axis=1)
    return [int(best(score, tr)[0])]


def minimax(rankings: np.ndarray, counts: np.ndarray, n_candidates: int, tie_rank: np.ndarray) -> list[int]:
    """Minimax (Simpson-Kramer). See :func:`minimax_from_matrix`."""
    return minimax_from_matrix(pairwise_matrix(rankings, counts, n_candidates), tie_rank)


def minimax_from_matrix(d: np.ndarray, tie_rank: np.ndarray) -> list[int]:
    """Minimax, winning-votes variant: the smallest worst defeat wins.

    ``score(y, x) = d[y, x]`` if y beats x, else 0; the winner minimises
    ``max_y score(y, x)`` (ties: lower tie_rank). With complete rankings the
    winning-votes, margins and pairwise-opposition variants agree. Sources:
    Simpson (1969), Kramer (1977); Wikipedia, "Minimax Condorcet method"
    (variant 1, "winning votes").
    """
    tr = check_tie_rank(tie_rank, d.shape[0])
    defeat = np.where(d > d.T, d, 0)
    return [int(best(-defeat.max(axis=0), tr)[0])]
