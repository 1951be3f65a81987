"""Seat allocation (electoral_sim.systems): hand-computed cases, properties, errors.

Tie rule (module docstring): ties go to the party with more votes in total,
then to the party listed first.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from electoral_sim.systems import (
    ALLOCATION_METHODS,
    allocate_seats,
    fptp_winners,
    normalize_method,
    normalize_system,
)


def seats(votes, n_seats, method, threshold=0.0):
    out = allocate_seats(votes, n_seats, method, threshold)
    assert out.dtype == np.int64
    return out.tolist()


# ---------------------------------------------------------------------------
# Hand-computed cases
# ---------------------------------------------------------------------------

# A textbook example: 100,000 votes, 10 seats, six parties.
TEXTBOOK = [47_000, 16_000, 15_800, 12_000, 6_100, 3_100]


def test_dhondt_textbook():
    # Divisors 1, 2, 3, ...:
    #   A: 47000, 23500, 15666.7, 11750, 9400, 7833.3
    #   B: 16000, 8000      C: 15800, 7900     D: 12000, 6000
    #   E: 6100             F: 3100
    # Ten largest: 47000 A, 23500 A, 16000 B, 15800 C, 15666.7 A, 12000 D,
    #              11750 A, 9400 A, 8000 B, 7900 C
    # -> A 5, B 2, C 2, D 1, E 0, F 0
    assert seats(TEXTBOOK, 10, "dhondt") == [5, 2, 2, 1, 0, 0]


def test_sainte_lague_textbook():
    # Divisors 1, 3, 5, 7, ...:
    #   A: 47000, 15666.7, 9400, 6714.3, 5222.2
    #   B: 16000, 5333.3    C: 15800, 5266.7    D: 12000, 4000
    #   E: 6100, 2033.3     F: 3100
    # Ten largest: 47000 A, 16000 B, 15800 C, 15666.7 A, 12000 D, 9400 A,
    #              6714.3 A, 6100 E, 5333.3 B, 5266.7 C   (next: 5222.2 A)
    # -> A 4, B 2, C 2, D 1, E 1, F 0
    assert seats(TEXTBOOK, 10, "sainte_lague") == [4, 2, 2, 1, 1, 0]


def test_hare_textbook():
    # Hare quota = 100000 / 10 = 10000.
    #   quotas: 4.70, 1.60, 1.58, 1.20, 0.61, 0.31 -> whole seats 4,1,1,1,0,0 = 7
    #   3 seats left by largest remainder: .70 (A), .61 (E), .60 (B)
    # -> A 5, B 2, C 1, D 1, E 1, F 0
    assert seats(TEXTBOOK, 10, "hare") == [5, 2, 1, 1, 1, 0]


def test_droop_textbook():
    # Droop quota for whole votes = floor(100000 / 11) + 1 = 9090 + 1 = 9091.
    #   quotas: 47000/9091 = 5.170, 16000/9091 = 1.760, 15800/9091 = 1.738,
    #           12000/9091 = 1.320, 6100/9091 = 0.671, 3100/9091 = 0.341
    #   whole seats 5,1,1,1,0,0 = 8; 2 left: .760 (B), .738 (C)
    # -> A 5, B 2, C 2, D 1, E 0, F 0
    assert seats(TEXTBOOK, 10, "droop") == [5, 2, 2, 1, 0, 0]


def test_docstring_example():
    # D'Hondt, 5 seats: 100, 80, 50 (A/2), 40 (B/2), 33.3 (A/3); C's 30 misses.
    assert seats([100, 80, 30], 5, "dhondt") == [3, 2, 0]


def test_droop_fractional_votes_use_exact_quota():
    # Shares are not whole numbers -> quota = V / (S + 1) = 1.0 / 4 = 0.25.
    #   0.55 / 0.25 = 2.2 -> 2, 0.30 / 0.25 = 1.2 -> 1, 0.15 / 0.25 = 0.6 -> 0
    #   3 seats filled by whole quotas, nothing left.
    assert seats([0.55, 0.30, 0.15], 3, "droop") == [2, 1, 0]
    # The whole-vote version of the same election: quota = floor(100 / 4) + 1 = 26.
    #   55 / 26 = 2.115 -> 2, 30 / 26 = 1.154 -> 1, 15 / 26 = 0.577 -> 0  => [2, 1, 0]
    assert seats([55, 30, 15], 3, "droop") == [2, 1, 0]


def test_droop_exact_quota_never_overallocates():
    # Fractional votes, quota = 1.0 / (1 + 1) = 0.5; both parties sit exactly on a
    # quota (1.0 each), which would give 2 seats for 1.  Each then gets
    # ceil(1) - 1 = 0 whole seats with remainder 1; the tie goes to the first listed.
    assert seats([0.5, 0.5], 1, "droop") == [1, 0]


def test_droop_fractional_votes_float_rounding_never_overallocates():
    # Five equal parties with fractional votes v, 24 seats: quota = 5v / 25 = v / 5,
    # so each party sits on exactly 5 quotas (25 > 24 seats).  The documented rule
    # gives each ceil(5) - 1 = 4 whole seats and the 4 remaining seats to the first
    # four listed -> [5, 5, 5, 5, 4].  Floating-point division must not change that.
    assert seats([0.2] * 5, 24, "droop") == [5, 5, 5, 5, 4]
    assert seats([411823.3064905392] * 5, 24, "droop") == [5, 5, 5, 5, 4]


def test_droop_fractional_votes_zero_or_excluded_party_gets_zero_seats():
    # Votes [0.0, 0.5], 1 seat: quota = 0.5 / (1 + 1) = 0.25; B holds exactly 2 quotas
    # (2 > 1 seat), so whole seats are ceil(q) - 1: B 1.  A has no votes and must get
    # 0 seats, not ceil(0) - 1 = -1.  -> [0, 1]
    assert seats([0.0, 0.5], 1, "droop") == [0, 1]
    # Votes [0.1, 0.45, 0.45], threshold 20 %: A is out; valid total 0.9, quota
    # 0.9 / 2 = 0.45; B and C each hold exactly one quota (2 > 1 seat) -> 0 whole
    # seats each, remainder 1 each; tie on remainder and votes -> B.  -> [0, 1, 0]
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
    out = allocate_seats([10, 20, 30], 0, method)
    assert out.tolist() == [0, 0, 0]
    assert out.dtype == np.int64


# -- thresholds -------------------------------------------------------------


def test_threshold_excludes_small_party_hare():
    # No threshold: quota 100 / 10 = 10 -> 4.5, 4.5, 1.0 -> 4, 4, 1 (9 seats);
    #   1 left, remainders .5, .5, 0: A and B tie on remainder and on votes,
    #   so A (listed first) -> [5, 4, 1]
    assert seats([45, 45, 10], 10, "hare") == [5, 4, 1]
    # Threshold 15 %: C (10 %) is out; quota 90 / 10 = 9 -> 5, 5 -> [5, 5, 0]
    assert seats([45, 45, 10], 10, "hare", threshold=0.15) == [5, 5, 0]


def test_threshold_excludes_small_party_dhondt():
    # No threshold, 5 seats: 50 A, 25 A, 20 B, 16.7 A, 15 C -> [3, 1, 1, 0]
    #   (C and D tie at 15 with equal votes; C is listed first)
    assert seats([50, 20, 15, 15], 5, "dhondt") == [3, 1, 1, 0]
    # Threshold 16 %: C and D (15 % each) are out:
    #   50 A, 25 A, 20 B, 16.7 A, 12.5 A -> [4, 1, 0, 0]
    assert seats([50, 20, 15, 15], 5, "dhondt", threshold=0.16) == [4, 1, 0, 0]


def test_threshold_is_inclusive():
    # 25 of 100 votes is exactly a 25 % threshold (all exact in binary).
    # Hare, 4 seats, quota 25: 1.6, 1.4, 1.0 -> 1, 1, 1; 1 left -> A (.6) -> [2, 1, 1]
    assert seats([40, 35, 25], 4, "hare", threshold=0.25) == [2, 1, 1]
    # 26 %: C is out; quota 75 / 4 = 18.75: 2.133, 1.867 -> 2, 1; 1 left -> B -> [2, 2, 0]
    assert seats([40, 35, 25], 4, "hare", threshold=0.26) == [2, 2, 0]


@pytest.mark.parametrize(
    "method, expected",
    [
        # 4 seats among 30, 30, 40; nobody reaches 50 % so the threshold is ignored.
        # D'Hondt: 40 C, 30 A, 30 B, 20 C -> [1, 1, 2]
        ("dhondt", [1, 1, 2]),
        # Sainte-Lague: 40 C, 30 A, 30 B, 13.3 C (vs 10, 10) -> [1, 1, 2]
        ("sainte_lague", [1, 1, 2]),
        # Hare: quota 25 -> 1.2, 1.2, 1.6 -> 1, 1, 1; 1 left -> C (.6) -> [1, 1, 2]
        ("hare", [1, 1, 2]),
        # Droop: quota floor(100 / 5) + 1 = 21 -> 1.43, 1.43, 1.90 -> 1, 1, 1;
        #   1 left -> C (.90) -> [1, 1, 2]
        ("droop", [1, 1, 2]),
    ],
)
def test_threshold_nobody_reaches_is_ignored(method, expected):
    assert seats([30, 30, 40], 4, method, threshold=0.5) == expected
    assert seats([30, 30, 40], 4, method, threshold=0.5) == seats([30, 30, 40], 4, method)


# -- ties ---------------------------------------------------------------------


@pytest.mark.parametrize("method", ["dhondt", "sainte_lague"])
def test_highest_average_tie_goes_to_more_votes(method):
    # D'Hondt, 2 seats, votes [30, 60]: 60 (B), then 30 (A/1) ties 30 (B/2);
    #   B has more votes -> [0, 2] even though A is listed first.
    # Sainte-Lague, 2 seats, votes [20, 60]: 60 (B), then 20 (A/1) ties 20 (B/3)
    #   -> B again -> [0, 2].
    votes = [30, 60] if method == "dhondt" else [20, 60]
    assert seats(votes, 2, method) == [0, 2]
    # Same elections listed the other way round: still the big party.
    assert seats(votes[::-1], 2, method) == [2, 0]


@pytest.mark.parametrize("method", ALLOCATION_METHODS)
def test_equal_votes_tie_goes_to_listed_first(method):
    # Three equal parties, one seat: every method ties three ways -> first listed.
    assert seats([50, 50, 50], 1, method) == [1, 0, 0]
    # Two seats: first two listed.
    assert seats([50, 50, 50], 2, method) == [1, 1, 0]


def test_dhondt_equal_votes_three_seats():
    # [50, 50, 0], 3 seats: 50 A, 50 B, then 25 (A/2) ties 25 (B/2): equal votes,
    #   A listed first -> [2, 1, 0]
    assert seats([50, 50, 0], 3, "dhondt") == [2, 1, 0]


def test_hare_remainder_tie_goes_to_more_votes():
    # Hare, 3 seats, votes [5, 25]: quota 30 / 3 = 10 -> 0.5, 2.5 -> 0, 2 whole seats;
    #   1 left, remainders .5 and .5 tie -> B (more votes) -> [0, 3]
    assert seats([5, 25], 3, "hare") == [0, 3]
    assert seats([25, 5], 3, "hare") == [3, 0]


def test_droop_remainder_ties():
    # Votes [1, 7], 4 seats: quota floor(8 / 5) + 1 = 2 -> 0.5, 3.5 -> 0, 3;
    #   1 left, remainders .5 and .5 tie -> B (more votes) -> [0, 4]
    assert seats([1, 7], 4, "droop") == [0, 4]
    assert seats([7, 1], 4, "droop") == [4, 0]
    # Votes [12, 4, 4], 3 seats: quota floor(20 / 4) + 1 = 6 -> 2.0, 0.667, 0.667
    #   -> 2, 0, 0; 1 left, B and C tie on remainder and on votes -> B -> [2, 1, 0]
    assert seats([12, 4, 4], 3, "droop") == [2, 1, 0]


# -- FPTP ---------------------------------------------------------------------


def test_fptp_plurality():
    by_c = np.array([[10, 3, 2], [1, 9, 4], [2, 3, 8]])
    assert fptp_winners(by_c, by_c.sum(axis=0)).tolist() == [0, 1, 2]


def test_fptp_tie_goes_to_more_national_votes():
    by_c = np.array([[10, 10, 5], [3, 7, 7], [4, 4, 4], [20, 0, 1]])
    national = by_c.sum(axis=0)  # [37, 21, 17]
    # row 0: A, B tie at 10 -> A (37 > 21)
    # row 1: B, C tie at 7 -> B (21 > 17)
    # row 2: three-way tie -> A
    # row 3: A outright
    assert fptp_winners(by_c, national).tolist() == [0, 1, 0, 0]
    # National votes decide, not listed order: with national [5, 6, 100]
    # row 0: A, B tie -> B (6 > 5); row 1: B, C tie -> C; row 2: -> C; row 3: A
    national = np.array([5, 6, 100])
    assert fptp_winners(by_c, national).tolist() == [1, 2, 2, 0]


def test_fptp_tie_equal_national_votes_goes_to_listed_first():
    by_c = np.array([[4, 4, 4], [0, 6, 6]])
    national = np.array([10, 10, 10])
    # row 0: three-way tie, equal national votes -> A; row 1: B, C tie -> B
    assert fptp_winners(by_c, national).tolist() == [0, 1]
    # equal national totals for B and C but A smaller: row 0 -> B
    assert fptp_winners(by_c, np.array([1, 10, 10])).tolist() == [1, 1]


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

int_votes = st.lists(st.integers(0, 1_000_000), min_size=1, max_size=8)
float_votes = st.lists(
    st.floats(0, 1e6, allow_nan=False, allow_infinity=False), min_size=1, max_size=8
)
methods = st.sampled_from(ALLOCATION_METHODS)
thresholds = st.sampled_from([0.0, 0.03, 0.05, 0.1, 0.2, 0.25, 0.5, 0.9])


@settings(max_examples=150, deadline=None)
@given(votes=st.one_of(int_votes, float_votes), n_seats=st.integers(0, 60), method=methods,
       threshold=thresholds)
@example(votes=[411823.3064905392] * 5, n_seats=24, method="droop", threshold=0.0)  # found by hypothesis
@example(votes=[0.0, 0.5], n_seats=1, method="droop", threshold=0.0)  # found by hypothesis
def test_seats_sum_and_nonnegative_ints(votes, n_seats, method, threshold):
    out = allocate_seats(votes, n_seats, method, threshold)
    assert out.dtype == np.int64
    assert out.shape == (len(votes),)
    assert int(out.sum()) == n_seats
    assert (out >= 0).all()


@settings(max_examples=150, deadline=None)
@given(votes=st.one_of(int_votes, float_votes), n_seats=st.integers(0, 60),
       method=st.sampled_from(["dhondt", "sainte_lague"]), threshold=thresholds)
def test_more_votes_never_fewer_seats(votes, n_seats, method, threshold):
    out = allocate_seats(votes, n_seats, method, threshold)
    for i, vi in enumerate(votes):
        for j, vj in enumerate(votes):
            if vi > vj:
                assert out[i] >= out[j], (votes, out.tolist())


@settings(max_examples=100, deadline=None)
@given(votes=st.one_of(int_votes, float_votes), n_seats=st.integers(1, 60), method=methods,
       threshold=st.sampled_from([0.05, 0.1, 0.2, 0.3]))
@example(votes=[0.1, 0.45, 0.45], n_seats=1, method="droop", threshold=0.2)  # found by hypothesis
def test_parties_below_threshold_get_nothing(votes, n_seats, method, threshold):
    v = np.asarray(votes, dtype=float)
    total = v.sum()
    out = allocate_seats(votes, n_seats, method, threshold)
    below = v < threshold * total
    if total > 0 and not below.all():
        assert (out[below] == 0).all(), (votes, out.tolist())


def _reference(votes: list[int], n_seats: int, method: str, threshold: float) -> list[int]:
    """Slow exact (Fraction) reference for whole-number votes with a positive total."""
    total = sum(votes)
    eligible = [v >= threshold * total for v in votes]  # same float comparison as documented
    if not any(eligible):
        eligible = [True] * len(votes)
    key_tie = lambda i: (-votes[i], i)  # noqa: E731  more votes, then listed order
    out = [0] * len(votes)
    if method in ("dhondt", "sainte_lague"):
        div = (lambda s: s + 1) if method == "dhondt" else (lambda s: 2 * s + 1)
        for _ in range(n_seats):
            best = min(
                (i for i in range(len(votes)) if eligible[i]),
                key=lambda i: (-Fraction(votes[i], div(out[i])),) + key_tie(i),
            )
            out[best] += 1
        return out
    valid = [v if e else 0 for v, e in zip(votes, eligible)]
    vt = sum(valid)
    if n_seats == 0:
        return out
    quota = Fraction(vt, n_seats) if method == "hare" else Fraction(vt // (n_seats + 1) + 1)
    q = [Fraction(v) / quota for v in valid]
    out = [int(x) for x in q]  # floor
    rem = [x - int(x) for x in q]
    left = n_seats - sum(out)
    order = sorted((i for i in range(len(votes)) if eligible[i]), key=lambda i: (-rem[i],) + key_tie(i))
    while left > 0:
        for i in order[:left]:
            out[i] += 1
        left -= min(left, len(order))
    return out


@settings(max_examples=200, deadline=None)
@given(votes=st.lists(st.integers(0, 100_000), min_size=1, max_size=7).filter(lambda v: sum(v) > 0),
       n_seats=st.integers(0, 40), method=methods, threshold=thresholds)
def test_matches_exact_reference(votes, n_seats, method, threshold):
    assert allocate_seats(votes, n_seats, method, threshold).tolist() == _reference(
        votes, n_seats, method, threshold
    )


@settings(max_examples=100, deadline=None)
@given(votes=st.lists(st.integers(0, 100_000), min_size=1, max_size=7).filter(lambda v: sum(v) > 0),
       n_seats=st.integers(1, 40))
def test_hare_satisfies_quota(votes, n_seats):
    # Largest remainder with the Hare quota: each party gets its exact quota
    # v * S / V rounded down or up.
    out = allocate_seats(votes, n_seats, "hare")
    total = sum(votes)
    for v, s in zip(votes, out.tolist()):
        exact = Fraction(v * n_seats, total)
        assert exact.__floor__() <= s <= exact.__ceil__(), (votes, out.tolist())


# ---------------------------------------------------------------------------
# Names and bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, canonical",
    [("dhondt", "dhondt"), ("DHONDT", "dhondt"), ("D'Hondt", "dhondt"), ("Sainte-Lague", "sainte_lague"),
     ("sainte_lague", "sainte_lague"), (" Hare ", "hare"), ("Droop", "droop")],
)
def test_method_names_case_insensitive(name, canonical):
    assert normalize_method(name) == canonical
    assert seats(TEXTBOOK, 10, name) == seats(TEXTBOOK, 10, canonical)


@pytest.mark.parametrize("name, canonical", [("fptp", "FPTP"), ("pr", "PR"), ("Pr", "PR"), ("FPTP", "FPTP"),
                                             ("stv", "STV"), ("Ranked-Pairs", "RANKED_PAIRS"),
                                             ("ranked pairs", "RANKED_PAIRS"), (" star ", "STAR")])
def test_system_names_case_insensitive(name, canonical):
    assert normalize_system(name) == canonical


def test_unknown_method_message():
    with pytest.raises(ValueError) as e:
        allocate_seats([10, 20], 3, "webster_xyz")
    msg = str(e.value)
    assert "webster_xyz" in msg
    for m in ALLOCATION_METHODS:
        assert m in msg


@pytest.mark.parametrize("bad", ["XYZ", "STV2", None, 3])
def test_unknown_system_message(bad):
    with pytest.raises(ValueError) as e:
        normalize_system(bad)
    msg = str(e.value)
    assert repr(bad) in msg and "FPTP" in msg and "PR" in msg


def test_negative_votes_message():
    with pytest.raises(ValueError) as e:
        allocate_seats([10, -3, 5], 3, "dhondt")
    msg = str(e.value)
    assert "-3" in msg and "non-negative" in msg and "votes" in msg


@pytest.mark.parametrize("bad", [[], [[1, 2], [3, 4]], [1.0, float("nan")], [1.0, float("inf")]])
def test_malformed_votes(bad):
    with pytest.raises(ValueError, match="votes"):
        allocate_seats(bad, 3, "dhondt")


@pytest.mark.parametrize("bad", [1.0, 1.5, -0.1, float("nan")])
def test_bad_threshold_message(bad):
    with pytest.raises(ValueError) as e:
        allocate_seats([10, 20], 3, "dhondt", threshold=bad)
    msg = str(e.value)
    assert "threshold" in msg and "[0, 1)" in msg and repr(bad) in msg


@pytest.mark.parametrize("bad", [-1, 2.5, True])
def test_bad_n_seats_message(bad):
    with pytest.raises(ValueError) as e:
        allocate_seats([10, 20], bad, "dhondt")
    msg = str(e.value)
    assert "n_seats" in msg and "non-negative integer" in msg and repr(bad) in msg
