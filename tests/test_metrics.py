"""Metrics (electoral_sim.metrics): hand-computed cases, properties, errors."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from electoral_sim.metrics import (
    effective_number_of_parties,
    gallagher_index,
    loosemore_hanby_index,
    vse,
)

approx = pytest.approx

# ---------------------------------------------------------------------------
# Hand-computed cases
# ---------------------------------------------------------------------------


def test_gallagher_hand():
    # votes .5 .3 .2, seats 6/10 3/10 1/10 -> differences -.1, 0, .1
    # sum of squares .02, half .01, sqrt .1 -> 10
    assert gallagher_index([50, 30, 20], [6, 3, 1]) == approx(10.0)
    # votes .6 .3 .1, seats 1 0 0 -> differences -.4, .3, .1
    # squares .16 + .09 + .01 = .26, half .13, sqrt .13 = .360555 -> 36.0555
    assert gallagher_index([60, 30, 10], [1, 0, 0]) == approx(100 * math.sqrt(0.13))
    assert gallagher_index([60, 30, 10], [1, 0, 0]) == approx(36.0555, abs=1e-4)
    # docstring: votes .5 .5, seats 1 0 -> squares .25 + .25 = .5, half .25, sqrt .5 -> 50
    assert gallagher_index([50, 50], [1, 0]) == approx(50.0)


def test_loosemore_hanby_hand():
    # |-.1| + 0 + |.1| = .2, half .1 -> 10
    assert loosemore_hanby_index([50, 30, 20], [6, 3, 1]) == approx(10.0)
    # .4 + .3 + .1 = .8, half .4 -> 40 (Gallagher 36.06 < LH 40 here)
    assert loosemore_hanby_index([60, 30, 10], [1, 0, 0]) == approx(40.0)
    # docstring: votes .6 .4, seats 1 0 -> .4 + .4 = .8, half -> 40
    assert loosemore_hanby_index([60, 40], [1, 0]) == approx(40.0)


def test_perfect_proportionality_is_zero():
    assert gallagher_index([40, 40, 20], [4, 4, 2]) == approx(0.0, abs=1e-12)
    assert loosemore_hanby_index([40, 40, 20], [4, 4, 2]) == approx(0.0, abs=1e-12)


def test_maximal_disproportionality_is_100():
    # all votes to A, all seats to B: G = 100 sqrt((1 + 1) / 2) = 100, LH = (1 + 1) / 2 = 100
    assert gallagher_index([1, 0], [0, 1]) == approx(100.0)
    assert loosemore_hanby_index([1, 0], [0, 1]) == approx(100.0)


def test_enp_hand():
    # .5^2 + .3^2 + .2^2 = .25 + .09 + .04 = .38 -> 1 / .38 = 2.631579
    assert effective_number_of_parties([50, 30, 20]) == approx(1 / 0.38)
    assert effective_number_of_parties([50, 30, 20]) == approx(2.631579, abs=1e-6)
    # .25 + .0625 + .0625 = .375 -> 2.6667
    assert effective_number_of_parties([2, 1, 1]) == approx(8 / 3)
    assert effective_number_of_parties([25, 25, 25, 25]) == approx(4.0)
    assert effective_number_of_parties([7, 0, 0]) == approx(1.0)


def test_vse_hand():
    u = [3.0, 1.0, -1.0]  # chance (mean) = 1, best = 3, best - chance = 2
    # all seats to the best party -> (3 - 1) / 2 = 1
    assert vse(u, [1, 0, 0]) == approx(1.0)
    # all seats to the middle party -> (1 - 1) / 2 = 0
    assert vse(u, [0, 1, 0]) == approx(0.0, abs=1e-12)
    # all seats to the worst -> (-1 - 1) / 2 = -1
    assert vse(u, [0, 0, 1]) == approx(-1.0)
    # half A, half B -> outcome 2 -> (2 - 1) / 2 = .5
    assert vse(u, [5, 5, 0]) == approx(0.5)
    # seats 3, 1, 0 of 4 -> .75 * 3 + .25 * 1 = 2.5 -> (2.5 - 1) / 2 = .75
    assert vse(u, [3, 1, 0]) == approx(0.75)
    # seats proportional to a uniform split equal chance -> 0
    assert vse(u, [1, 1, 1]) == approx(0.0, abs=1e-12)
    # docstring example
    assert vse([1.0, 0.0, -1.0], [1, 0, 0]) == approx(1.0)


def test_vse_all_parties_equal_is_one():
    assert vse([2.0, 2.0, 2.0], [0, 1, 0]) == 1.0
    assert vse([-5.0, -5.0], [1, 1]) == 1.0


def test_vse_is_shift_and_scale_invariant():
    u = np.array([3.0, 1.0, -1.0])
    s = [3, 1, 0]
    assert vse(10 * u + 7, s) == approx(vse(u, s))


@pytest.mark.parametrize(
    "fn, args_counts, args_shares",
    [
        (gallagher_index, ([600, 300, 100], [7, 2, 1]), ([0.6, 0.3, 0.1], [0.7, 0.2, 0.1])),
        (loosemore_hanby_index, ([600, 300, 100], [7, 2, 1]), ([0.6, 0.3, 0.1], [0.7, 0.2, 0.1])),
        (effective_number_of_parties, ([600, 300, 100],), ([0.6, 0.3, 0.1],)),
        (vse, ([3.0, 1.0, -1.0], [7, 2, 1]), ([3.0, 1.0, -1.0], [0.7, 0.2, 0.1])),
    ],
)
def test_counts_and_shares_agree(fn, args_counts, args_shares):
    assert fn(*args_counts) == approx(fn(*args_shares), rel=1e-12)
    assert isinstance(fn(*args_counts), float)


def test_numpy_integer_arrays_accepted():
    v = np.array([50, 30, 20], dtype=np.int64)
    s = np.array([6, 3, 1], dtype=np.int64)
    assert gallagher_index(v, s) == approx(10.0)
    assert effective_number_of_parties(s) == approx(1 / 0.46)  # .36 + .09 + .01


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

nonneg = st.floats(0, 1e9, allow_nan=False, allow_infinity=False)


@st.composite
def vote_seat_pairs(draw):
    n = draw(st.integers(1, 8))
    v = draw(st.lists(nonneg, min_size=n, max_size=n).filter(lambda x: sum(x) > 0))
    s = draw(st.lists(st.integers(0, 1000), min_size=n, max_size=n).filter(lambda x: sum(x) > 0))
    return v, s


@given(vote_seat_pairs())
def test_disproportionality_in_range(pair):
    v, s = pair
    g = gallagher_index(v, s)
    lh = loosemore_hanby_index(v, s)
    assert 0.0 <= g <= 100.0 + 1e-9
    assert 0.0 <= lh <= 100.0 + 1e-9
    # least squares never exceeds the L1 measure (sqrt(x/2) <= x/2 ... for these vectors)
    assert g <= lh + 1e-9
    # symmetric in votes and seats
    assert g == approx(gallagher_index(s, v), rel=1e-9, abs=1e-9)


@given(st.lists(nonneg, min_size=1, max_size=10).filter(lambda x: sum(x) > 0))
def test_enp_in_range(shares):
    enp = effective_number_of_parties(shares)
    assert 1.0 - 1e-9 <= enp <= len(shares) + 1e-9
    # cannot exceed the number of parties with a positive share either
    assert enp <= sum(1 for x in shares if x > 0) + 1e-9


@given(st.integers(1, 8).flatmap(lambda n: st.tuples(
    st.lists(st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False), min_size=n, max_size=n),
    st.lists(st.integers(0, 100), min_size=n, max_size=n).filter(lambda x: sum(x) > 0),
)))
def test_vse_at_most_one(args):
    u, s = args
    value = vse(u, s)
    assert math.isfinite(value)
    assert value <= 1.0 + 1e-9
    # the best party holding every seat scores exactly 1
    best = [0] * len(u)
    best[int(np.argmax(u))] = 1
    assert vse(u, best) == approx(1.0)


@given(st.lists(st.floats(-10, 10, allow_nan=False), min_size=2, max_size=8))
def test_vse_uniform_seats_is_zero(u):
    assume(max(u) - np.mean(u) > 1e-3)
    assert vse(u, [1] * len(u)) == approx(0.0, abs=1e-9)


@given(vote_seat_pairs())
def test_disproportionality_by_another_formula(pair):
    # Loosemore-Hanby = the total over-representation, 100 * sum(max(0, s - v)) (shares sum to 1);
    # Gallagher = 100 * Euclidean distance / sqrt(2)
    v, s = pair
    vs, ss = np.array(v) / sum(v), np.array(s) / sum(s)
    assert loosemore_hanby_index(v, s) == approx(100 * np.maximum(0.0, ss - vs).sum(), rel=1e-9, abs=1e-9)
    assert gallagher_index(v, s) == approx(100 * math.dist(vs, ss) / math.sqrt(2), rel=1e-9, abs=1e-9)


@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=10).filter(lambda x: sum(x) > 0))
def test_enp_of_counts_by_another_formula(counts):
    # 1 / sum(p_i^2) = (sum x_i)^2 / sum(x_i^2), exactly in integers
    from fractions import Fraction

    exact = Fraction(sum(counts) ** 2, sum(x * x for x in counts))
    assert effective_number_of_parties(counts) == approx(float(exact), rel=1e-12)


@given(st.integers(2, 8).flatmap(lambda n: st.tuples(
    st.lists(st.floats(-100, 100, allow_nan=False), min_size=n, max_size=n),
    st.lists(st.integers(0, 50), min_size=n, max_size=n).filter(lambda x: sum(x) > 0),
)))
def test_vse_is_the_seat_weighted_mean_of_single_seat_vse(args):
    # VSE of a single winner w is (u_w - mean u) / (max u - mean u); seats mix winners linearly
    u, s = args
    assume(max(u) - np.mean(u) > 1e-6)
    single = [(x - np.mean(u)) / (max(u) - np.mean(u)) for x in u]
    assert vse(u, s) == approx(sum(k * x for k, x in zip(s, single)) / sum(s), rel=1e-9, abs=1e-9)


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("fn", [gallagher_index, loosemore_hanby_index])
@pytest.mark.parametrize(
    "votes, seats, needle",
    [
        ([10, -1], [1, 1], "votes"),
        ([10, 1], [1, -1], "seats"),
        ([0, 0], [1, 1], "votes"),
        ([10, 1], [0, 0], "seats"),
        ([10, float("nan")], [1, 1], "votes"),
        ([10, float("inf")], [1, 1], "votes"),
        ([], [], "votes"),
        ([10, 1, 3], [1, 1], "votes and seats"),
        ([[1, 2], [3, 4]], [[1, 2], [3, 4]], "votes"),
    ],
)
def test_disproportionality_bad_input(fn, votes, seats, needle):
    with pytest.raises(ValueError, match=needle):
        fn(votes, seats)


@pytest.mark.parametrize("bad", [[], [0, 0], [1, -2], [float("nan")], [[1, 2]]])
def test_enp_bad_input(bad):
    with pytest.raises(ValueError, match="shares"):
        effective_number_of_parties(bad)


def test_bad_input_message_shows_value():
    with pytest.raises(ValueError) as e:
        effective_number_of_parties([3, -7])
    assert "-7" in str(e.value) and "non-negative" in str(e.value)


@pytest.mark.parametrize(
    "u, s, needle",
    [
        ([1.0, float("nan")], [1, 0], "utilities"),
        ([1.0, float("inf")], [1, 0], "utilities"),
        ([], [], "utilities"),
        ([1.0, 2.0], [0, 0], "seat_shares"),
        ([1.0, 2.0], [1, -1], "seat_shares"),
        ([1.0, 2.0, 3.0], [1, 0], "utilities and seat_shares"),
    ],
)
def test_vse_bad_input(u, s, needle):
    with pytest.raises(ValueError, match=needle):
        vse(u, s)
