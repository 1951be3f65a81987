"""Plurality family: first past the post, the two-round system, SNTV.

All functions count a ranked profile (see ``_profile``): only first
preferences matter, except in the two-round runoff, which is counted on the
same ranked ballots (each ballot supports whichever finalist it ranks
higher; a ballot ranking neither abstains). Every tie goes to the candidate
with the lower ``tie_rank``.
"""
from __future__ import annotations

import numpy as np

from electoral_sim.systems._profile import best, check_profile, first_preferences
from electoral_sim.systems.proportional import tie_order


def plurality(rankings: np.ndarray, counts: np.ndarray, n_candidates: int, tie_rank: np.ndarray) -> list[int]:
    """First past the post: the candidate with the most first preferences.

    Source: the simple plurality rule (e.g. Cox 1997, *Making Votes Count*).

    Returns
    -------
    list with the single winner's index.
    """
    r, c, p, tr = check_profile(rankings, counts, n_candidates, tie_rank)
    return [int(best(first_preferences(r, c, p), tr)[0])]


def sntv(
    rankings: np.ndarray, counts: np.ndarray, n_candidates: int, tie_rank: np.ndarray, n_seats: int
) -> list[int]:
    """Single non-transferable vote: the ``n_seats`` candidates with most first preferences.

    Source: Cox 1997, *Making Votes Count* (SNTV as used in Japan until 1994).

    Returns
    -------
    list of winners in order of election (most votes first).
    """
    r, c, p, tr = check_profile(rankings, counts, n_candidates, tie_rank)
    _check_seats(n_seats, p)
    return [int(i) for i in best(first_preferences(r, c, p), tr, n=n_seats)]


def two_round(rankings: np.ndarray, counts: np.ndarray, n_candidates: int, tie_rank: np.ndarray) -> list[int]:
    """Two-round system: a majority of valid first preferences wins, else a top-two runoff.

    A candidate with more than half of the non-blank first preferences wins
    outright. Otherwise the two candidates with most first preferences (ties:
    lower tie_rank) meet in a runoff counted on the same ranked ballots: each
    ballot supports the finalist it ranks higher (a ranked candidate beats an
    unranked one); a ballot ranking neither abstains. Voters do not change
    their minds between rounds. Source: the French presidential rule
    (Constitution, art. 7).

    Returns
    -------
    list with the single winner's index.
    """
    r, c, p, tr = check_profile(rankings, counts, n_candidates, tie_rank)
    first = first_preferences(r, c, p)
    a, b = (best(first, tr, n=2) + [None])[:2]
    if b is None or 2 * first[a] > first.sum():
        return [int(a)]
    pos_a, pos_b = _position(r, a), _position(r, b)
    runoff = np.array([c[pos_a < pos_b].sum(), c[pos_b < pos_a].sum()])
    return [[a, b][int(best(runoff, tr[[a, b]])[0])]]


def fptp_winners(votes_by_constituency: np.ndarray, national_votes: np.ndarray) -> np.ndarray:
    """Index of the plurality winner in each constituency.

    Ties go to the party with more votes in total, then the party listed first.

    Parameters
    ----------
    votes_by_constituency : (C, P) array of vote counts.
    national_votes : (P,) array used to break ties.
    """
    order = np.argsort(tie_order(national_votes))  # party indices in tie order
    return order[np.argmax(votes_by_constituency[:, order], axis=1)]


def _position(rankings: np.ndarray, candidate: int) -> np.ndarray:
    """(K,) position of ``candidate`` on each ballot; L (after every ranked one) if unranked."""
    hit = rankings == candidate
    return np.where(hit.any(axis=1), hit.argmax(axis=1), rankings.shape[1])


def _check_seats(n_seats: int, n_candidates: int) -> None:
    if isinstance(n_seats, bool) or not isinstance(n_seats, (int, np.integer)) or not 1 <= n_seats <= n_candidates:
        raise ValueError(f"n_seats must be an integer in 1..{n_candidates} (the number of candidates), got {n_seats!r}")
