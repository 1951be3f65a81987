"""Counting functions over ballot profiles and elect() on real ballots.

Literature examples (each cites its source), invariants between methods,
Hypothesis properties (anonymity, neutrality, seat counts) and cross-checks
against plain per-voter reference implementations written here from the
methods' textbook definitions.
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from electoral_sim.systems import cardinal, condorcet, plurality, ranked
from electoral_sim.systems import tie_order
from electoral_sim.systems.elect import METHODS, ballot_profile, elect, elect_rounds

# ---------------------------------------------------------------------------
# Literature examples
# ---------------------------------------------------------------------------

# Wikipedia, "Instant-runoff voting" / "Condorcet method" / "Borda count" / "Two-round system":
# the Tennessee capital election, 42 % Memphis voters, 26 % Nashville, 15 % Chattanooga, 17 % Knoxville.
TENNESSEE = {
    ("Memphis", "Nashville", "Chattanooga", "Knoxville"): 42,
    ("Nashville", "Chattanooga", "Knoxville", "Memphis"): 26,
    ("Chattanooga", "Knoxville", "Nashville", "Memphis"): 15,
    ("Knoxville", "Chattanooga", "Nashville", "Memphis"): 17,
}


@pytest.mark.parametrize(
    "method, winner",
    [
        ("plurality", "Memphis"),  # 42 % is the largest first-preference share
        ("two_round", "Nashville"),  # "in the two-round system, in which Nashville would have won" (58 to 42)
        ("irv", "Knoxville"),
        ("borda", "Nashville"),
        ("schulze", "Nashville"),  # Nashville is the Condorcet winner
        ("ranked_pairs", "Nashville"),
        ("copeland", "Nashville"),
        ("minimax", "Nashville"),
    ],
)
def test_tennessee(method, winner):
    assert elect(TENNESSEE, method) == [winner]


def test_tennessee_irv_rounds():
    # Wikipedia, "Instant-runoff voting": Chattanooga (15) is eliminated and transfers to Knoxville (32);
    # Nashville (26) is eliminated and its votes go past Chattanooga to Knoxville, which wins with 58.
    winners, rounds = elect_rounds(TENNESSEE, "irv")
    assert winners == ["Knoxville"]
    assert [r.tallies for r in rounds] == [
        {"Memphis": 42, "Nashville": 26, "Chattanooga": 15, "Knoxville": 17},
        {"Memphis": 42, "Nashville": 26, "Knoxville": 32},
        {"Memphis": 42, "Knoxville": 58},
    ]
    assert [r.eliminated for r in rounds] == [("Chattanooga",), ("Nashville",), ()]
    assert [r.elected for r in rounds] == [(), (), ("Knoxville",)]
    assert rounds[0].transfers == {"Memphis": 0, "Nashville": 0, "Knoxville": 15}
    assert rounds[1].transfers == {"Memphis": 0, "Knoxville": 26}
    assert all(r.exhausted == 0 for r in rounds)


def test_tennessee_borda_scores():
    # Wikipedia, "Borda count", Tennessee example: Nashville 194, Chattanooga 173, Memphis 126, Knoxville 107.
    names, r, c, _ = ballot_profile(TENNESSEE)
    scores = dict(zip(names, ranked.borda_scores(r, c, len(names)).tolist()))
    assert scores == {"Nashville": 194, "Chattanooga": 173, "Memphis": 126, "Knoxville": 107}


def test_borda_truncated_ballots_score_by_position_among_all_candidates():
    # Ballots cut to their top two (L = 2 < P = 4): ranked candidates keep 3 and 2 points, unranked get 0.
    # Memphis 42*3 = 126, Nashville 42*2 + 26*3 = 162, Chattanooga 26*2 + 15*3 + 17*2 = 131, Knoxville 15*2 + 17*3 = 81.
    names, r, c, tr = ballot_profile({k[:2]: v for k, v in TENNESSEE.items()})
    assert r.shape == (4, 2)
    assert dict(zip(names, ranked.borda_scores(r, c, 4).tolist())) == {
        "Memphis": 126, "Nashville": 162, "Chattanooga": 131, "Knoxville": 81,
    }


def test_tennessee_pairwise_and_condorcet_winner():
    # Nashville beats Memphis 58-42, Chattanooga 68-32 and Knoxville 68-32 (Wikipedia, "Condorcet method").
    names, r, c, _ = ballot_profile(TENNESSEE)
    d = condorcet.pairwise_matrix(r, c, len(names))
    n, m, ch, k = (names.index(x) for x in ("Nashville", "Memphis", "Chattanooga", "Knoxville"))
    assert (d[n, m], d[m, n], d[n, ch], d[ch, n], d[n, k], d[k, n]) == (58, 42, 68, 32, 68, 32)
    assert condorcet.condorcet_winner(r, c, len(names)) == n


def test_tennessee_approval_top_two():
    # Wikipedia, "STAR voting": "In approval voting, with each voter selecting their top two cities,
    # Nashville would also win" (Nashville 42 + 26 = 68 approvals, Chattanooga 58, Memphis 42, Knoxville 32).
    names = ["Memphis", "Nashville", "Chattanooga", "Knoxville"]
    totals = np.zeros(4, dtype=np.int64)
    for ranking, count in TENNESSEE.items():
        for name in ranking[:2]:
            totals[names.index(name)] += count
    assert totals.tolist() == [42, 68, 58, 32]
    assert cardinal.approval(totals, np.arange(4)) == [1]
    assert cardinal.approval(totals, np.arange(4), n_seats=2) == [1, 2]


# Wikipedia, "Schulze method", example: 45 voters, 5 candidates.
SCHULZE = {tuple(k): v for k, v in {
    "ACBED": 5, "ADECB": 5, "BEDAC": 8, "CABED": 3, "CAEBD": 7, "CBADE": 2, "DCEBA": 7, "EBADC": 8,
}.items()}


def test_schulze_wikipedia_example():
    names, r, c, _ = ballot_profile(SCHULZE)
    assert names == list("ABCDE")
    # the matrix of pairwise preferences printed in the article
    assert condorcet.pairwise_matrix(r, c, 5).tolist() == [
        [0, 20, 26, 30, 22],
        [25, 0, 16, 33, 18],
        [19, 29, 0, 17, 24],
        [15, 12, 28, 0, 14],
        [23, 27, 21, 31, 0],
    ]
    assert condorcet.condorcet_winner(r, c, 5) is None
    assert elect(SCHULZE, "schulze") == ["E"]


def test_schulze_example_other_condorcet_methods():
    # Hand-derived from the matrix above. Majorities by winning votes: B>D 33, E>D 31, A>D 30, C>B 29,
    # D>C 28, E>B 27, A>C 26, B>A 25, C>E 24, E>A 23. Ranked pairs locks B>D, E>D, A>D, C>B, skips D>C
    # (C>B>D), locks E>B, A>C, skips B>A (A>C>B), locks C>E, skips E>A: order A>C>E>B>D, winner A.
    assert elect(SCHULZE, "ranked_pairs") == ["A"]
    # Copeland: E beats A, B, D (3 wins); A and C have 2, B and D 1.
    assert elect(SCHULZE, "copeland") == ["E"]
    # Minimax (winning votes): worst defeats A 25 (by B), B 29, C 28, D 33, E 24 (by C) -> E.
    assert elect(SCHULZE, "minimax") == ["E"]


def test_stv_wikipedia_food_election():
    # Wikipedia, "Single transferable vote", example: 20 guests, 3 seats, Droop quota floor(20/4)+1 = 6.
    # Chocolate (12) is elected; its surplus 6 goes 8/12 to Strawberries (+4) and 4/12 to Hamburgers (+2).
    # Pears (2) is eliminated and transfers to Oranges, which meets the quota exactly (6). Hamburgers (3)
    # is eliminated and Strawberries (5) takes the last seat: Chocolate, Oranges, Strawberries.
    food = {
        ("Oranges",): 4,
        ("Pears", "Oranges"): 2,
        ("Chocolate", "Strawberries"): 8,
        ("Chocolate", "Hamburgers"): 4,
        ("Strawberries",): 1,
        ("Hamburgers",): 1,
    }
    winners, rounds = elect_rounds(food, "stv", 3)
    assert winners == ["Chocolate", "Oranges", "Strawberries"]
    assert rounds[0].threshold == 6
    assert rounds[0].elected == ("Chocolate",)
    assert rounds[0].transfers == {"Strawberries": 4, "Hamburgers": 2, "Oranges": 0, "Pears": 0}
    assert rounds[1].tallies == {"Oranges": 4, "Pears": 2, "Strawberries": 5, "Hamburgers": 3}
    assert rounds[1].eliminated == ("Pears",)
    assert rounds[2].tallies["Oranges"] == 6 and rounds[2].elected == ("Oranges",)
    assert rounds[3].eliminated == ("Hamburgers",) and rounds[3].exhausted == 3
    assert rounds[4].elected == ("Strawberries",)
    assert elect(food, "sntv", 3) == ["Chocolate", "Oranges", "Pears"]


def test_minimax_winning_votes_hand_example():
    # 4 C>A>B, 3 B (bullet), 2 A>B>C. Pairwise: A beats B 6-3, B beats C 5-4, C beats A 4-2.
    # Worst defeat by winning votes: A 4, B 6, C 5 -> A (by margins it would be C: A 2, B 3, C 1).
    # Schulze and ranked pairs (winning votes) agree: A -> B (6) -> C (5) outweighs C -> A (4).
    ballots = {("C", "A", "B"): 4, ("B",): 3, ("A", "B", "C"): 2}
    assert elect(ballots, "minimax") == ["A"]
    assert elect(ballots, "schulze") == ["A"]
    assert elect(ballots, "ranked_pairs") == ["A"]


STAR_NAMES = ["Allison", "Bill", "Carmen", "Doug"]


def _star(scores):
    s = np.asarray(scores)
    prefer = (s[:, :, None] > s[:, None, :]).sum(axis=0)
    return cardinal.star(s.sum(axis=0), prefer, np.arange(s.shape[1]))


def test_star_equal_vote_reference_cases():
    # Equal Vote Coalition's tabulator tests (github.com/Equal-Vote/star-server,
    # packages/backend/src/Tabulators/Star.test.ts).
    condorcet_winner = [
        [5, 2, 1, 4], [5, 2, 1, 0], [5, 2, 1, 0], [5, 2, 1, 0], [5, 3, 4, 0],
        [5, 1, 4, 0], [5, 1, 4, 0], [4, 0, 5, 1], [3, 4, 5, 0], [3, 5, 5, 5],
    ]
    assert _star(condorcet_winner) == [0]  # "Condorcet Winner": Allison (runner-up Carmen)
    assert _star([[0, 5], [2, 4]]) == [1]  # "Runoff": Bill
    assert _star([[0, 5], [3, 2]]) == [1]  # "Runoff tie, score resolves": Bill (7 stars to 3)


def test_star_finalists_are_top_two_by_score():
    # Candidate 0 has the highest score; 2 is second and wins the runoff 8-2; 1 loses to both.
    totals = np.array([10, 6, 9])
    prefer = np.array([[0, 9, 2], [1, 0, 1], [8, 9, 0]])
    assert cardinal.star(totals, prefer, np.arange(3)) == [2]
    assert cardinal.score(totals, np.arange(3)) == [0]
    assert cardinal.score(totals, np.arange(3), n_seats=2) == [0, 2]


# ---------------------------------------------------------------------------
# Rules for ties, exhaustion and exact arithmetic
# ---------------------------------------------------------------------------


def test_elect_tie_rule_first_preferences_then_sorted_names():
    # Bob and Ann tie 2-2 on first preferences: sorted names -> Ann wins plurality.
    assert elect({("Bob",): 2, ("Ann",): 2}, "plurality") == ["Ann"]
    # Borda: Ann 2+1+2*1 = 5, Bob 2, Zed 1+2*2 = 5; Zed has more first preferences (2 to 1) and wins the tie,
    # whatever the order of the ballots.
    tied = {("Ann", "Zed", "Bob"): 1, ("Bob", "Ann", "Zed"): 1, ("Zed", "Ann", "Bob"): 2}
    assert ranked.borda_scores(*ballot_profile(tied)[1:3], 3).tolist() == [5, 2, 5]
    assert elect(tied, "borda") == ["Zed"]
    assert elect(dict(reversed(list(tied.items()))), "borda") == ["Zed"]


def test_irv_tie_eliminates_the_candidate_losing_ties():
    # tie_rank puts candidate 2 last; 1 and 2 tie at 3 votes: 2 goes, its ballots elect 1 over 0 (5 vs 6).
    r = np.array([[0, -1], [1, -1], [2, 1]])
    c = np.array([5, 3, 3])
    winners, rounds = ranked.irv_rounds(r, c, 3, np.array([0, 1, 2]))
    assert rounds[0].eliminated == (2,) and winners == [1]
    winners, rounds = ranked.irv_rounds(r, c, 3, np.array([0, 2, 1]))
    assert rounds[0].eliminated == (1,) and winners == [0]


def test_stv_fills_every_seat_when_ballots_exhaust():
    # Bullet votes only: after A is elected nothing transfers; B and C are elected when the
    # candidates left (B, C after D goes) equal the seats left.
    r = np.array([[0], [1], [2], [3]])
    winners, rounds = ranked.stv_rounds(r, np.array([50, 20, 15, 5]), 4, np.arange(4), 3)
    assert winners == [0, 1, 2]
    assert rounds[0].elected == (0,) and rounds[0].exhausted == 50 - 23  # quota floor(90/4)+1 = 23
    assert rounds[1].eliminated == (3,) and rounds[2].elected == (1, 2)


def test_stv_transfer_values_truncated_to_five_decimals():
    # 7 A>B, 2 C; 2 seats: quota floor(9/3)+1 = 4. A's surplus 3 moves at 3/7 = 0.428571... per ballot,
    # kept as 0.42857 (rounded down to 5 decimals): B receives 7 x 0.42857 = 2.99999, never 3.
    r = np.array([[0, 1], [2, -1]])
    winners, rounds = ranked.stv_rounds(r, np.array([7, 2]), 3, np.arange(3), 2)
    assert rounds[0].threshold == 4
    assert rounds[0].transfers == {1: Fraction(299999, 100000), 2: 0}
    assert rounds[0].exhausted == 0
    assert rounds[1].eliminated == (2,) and winners == [0, 1]


def test_stv_float_arithmetic_beyond_int64_range():
    # 3.5e9 ballots: value x surplus would overflow int64 in 1e-5 units, so the count runs in float64
    # with the quota V/3 = 1.1667e9: A (2e9) is elected, its surplus 0.8333e9 reaches B (1.8333e9).
    r = np.array([[0, 1], [1, -1], [2, -1]])
    winners, rounds = ranked.stv_rounds(r, np.array([2 * 10**9, 10**9, 5 * 10**8]), 3, np.arange(3), 2)
    assert winners == [0, 1]
    assert rounds[0].threshold == pytest.approx(3.5e9 / 3)
    assert rounds[0].transfers[1] == pytest.approx(2e9 - 3.5e9 / 3)


def test_two_round_counts_the_runoff_on_ranked_ballots():
    # No majority (A 4 of 10); finalists A and B (3); C's 2 voters rank B above A; D's voter ranks neither:
    # B wins the runoff 5-4.
    r = np.array([[0, 1], [1, 0], [2, 1], [3, -1]])
    assert plurality.two_round(r, np.array([4, 3, 2, 1]), 4, np.arange(4)) == [1]
    # A majority of valid first preferences wins outright: blank ballots do not count.
    r = np.array([[0, 1], [1, 0], [-1, -1]])
    assert plurality.two_round(r, np.array([3, 2, 10]), 2, np.array([1, 0])) == [0]


def test_fptp_winners_vectorised_copy():
    by_c = np.array([[10, 10, 5], [1, 3, 3], [0, 0, 0]])
    assert plurality.fptp_winners(by_c, np.array([5, 9, 9])).tolist() == [1, 1, 1]
    assert plurality.fptp_winners(by_c, np.array([9, 5, 5])).tolist() == [0, 1, 0]
    assert tie_order(np.array([5, 9, 9])).tolist() == [2, 0, 1]


# ---------------------------------------------------------------------------
# elect(): bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ballots, method, n_seats, match",
    [
        (TENNESSEE, "kemeny", 1, "method must be one of plurality, two_round, irv, stv"),
        (TENNESSEE, 3, 1, "method must be one of"),
        (TENNESSEE, "irv", 2, "irv elects one candidate: n_seats must be 1.*stv, sntv"),
        (TENNESSEE, "stv", 5, r"n_seats must be an integer in 1..4"),
        (TENNESSEE, "stv", 0, r"n_seats must be an integer in 1..4"),
        ({}, "irv", 1, "non-empty mapping"),
        ([(("A",), 1)], "irv", 1, "non-empty mapping"),
        ({(): 3, ("A",): 1}, "irv", 1, "non-empty tuple"),
        ({"AB": 3}, "irv", 1, "non-empty tuple"),
        ({("A", "A"): 3}, "irv", 1, "at most once"),
        ({("A", 2): 3}, "irv", 1, "strings"),
        ({("A",): -1}, "irv", 1, "non-negative numbers, got -1"),
        ({("A",): float("nan")}, "irv", 1, "non-negative numbers"),
        ({("A",): "3"}, "irv", 1, "non-negative numbers"),
        ({("A",): True}, "irv", 1, "non-negative numbers"),
        ({("A",): 0, ("B",): 0}, "irv", 1, "no votes"),
    ],
)
def test_elect_rejects_bad_input(ballots, method, n_seats, match):
    with pytest.raises(ValueError, match=match):
        elect(ballots, method, n_seats)


def test_elect_docstring_examples():
    import doctest
    import importlib

    # the package re-exports the function elect, which hides the module of the same name
    result = doctest.testmod(importlib.import_module("electoral_sim.systems.elect"))
    assert (result.attempted, result.failed) == (3, 0)


def test_elect_rounds_only_for_irv_and_stv():
    with pytest.raises(ValueError, match="irv, stv only"):
        elect_rounds(TENNESSEE, "schulze")


def test_elect_accepts_names_case_and_float_counts():
    assert elect(TENNESSEE, "Ranked-Pairs") == ["Nashville"]
    weighted = {k: v / 100 for k, v in TENNESSEE.items()}
    for method in METHODS:
        n = 2 if method in ("stv", "sntv") else 1
        assert elect(weighted, method, n) == elect(TENNESSEE, method, n)


@pytest.mark.parametrize(
    "rankings, counts, match",
    [
        (np.array([[0, 5]]), [1], "candidates 0..2 or -1"),
        (np.array([[-1, 0]]), [1], "padding must come after"),
        (np.array([[0, 1]]), [1, 2], "counts must have shape"),
        (np.array([[0, 1]]), [-1], "non-negative"),
        (np.array([[0.0, 1.0]]), [1], "integer array"),
        (np.zeros((1, 4), dtype=int), [1], "L <= n_candidates=3"),
    ],
)
def test_profile_checks(rankings, counts, match):
    with pytest.raises(ValueError, match=match):
        ranked.irv(rankings, np.asarray(counts), 3, np.arange(3))


# ---------------------------------------------------------------------------
# Random profiles: properties and cross-checks
# ---------------------------------------------------------------------------


@st.composite
def profiles(draw, min_p=2, max_p=5, blank=True):
    """(rankings, counts, P, tie_rank): K distinct random (possibly truncated) ballots."""
    p = draw(st.integers(min_p, max_p))
    perms = st.permutations(range(p))
    lengths = st.integers(0 if blank else 1, p)
    ballots = draw(st.lists(st.tuples(perms, lengths).map(lambda t: tuple(t[0][: t[1]])), min_size=1, max_size=8, unique=True))
    counts = draw(st.lists(st.integers(0, 7), min_size=len(ballots), max_size=len(ballots)))
    if sum(counts) == 0:
        counts[0] = 1
    r = np.full((len(ballots), max(1, max(map(len, ballots)))), -1, dtype=np.int64)  # often L < P
    for row, b in enumerate(ballots):
        r[row, : len(b)] = b
    tie_rank = np.array(draw(st.permutations(range(p))), dtype=np.int64)
    return r, np.array(counts, dtype=np.int64), p, tie_rank


PROFILE_METHODS = {
    "plurality": plurality.plurality,
    "two_round": plurality.two_round,
    "irv": ranked.irv,
    "borda": ranked.borda,
    "schulze": condorcet.schulze,
    "ranked_pairs": condorcet.ranked_pairs,
    "copeland": condorcet.copeland,
    "minimax": condorcet.minimax,
}


def voters(r, c):
    """The profile expanded to one ranking (a list) per voter."""
    return [[x for x in row if x >= 0] for row, n in zip(r.tolist(), c.tolist()) for _ in range(n)]


def ref_pairwise(ballots, p):
    d = [[0] * p for _ in range(p)]
    for b in ballots:
        for i in range(p):
            for j in range(p):
                if i != j and i in b and (j not in b or b.index(i) < b.index(j)):
                    d[i][j] += 1
    return d


def ref_irv(ballots, p, tr):
    hopeful = set(range(p))
    while True:
        t = {x: 0 for x in hopeful}
        for b in ballots:
            top = next((x for x in b if x in hopeful), None)
            if top is not None:
                t[top] += 1
        lead = min(hopeful, key=lambda x: (-t[x], tr[x]))
        if 2 * t[lead] > sum(t.values()) or len(hopeful) == 1:
            return [lead]
        hopeful.remove(min(hopeful, key=lambda x: (t[x], -tr[x])))


def ref_stv(ballots, p, tr, seats):
    """Per-ballot STV with the same rules, in Fractions truncated to 1e-5 per ballot."""
    value = [Fraction(1)] * len(ballots)
    quota = sum(1 for b in ballots if b) // (seats + 1) + 1
    hopeful, elected = set(range(p)), []
    while len(elected) < seats:
        holder = [next((x for x in b if x in hopeful), None) for b in ballots]
        t = {x: sum(v for v, h in zip(value, holder) if h == x) for x in hopeful}
        order = sorted(hopeful, key=lambda x: (-t[x], tr[x]))
        if len(hopeful) <= seats - len(elected):
            return elected + order
        new = [x for x in order if t[x] >= quota][: seats - len(elected)]
        if new:
            elected += new
            hopeful -= set(new)
            for k, h in enumerate(holder):
                if h in new:
                    value[k] = Fraction(math.floor(value[k] * (t[h] - quota) / t[h] * 10**5), 10**5)
        else:
            hopeful.remove(min(hopeful, key=lambda x: (t[x], -tr[x])))
    return elected


def ref_schulze(d, tr):
    p = len(d)
    s = [[d[i][j] if d[i][j] > d[j][i] else 0 for j in range(p)] for i in range(p)]
    for k in range(p):  # Wikipedia, "Schulze method", implementation pseudocode
        for i in range(p):
            for j in range(p):
                if len({i, j, k}) == 3:
                    s[i][j] = max(s[i][j], min(s[i][k], s[k][j]))
    wins = [i for i in range(p) if all(s[i][j] >= s[j][i] for j in range(p) if j != i)]
    return [min(wins, key=lambda i: tr[i])]


def ref_ranked_pairs(d, tr):
    p = len(d)
    pairs = [(i, j) for i in range(p) for j in range(p) if i != j and d[i][j] > d[j][i]]
    ties = [(i, j) for i in range(p) for j in range(p) if i != j and d[i][j] == d[j][i] and tr[i] < tr[j]]
    for group in (pairs, ties):
        group.sort(key=lambda ij: (-d[ij[0]][ij[1]], d[ij[1]][ij[0]], tr[ij[0]], -tr[ij[1]]))
    pairs += ties
    locked = {i: set() for i in range(p)}

    def reaches(a, b):
        return a == b or any(reaches(x, b) for x in locked[a])

    for i, j in pairs:
        if not reaches(j, i):
            locked[i].add(j)
    beaten = {j for i in locked for j in locked[i]}
    return [next(i for i in range(p) if i not in beaten)]


def ref_copeland(d, tr):
    p = len(d)
    score = [sum(2 if d[i][j] > d[j][i] else d[i][j] == d[j][i] for j in range(p) if j != i) for i in range(p)]
    return [min(range(p), key=lambda i: (-score[i], tr[i]))]


def ref_minimax(d, tr):
    p = len(d)
    worst = [max([d[j][i] for j in range(p) if j != i and d[j][i] > d[i][j]], default=0) for i in range(p)]
    return [min(range(p), key=lambda i: (worst[i], tr[i]))]


def ref_two_round(ballots, p, tr):
    first = [sum(1 for b in ballots if b and b[0] == x) for x in range(p)]
    a, b = sorted(range(p), key=lambda x: (-first[x], tr[x]))[:2]
    if 2 * first[a] > sum(first):
        return [a]
    rank = [(x.index(a) if a in x else p, x.index(b) if b in x else p) for x in ballots]
    va, vb = sum(1 for i, j in rank if i < j), sum(1 for i, j in rank if j < i)
    return [a if (va, -tr[a]) > (vb, -tr[b]) else b]


def ref_borda(ballots, p, tr):
    s = [0] * p
    for b in ballots:
        for pos, x in enumerate(b):
            s[x] += p - 1 - pos
    return [min(range(p), key=lambda x: (-s[x], tr[x]))]


@settings(max_examples=150, deadline=None)
@given(profiles())
def test_against_per_voter_references(profile):
    r, c, p, tr = profile
    ballots = voters(r, c)
    t = tr.tolist()
    d = ref_pairwise(ballots, p)
    assert condorcet.pairwise_matrix(r, c, p).tolist() == d
    assert ranked.irv(r, c, p, tr) == ref_irv(ballots, p, t)
    assert condorcet.schulze(r, c, p, tr) == ref_schulze(d, t)
    assert condorcet.ranked_pairs(r, c, p, tr) == ref_ranked_pairs(d, t)
    assert ranked.borda(r, c, p, tr) == ref_borda(ballots, p, t)
    assert condorcet.copeland(r, c, p, tr) == ref_copeland(d, t)
    assert condorcet.minimax(r, c, p, tr) == ref_minimax(d, t)
    assert plurality.two_round(r, c, p, tr) == ref_two_round(ballots, p, t)
    for seats in range(1, p + 1):
        assert ranked.stv(r, c, p, tr, seats) == ref_stv(ballots, p, t, seats)


@settings(max_examples=150, deadline=None)
@given(profiles(), st.randoms(use_true_random=False))
def test_anonymity_and_neutrality(profile, rnd):
    r, c, p, tr = profile
    rows = list(range(len(c)))
    rnd.shuffle(rows)
    perm = list(range(p))
    rnd.shuffle(perm)  # candidate x is renamed perm[x]
    relabel = np.array(perm + [-1])
    r2, tr2 = relabel[r], np.empty(p, dtype=np.int64)
    tr2[perm] = tr
    seats = rnd.randint(1, p)
    cases = [(f, ()) for f in PROFILE_METHODS.values()] + [(ranked.stv, (seats,)), (plurality.sntv, (seats,))]
    for f, extra in cases:
        winners = f(r, c, p, tr, *extra)
        assert f(r[rows], c[rows], p, tr, *extra) == winners, f.__name__
        assert f(r2, c, p, tr2, *extra) == [perm[w] for w in winners], f.__name__


@settings(max_examples=150, deadline=None)
@given(profiles())
def test_invariants_between_methods(profile):
    r, c, p, tr = profile
    assert ranked.stv(r, c, p, tr, 1) == ranked.irv(r, c, p, tr)
    assert plurality.sntv(r, c, p, tr, 1) == plurality.plurality(r, c, p, tr)
    for seats in range(1, p + 1):
        for f in (ranked.stv, plurality.sntv):
            won = f(r, c, p, tr, seats)
            assert len(won) == len(set(won)) == seats and all(0 <= w < p for w in won)
    cw = condorcet.condorcet_winner(r, c, p)
    if cw is not None:
        for f in (condorcet.schulze, condorcet.ranked_pairs, condorcet.copeland, condorcet.minimax):
            assert f(r, c, p, tr) == [cw], f.__name__
    if p == 2:
        assert plurality.plurality(r, c, p, tr) == plurality.two_round(r, c, p, tr) == ranked.irv(r, c, p, tr)


@settings(max_examples=100, deadline=None)
@given(profiles(blank=False), st.integers(2, 1000))
def test_elect_homogeneous(profile, factor):
    # Multiplying every count by the same factor changes no single-winner result (nor SNTV's).
    # (STV is left out: the Droop quota floor(V/(S+1))+1 does not scale.)
    r, c, p, _ = profile
    names = [f"c{i}" for i in range(p)]
    ballots = {tuple(names[x] for x in row if x >= 0): int(n) for row, n in zip(r.tolist(), c.tolist())}
    seats = len({x for b in ballots for x in b})
    for method in METHODS:
        if method != "stv":
            n = seats if method == "sntv" else 1
            assert elect({b: k * factor for b, k in ballots.items()}, method, n) == elect(ballots, method, n), method
