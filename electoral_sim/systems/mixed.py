"""Mixed systems: district seats plus list seats (MMP and parallel voting).

``district_seats[i]`` is the number of districts (constituencies) party ``i``
won; ``list_votes[i]`` its list (party) votes. An entry with no list votes
stands for candidates without a party list (independents): they keep the
districts they won, and those seats are taken off the house before the list
count, as New Zealand's Electoral Act 1993 (s 191) and Germany's Federal
Electoral Act (BWahlG s 6(1)) do. All arithmetic is exact (see
:mod:`electoral_sim.systems.proportional`).
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from electoral_sim.systems.proportional import (
    DIVISOR_METHODS,
    Number,
    allocate_seats,
    divisor,
    exact_votes,
    normalize_method,
    qualifying_parties,
    seat_count,
    tie_order,
)

OVERHANG_RULES = ("keep", "level")


def mmp_qualifying(
    list_votes: np.ndarray, district_seats: np.ndarray, threshold: float = 0.05, waiver_seats: int | None = 1
) -> tuple[np.ndarray, bool]:
    """Parties that take part in the MMP list count, and whether the threshold was waived.

    A party takes part when it has list votes and reaches ``threshold`` of all
    list votes or won at least ``waiver_seats`` districts (``None``: no
    waiver). If no party with list votes qualifies, the threshold is waived
    (every party with list votes takes part) and the flag is True; see
    :func:`~electoral_sim.systems.proportional.qualifying_parties`. If nobody
    has list votes at all, every entry takes part (the list seats then go by
    the tie order).
    """
    votes = exact_votes(list_votes, "list_votes")
    districts = _district_seats(district_seats, len(votes))
    listed = np.array([v > 0 for v in votes], dtype=bool)
    if not listed.any():
        listed[:] = True
    sub, waived = qualifying_parties([v for v, c in zip(votes, listed) if c], threshold,
                                     districts[listed], _waiver(waiver_seats))
    takes_part = np.zeros(len(votes), dtype=bool)
    takes_part[listed] = sub
    return takes_part, waived


def allocate_mixed(
    list_votes: np.ndarray,
    district_seats: np.ndarray,
    n_seats: int,
    method: str = "sainte_lague",
    threshold: float = 0.05,
    waiver_seats: int | None = 1,
    overhang: str = "keep",
    uncompensated: int = 0,
) -> np.ndarray:
    """Mixed-member proportional (MMP): total seats per party.

    1. Parties qualify as in :func:`mmp_qualifying` (threshold of the list
       votes, or ``waiver_seats`` districts; New Zealand: 5 % or 1 electorate).
    2. The house ``n_seats`` (district and list seats together), less the
       districts won by non-qualifying parties and independents, is apportioned
       among the qualifying parties by list votes with ``method``: each party's
       entitlement.
    3. A qualifying party's list seats are ``max(0, entitlement - districts)``.
       Non-qualifying parties and independents keep their districts.
    4. A party that won more districts than its entitlement has overhang seats:
       - ``keep``: it keeps them and the house grows by that many; every other
         party keeps its entitlement (New Zealand, Electoral Act 1993 s 191;
         the 2023 House had 122 seats from 120 on the official count).
       - ``level``: the house grows until no overhang remains: the smallest
         house size n >= the apportioned seats at which every qualifying
         party's entitlement is at least its districts, all parties'
         entitlements recomputed at n (levelling seats, "Ausgleichsmandate",
         of Germany's Federal Electoral Act s 6(5) as amended in 2013 and used
         in the 2013 and 2017 elections; here in one national tier, without
         the Laender). It needs a house-monotone divisor method (``dhondt``
         or ``sainte_lague``); a party without list votes cannot be levelled
         and keeps its districts on top. With ``uncompensated = k > 0`` the
         house grows only until at most k overhang seats remain, which are
         kept without levelling seats: the smallest house size at which the
         qualifying parties' overhang adds up to k or less (Germany's Federal
         Electoral Act s 6(5) as amended in 2020, k = 3, used in 2021: the
         CSU's 3 overhang seats were not compensated and the house was 736).

    Returns
    -------
    numpy.ndarray of int64 total seats per party; their sum is the real house
    size (>= ``n_seats`` less nothing: overhang and levelling only add).

    Examples
    --------
    >>> allocate_mixed([60, 30, 10], [1, 4, 0], 10).tolist()  # B: 3 of 10 by votes, 4 districts
    [6, 4, 1]
    """
    method = normalize_method(method)
    votes = exact_votes(list_votes, "list_votes")
    districts = _district_seats(district_seats, len(votes))
    n_seats = seat_count(n_seats)
    if n_seats < int(districts.sum()):
        raise ValueError(f"n_seats must be at least the number of district seats ({int(districts.sum())}), "
                         f"got {n_seats!r}")
    if not isinstance(overhang, str) or overhang.strip().lower() not in OVERHANG_RULES:
        raise ValueError(f"overhang must be one of {', '.join(OVERHANG_RULES)}, got {overhang!r}")
    overhang = overhang.strip().lower()
    if overhang == "level" and method not in DIVISOR_METHODS:
        raise ValueError(f"overhang='level' needs a divisor method ({', '.join(DIVISOR_METHODS)}): "
                         f"largest remainders are not house-monotone (Alabama paradox), got {method!r}")
    takes_part, _ = mmp_qualifying(votes, districts, threshold, waiver_seats)
    part = np.flatnonzero(takes_part)
    pool = n_seats - int(districts[~takes_part].sum())
    part_votes = [votes[i] for i in part]
    entitled = allocate_seats(part_votes, pool, method)
    if not isinstance(uncompensated, (int, np.integer)) or isinstance(uncompensated, bool) or uncompensated < 0:
        raise ValueError(f"uncompensated must be a whole number >= 0, got {uncompensated!r}")
    if uncompensated and overhang != "level":
        raise ValueError(f"uncompensated={uncompensated} applies only to overhang='level', got {overhang!r}")
    if overhang == "level":
        levelled = _levelled(part_votes, districts[part], entitled, method)
        entitled = _partly_levelled(part_votes, districts[part], pool, levelled, method, int(uncompensated)) \
            if uncompensated else levelled
    total = districts.copy()
    total[part] = np.maximum(entitled, districts[part])
    return total


def allocate_parallel(
    list_votes: np.ndarray,
    district_seats: np.ndarray,
    list_seats: int,
    method: str = "sainte_lague",
    threshold: float = 0.05,
) -> np.ndarray:
    """Parallel voting (mixed-member majoritarian): district seats plus independently allocated list seats.

    ``list_seats`` are apportioned by list votes with ``method`` and
    ``threshold`` exactly as :func:`~electoral_sim.systems.proportional.allocate_seats`
    (which also documents the threshold waiver), without regard to the districts.

    >>> allocate_parallel([60, 30, 10], [1, 4, 0], 5, "dhondt", 0.0).tolist()  # list seats [4, 1, 0]
    [5, 5, 0]
    """
    votes = exact_votes(list_votes, "list_votes")
    districts = _district_seats(district_seats, len(votes))
    return districts + allocate_seats(votes, seat_count(list_seats, "list_seats"), method, threshold)


def _district_seats(district_seats: object, n_parties: int) -> np.ndarray:
    values = exact_votes(district_seats, "district_seats") if np.size(district_seats) else []
    if len(values) != n_parties or not all(isinstance(v, int) for v in values):
        raise ValueError(f"district_seats must be {n_parties} non-negative integers (one per party), "
                         f"got {district_seats!r}")
    return np.array(values, dtype=np.int64)


def _waiver(waiver_seats: object) -> int | None:
    if waiver_seats is None:
        return None
    if (isinstance(waiver_seats, (bool, np.bool_)) or not isinstance(waiver_seats, (int, np.integer))
            or waiver_seats < 1):
        raise ValueError(f"waiver_seats must be a positive integer or None (no waiver), got {waiver_seats!r}")
    return int(waiver_seats)


def _partly_levelled(votes: list[Number], districts: np.ndarray, pool: int, levelled: np.ndarray, method: str,
                     uncompensated: int) -> np.ndarray:
    """Entitlements at the smallest house size >= ``pool`` whose overhang is at most ``uncompensated``.

    Overhang only falls as the house grows (a divisor method is house
    monotone), so the size is found by bisection between ``pool`` and the
    fully levelled house.
    """
    def overhang(n: int) -> tuple[int, np.ndarray]:
        seats = allocate_seats(votes, n, method)
        return int(np.maximum(districts - seats, 0)[np.array(votes) > 0].sum()), seats

    low, high = pool, int(levelled.sum())
    best = levelled
    while low < high:
        mid = (low + high) // 2
        excess, seats = overhang(mid)
        if excess <= uncompensated:
            high, best = mid, seats
        else:
            low = mid + 1
    return best if int(best.sum()) == low else overhang(low)[1]


def _levelled(votes: list[Number], districts: np.ndarray, entitled: np.ndarray, method: str) -> np.ndarray:
    """Entitlements at the smallest house size at which no party's districts exceed them.

    A divisor method gives seats in one global order of the quotients
    v_j / d(k) (ties: more votes, then listed order), and the allocation for a
    house of n seats is the first n of them (house monotonicity). Party i holds
    its m_i districts as soon as its m_i-th quotient is in, so the levelled
    house size is the largest position of these quotients, counted exactly.
    """
    need = [i for i in range(len(votes)) if votes[i] > 0 and districts[i] > entitled[i]]
    if not need:
        return entitled
    rank = tie_order(votes)

    def ahead(x: Fraction, i: int) -> list[int]:
        """Per party j, the number of its quotients ordered before quotient x of party i."""
        out = []
        for j, v in enumerate(votes):
            r = Fraction(v) / x
            below = math.ceil(r) - 1  # largest whole number < r (r > 0), or -1
            if method == "dhondt":  # divisors 1, 2, 3, ...
                greater, equal = max(0, below), int(r.denominator == 1 and r >= 1)
            else:  # divisors 1, 3, 5, ...
                greater, equal = max(0, (below + 1) // 2), int(r.denominator == 1 and r % 2 == 1)
            out.append(greater + (equal if rank[j] < rank[i] else 0))
        return out

    last, last_pos, last_ahead = -1, -1, None
    for i in need:
        before = ahead(Fraction(votes[i]) / divisor(int(districts[i]) - 1, method), i)
        if sum(before) + 1 > last_pos:
            last, last_pos, last_ahead = i, sum(before) + 1, before
    seats = np.array(last_ahead, dtype=np.int64)
    seats[last] += 1
    return seats
