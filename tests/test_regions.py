"""Regions: constituencies grouped by region, regional valence, parties standing only in some regions."""
from __future__ import annotations

import numpy as np
import pytest

from electoral_sim import ElectionModel
from electoral_sim.model.regions import scale_counts

PARTIES = [
    {"name": "Left", "position": [-0.4, 0.0], "incumbent": True},
    {"name": "Right", "position": [0.4, 0.0]},
    {"name": "Local", "position": [-0.1, 0.5], "regions": ["North"]},
]
REGIONS = [
    {"name": "North", "constituencies": 3, "valence": {"Local": 0.8}},
    {"name": "South", "constituencies": 7, "centre": [0.2, 0.0], "spread": 0.1},
]


def model(system="FPTP", seed=3, n_voters=6_000, **kw):
    kw = {"parties": PARTIES, "regions": REGIONS, "n_constituencies": 10, **kw}
    return ElectionModel(n_voters=n_voters, electoral_system=system, seed=seed, **kw)


def constituency_votes(m: ElectionModel) -> np.ndarray:
    from electoral_sim.model.electorate import cast_ballots

    return cast_ballots(m.electorate, m._party_terms(), m.temperature, m.rng).votes


def test_regions_that_differ_in_nothing_give_the_numbers_of_no_regions():
    plain = ElectionModel(n_voters=4_000, seed=5).run_election()
    split = ElectionModel(n_voters=4_000, seed=5,
                          regions=[{"name": "A", "constituencies": 4}, {"name": "B", "constituencies": 6}]).run_election()
    assert split == plain


def test_a_regional_party_gets_votes_and_seats_only_where_it_stands():
    m = model()
    votes = constituency_votes(m)
    north, south = m.electorate.region == 0, m.electorate.region == 1
    assert (votes[south, 2] == 0).all() and (votes[north, 2] > 0).all()
    result = model().run_election()
    winners = np.array(result["constituency_winners"])
    assert set(winners[south]) <= {"Left", "Right"}
    assert "Local" in set(winners[north])  # its regional valence makes it the North's largest party


def test_region_centres_and_spreads_place_constituency_centres():
    m = model(regions=[{"name": "North", "constituencies": 3, "centre": [0.5, -0.5], "spread": 0.0},
                       {"name": "South", "constituencies": 7}])
    assert np.allclose(m.constituency_centres[:3], [0.5, -0.5])
    assert np.ptp(m.constituency_centres[3:, 0]) > 0.1  # drawn around the origin with the default spread


def test_a_regional_valence_shift_moves_votes_in_its_region_only():
    flat = constituency_votes(model(regions=[{"name": "North", "constituencies": 3},
                                             {"name": "South", "constituencies": 7, "centre": [0.2, 0.0]}]))
    shifted = constituency_votes(model(regions=[{"name": "North", "constituencies": 3},
                                                {"name": "South", "constituencies": 7, "centre": [0.2, 0.0],
                                                 "valence": {"Right": 0.5}}]))
    share = lambda v: v[:, 1] / v.sum(axis=1)  # noqa: E731
    assert np.allclose(share(flat)[:3], share(shifted)[:3])  # same draws, same North
    assert (share(shifted)[3:] > share(flat)[3:] + 0.05).all()


def test_regional_turnout_sets_each_regions_base_propensity():
    def turnout(north, south):
        m = model(regions=[{"name": "North", "constituencies": 3, "turnout": north, "valence": {"Local": 0.8}},
                           {"name": "South", "constituencies": 7, "turnout": south}])
        return constituency_votes(m).sum(axis=1) / m.constituency_sizes

    low, high = turnout(0.9, 0.5), turnout(0.9, 0.9)
    assert np.array_equal(low[:3], high[:3])  # same draws, same North
    assert (high[3:] - low[3:]).mean() > 0.3 and (high[3:] > low[3:]).all()  # 0.4 more propensity, less the clip at 0


@pytest.mark.parametrize("system", ["IRV", "SCHULZE", "BORDA", "APPROVAL", "STAR", "TRS", "STV"])
def test_ranked_and_cardinal_ballots_leave_off_a_party_that_does_not_stand(system):
    kw = {"district_magnitude": 2} if system == "STV" else {}
    result = model(system, **kw).run_election()
    winners = result["constituency_winners"]
    south = [w for w, r in zip(winners, model().electorate.region) if r == 1]
    assert all("Local" not in (w if isinstance(w, list) else [w]) for w in south)


def test_profiles_rank_only_the_parties_that_stand():
    m = model("IRV")
    from electoral_sim.model.election import _drop_candidates

    rankings = np.array([[2, 0, 1], [0, 2, -1], [1, 0, 2]])
    assert _drop_candidates(rankings, np.array([False, False, True])).tolist() == [[0, 1, -1], [0, -1, -1],
                                                                                   [1, 0, -1]]
    assert m.run_election()["seats"][2] >= 0


def test_mmp_list_tier_counts_a_regional_partys_votes_and_its_overhang():
    parties = [{"name": "A", "position": [-0.3, 0.0]}, {"name": "B", "position": [0.3, 0.0]},
               {"name": "C", "position": [0.3, 0.1], "regions": ["Bavaria"]}]
    regions = [{"name": "Bavaria", "constituencies": 4, "valence": {"C": 2.0}},
               {"name": "Rest", "constituencies": 16}]
    result = ElectionModel(n_voters=20_000, n_constituencies=20, parties=parties, regions=regions,
                           electoral_system="MMP", allocation_method="sainte_lague", overhang="keep",
                           seed=1).run_election()
    wins = result["constituency_winners"]
    assert wins[:4].count("C") >= 3 and "C" not in wins[4:]
    assert result["seats"][2] >= wins.count("C")  # it keeps its constituencies (overhang)


@pytest.mark.parametrize("regions, message", [
    ([{"name": "North", "constituencies": 3}, {"name": "South", "constituencies": 6}],
     r"regions hold 9 constituencies \(North 3, South 6\), but n_constituencies is 10"),
    ([{"name": "North", "constituencies": 0}, {"name": "South", "constituencies": 10}],
     r"region 'North': constituencies must be an integer >= 1, got 0"),
    ([{"name": "Nord", "constituencies": 3}, {"name": "South", "constituencies": 7}],
     r"party 'Local' stands in region 'North', which is not a region; regions: Nord, South"),
    ([{"name": "North", "constituencies": 3, "valence": {"Centre": 1}}, {"name": "South", "constituencies": 7}],
     r"region 'North': valence names 'Centre', which is not a party"),
    ([{"name": "North", "constituencies": 3, "colour": "red"}, {"name": "South", "constituencies": 7}],
     r"region 'North': unknown key 'colour'"),
    ([{"name": "North", "constituencies": 3, "turnout": 1.5}, {"name": "South", "constituencies": 7}],
     r"region 'North': turnout must be a number in \[0, 1\], got 1.5"),
    ([{"name": "North", "constituencies": 5}, {"name": "North", "constituencies": 5}],
     r"regions\[1\]\['name'\] must be a unique non-empty string, got 'North'"),
    ([], r"regions must be a non-empty list of region dicts"),
])
def test_regions_that_do_not_add_up_are_refused_before_any_work(regions, message):
    with pytest.raises(ValueError, match=message):
        ElectionModel.canonical_params(n_constituencies=10, parties=PARTIES, regions=regions)


def test_a_region_where_fewer_than_two_parties_stand_is_refused():
    parties = [{"name": "A", "position": [0, 0], "regions": ["X"]}, {"name": "B", "position": [1, 0],
                                                                      "regions": ["X"]},
               {"name": "C", "position": [0, 1], "regions": ["Y"]}]
    with pytest.raises(ValueError, match=r"region 'Y': 1 party \(C\) stand there; at least 2 must"):
        ElectionModel.canonical_params(n_constituencies=2, parties=parties,
                                       regions=[{"name": "X", "constituencies": 1}, {"name": "Y", "constituencies": 1}])


def test_a_regional_party_without_regions_is_refused():
    with pytest.raises(ValueError, match=r"party 'Local' stands only in regions \['North'\], but the model has no "
                                         "regions"):
        ElectionModel.canonical_params(parties=PARTIES)
    with pytest.raises(ValueError, match=r"parties\[0\]\['regions'\] must be a non-empty list"):
        ElectionModel.canonical_params(parties=[{**PARTIES[0], "regions": []}, PARTIES[1]])


def test_sntv_magnitude_is_bounded_by_the_parties_standing_in_each_region():
    with pytest.raises(ValueError, match="district_magnitude=3 exceeds the 2 parties standing in a region"):
        ElectionModel.canonical_params(n_constituencies=10, parties=PARTIES, regions=REGIONS,
                                       electoral_system="SNTV", district_magnitude=3)


@pytest.mark.parametrize("counts, n, expected", [
    ([533 - 474, 59, 40, 18, 474], 650, [59, 59, 40, 18, 474]),
    ([59, 59, 40, 18, 474], 65, [6, 6, 4, 2, 47]),
    ([1, 1, 98], 3, [1, 1, 1]),
])
def test_named_regions_scale_to_any_number_of_constituencies(counts, n, expected):
    scaled = scale_counts(counts, n, "x")
    assert scaled == expected and sum(scaled) == n and min(scaled) >= 1


def test_too_few_constituencies_for_the_regions_is_named():
    with pytest.raises(ValueError, match=r"regions 'uk' has 3 regions: n_constituencies must be at least 3"):
        scale_counts([5, 5, 5], 2, "uk")
