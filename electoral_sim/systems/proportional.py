"""List proportional representation: seat allocation in exact arithmetic.

Every comparison that decides a seat is exact. Whole-number votes are Python
integers; other votes (shares) are taken at their exact binary floating-point
value (``fractions.Fraction(x)``), so a tie is a tie only when the numbers are
equal, and never an accident of rounding. Ties are broken the same way
everywhere: the party with more votes in total wins, then the party listed
first (:func:`tie_order`).
"""
from __future__ import annotations

import math
from fractions import Fraction
from numbers import Rational
from typing import Union

import numpy as np

ALLOCATION_METHODS = ("dhondt", "sainte_lague", "hare", "droop")
DIVISOR_METHODS = ("dhondt", "sainte_lague")

Number = Union[int, Fraction]


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
    The comparison is exact (Python numbers, not float64).
    """
    values = np.asarray(votes).tolist()
    order = sorted(range(len(values)), key=lambda i: -values[i])  # stable: listed order on ties
    rank = np.empty(len(values), dtype=np.int64)
    rank[order] = np.arange(len(values))
    return rank


def exact_votes(votes: object, name: str = "votes") -> list[Number]:
    """Validate votes and return them as exact numbers (int, else Fraction).

    Raises ValueError unless ``votes`` is a non-empty 1-D sequence of finite,
    non-negative numbers. Whole numbers (also whole floats) become ``int``.
    """
    try:
        arr = np.asarray(votes)
        as_float = arr.astype(np.float64)
    except (TypeError, ValueError, OverflowError):
        arr = as_float = None
    if (as_float is None or arr.ndim != 1 or arr.size == 0 or arr.dtype.kind not in "iufO"
            or not np.all(np.isfinite(as_float)) or np.any(as_float < 0)):
        raise ValueError(f"{name} must be a non-empty 1-D array of non-negative numbers, got {votes!r}")
    if arr.dtype.kind in "iu":
        return arr.tolist()
    if arr.dtype.kind == "f":
        return [int(x) if x.is_integer() else Fraction(x) for x in arr.tolist()]
    out: list[Number] = []
    for x in arr.tolist():  # object arrays: Python ints beyond int64, Fractions, mixed numbers
        if isinstance(x, bool) or not isinstance(x, (int, float, Rational)):
            raise ValueError(f"{name} must be a non-empty 1-D array of non-negative numbers, got {votes!r}")
        if isinstance(x, int):
            out.append(x)
        else:
            f = Fraction(x)
            out.append(f.numerator if f.denominator == 1 else f)
    return out


def threshold_fraction(threshold: object) -> Fraction:
    """A legal threshold as an exact fraction of all votes, in [0, 1).

    A float is read as the decimal it prints as (``0.05`` is exactly 1/20, not
    the binary double just above it), so a party with exactly 5 % of the votes
    reaches a 5 % threshold.
    """
    bad = ValueError(f"threshold must be in [0, 1), got {threshold!r}")
    if isinstance(threshold, (bool, np.bool_, str, bytes)):
        raise bad
    if isinstance(threshold, (int, np.integer, Rational)):
        t = Fraction(int(threshold)) if isinstance(threshold, np.integer) else Fraction(threshold)
    else:
        try:
            x = float(threshold)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise bad from None
        if not math.isfinite(x):
            raise bad
        t = Fraction(repr(x))
    if not 0 <= t < 1:
        raise bad
    return t


def qualifying_parties(
    votes: np.ndarray,
    threshold: float = 0.0,
    district_seats: np.ndarray | None = None,
    waiver_seats: int | None = None,
) -> tuple[np.ndarray, bool]:
    """Parties admitted to the proportional count, and whether the threshold was waived.

    A party qualifies when its votes reach ``threshold`` of all votes
    (``v >= t * V``, exact, inclusive) or, when ``district_seats`` and
    ``waiver_seats`` are given, when it won at least ``waiver_seats`` districts.

    **No party qualifies.** A threshold that excludes every party cannot be
    applied: no seat could be filled. The threshold is then waived, every party
    takes part as if it were 0, and the second return value is True. The
    model reports it as the ``threshold_waived`` metric (1.0), so a sweep over
    thresholds can tell these runs apart instead of seeing disproportionality
    fall silently as the threshold rises past the largest party.

    Returns
    -------
    (qualified, waived): bool array, one per party; bool.
    """
    return _qualifying(exact_votes(votes), threshold_fraction(threshold), district_seats, waiver_seats)


def _qualifying(values: list[Number], t: Fraction, district_seats: np.ndarray | None = None,
                waiver_seats: int | None = None) -> tuple[np.ndarray, bool]:
    bar = t.numerator * sum(values)  # v >= t * V  <=>  v * den >= num * V
    qualified = np.array([v * t.denominator >= bar for v in values], dtype=bool)
    if district_seats is not None and waiver_seats is not None:
        qualified |= np.asarray(district_seats) >= waiver_seats
    if qualified.any():
        return qualified, False
    return np.ones(len(values), dtype=bool), True


def seat_count(n_seats: object, name: str = "n_seats") -> int:
    """Validate a number of seats (a non-negative whole number) and return it as int."""
    if (isinstance(n_seats, (bool, np.bool_)) or not isinstance(n_seats, (int, float, np.integer, np.floating))
            or not math.isfinite(n_seats) or not float(n_seats).is_integer() or n_seats < 0):
        raise ValueError(f"{name} must be a non-negative integer, got {n_seats!r}")
    return int(n_seats)


def allocate_seats(
    votes: np.ndarray, n_seats: int, method: str = "dhondt", threshold: float = 0.0
) -> np.ndarray:
    """Allocate ``n_seats`` proportionally to ``votes``, exactly.

    Parameters
    ----------
    votes : non-negative vote counts (or shares), one per party.
    n_seats : number of seats to fill (>= 0).
    method : ``dhondt`` and ``sainte_lague`` (highest averages, divisors
        1, 2, 3, ... and 1, 3, 5, ...), ``hare`` and ``droop`` (largest
        remainder with quota V/S, resp. floor(V/(S+1)) + 1 for whole-number
        votes and V/(S+1) otherwise; should every party then sit on a whole
        number of quotas, S+1 seats would be handed out, and the seat-holder
        last in the tie order gives one back).
    threshold : legal threshold as a fraction of all votes in [0, 1): parties
        below it win no seats (``v >= t * V`` reaches it; see
        :func:`threshold_fraction`). If no party reaches it, it is waived and
        every party takes part (see :func:`qualifying_parties`).

    Quotients, remainders and the threshold are compared exactly (see the
    module docstring); ties go to more votes, then to the party listed first.
    A largest-remainder count hands out at most one remainder seat per party
    per round (rounds repeat only when more seats remain than parties).

    Returns
    -------
    numpy.ndarray of int64 seats per party, summing to ``n_seats``.

    Examples
    --------
    >>> allocate_seats([100, 80, 30], 5, "dhondt").tolist()
    [3, 2, 0]
    >>> allocate_seats([7, 35], 9, "hare").tolist()  # remainders 1/2 and 1/2: more votes wins
    [1, 8]
    """
    method = normalize_method(method)
    values = exact_votes(votes)
    n_seats = seat_count(n_seats)
    eligible, _ = _qualifying(values, threshold_fraction(threshold))
    rank = tie_order(values)
    if method in DIVISOR_METHODS:
        return _highest_averages(values, eligible, rank, n_seats, method)
    return _largest_remainder(values, eligible, rank, n_seats, method)


def divisor(k: int, method: str) -> int:
    """Divisor for a party's (k+1)-th seat (k = seats it already holds)."""
    return k + 1 if method == "dhondt" else 2 * k + 1


def _highest_averages(values: list[Number], eligible: np.ndarray, rank: np.ndarray, n_seats: int,
                      method: str) -> np.ndarray:
    """The ``n_seats`` largest quotients v / d(k) of eligible parties win.

    Float64 quotients of exactly representable votes are correctly rounded, so
    their order never contradicts the exact order: it can only merge distinct
    values into ties. Quotients strictly above the n-th largest float surely win;
    those equal to it are ordered exactly (Fraction), then by the tie rule.
    """
    seats = np.zeros(len(values), dtype=np.int64)
    if n_seats == 0:
        return seats
    parties = np.flatnonzero(eligible)
    k = np.arange(n_seats, dtype=np.int64)
    div = k + 1 if method == "dhondt" else 2 * k + 1
    quotients = (np.array([float(values[i]) for i in parties])[:, None] / div[None, :]).ravel()
    party = np.repeat(parties, n_seats)
    if all(float(values[i]) == values[i] for i in parties):
        cut = -np.partition(-quotients, n_seats - 1)[n_seats - 1]
        sure = quotients > cut
        tied = np.flatnonzero(quotients == cut)
    else:  # whole votes beyond 2**53: order everything exactly
        sure = np.zeros(quotients.size, dtype=bool)
        tied = np.arange(quotients.size)
    need = n_seats - int(sure.sum())
    if tied.size > need:  # more candidates than seats at the cut: exact order, then the tie rule
        kk = np.tile(k, parties.size)
        tied = np.array(sorted(tied.tolist(), key=lambda e: (-Fraction(values[party[e]]) / int(div[kk[e]]),
                                                             rank[party[e]], kk[e]))[:need], dtype=np.int64)
    winners = np.concatenate([party[sure], party[tied]])
    seats += np.bincount(winners, minlength=len(values))
    return seats


def _largest_remainder(values: list[Number], eligible: np.ndarray, rank: np.ndarray, n_seats: int,
                       method: str) -> np.ndarray:
    """Whole quotas first, then the largest remainders.

    Party i holds ``numer[i] / den`` quotas, with one common denominator, so
    floors and remainders are integer (or Fraction) divisions, exactly.
    """
    n = len(values)
    if n_seats == 0:
        return np.zeros(n, dtype=np.int64)
    valid = [v if e else 0 for v, e in zip(values, eligible)]
    total = sum(valid)
    if total == 0:
        numer, den = [0] * n, 1
    elif method == "hare":  # quota V / S
        numer, den = [v * n_seats for v in valid], total
    elif all(isinstance(v, int) for v in valid):  # quota floor(V / (S + 1)) + 1
        numer, den = valid, total // (n_seats + 1) + 1
    else:  # quota V / (S + 1)
        numer, den = [v * (n_seats + 1) for v in valid], total
    seats = [int(x // den) for x in numer]
    remainder = [x % den for x in numer]
    # the exact Droop quota V/(S+1) hands out S+1 seats when every party sits on
    # a whole number of quotas: the holder last in the tie order gives one back
    while sum(seats) > n_seats:
        loser = min((i for i in range(n) if seats[i] > 0), key=lambda i: (remainder[i], -rank[i]))
        seats[loser] -= 1
        remainder[loser] += den
    left = n_seats - sum(seats)
    order = sorted(np.flatnonzero(eligible).tolist(), key=lambda i: (-remainder[i], rank[i]))
    # one remainder seat per party per round; rounds repeat if more seats than parties remain
    while left > 0:
        for i in order[:left]:
            seats[i] += 1
        left -= min(left, len(order))
    return np.array(seats, dtype=np.int64)
