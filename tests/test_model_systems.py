"""ElectionModel under every electoral system: ballots, invariants, parameters, limits.

Independent expectations: numbers computed with the model as it was before
ballots existed (commit edbbc05, ``git show edbbc05:electoral_sim/model.py``),
Plackett-Luce and logit probabilities computed here from the utilities, the
deterministic T -> 0 limit computed here from voter positions, and
equivalences between systems that hold by definition (two parties; one seat).
"""
from __future__ import annotations

import itertools
import json
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from electoral_sim import metrics
from electoral_sim.model import ElectionModel, ballots
from electoral_sim.model.electorate import Ballots, cast_ballots
from electoral_sim.systems import ELECTORAL_SYSTEMS, MODEL_SYSTEMS, condorcet

SIGMAS = 5
SINGLE = [s for s, spec in MODEL_SYSTEMS.items() if spec.seats == "single"]
CONDORCET_METHODS = ["SCHULZE", "RANKED_PAIRS", "COPELAND", "MINIMAX"]
TWO = [{"name": "A", "position": [-0.3, 0.0], "incumbent": True}, {"name": "B", "position": [0.3, 0.1]}]
SEVEN = [{"name": f"P{i}", "position": [0.7 * math.cos(i), 0.6 * math.sin(1.3 * i)]} for i in range(7)]


def run(**kw):
    kw.setdefault("n_voters", 5_000)
    kw.setdefault("n_constituencies", 5)
    return ElectionModel(**kw).run_election()


def same(a: dict, b: dict) -> bool:
    """Equal results, NaN equal to NaN."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def cast(model: ElectionModel, need: set[str]) -> Ballots:
    """The ballots of the model's next election, as ``run_election`` draws them."""
    return cast_ballots(model.electorate, model._party_terms(), model.temperature, model.rng, model.rng.spawn(1)[0],
                        frozenset(need))




# ---------------------------------------------------------------------------
# FPTP and PR are bit-identical to the model before ballots (commit edbbc05)
# ---------------------------------------------------------------------------

BEFORE = [
    (dict(n_voters=20000, n_constituencies=7, seed=1),
     dict(vote_counts=[2017, 3141, 3188, 2326, 1762], seats=[0, 3, 4, 0, 0], turnout=0.6217,
          gallagher=32.52674007969498, vse=0.9603774214878418, incumbent_vote_share=0.25261380086858615,
          winner="Centre-Right", constituency_winners=["Centre-Right", "Centre-Left", "Centre-Right",
                                                       "Centre-Left", "Centre-Right", "Centre-Right",
                                                       "Centre-Left"])),
    (dict(n_voters=20000, n_constituencies=7, seed=2, electoral_system="PR", allocation_method="sainte_lague",
          threshold=0.05),
     dict(vote_counts=[1654, 3270, 3229, 2423, 1181], seats=[1, 2, 2, 1, 1], turnout=0.58785,
          gallagher=5.4687483004569355, vse=0.26715749243963954, incumbent_vote_share=0.27813217657565703,
          winner="Centre-Left")),
    # 70,001 voters: three vectorised blocks, the last one partial
    (dict(n_voters=70001, n_constituencies=3, seed=3, temperature=0.2, economic_growth=0.03),
     dict(vote_counts=[2465, 25975, 7931, 6597, 1943], seats=[0, 3, 0, 0, 0], turnout=0.6415765489064442,
          gallagher=34.30900258687374, vse=1.0, incumbent_vote_share=0.578366101845873, winner="Centre-Left",
          constituency_winners=["Centre-Left"] * 3)),
    (dict(n_voters=5000, n_constituencies=5, seed=4, electoral_system="PR", temperature=1.5, anti_incumbency=0.2),
     dict(vote_counts=[593, 574, 607, 449, 518], seats=[1, 1, 1, 1, 1], turnout=0.5482,
          gallagher=3.3519551920073507, vse=-2.8215204882345674e-16, incumbent_vote_share=0.20941262313024445,
          winner="Centre-Right")),
]


@pytest.mark.parametrize("params, before", BEFORE)
def test_fptp_and_pr_unchanged(params, before):
    result = ElectionModel(**params).run_election()
    for key, value in before.items():
        assert result[key] == value, key


# ---------------------------------------------------------------------------
# One electorate, many counts: paired comparisons
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("parties", [None, SEVEN])
def test_first_preferences_and_turnout_identical_across_all_systems(parties):
    results = {s: run(electoral_system=s, parties=parties, seed=11) for s in ELECTORAL_SYSTEMS}
    reference = results["FPTP"]
    for system, r in results.items():
        assert r["vote_counts"] == reference["vote_counts"], system
        assert r["turnout"] == reference["turnout"], system
        assert r["vse"] is not None and sum(r["seats"]) == r["n_seats"], system
    # and the systems do differ in seats somewhere (the comparison is not vacuous)
    assert len({tuple(r["seats"]) for r in results.values()}) > 2


@pytest.mark.parametrize("seed", range(4))
def test_two_parties_majoritarian_systems_agree(seed):
    # with two candidates, a plurality is a majority: every single-winner rule on
    # rankings elects the same party (approval/score/STAR read other ballots)
    ranked = ["FPTP", "TRS", "IRV", "BORDA", *CONDORCET_METHODS]
    winners = {s: run(electoral_system=s, parties=TWO, n_constituencies=9, temperature=0.8, seed=seed)
               ["constituency_winners"] for s in ranked}
    assert all(w == winners["FPTP"] for w in winners.values()), winners


@pytest.mark.parametrize("parties, seed", [(None, 0), (None, 1), (SEVEN, 2), (TWO, 3)])
def test_stv_with_magnitude_one_is_irv(parties, seed):
    irv = run(electoral_system="IRV", parties=parties, seed=seed, n_constituencies=8, temperature=0.7)
    stv = run(electoral_system="STV", parties=parties, seed=seed, n_constituencies=8, temperature=0.7)
    assert stv["constituency_winners"] == irv["constituency_winners"]
    assert same(stv, irv)


def test_sntv_with_magnitude_one_is_fptp():
    assert same(run(electoral_system="SNTV", seed=5), run(electoral_system="FPTP", seed=5))


def test_constituency_pr_with_one_seat_is_fptp():
    # one D'Hondt seat goes to the constituency's plurality winner
    pr = run(electoral_system="PR", pr_tier="constituency", seed=6, n_constituencies=8)
    fptp = run(electoral_system="FPTP", seed=6, n_constituencies=8)
    assert pr["constituency_winners"] == fptp["constituency_winners"]
    assert pr["seats"] == fptp["seats"]
    assert pr["condorcet_efficiency"] == fptp["condorcet_efficiency"]


# ---------------------------------------------------------------------------
# Ballots
# ---------------------------------------------------------------------------

# all parties at one position: every voter has the same utilities (valence only),
# so each voter's ranking is Plackett-Luce with weights exp(valence / T)
SAME_PLACE = [{"name": n, "position": [0.1, 0.0], "valence": v}
              for n, v in zip("ABCDE", [0.4, 0.2, 0.05, -0.1, -0.5])]


def plackett_luce(order, w):
    """Probability of ranking ``order`` under Plackett-Luce weights ``w`` (Luce 1959)."""
    prob, left = 1.0, float(sum(w))
    for j in order:
        prob *= w[j] / left
        left -= w[j]
    return prob


def test_plackett_luce_rankings():
    t = 0.5
    model = ElectionModel(n_voters=20_000, n_constituencies=2, parties=SAME_PLACE, temperature=t, seed=8)
    b = cast(model, {"rankings"})
    w = np.exp(np.array([p["valence"] for p in SAME_PLACE]) / t)
    observed = {}
    for rankings, counts in b.profiles:
        assert rankings.shape[1] == 5
        for row, n in zip(rankings.tolist(), counts.tolist()):
            observed[tuple(row)] = observed.get(tuple(row), 0) + n
    n = sum(observed.values())
    assert n == b.votes.sum()
    # first preferences are the logit choice: shares within binomial error
    first = b.votes.sum(axis=0)
    p = w / w.sum()
    assert np.all(np.abs(first / n - p) < SIGMAS * np.sqrt(p * (1 - p) / n)), (first / n, p)
    # whole rankings: chi-square against Plackett-Luce over all 120 orders
    orders = list(itertools.permutations(range(5)))
    expected = np.array([plackett_luce(o, w) for o in orders]) * n
    counts = np.array([observed.get(o, 0) for o in orders])
    assert stats.chisquare(counts, expected).pvalue > 1e-4


def test_rankings_are_complete_up_to_six_parties_and_truncated_beyond():
    five = cast(ElectionModel(n_voters=6_000, n_constituencies=3, seed=1), {"rankings"})
    seven = cast(ElectionModel(n_voters=6_000, n_constituencies=3, parties=SEVEN, seed=1), {"rankings"})
    for b, length, p in [(five, 5, 5), (seven, ballots.RANKING_DEPTH, 7)]:
        for k, (rankings, counts) in enumerate(b.profiles):
            assert rankings.shape[1] == length
            assert len({tuple(r) for r in rankings.tolist()}) == len(rankings)  # distinct ballots
            assert all(len(set(r)) == length and min(r) >= 0 and max(r) < p for r in rankings.tolist())
            assert np.bincount(rankings[:, 0], weights=counts, minlength=p).tolist() == b.votes[k].tolist()
            assert (counts > 0).all()


def test_dense_and_sparse_profiles_agree(monkeypatch):
    dense = cast(ElectionModel(n_voters=8_000, n_constituencies=40, seed=3), {"rankings"})
    monkeypatch.setattr(ballots, "DENSE_BINS", 0)
    sparse = cast(ElectionModel(n_voters=8_000, n_constituencies=40, seed=3), {"rankings"})
    for (r1, c1), (r2, c2) in zip(dense.profiles, sparse.profiles):
        order1, order2 = np.lexsort(r1.T[::-1]), np.lexsort(r2.T[::-1])
        assert (r1[order1] == r2[order2]).all() and (c1[order1] == c2[order2]).all()


def test_block_spanning_many_constituencies_counts_alike(monkeypatch):
    # 40,000 voters in 4,000 constituencies: a 32k block spans > _FEW constituencies (cumulative sums),
    # with _FEW large every block counts by slices; both must agree
    need = {"pairwise", "cardinal"}
    many = cast(ElectionModel(n_voters=40_000, n_constituencies=4_000, seed=2), need)
    monkeypatch.setattr(ballots, "_FEW", 10**6)
    sliced = cast(ElectionModel(n_voters=40_000, n_constituencies=4_000, seed=2), need)
    for key in ("pairwise", "approvals", "scores", "prefer"):
        assert (getattr(many, key) == getattr(sliced, key)).all(), key


@pytest.mark.parametrize("n_constituencies", [3, 4_000])
def test_pairwise_counts_alike_with_and_without_other_ballots(n_constituencies):
    # alone, the sincere pairwise counts mask the abstainers; beside rankings they count
    # the voters who voted only: the same numbers either way
    alone = cast(ElectionModel(n_voters=40_000, n_constituencies=n_constituencies, seed=7), {"pairwise"})
    beside = cast(ElectionModel(n_voters=40_000, n_constituencies=n_constituencies, seed=7),
                  {"pairwise", "rankings"})
    assert (alone.pairwise == beside.pairwise).all()
    assert alone.pairwise.sum() > 0


def test_sincere_pairwise_counts_match_the_rankings_at_low_temperature():
    # at T = 1e-6 the Gumbel noise cannot reorder parties: rankings are sincere, so the
    # pairwise matrix of the counted profile is the sincere one
    b = cast(ElectionModel(n_voters=10_000, n_constituencies=4, temperature=1e-6, seed=4), {"pairwise", "rankings"})
    for k, (rankings, counts) in enumerate(b.profiles):
        assert (condorcet.pairwise_matrix(rankings, counts, 5) == b.pairwise[k]).all()
        voted = b.votes[k].sum()
        assert ((b.pairwise[k] + b.pairwise[k].T)[~np.eye(5, dtype=bool)] == voted).all()


def test_cardinal_ballots_at_low_temperature_follow_the_documented_rules():
    # every voter has the same utilities (valence 0.4, 0.2, 0.05, -0.1, -0.5; mean 0.01):
    # approvals: A, B, C (>= mean); scores 5 * (v - min) / (max - min) rounded: 5, 3.89->4, 3.06->3, 2.22->2, 0
    b = cast(ElectionModel(n_voters=6_000, n_constituencies=3, parties=SAME_PLACE, temperature=1e-6, seed=5),
             {"cardinal"})
    voted = b.votes.sum(axis=1)[:, None]
    assert (b.approvals == voted * np.array([1, 1, 1, 0, 0])).all()
    assert (b.scores == voted * np.array([5, 4, 3, 2, 0])).all()
    higher = np.array([5, 4, 3, 2, 0])[:, None] > np.array([5, 4, 3, 2, 0])[None, :]
    assert (b.prefer == voted[:, :, None] * higher).all()


def test_cardinal_ballots_put_the_first_preference_on_top():
    b = cast(ElectionModel(n_voters=6_000, n_constituencies=3, temperature=2.0, seed=6), {"cardinal"})
    voted = b.votes.sum(axis=1)
    # each voter approves at least their first preference, and gives it 5 points
    assert (b.approvals.sum(axis=1) >= voted).all() and (b.approvals >= 0).all()
    assert (b.scores.sum(axis=1) >= 5 * voted).all() and (b.scores <= 5 * voted[:, None]).all()
    assert (b.prefer + b.prefer.transpose(0, 2, 1) <= voted[:, None, None]).all()


# ---------------------------------------------------------------------------
# Condorcet efficiency
# ---------------------------------------------------------------------------


def test_condorcet_winners_and_efficiency_hand_examples():
    # constituency 0: A beats B 6-4 and C 7-3 -> A; constituency 1: a cycle A>B>C>A -> none;
    # constituency 2: B beats A 5-4 and C 6-3 -> B
    d = np.array([
        [[0, 6, 7], [4, 0, 5], [3, 5, 0]],
        [[0, 6, 4], [4, 0, 6], [6, 4, 0]],
        [[0, 4, 5], [5, 0, 6], [4, 3, 0]],
    ])
    assert metrics.condorcet_winners(d).tolist() == [0, -1, 1]
    assert metrics.condorcet_efficiency(np.array([0, 2, 1]), d) == 1.0
    assert metrics.condorcet_efficiency(np.array([0, 0, 2]), d) == 0.5
    assert math.isnan(metrics.condorcet_efficiency(np.array([0]), d[1:2]))
    # a pairwise tie is no majority: no Condorcet winner
    assert metrics.condorcet_winners(np.array([[[0, 5], [5, 0]]])).tolist() == [-1]


@pytest.mark.parametrize("system", CONDORCET_METHODS)
@pytest.mark.parametrize("parties", [None, SEVEN])
def test_condorcet_methods_have_efficiency_one_with_sincere_ballots(system, parties):
    r = run(electoral_system=system, parties=parties, temperature=1e-6, n_constituencies=10, seed=3)
    assert r["condorcet_efficiency"] == 1.0


@pytest.mark.parametrize("system", CONDORCET_METHODS)
def test_condorcet_methods_elect_the_condorcet_winner_of_the_counted_ballots(system):
    # at the default temperature the ballots are noisy; the methods still elect the
    # Condorcet winner of the profile they count, whenever it has one
    params = dict(n_voters=8_000, n_constituencies=10, electoral_system=system, seed=9)
    winners = run(**params)["constituency_winners"]
    b = cast(ElectionModel(**{**params, "n_voters": 8_000}), {"rankings"})
    names = [p["name"] for p in ElectionModel(**params).parties]
    found = 0
    for (rankings, counts), winner in zip(b.profiles, winners):
        cw = condorcet.condorcet_winner(rankings, counts, 5)
        if cw is not None:
            found += 1
            assert names[cw] == winner
    assert found >= 5


def test_centre_squeeze_fptp_misses_the_condorcet_winner():
    # Left, Centre, Right on a line, sincere voters: the centre party is squeezed on first
    # preferences where it is the Condorcet winner; Condorcet methods never miss it
    line = [{"name": "L", "position": [-0.5, 0.0]}, {"name": "C", "position": [0.0, 0.0]},
            {"name": "R", "position": [0.5, 0.0]}]
    common = dict(n_voters=20_000, n_constituencies=10, parties=line, temperature=1e-6, seed=1)
    assert run(electoral_system="FPTP", **common)["condorcet_efficiency"] < 0.75
    assert run(electoral_system="SCHULZE", **common)["condorcet_efficiency"] == 1.0


@pytest.mark.parametrize("params", [
    dict(electoral_system="PR"), dict(electoral_system="MMP"), dict(electoral_system="PARALLEL"),
    dict(electoral_system="STV", district_magnitude=3), dict(electoral_system="SNTV", district_magnitude=2),
    dict(electoral_system="PR", pr_tier="constituency", district_magnitude=2),
])
def test_condorcet_efficiency_nan_without_single_member_seats(params):
    assert math.isnan(run(seed=1, **params)["condorcet_efficiency"])


@pytest.mark.parametrize("system", SINGLE)
def test_condorcet_efficiency_defined_for_single_winner_systems(system):
    r = run(electoral_system=system, seed=2, n_constituencies=10)
    assert 0.0 <= r["condorcet_efficiency"] <= 1.0


# ---------------------------------------------------------------------------
# Seats: magnitude, tiers, totals
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("params, n_seats", [
    (dict(electoral_system="STV", district_magnitude=3), 15),
    (dict(electoral_system="SNTV", district_magnitude=4), 20),
    (dict(electoral_system="PR", district_magnitude=3), 15),
    (dict(electoral_system="PR", pr_tier="constituency", district_magnitude=3), 15),
    (dict(electoral_system="PARALLEL"), 10),
    (dict(electoral_system="PARALLEL", list_seats=7), 12),
])
def test_seat_totals(params, n_seats):
    r = run(seed=3, **params)
    assert r["n_seats"] == sum(r["seats"]) == n_seats
    assert math.isclose(sum(r["seat_shares"]), 1.0)


def test_stv_parties_win_several_seats_per_constituency():
    # three-seat constituencies, party-line slates: proportional within each constituency
    r = run(electoral_system="STV", district_magnitude=3, n_constituencies=4, n_voters=8_000, seed=4)
    per = r["constituency_winners"]
    assert all(len(w) == 3 for w in per)
    assert any(len(set(w)) < 3 for w in per)  # some party took two seats somewhere
    assert r["gallagher"] < run(electoral_system="FPTP", n_constituencies=4, n_voters=8_000, seed=4)["gallagher"]


def test_stv_party_slates_hand_count():
    # one three-seat constituency, 100 ballots: A>B>C x60, B>A>C x30, C>B>A x10.
    # Candidates: each party's slate of three. Droop quota floor(100 / 4) + 1 = 26. First
    # preferences: A1 60, B1 30, C1 10: A1 and B1 reach the quota. A1's surplus 34 passes to
    # A2 (next on those ballots): 34 >= 26, elected. Seats A, A, B (C1's 10 elects nobody).
    model = ElectionModel(n_voters=100, n_constituencies=1, parties=SAME_PLACE[:3], electoral_system="STV",
                          district_magnitude=3, seed=1)
    profile = (np.array([[0, 1, 2], [1, 0, 2], [2, 1, 0]]), np.array([60, 30, 10]))
    b = Ballots(votes=np.array([[60, 30, 10]]), profiles=[profile])
    elected = model._count_constituency(MODEL_SYSTEMS["STV"], b, 0, np.arange(3))
    assert sorted(elected) == [0, 0, 1]


def test_sntv_hand_count():
    # votes 50, 30, 20 and two seats: the two parties with most votes, one seat each
    model = ElectionModel(n_voters=100, n_constituencies=1, parties=SAME_PLACE[:3], electoral_system="SNTV",
                          district_magnitude=2, seed=1)
    b = Ballots(votes=np.array([[20, 50, 30]]))
    assert model._count_constituency(MODEL_SYSTEMS["SNTV"], b, 0, np.arange(3)) == [1, 2]


def test_sntv_gives_each_party_at_most_one_seat_per_constituency():
    r = run(electoral_system="SNTV", district_magnitude=3, seed=5)
    assert all(len(set(w)) == 3 for w in r["constituency_winners"])


def test_mmp_is_proportional_and_counts_overhang():
    fptp = run(electoral_system="FPTP", n_constituencies=10, seed=6)
    mmp = run(electoral_system="MMP", n_constituencies=10, seed=6, allocation_method="sainte_lague")
    assert mmp["n_seats"] == sum(mmp["seats"]) >= 20
    assert mmp["gallagher"] < fptp["gallagher"]
    # every constituency seat is kept
    assert all(m >= f for m, f in zip(mmp["seats"], fptp["seats"]))
    # no list seats: a party that won more districts than its share of the nominal 10 seats
    # keeps them (overhang, the house grows past 10); levelling grows it further
    keep = run(electoral_system="MMP", list_seats=0, n_constituencies=10, seed=6)
    assert keep["n_seats"] == sum(keep["seats"]) > 10
    assert all(k >= f for k, f in zip(keep["seats"], fptp["seats"]))
    level = run(electoral_system="MMP", list_seats=0, overhang="level", n_constituencies=10, seed=6)
    assert level["n_seats"] == sum(level["seats"]) >= keep["n_seats"]
    assert level["gallagher"] <= keep["gallagher"]


def test_threshold_waived_is_reported():
    # nobody reaches 90 %: the threshold is waived (documented), and reported
    assert run(electoral_system="PR", threshold=0.9, seed=1)["threshold_waived"] == 1.0
    assert run(electoral_system="PR", threshold=0.05, seed=1)["threshold_waived"] == 0.0
    assert run(electoral_system="PR", pr_tier="constituency", district_magnitude=2, threshold=0.9,
               seed=1)["threshold_waived"] == 1.0
    assert run(electoral_system="PARALLEL", threshold=0.9, seed=1)["threshold_waived"] == 1.0
    assert math.isnan(run(electoral_system="FPTP", seed=1)["threshold_waived"])


# ---------------------------------------------------------------------------
# Parameters: canonical form and impossible combinations
# ---------------------------------------------------------------------------


def test_new_parameters_are_canonical_and_ordered():
    p = ElectionModel.canonical_params(electoral_system="stv", district_magnitude=3.0, pr_tier="National")
    assert list(p)[-7:] == ["district_magnitude", "pr_tier", "list_seats", "overhang", "waiver_seats",
                            "uncompensated_overhang", "regions"]
    assert (p["electoral_system"], p["district_magnitude"], p["pr_tier"]) == ("STV", 3, "national")
    assert (p["list_seats"], p["overhang"], p["waiver_seats"]) == (None, "keep", 1)


@pytest.mark.parametrize("params, needles", [
    (dict(electoral_system="IRV", district_magnitude=3), ["district_magnitude=3", "IRV"]),
    (dict(electoral_system="FPTP", district_magnitude=2), ["district_magnitude=2", "FPTP"]),
    (dict(electoral_system="MMP", district_magnitude=2), ["district_magnitude=2", "MMP"]),
    (dict(electoral_system="SNTV", district_magnitude=6), ["district_magnitude=6", "5 parties"]),
    (dict(electoral_system="FPTP", pr_tier="constituency"), ["pr_tier", "PR", "FPTP"]),
    (dict(electoral_system="PR", pr_tier="regional"), ["pr_tier", "regional", "national, constituency"]),
    (dict(electoral_system="PR", list_seats=5), ["list_seats", "MMP", "PARALLEL"]),
    (dict(electoral_system="PARALLEL", overhang="level"), ["overhang", "MMP"]),
    (dict(electoral_system="MMP", overhang="spill"), ["overhang", "spill", "keep, level"]),
    (dict(electoral_system="MMP", overhang="level", allocation_method="hare"), ["level", "hare", "dhondt"]),
    (dict(electoral_system="PR", waiver_seats=2), ["waiver_seats", "MMP"]),
    (dict(electoral_system="MMP", waiver_seats=0), ["waiver_seats", ">= 1"]),
    (dict(electoral_system="MMP", list_seats=-1), ["list_seats", ">= 0"]),
    (dict(district_magnitude=0), ["district_magnitude", ">= 1"]),
    (dict(electoral_system="Borda count"), ["electoral_system", "BORDA", "Borda count"]),
])
def test_impossible_combinations_refused_before_running(params, needles):
    with pytest.raises(ValueError) as e:
        ElectionModel.canonical_params(**params)
    for needle in needles:
        assert needle in str(e.value), (needle, str(e.value))


def test_setter_revalidates_the_combination():
    model = ElectionModel(n_voters=1_000, electoral_system="STV", district_magnitude=3, seed=1)
    with pytest.raises(ValueError, match="district_magnitude=3"):
        model.with_system("IRV")
    assert model.with_system("sntv").electoral_system == "SNTV"


def test_ranked_ballots_limit_on_parties():
    many = [{"name": f"P{i}", "position": [0.01 * i, 0.0]} for i in range(ballots.MAX_RANKED_PARTIES + 1)]
    assert run(parties=many, n_voters=2_000, seed=1)["n_seats"] == 5  # FPTP counts any number
    with pytest.raises(ValueError, match="IRV counts ranked ballots, which support at most 24 parties, got 25"):
        ElectionModel.canonical_params(parties=many, electoral_system="IRV")


# ---------------------------------------------------------------------------
# Issue 11: extreme accepted inputs give defined numbers; others are refused
# ---------------------------------------------------------------------------


def test_temperature_near_zero_is_the_deterministic_limit():
    # T = 1e-6 (the documented minimum): each voter votes for their best party, turns out with
    # 0.9 - 0.3 * max(0, -max_j u_ij) (indifference 0); expected votes computed here
    model = ElectionModel(n_voters=20_000, n_constituencies=4, temperature=1e-6, seed=12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = model.run_election()
    v = model.voter_positions.astype(np.float64)
    u = np.array([-((v[0] - p["position"][0]) ** 2 + (v[1] - p["position"][1]) ** 2) + p["valence"]
                  for p in model.parties]).T
    propensity = np.clip(0.9 - 0.3 * np.maximum(0, -u.max(axis=1)), 0, 1)
    best = u.argmax(axis=1)
    expected = np.bincount(best, weights=propensity, minlength=5)
    sd = np.sqrt(np.bincount(best, weights=propensity * (1 - propensity), minlength=5))
    assert np.all(np.abs(np.array(r["vote_counts"]) - expected) <= SIGMAS * sd + 1), (r["vote_counts"], expected)
    assert 0 < r["turnout"] < 1


@pytest.mark.parametrize("value", [1e-7, 1e-39, 0.0, 1e7, 1e300])
def test_temperature_outside_the_stated_range_is_refused(value):
    with pytest.raises(ValueError) as e:
        ElectionModel.canonical_params(temperature=value)
    assert "[1e-06, 1e+06]" in str(e.value) and repr(value) in str(e.value)


@pytest.mark.parametrize("name, value, rule", [
    ("economic_growth", 1e300, "[-100, 100]"), ("economic_growth", -101.0, "[-100, 100]"),
    ("national_mood", 1e300, "[-1000, 1000]"), ("anti_incumbency", 1e4, "[0, 1000]"),
])
def test_utility_terms_outside_the_stated_range_are_refused(name, value, rule):
    with pytest.raises(ValueError) as e:
        ElectionModel.canonical_params(**{name: value})
    assert name in str(e.value) and rule in str(e.value)


@pytest.mark.parametrize("party", [{"position": [1e300, 0]}, {"position": [0, -2000]}, {"valence": 1e300}])
def test_party_terms_outside_the_stated_range_are_refused(party):
    parties = [{"name": "A", "position": [0, 0]}, {"name": "B", "position": [1, 0], **party}]
    with pytest.raises(ValueError, match=r"parties\[1\].*\[-1000, 1000\]"):
        ElectionModel.canonical_params(parties=parties)


@pytest.mark.parametrize("kw", [
    dict(temperature=1e-6), dict(temperature=1e6), dict(economic_growth=100.0), dict(economic_growth=-100.0),
    dict(national_mood=1000.0, anti_incumbency=1000.0, temperature=1e-6),
    dict(parties=[{"name": "A", "position": [1000, -1000], "valence": 1000, "incumbent": True},
                  {"name": "B", "position": [-1000, 1000], "valence": -1000}], temperature=1e-6),
])
@pytest.mark.parametrize("system", ["FPTP", "IRV", "STAR", "PR"])
def test_extreme_accepted_inputs_give_finite_numbers(kw, system):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow, invalid value or division warnings
        r = run(electoral_system=system, seed=2, **kw)
    nan_allowed = {"condorcet_efficiency", "threshold_waived", "incumbent_vote_share", "incumbent_seat_share",
                   "gallagher", "loosemore_hanby", "enp_votes"}
    for key, value in r.items():
        if isinstance(value, float):
            assert math.isfinite(value) or (key in nan_allowed and math.isnan(value)), (key, value)
    if r["turnout"] > 0:
        assert all(math.isfinite(x) for x in (r["gallagher"], r["enp_votes"]))


def test_growth_at_the_limit_keeps_the_incumbent_effect():
    shares = [run(economic_growth=g, seed=3)["incumbent_vote_share"] for g in (0.0, 0.05, 100.0)]
    assert shares[0] < shares[1] < shares[2] and shares[2] > 0.99


def test_incumbent_vote_share_is_nan_when_nobody_voted():
    # parties 1000 units away: best utility about -10^6, turnout propensity < 0 for every voter
    far = [{"name": "A", "position": [1000, 1000], "incumbent": True}, {"name": "B", "position": [-1000, -1000]}]
    r = run(parties=far, seed=1)
    assert r["turnout"] == 0.0 and r["vote_counts"] == [0, 0]
    assert math.isnan(r["incumbent_vote_share"]) and math.isnan(r["gallagher"])
    assert r["incumbent_seat_share"] in (0.0, 1.0)  # seats still filled, by the tie rule


# ---------------------------------------------------------------------------
# Properties over random valid configurations
# ---------------------------------------------------------------------------


@st.composite
def configurations(draw):
    system = draw(st.sampled_from(ELECTORAL_SYSTEMS))
    seats = MODEL_SYSTEMS[system].seats
    params = dict(electoral_system=system, n_constituencies=draw(st.integers(1, 12)),
                  n_voters=draw(st.integers(300, 3_000)), temperature=draw(st.sampled_from([0.05, 0.5, 3.0])),
                  seed=draw(st.integers(0, 2**32)))
    if seats in ("magnitude", "list"):
        params["district_magnitude"] = draw(st.integers(1, 5))
    if system == "PR":
        params["pr_tier"] = draw(st.sampled_from(["national", "constituency"]))
    if seats == "mixed":
        params["list_seats"] = draw(st.integers(0, 15))
    if system == "MMP":
        params["overhang"] = draw(st.sampled_from(["keep", "level"]))
    return params


@settings(max_examples=40, deadline=None)
@given(params=configurations())
def test_seat_totals_and_paired_first_preferences(params):
    r = ElectionModel(**params).run_election()
    fptp = ElectionModel(**{k: v for k, v in params.items() if k in ("n_constituencies", "n_voters", "temperature",
                                                                      "seed")}).run_election()
    assert r["vote_counts"] == fptp["vote_counts"] and r["turnout"] == fptp["turnout"]
    assert sum(r["seats"]) == r["n_seats"] and min(r["seats"]) >= 0
    c, m = params["n_constituencies"], params.get("district_magnitude", 1)
    seats = MODEL_SYSTEMS[params["electoral_system"]].seats
    if seats == "mixed":
        list_seats = params["list_seats"]
        parallel = params["electoral_system"] == "PARALLEL"
        assert r["n_seats"] == c + list_seats if parallel else r["n_seats"] >= c + list_seats
    else:
        assert r["n_seats"] == c * m
    single = (seats == "single" or (seats == "magnitude" and m == 1)
              or (seats == "list" and params.get("pr_tier") == "constituency" and m == 1))
    ce = r["condorcet_efficiency"]
    assert (0.0 <= ce <= 1.0 or math.isnan(ce)) if single else math.isnan(ce)
