"""System names and first-past-the-post (electoral_sim.systems).

List PR allocation is tested in tests/test_proportional.py, mixed systems in
tests/test_mixed.py. Tie rule: ties go to the party with more votes
nationally, then to the party listed first.
"""
from __future__ import annotations

import numpy as np
import pytest

from electoral_sim.systems import fptp_winners, normalize_system


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
# Names
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name, canonical", [("fptp", "FPTP"), ("pr", "PR"), ("Pr", "PR"), ("FPTP", "FPTP"),
                                             ("stv", "STV"), ("Ranked-Pairs", "RANKED_PAIRS"),
                                             ("ranked pairs", "RANKED_PAIRS"), (" star ", "STAR")])
def test_system_names_case_insensitive(name, canonical):
    assert normalize_system(name) == canonical


@pytest.mark.parametrize("bad", ["XYZ", "STV2", None, 3])
def test_unknown_system_message(bad):
    with pytest.raises(ValueError) as e:
        normalize_system(bad)
    msg = str(e.value)
    assert repr(bad) in msg and "FPTP" in msg and "PR" in msg
