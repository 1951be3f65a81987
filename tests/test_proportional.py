"""List PR seat allocation (electoral_sim.systems.proportional): textbook cases, exact ties,
the threshold rule, properties against a brute-force Fraction implementation, errors.

Tie rule (module docstring): ties go to the party with more votes in total,
then to the party listed first.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from electoral_sim.systems.proportional import (
    ALLOCATION_METHODS,
    allocate_seats,
    normalize_method,
    qualifying_parties,
    threshold_fraction,
    tie_order,
)


def seats(votes, n_seats, method, threshold=0.0):
    out = allocate_seats(votes, n_seats, method, threshold)
    assert out.dtype == np.int64
    return out.tolist()


# ---------------------------------------------------------------------------
# Textbook examples
# ---------------------------------------------------------------------------


def test_dhondt_wikipedia_example():
    # Wikipedia, "D'Hondt method", section Example (230,000 voters, 8 seats; checked via the
    # search tool against a copy of the article): A 100,000, B 80,000, C 30,000, D 20,000.
    # Highest 8 quotients: 100000 A, 80000 B, 50000 A, 40000 B, 33333 A, 30000 C, 26667 B,
    # 25000 A -> A 4, B 3, C 1, D 0.
    assert seats([100_000, 80_000, 30_000, 20_000], 8, "dhondt") == [4, 3, 1, 0]


def test_sainte_lague_same_election():
    # The same election with divisors 1, 3, 5, ...:
    #   A: 100000, 33333, 20000, 14286   B: 80000, 26667, 16000   C: 30000, 10000   D: 20000
    # Highest 8: 100000 A, 80000 B, 33333 A, 30000 C, 26667 B, 20000 A, 20000 D, 16000 B
    # (A/5 and D/1 tie at 20000: both are in). -> A 3, B 3, C 1, D 1
    assert seats([100_000, 80_000, 30_000, 20_000], 8, "sainte_lague") == [3, 3, 1, 1]


@pytest.mark.parametrize("method, expected", [("sainte_lague", [5, 4, 1]), ("hare", [5, 4, 1]),
                                              ("dhondt", [6, 4, 0])])
def test_honikel_worked_examples(method, expected):
    # staatsrecht.honikel.de/en/berechnungsbeispiele-loesungen.htm (German constitutional-law
    # course, worked solutions; checked via the search tool): parties A 6100, B 5000, C 900,
    # 10 seats. Sainte-Lague: 6100, 5000, 2033, 1667, 1220, 1000, 900, 871, 714, 678 ->
    # 5, 4, 1. Largest remainder: 5.08, 4.17, 0.75 -> 5, 4, 0 + C's .75 -> 5, 4, 1.
    # D'Hondt: 6100, 5000, 3050, 2500, 2033, 1667, 1525, 1250, 1220, 1017 -> 6, 4, 0.
    assert seats([6100, 5000, 900], 10, method) == expected


# A textbook example (Wikipedia, "Largest remainder method": 100,000 votes, 10 seats,
# six parties), hand-computed below for all four methods.
TEXTBOOK = [47_000, 16_000, 15_800, 12_000, 6_100, 3_100]


def test_dhondt_textbook():
    # Divisors 1, 2, 3, ...: ten largest: 47000 A, 23500 A, 16000 B, 15800 C, 15666.7 A,
    # 12000 D, 11750 A, 9400 A, 8000 B, 7900 C -> A 5, B 2, C 2, D 1, E 0, F 0
    assert seats(TEXTBOOK, 10, "dhondt") == [5, 2, 2, 1, 0, 0]


def test_sainte_lague_textbook():
    # Divisors 1, 3, 5, ...: ten largest: 47000 A, 16000 B, 15800 C, 15666.7 A, 12000 D,
    # 9400 A, 6714.3 A, 6100 E, 5333.3 B, 5266.7 C (next: 5222.2 A) -> 4, 2, 2, 1, 1, 0
    assert seats(TEXTBOOK, 10, "sainte_lague") == [4, 2, 2, 1, 1, 0]


def test_hare_textbook():
    # Hare quota 10000: 4.70, 1.60, 1.58, 1.20, 0.61, 0.31 -> 4,1,1,1,0,0 = 7;
    # 3 left by largest remainder: .70 (A), .61 (E), .60 (B) -> 5, 2, 1, 1, 1, 0
    assert seats(TEXTBOOK, 10, "hare") == [5, 2, 1, 1, 1, 0]


def test_droop_textbook():
    # Droop quota floor(100000 / 11) + 1 = 9091: 5.170, 1.760, 1.738, 1.320, 0.671, 0.341
    # -> 5,1,1,1,0,0 = 8; 2 left: .760 (B), .738 (C) -> 5, 2, 2, 1, 0, 0
    assert seats(TEXTBOOK, 10, "droop") == [5, 2, 2, 1, 0, 0]


def test_docstring_example():
    # D'Hondt, 5 seats: 100, 80, 50 (A/2), 40 (B/2), 33.3 (A/3); C's 30 misses.
    assert seats([100, 80, 30], 5, "dhondt") == [3, 2, 0]


# ---------------------------------------------------------------------------
# Exact ties (issue 13: float remainders used to decide these)
# ---------------------------------------------------------------------------


def test_hare_exact_tie_issue_13():
    # Quota 42 / 9 = 14/3: A 7 * 9 / 42 = 1.5, B 35 * 9 / 42 = 7.5 -> 1, 7 whole; one seat left,
    # remainders exactly 1/2 and 1/2 -> B (more votes). Float remainders gave [2, 7].
    assert seats([7, 35], 9, "hare") == [1, 8]
    assert seats([35, 7], 9, "hare") == [8, 1]


def test_droop_exact_tie():
    # Quota floor(50 / 10) + 1 = 6: 1/6 -> 0 r 1/6, 49/6 -> 8 r 1/6; one seat left, equal
    # remainders -> B (more votes). Float remainders (0.1666..7 vs 0.1666..07) gave [1, 8].
    assert seats([1, 49], 9, "droop") == [0, 9]


def test_hare_three_way_exact_tie():
    # Quota 12 / 8 = 3/2: 1 -> 2/3, 4 -> 8/3, 7 -> 14/3 -> 0, 2, 4 whole (6); 2 seats left and
    # all three remainders are exactly 2/3 -> C, then B (most votes). Floats gave [1, 2, 5].
    assert seats([1, 4, 7], 8, "hare") == [0, 3, 5]


def test_droop_three_way_exact_tie():
    # Quota floor(12 / 6) + 1 = 3: 1/3, 4/3, 7/3 -> 0, 1, 2 whole (3); 2 left, all remainders
    # exactly 1/3 -> C, then B. Floats gave [1, 1, 3].
    assert seats([1, 4, 7], 5, "droop") == [0, 2, 3]


def test_huge_whole_votes_stay_exact():
    # Beyond 2**53 float64 cannot tell 2**60 + 1 from 2**60. D'Hondt, 1 seat: B has one vote more.
    assert seats([2**60, 2**60 + 1], 1, "dhondt") == [0, 1]
    assert seats([2**60, 2**60 + 1], 1, "sainte_lague") == [0, 1]
    assert tie_order([2**60, 2**60 + 1]).tolist() == [1, 0]


def test_fractional_votes_compared_at_their_exact_value():
    # 0.1 + 0.2 != 0.3 in binary: [0.3, 0.1 + 0.2] are different numbers, 0.1 + 0.2 the larger
    # (0.30000000000000004), so it wins the single D'Hondt seat.
    assert seats([0.3, 0.1 + 0.2], 1, "dhondt") == [0, 1]


def test_droop_fractional_votes_use_exact_quota():
    # Shares -> quota V / (S + 1) = 1.0 / 4 = 0.25: 2.2 -> 2, 1.2 -> 1, 0.6 -> 0; 3 seats filled.
    assert seats([0.55, 0.30, 0.15], 3, "droop") == [2, 1, 0]
    # Whole votes: quota floor(100 / 4) + 1 = 26: 2.115, 1.154, 0.577 -> [2, 1, 0]
    assert seats([55, 30, 15], 3, "droop") == [2, 1, 0]


def test_droop_exact_quota_never_overallocates():
    # Quota 1.0 / 2 = 0.5; both parties hold exactly one quota (2 seats for 1): the holder last
    # in the tie order (equal votes: the one listed last) gives its seat back.
    assert seats([0.5, 0.5], 1, "droop") == [1, 0]
    # Five equal parties, 24 seats: quota 5v / 25 = v / 5, each holds exactly 5 quotas (25 > 24)
    # -> the last listed gives one back -> [5, 5, 5, 5, 4], whatever v is.
    assert seats([0.2] * 5, 24, "droop") == [5, 5, 5, 5, 4]
    assert seats([411823.3064905392] * 5, 24, "droop") == [5, 5, 5, 5, 4]


def test_droop_zero_or_excluded_party_gets_zero_seats():
    # [0.0, 0.5], 1 seat: quota 0.25, B holds 2 quotas and gives one back; A has no votes -> [0, 1]
    assert seats([0.0, 0.5], 1, "droop") == [0, 1]
    # [0.1, 0.45, 0.45], 20 %: A is out; quota 0.9 / 2 = 0.45: B and C hold one quota each
    # (2 > 1 seat): C (last in tie order) gives it back -> [0, 1, 0]
    assert seats([0.1, 0.45, 0.45], 1, "droop", threshold=0.2) == [0, 1, 0]


@pytest.mark.parametrize("method", ALLOCATION_METHODS)
def test_single_party_takes_everything(method):
    assert seats([1234], 7, method) == [7]


@pytest.mark.parametrize("method", ALLOCATION_METHODS)
def test_counts_and_shares_give_same_seats(method):
    votes = np.array(TEXTBOOK, dtype=float)
    assert seats(votes / votes.sum(), 10, method) == seats(TEXTBOOK, 10, method)


@pytest.mark.parametrize("method", ALLOCATION_METHODS)
def test_zero_seats(method):
    assert seats([10, 20, 30], 0, method) == [0, 0, 0]


@pytest.mark.parametrize("method", ALLOCATION_METHODS)
def test_no_votes_at_all_seats_go_by_listed_order(method):
    # Every party ties at 0 votes: divisor methods give every seat to the first listed (its
    # quotients 0/1, 0/2, ... all tie and it is first in the tie order); largest remainder
    # hands one seat per party per round in listed order.
    expected = [4, 0, 0] if method in ("dhondt", "sainte_lague") else [2, 1, 1]
    assert seats([0, 0, 0], 4, method) == expected


# -- ties ---------------------------------------------------------------------


@pytest.mark.parametrize("method", ["dhondt", "sainte_lague"])
def test_highest_average_tie_goes_to_more_votes(method):
    # D'Hondt [30, 60], 2 seats: 60 (B), then 30 (A/1) ties 30 (B/2) -> B has more votes.
    # Sainte-Lague [20, 60], 2 seats: 60 (B), then 20 (A/1) ties 20 (B/3) -> B.
    votes = [30, 60] if method == "dhondt" else [20, 60]
    assert seats(votes, 2, method) == [0, 2]
    assert seats(votes[::-1], 2, method) == [2, 0]


@pytest.mark.parametrize("method", ALLOCATION_METHODS)
def test_equal_votes_tie_goes_to_listed_first(method):
    assert seats([50, 50, 50], 1, method) == [1, 0, 0]
    assert seats([50, 50, 50], 2, method) == [1, 1, 0]


def test_dhondt_equal_votes_three_seats():
    # 50 A, 50 B, then 25 (A/2) ties 25 (B/2): equal votes, A listed first -> [2, 1, 0]
    assert seats([50, 50, 0], 3, "dhondt") == [2, 1, 0]


def test_largest_remainder_ties_go_to_more_votes():
    # Hare [5, 25], 3 seats: quota 10 -> 0.5, 2.5: one seat left, remainders tie -> B
    assert seats([5, 25], 3, "hare") == [0, 3]
    assert seats([25, 5], 3, "hare") == [3, 0]
    # Droop [1, 7], 4 seats: quota floor(8 / 5) + 1 = 2 -> 0.5, 3.5 -> B
    assert seats([1, 7], 4, "droop") == [0, 4]
    # Droop [12, 4, 4], 3 seats: quota 6 -> 2, 2/3, 2/3: B and C tie on everything -> B
    assert seats([12, 4, 4], 3, "droop") == [2, 1, 0]


def test_tie_order():
    assert tie_order([10, 30, 10, 20]).tolist() == [2, 0, 3, 1]
    assert tie_order(np.array([0.5, 0.5])).tolist() == [0, 1]


# ---------------------------------------------------------------------------
# Thresholds (issue 11: a threshold nobody reaches is waived, and says so)
# ---------------------------------------------------------------------------


def test_threshold_excludes_small_party():
    # Hare [45, 45, 10], 10 seats: 4.5, 4.5, 1.0 -> 4, 4, 1 + A (tie on .5 and votes) -> [5, 4, 1];
    # 15 %: C is out, quota 9 -> 5, 5 -> [5, 5, 0]
    assert seats([45, 45, 10], 10, "hare") == [5, 4, 1]
    assert seats([45, 45, 10], 10, "hare", threshold=0.15) == [5, 5, 0]
    # D'Hondt [50, 20, 15, 15], 5 seats: 50, 25, 20, 16.7, 15 (C before D) -> [3, 1, 1, 0];
    # 16 %: C and D out -> 50, 25, 20, 16.7, 12.5 -> [4, 1, 0, 0]
    assert seats([50, 20, 15, 15], 5, "dhondt") == [3, 1, 1, 0]
    assert seats([50, 20, 15, 15], 5, "dhondt", threshold=0.16) == [4, 1, 0, 0]


def test_threshold_is_inclusive_and_decimal():
    # 25 of 100 reaches 25 %: Hare, 4 seats, quota 25: 1.6, 1.4, 1.0 -> 1, 1, 1 + A -> [2, 1, 1]
    assert seats([40, 35, 25], 4, "hare", threshold=0.25) == [2, 1, 1]
    # 26 %: C is out, quota 75 / 4: 2.133, 1.867 -> 2, 1 + B -> [2, 2, 0]
    assert seats([40, 35, 25], 4, "hare", threshold=0.26) == [2, 2, 0]
    # 5 of 100 reaches 5 %: 0.05 means 1/20, not the double 0.05000000000000000277 just above it.
    # D'Hondt [5, 95], 20 seats: B's quotients 95/1 .. 95/18 exceed 5 (18 seats); A's 5/1 ties
    # B's 95/19 = 5 for seats 19 and 20, so both win one -> [1, 19]. Were A excluded: [0, 20].
    assert seats([5, 95], 20, "dhondt", threshold=0.05) == [1, 19]
    assert qualifying_parties([5, 95], 0.05)[0].tolist() == [True, True]
    assert qualifying_parties([7, 93], 0.07)[0].tolist() == [True, True]
    assert qualifying_parties([4999, 95001], 0.05)[0].tolist() == [False, True]
    assert threshold_fraction(0.05) == Fraction(1, 20)
    assert threshold_fraction(0) == 0


@pytest.mark.parametrize("method, expected", [
    # 4 seats among 30, 30, 40; nobody reaches 50 %, so the threshold is waived:
    ("dhondt", [1, 1, 2]),        # 40 C, 30 A, 30 B, 20 C
    ("sainte_lague", [1, 1, 2]),  # 40 C, 30 A, 30 B, 13.3 C
    ("hare", [1, 1, 2]),          # quota 25: 1.2, 1.2, 1.6 -> 1, 1, 1 + C
    ("droop", [1, 1, 2]),         # quota 21: 1.43, 1.43, 1.90 -> 1, 1, 1 + C
])
def test_threshold_nobody_reaches_is_waived_and_flagged(method, expected):
    assert seats([30, 30, 40], 4, method, threshold=0.5) == expected
    assert qualifying_parties([30, 30, 40], 0.5) == (pytest.approx([True] * 3), True)
    # one party reaching it: no waiver, it takes every seat
    assert seats([30, 30, 40], 4, method, threshold=0.4) == [0, 0, 4]
    mask, waived = qualifying_parties([30, 30, 40], 0.4)
    assert mask.tolist() == [False, False, True] and waived is False


def test_threshold_zero_never_waived():
    assert qualifying_parties([0, 0], 0.0)[1] is False
    assert qualifying_parties([3, 0], 0.0)[0].tolist() == [True, True]


def test_waiver_by_districts():
    # 10 % threshold: B (5 %) reaches it only through its 2 districts with waiver_seats=2
    mask, waived = qualifying_parties([95, 5], 0.1, district_seats=[0, 2], waiver_seats=2)
    assert mask.tolist() == [True, True] and not waived
    mask, _ = qualifying_parties([95, 5], 0.1, district_seats=[0, 2], waiver_seats=3)
    assert mask.tolist() == [True, False]


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

int_votes = st.lists(st.integers(0, 1_000_000), min_size=1, max_size=8)
float_votes = st.lists(st.floats(0, 1e6, allow_nan=False, allow_infinity=False), min_size=1, max_size=8)
methods = st.sampled_from(ALLOCATION_METHODS)
thresholds = st.sampled_from([0.0, 0.03, 0.05, 0.1, 0.2, 0.25, 0.5, 0.9])


def reference(votes, n_seats: int, method: str, threshold: float) -> list[int]:
    """Brute force in Fractions, written from the textbook definitions, one seat at a time."""
    v = [Fraction(x) for x in votes]
    total = sum(v)
    t = Fraction(str(threshold))
    eligible = [x >= t * total for x in v]
    if not any(eligible):
        eligible = [True] * len(v)
    tie = lambda i: (-v[i], i)  # noqa: E731  more votes, then listed order
    out = [0] * len(v)
    if method in ("dhondt", "sainte_lague"):
        div = (lambda s: s + 1) if method == "dhondt" else (lambda s: 2 * s + 1)
        for _ in range(n_seats):
            best = min((i for i in range(len(v)) if eligible[i]), key=lambda i: (-v[i] / div(out[i]),) + tie(i))
            out[best] += 1
        return out
    valid = [x if e else Fraction(0) for x, e in zip(v, eligible)]
    vt = sum(valid)
    if n_seats == 0:
        return out
    if vt == 0:
        q = [Fraction(0)] * len(v)
    else:
        whole = all(x.denominator == 1 for x in valid)
        quota = vt / n_seats if method == "hare" else (vt // (n_seats + 1) + 1 if whole else vt / (n_seats + 1))
        q = [x / quota for x in valid]
    out = [int(x) for x in q]  # floor
    rem = [x - int(x) for x in q]
    while sum(out) > n_seats:  # exact Droop: everyone on whole quotas
        loser = max((i for i in range(len(v)) if out[i] > 0), key=tie)
        out[loser] -= 1
        rem[loser] += 1
    left = n_seats - sum(out)
    order = sorted((i for i in range(len(v)) if eligible[i]), key=lambda i: (-rem[i],) + tie(i))
    while left > 0:
        for i in order[:left]:
            out[i] += 1
        left -= min(left, len(order))
    return out


@given(votes=st.one_of(int_votes, float_votes), n_seats=st.integers(0, 60), method=methods, threshold=thresholds)
@example(votes=[411823.3064905392] * 5, n_seats=24, method="droop", threshold=0.0)  # found by hypothesis
@example(votes=[0.0, 0.5], n_seats=1, method="droop", threshold=0.0)  # found by hypothesis
def test_seats_sum_and_nonnegative_ints(votes, n_seats, method, threshold):
    out = allocate_seats(votes, n_seats, method, threshold)
    assert out.dtype == np.int64 and out.shape == (len(votes),)
    assert int(out.sum()) == n_seats and (out >= 0).all()


@given(votes=st.one_of(st.lists(st.integers(0, 100_000), min_size=1, max_size=7), float_votes),
       n_seats=st.integers(0, 40), method=methods, threshold=thresholds)
@example(votes=[7, 35], n_seats=9, method="hare", threshold=0.0)  # issue 13
@example(votes=[1, 49], n_seats=9, method="droop", threshold=0.0)  # Droop tie, floats got it wrong
@example(votes=[1, 4, 7], n_seats=8, method="hare", threshold=0.0)  # three-way tie, floats wrong
@example(votes=[1, 4, 7], n_seats=5, method="droop", threshold=0.0)  # three-way tie, floats wrong
@example(votes=[5, 95], n_seats=20, method="dhondt", threshold=0.05)  # exactly on the threshold
@example(votes=[0.1, 0.45, 0.45], n_seats=1, method="droop", threshold=0.2)  # found by hypothesis
def test_matches_exact_reference(votes, n_seats, method, threshold):
    assert allocate_seats(votes, n_seats, method, threshold).tolist() == reference(votes, n_seats, method, threshold)


@given(votes=st.one_of(int_votes, float_votes), n_seats=st.integers(0, 60), method=methods, threshold=thresholds)
def test_more_votes_never_fewer_seats(votes, n_seats, method, threshold):
    out = allocate_seats(votes, n_seats, method, threshold)
    for i, vi in enumerate(votes):
        for j, vj in enumerate(votes):
            if vi > vj:
                assert out[i] >= out[j], (votes, out.tolist())


@given(votes=int_votes, n_seats=st.integers(0, 40), method=st.sampled_from(["dhondt", "sainte_lague"]),
       threshold=thresholds)
def test_divisor_methods_are_house_monotone(votes, n_seats, method, threshold):
    # One more seat never costs a party a seat (no Alabama paradox).
    a = allocate_seats(votes, n_seats, method, threshold)
    b = allocate_seats(votes, n_seats + 1, method, threshold)
    assert (b >= a).all() and int((b - a).sum()) == 1


@given(data=st.data(), votes=st.lists(st.integers(0, 100_000), min_size=1, max_size=7, unique=True),
       n_seats=st.integers(0, 40), method=methods, threshold=thresholds)
def test_anonymity(data, votes, n_seats, method, threshold):
    # With distinct votes the listed order never decides: relabelling parties relabels seats.
    perm = data.draw(st.permutations(range(len(votes))))
    out = allocate_seats(votes, n_seats, method, threshold)
    permuted = allocate_seats([votes[p] for p in perm], n_seats, method, threshold)
    assert permuted.tolist() == [int(out[p]) for p in perm]


@given(votes=st.lists(st.integers(0, 10_000), min_size=1, max_size=7), n_seats=st.integers(0, 40),
       method=st.sampled_from(["dhondt", "sainte_lague", "hare"]), factor=st.integers(2, 1000),
       threshold=thresholds)
@example(votes=[7, 35], n_seats=9, method="hare", factor=3, threshold=0.0)
def test_scale_invariance(votes, n_seats, method, factor, threshold):
    # Only proportions matter (Droop's whole-vote quota floor(V/(S+1)) + 1 is not scale-free).
    assert (allocate_seats(votes, n_seats, method, threshold).tolist()
            == allocate_seats([factor * v for v in votes], n_seats, method, threshold).tolist())


@given(votes=st.one_of(int_votes, float_votes), n_seats=st.integers(1, 60), method=methods,
       threshold=st.sampled_from([0.05, 0.1, 0.2, 0.3]))
@example(votes=[0.1, 0.45, 0.45], n_seats=1, method="droop", threshold=0.2)  # found by hypothesis
def test_parties_below_threshold_get_nothing_unless_waived(votes, n_seats, method, threshold):
    v = [Fraction(x) for x in votes]
    below = [x < Fraction(str(threshold)) * sum(v) for x in v]
    out = allocate_seats(votes, n_seats, method, threshold)
    waived = qualifying_parties(votes, threshold)[1]
    assert waived == all(below)
    if not waived:
        assert all(s == 0 for s, b in zip(out.tolist(), below) if b), (votes, out.tolist())


@given(votes=st.lists(st.integers(0, 100_000), min_size=1, max_size=7).filter(lambda v: sum(v) > 0),
       n_seats=st.integers(1, 40))
def test_hare_satisfies_quota(votes, n_seats):
    # Each party gets its exact quota v * S / V rounded down or up.
    out = allocate_seats(votes, n_seats, "hare")
    for v, s in zip(votes, out.tolist()):
        exact = Fraction(v * n_seats, sum(votes))
        assert exact.__floor__() <= s <= exact.__ceil__(), (votes, out.tolist())


# ---------------------------------------------------------------------------
# Names and bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name, canonical", [
    ("dhondt", "dhondt"), ("DHONDT", "dhondt"), ("D'Hondt", "dhondt"), ("Sainte-Lague", "sainte_lague"),
    ("sainte_lague", "sainte_lague"), (" Hare ", "hare"), ("Droop", "droop"),
])
def test_method_names_case_insensitive(name, canonical):
    assert normalize_method(name) == canonical
    assert seats(TEXTBOOK, 10, name) == seats(TEXTBOOK, 10, canonical)


def test_unknown_method_message():
    with pytest.raises(ValueError) as e:
        allocate_seats([10, 20], 3, "webster_xyz")
    msg = str(e.value)
    assert "webster_xyz" in msg and all(m in msg for m in ALLOCATION_METHODS)


def test_negative_votes_message():
    with pytest.raises(ValueError) as e:
        allocate_seats([10, -3, 5], 3, "dhondt")
    msg = str(e.value)
    assert "-3" in msg and "non-negative" in msg and "votes" in msg


@pytest.mark.parametrize("bad", [[], [[1, 2], [3, 4]], [1.0, float("nan")], [1.0, float("inf")], ["a", "b"],
                                 [True, False], "12"])
def test_malformed_votes(bad):
    with pytest.raises(ValueError, match="votes"):
        allocate_seats(bad, 3, "dhondt")


@pytest.mark.parametrize("bad", [1.0, 1.5, -0.1, float("nan"), float("inf"), True, "0.05", None])
def test_bad_threshold_message(bad):
    with pytest.raises(ValueError) as e:
        allocate_seats([10, 20], 3, "dhondt", threshold=bad)
    msg = str(e.value)
    assert "threshold" in msg and "[0, 1)" in msg and repr(bad) in msg


@pytest.mark.parametrize("bad", [-1, 2.5, True, float("nan"), "3", None])
def test_bad_n_seats_message(bad):
    with pytest.raises(ValueError) as e:
        allocate_seats([10, 20], bad, "dhondt")
    msg = str(e.value)
    assert "n_seats" in msg and "non-negative integer" in msg and repr(bad) in msg
