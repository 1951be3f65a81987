"""Count real ballots: ``elect(ballots, method, n_seats)``.

``ballots`` maps a ranking (a tuple of candidate names, most preferred
first, possibly truncated) to the number of voters who cast it, e.g.::

    >>> elect({("Ann", "Bob"): 4, ("Bob",): 3, ("Cat", "Bob"): 2}, "irv")
    ['Bob']

The candidates are the names on the ballots. Tie rule: a tie goes to the
candidate with more first preferences, then to the name that sorts first
(``sorted`` order of the strings), so the result never depends on the order
of the ballots.
"""
from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np

from electoral_sim.systems import condorcet, plurality, ranked
from electoral_sim.systems._profile import first_preferences
from electoral_sim.systems.ranked import Round

#: name -> (counting function, takes n_seats)
_METHODS = {
    "plurality": (plurality.plurality, False),
    "two_round": (plurality.two_round, False),
    "irv": (ranked.irv, False),
    "stv": (ranked.stv, True),
    "borda": (ranked.borda, False),
    "schulze": (condorcet.schulze, False),
    "ranked_pairs": (condorcet.ranked_pairs, False),
    "copeland": (condorcet.copeland, False),
    "minimax": (condorcet.minimax, False),
    "sntv": (plurality.sntv, True),
}
METHODS = tuple(_METHODS)
_ROUNDS = {"irv": ranked.irv_rounds, "stv": ranked.stv_rounds}


def elect(ballots: Mapping[tuple[str, ...], float], method: str, n_seats: int = 1) -> list[str]:
    """Winners of ``ballots`` under ``method``, in order of election.

    Parameters
    ----------
    ballots : mapping ranking tuple of names -> count (a non-negative int or float).
    method : one of ``METHODS`` (case-insensitive, '-' = '_'): plurality,
        two_round, irv, stv, borda, schulze, ranked_pairs, copeland, minimax, sntv.
        Only stv and sntv fill more than one seat.
    n_seats : seats to fill.

    Raises
    ------
    ValueError for an unknown method, malformed ballots or counts, no votes,
    ``n_seats`` outside 1..number of candidates, or ``n_seats > 1`` with a
    single-winner method.
    """
    key = _method(method, n_seats)
    names, rankings, counts, tie_rank = ballot_profile(ballots)
    _check_seats(n_seats, len(names))
    func, multi = _METHODS[key]
    args = (rankings, counts, len(names), tie_rank) + ((n_seats,) if multi else ())
    return [names[i] for i in func(*args)]


def elect_rounds(
    ballots: Mapping[tuple[str, ...], float], method: str, n_seats: int = 1
) -> tuple[list[str], list[Round]]:
    """Winners and the round-by-round record (:class:`Round`, keyed by name) for irv or stv.

    >>> winners, rounds = elect_rounds({("Ann", "Bob"): 4, ("Bob",): 3, ("Cat", "Bob"): 2}, "irv")
    >>> rounds[0].eliminated, rounds[0].transfers
    (('Cat',), {'Ann': 0, 'Bob': 2})
    """
    key = _method(method, n_seats)
    if key not in _ROUNDS:
        raise ValueError(f"a round-by-round record exists for {', '.join(_ROUNDS)} only, got {method!r}")
    names, rankings, counts, tie_rank = ballot_profile(ballots)
    _check_seats(n_seats, len(names))
    args = (rankings, counts, len(names), tie_rank) + ((n_seats,) if key == "stv" else ())
    winners, rounds = _ROUNDS[key](*args)
    return [names[i] for i in winners], [r.renamed(names) for r in rounds]


def ballot_profile(
    ballots: Mapping[tuple[str, ...], float],
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Turn ``{ranking: count}`` into ``(names, rankings, counts, tie_rank)``.

    ``names`` are sorted; ``rankings`` (K, L) holds indices into ``names``
    padded with -1; ``counts`` is int64 when every count is an integer, else
    float64; ``tie_rank`` puts more first preferences first, then sorted names.
    """
    if not isinstance(ballots, Mapping) or not ballots:
        raise ValueError(f"ballots must be a non-empty mapping ranking tuple -> count, got {ballots!r}")
    for ranking, count in ballots.items():
        if not isinstance(ranking, tuple) or not ranking:
            raise ValueError(f"each ballot must be a non-empty tuple of candidate names, got {ranking!r}")
        if not all(isinstance(n, str) for n in ranking):
            raise ValueError(f"candidate names must be strings, got ballot {ranking!r}")
        if len(set(ranking)) != len(ranking):
            raise ValueError(f"a ballot ranks each candidate at most once, got {ranking!r}")
        if isinstance(count, bool) or not isinstance(count, numbers.Real) or not np.isfinite(count) or count < 0:
            raise ValueError(f"ballot counts must be non-negative numbers, got {count!r} for {ranking!r}")
    names = sorted({n for ranking in ballots for n in ranking})
    index = {n: i for i, n in enumerate(names)}
    length = max(len(r) for r in ballots)
    rankings = np.full((len(ballots), length), -1, dtype=np.int64)
    for row, ranking in enumerate(ballots):
        rankings[row, : len(ranking)] = [index[n] for n in ranking]
    values = list(ballots.values())
    whole = all(isinstance(v, numbers.Integral) for v in values)
    counts = np.array(values, dtype=np.int64 if whole else np.float64)
    if counts.sum() <= 0:
        raise ValueError("ballots hold no votes: every count is 0")
    first = first_preferences(rankings, counts, len(names))
    order = np.lexsort((np.arange(len(names)), -first.astype(np.float64)))
    tie_rank = np.empty(len(names), dtype=np.int64)
    tie_rank[order] = np.arange(len(names))
    return names, rankings, counts, tie_rank


def _method(method: object, n_seats: int) -> str:
    key = method.strip().lower().replace("-", "_") if isinstance(method, str) else None
    if key not in _METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)} (case-insensitive), got {method!r}")
    if not _METHODS[key][1] and n_seats != 1:
        multi = [m for m, (_, takes) in _METHODS.items() if takes]
        raise ValueError(
            f"{key} elects one candidate: n_seats must be 1, got {n_seats!r} (multi-seat methods: {', '.join(multi)})"
        )
    return key


def _check_seats(n_seats: int, n_candidates: int) -> None:
    plurality._check_seats(n_seats, n_candidates)
