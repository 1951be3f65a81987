"""Mixed systems (electoral_sim.systems.mixed): New Zealand MMP elections reproduced exactly,
overhang kept or levelled, parallel voting, properties, errors."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from electoral_sim import ElectionModel
from electoral_sim.systems.mixed import allocate_mixed, allocate_parallel, mmp_qualifying
from electoral_sim.systems.proportional import allocate_seats

# ---------------------------------------------------------------------------
# New Zealand: 120 seats, Sainte-Lague, 5 % of the party vote or 1 electorate,
# overhang kept (Electoral Act 1993 s 191). Numbers checked via the search tool
# against the Electoral Commission's published tables (or copies of them, as cited).
# ---------------------------------------------------------------------------


def nz(party_votes, electorates):
    out = allocate_mixed(party_votes, electorates + [0] * (len(party_votes) - len(electorates)), 120,
                         method="sainte_lague", threshold=0.05, waiver_seats=1, overhang="keep")
    return out.tolist()


def test_nz_2017_official_result():
    # 2017 General Election - Official Result, www.electionresults.govt.nz/electionresults_2017/
    # (table as quoted at yournz.org/tag/final-result/; the 16 party votes sum to the stated
    # total 2,591,896). National 1,152,075 (41 electorates), Labour 956,184 (29), NZ First
    # 186,706, Green 162,443, ACT 13,075 (Epsom: qualifies with 0.5 %), then TOP 63,261,
    # Maori 30,580, ALCP 8,075, Conservative 6,253, MANA 3,642, Ban1080 3,005, NZ People's
    # 1,890, United Future 1,782, Outdoors 1,620, Social Credit 806, Internet 499.
    votes = [1_152_075, 956_184, 186_706, 162_443, 13_075, 63_261, 30_580, 8_075, 6_253, 3_642, 3_005,
             1_890, 1_782, 1_620, 806, 499]
    assert sum(votes) == 2_591_896
    # Official seats: National 56, Labour 46, NZ First 9, Green 8, ACT 1; 120 in all.
    assert nz(votes, [41, 29, 0, 0, 1]) == [56, 46, 9, 8, 1] + [0] * 11


def test_nz_2020_election_night_result():
    # 2020 General Election, preliminary (election night) result, Electoral Commission media
    # release 18 Oct 2020 (www.scoop.co.nz/stories/PO2010/S00218/; the 17 party votes sum to
    # the stated total 2,381,472). Labour 1,169,397 (43 electorates), National 638,393 (26),
    # ACT 190,106 (1), Green 180,224 (1), Maori 23,938 (1), NZ First 63,447, New Conservative
    # 35,954, TOP 33,718, Advance NZ 20,841, ALCP 7,637, ONE 6,470, Vision NZ 2,775,
    # Outdoors 2,593, TEA 1,869, Sustainable NZ 1,467, Social Credit 1,350, HeartlandNZ 1,293.
    votes = [1_169_397, 638_393, 190_106, 180_224, 23_938, 63_447, 35_954, 33_718, 20_841, 7_637, 6_470,
             2_775, 2_593, 1_869, 1_467, 1_350, 1_293]
    assert sum(votes) == 2_381_472
    # Published seats: Labour 64, National 35, ACT 10, Green 10, Maori 1 (electorate only).
    assert nz(votes, [43, 26, 1, 1, 1]) == [64, 35, 10, 10, 1] + [0] * 12


def test_nz_2020_official_result():
    # 2020 official result (elections.nz/media-and-news/2020/2020-general-election-official-results/):
    # 120 seats, Labour 65, National 33, Green 10, ACT 10, Maori 2. Party votes of the seat
    # winners and NZ First from the Wikipedia infobox copy at
    # wiki3.en-us.nina.az/2020_New_Zealand_election.html: Labour 1,443,545, National 738,275,
    # Green 226,757, ACT 219,031, Maori 33,630, NZ First 75,020. Electorates: election night's
    # 43/26/1/1/1 with three seats moving from National to Labour on the official count
    # (Maungakiekie, Northland, Whangarei: same media release) -> Labour 46, National 23.
    # The smaller parties' official votes were not available here and are left out: each is
    # below NZ First's 2.6 %, and leaving them out only raises the others' shares, so no one
    # crosses 5 % and the Sainte-Lague count among the qualifiers is unchanged.
    votes = [1_443_545, 738_275, 226_757, 219_031, 33_630, 75_020]
    assert nz(votes, [46, 23, 1, 1, 1]) == [65, 33, 10, 10, 2, 0]


def test_nz_2023_election_night_result_has_overhang():
    # 2023 General Election, preliminary result, Electoral Commission media release 15 Oct 2023
    # (www.scoop.co.nz/stories/PO2310/S00126/; the 17 votes sum to the stated total 2,244,380).
    # National 875,234 (45 electorates), Labour 602,816 (17), Green 241,977 (3), ACT 202,077 (2),
    # NZ First 145,084, Te Pati Maori 58,393 (4), TOP 46,471, NZ Loyal 26,036, NewZeal 12,599,
    # ALCP 8,792, Freedoms NZ 6,982, DemocracyNZ 5,527, Animal Justice 3,902, New Conservatives
    # 3,565, Women's Rights 1,831, Leighton Baker 1,811, New Nation 1,283. 71 electorates
    # (Port Waikato went to a by-election).
    votes = [875_234, 602_816, 241_977, 202_077, 145_084, 58_393, 46_471, 26_036, 12_599, 8_792, 6_982,
             5_527, 3_902, 3_565, 1_831, 1_811, 1_283]
    assert sum(votes) == 2_244_380
    out = nz(votes, [45, 17, 3, 2, 0, 4])
    # Published: National 50, Labour 34, Green 14, ACT 11, NZ First 8, Te Pati Maori 4
    # (4 electorates, entitled to 3: one overhang seat) -> 121 seats.
    assert out == [50, 34, 14, 11, 8, 4] + [0] * 11
    assert sum(out) == 121


def test_nz_2023_official_result_has_two_overhang_seats():
    # 2023 official result (elections.nz/media-and-news/2023/official-results-for-the-2023-general-election/,
    # via copies at scoop.co.nz and deaf.org.nz): 122 seats, National 48, Labour 34, Green 15,
    # ACT 11, NZ First 8, Te Pati Maori 6, "an overhang of two seats" (123 after the Port
    # Waikato by-election, which is outside the count). Party votes and electorates (National
    # 43, Labour 17, Green 3, ACT 2, Te Pati Maori 6) from the table in "Results of the 2023 New
    # Zealand general election" (wikimili.com copy of Wikipedia), which lists every party down
    # to New Conservative 4,532; the few smaller ones cut off in that copy are left out (each
    # below 0.2 %: no effect on who passes 5 %).
    votes = [1_085_851, 767_540, 330_907, 246_473, 173_553, 87_844, 63_344, 34_478, 16_126, 13_025,
             9_586, 6_786, 5_018, 4_532]
    out = nz(votes, [43, 17, 3, 2, 0, 6])
    assert out == [48, 34, 15, 11, 8, 6] + [0] * 8
    assert sum(out) == 122


def test_nz_2023_levelled_instead():
    # The same election with German-style levelling: the house grows until Te Pati Maori's
    # Sainte-Lague share of it reaches its 6 electorates. Independent check: step the house
    # size up with allocate_seats until no party is short.
    votes = [1_085_851, 767_540, 330_907, 246_473, 173_553, 87_844]
    districts = [43, 17, 3, 2, 0, 6]
    out = allocate_mixed(votes, districts, 120, overhang="level")
    n = 120
    while (allocate_seats(votes, n, "sainte_lague") < districts).any():
        n += 1
    assert out.tolist() == allocate_seats(votes, n, "sainte_lague").tolist()
    assert n > 122 and out.sum() == n


# ---------------------------------------------------------------------------
# Hand-computed cases
# ---------------------------------------------------------------------------


def test_overhang_keep_and_level_by_hand():
    # Votes 60, 30, 10; districts A 1, B 4, C 0; 10 seats, Sainte-Lague, all above 5 %.
    # Quotients: A 60, 20, 12, 8.57, 6.67, 5.45, 4.62; B 30, 10, 6, 4.29; C 10, 3.33.
    # Top 10: 60 A, 30 B, 20 A, 12 A, 10 B, 10 C (tie: B has more votes, both in), 8.57 A,
    # 6.67 A, 6 B, 5.45 A -> entitlements A 6, B 3, C 1. B won 4 districts: one overhang.
    assert allocate_mixed([60, 30, 10], [1, 4, 0], 10).tolist() == [6, 4, 1]
    # Levelled: B's 4th quotient 30/7 = 4.29 has 11 quotients above it (A 7, B 3, C 1), so it
    # is the 12th seat: house of 12, allocation A 7, B 4, C 1.
    assert allocate_mixed([60, 30, 10], [1, 4, 0], 10, overhang="level").tolist() == [7, 4, 1]
    assert allocate_seats([60, 30, 10], 11, "sainte_lague").tolist() == [7, 3, 1]  # 11 is too few


def test_list_seats_fill_up_to_entitlement():
    # No overhang: totals are the plain Sainte-Lague apportionment of all n_seats.
    assert allocate_mixed([60, 30, 10], [2, 1, 0], 10).tolist() == [6, 3, 1]


def test_electorate_waiver_and_threshold():
    # D'Hondt, 10 seats, 5 % threshold. C has 3 % of the list votes.
    votes, districts = [600, 370, 30], [3, 2, 1]
    # waiver 1: C qualifies by its district. Entitlements of 10 by D'Hondt among all three:
    #   600, 370, 300, 200, 185, 150, 123.3, 120, 100, 92.5 -> A 6, B 4, C 0 (30 < 92.5);
    #   C keeps its district as overhang -> [6, 4, 1], 11 seats.
    assert allocate_mixed(votes, districts, 10, "dhondt", 0.05, 1).tolist() == [6, 4, 1]
    # waiver 2 (C has 1 district): C does not qualify, keeps its district, and that seat comes
    #   off the house: 9 seats among A and B: 600, 370, 300, 200, 185, 150, 123.3, 120, 100
    #   -> A 6, B 3 -> [6, 3, 1], 10 seats.
    assert allocate_mixed(votes, districts, 10, "dhondt", 0.05, 2).tolist() == [6, 3, 1]
    assert allocate_mixed(votes, districts, 10, "dhondt", 0.05, None).tolist() == [6, 3, 1]
    assert mmp_qualifying(votes, districts, 0.05, None) == (pytest.approx([True, True, False]), False)


def test_independent_district_winner_comes_off_the_house():
    # An entry without list votes is an independent: its district seat is deducted from the
    # house before the list count (NZ s 191), not an overhang. 10 seats, Sainte-Lague:
    # 9 seats among [50, 40]: 50, 40, 16.7, 13.3, 10, 8, 7.1, 5.7, 5.6 -> A 5, B 4.
    assert allocate_mixed([50, 40, 0], [2, 2, 1], 10).tolist() == [5, 4, 1]
    # A party with a single list vote that wins a district qualifies (waiver) but is entitled
    # to nothing: an overhang seat, and the house grows to 11. 10 seats among [50, 40, 1]:
    # 50 A, 40 B, 16.7 A, 13.3 B, 10 A, 8 B, 7.1 A, 5.7 B, 5.6 A, 4.55 A (> B's 40/9 = 4.44)
    # -> A 6, B 4, C 0; C keeps its district.
    out = allocate_mixed([50, 40, 1], [2, 2, 1], 10).tolist()
    assert out == [6, 4, 1]
    assert sum(out) == 11


def test_threshold_nobody_reaches_is_waived_in_mmp():
    # Threshold 50 %, no waiver: no party qualifies, so the threshold is waived (flagged) and
    # all three share the 10 seats by Sainte-Lague (as without districts).
    votes = [40, 35, 25]
    qualified, waived = mmp_qualifying(votes, [0, 0, 0], 0.5, None)
    assert waived and qualified.all()
    assert allocate_mixed(votes, [0, 0, 0], 10, threshold=0.5, waiver_seats=None).tolist() == \
        allocate_seats(votes, 10, "sainte_lague").tolist()
    # With the electorate waiver, C's district admits C alone: no waiver, C takes the list seats.
    qualified, waived = mmp_qualifying(votes, [0, 0, 1], 0.5, 1)
    assert qualified.tolist() == [False, False, True] and not waived
    assert allocate_mixed(votes, [0, 0, 1], 10, threshold=0.5).tolist() == [0, 0, 10]


def test_parallel():
    # 5 list seats by D'Hondt: 60 A, 30 A, 30 B (tie: A has more votes first), 20 A, 15 A/15 B
    # tie -> A: list [4, 1, 0]; plus districts [1, 4, 0].
    assert allocate_parallel([60, 30, 10], [1, 4, 0], 5, "dhondt", 0.0).tolist() == [5, 5, 0]
    # Threshold 15 %: C out of the list count, keeps its districts.
    assert allocate_parallel([60, 30, 10], [0, 0, 2], 9, "sainte_lague", 0.15).tolist() == [6, 3, 2]


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------


@st.composite
def mmp_elections(draw, max_votes=10_000, max_districts=8):
    p = draw(st.integers(1, 6))
    votes = draw(st.lists(st.integers(0, max_votes), min_size=p, max_size=p))
    districts = draw(st.lists(st.integers(0, max_districts), min_size=p, max_size=p))
    n_seats = sum(districts) + draw(st.integers(0, 30))
    return votes, districts, n_seats


params = dict(method=st.sampled_from(["dhondt", "sainte_lague"]), threshold=st.sampled_from([0.0, 0.05, 0.2, 0.6]),
              waiver=st.sampled_from([None, 1, 3]))


@settings(max_examples=60)
@given(election=mmp_elections(), **params)
@example(election=([10, 0], [0, 1], 1), method="sainte_lague", threshold=0.0, waiver=1)
@example(election=([0, 0], [1, 0], 3), method="dhondt", threshold=0.05, waiver=1)
def test_mmp_keep_properties(election, method, threshold, waiver):
    votes, districts, n_seats = election
    out = allocate_mixed(votes, districts, n_seats, method, threshold, waiver, "keep")
    part, _ = mmp_qualifying(votes, districts, threshold, waiver)
    d = np.array(districts)
    assert out.dtype == np.int64 and (out >= d).all()  # nobody loses a district seat
    assert (out[~part] == d[~part]).all()  # non-qualifiers and independents: districts only
    # parties in the list count get their entitlement or their districts, whichever is more
    pool = n_seats - int(d[~part].sum())
    ent = allocate_seats([votes[i] for i in np.flatnonzero(part)], pool, method)
    assert out[part].tolist() == np.maximum(ent, d[part]).tolist()
    assert out.sum() == n_seats + int(np.maximum(d[part] - ent, 0).sum())  # house = n + overhang


def sequential(votes, method, stop):
    """Divisor method one seat at a time in Fractions (ties: more votes, then listed order),
    until ``stop(seats, n)``: the brute-force levelling reference."""
    seats, n = [0] * len(votes), 0
    while not stop(seats, n):
        best = min(range(len(votes)), key=lambda i: (
            -Fraction(votes[i], seats[i] + 1 if method == "dhondt" else 2 * seats[i] + 1), -votes[i], i))
        seats[best] += 1
        n += 1
    return seats


@settings(max_examples=60)
@given(election=mmp_elections(max_votes=50, max_districts=5), **params)
def test_mmp_level_is_smallest_house_without_overhang(election, method, threshold, waiver):
    votes, districts, n_seats = election
    out = allocate_mixed(votes, districts, n_seats, method, threshold, waiver, "level")
    part, _ = mmp_qualifying(votes, districts, threshold, waiver)
    d = np.array(districts)
    idx = np.flatnonzero(part)
    pv, pd = [votes[i] for i in idx], [districts[i] for i in idx]
    pool = n_seats - int(d[~part].sum())
    # step the house up from the apportioned seats until every party with list votes holds
    # its districts (a party without list votes cannot be levelled)
    ent = sequential(pv, method, lambda s, n: n >= pool and all(
        s[j] >= pd[j] for j in range(len(pv)) if pv[j] > 0))
    assert out[part].tolist() == np.maximum(ent, pd).tolist()
    assert (out[~part] == d[~part]).all()


@settings(max_examples=60)
@given(votes=st.lists(st.integers(0, 10_000), min_size=1, max_size=6).filter(lambda v: sum(v) > 0),
       n_seats=st.integers(0, 40), method=st.sampled_from(["dhondt", "sainte_lague", "hare", "droop"]),
       threshold=st.sampled_from([0.0, 0.05, 0.2, 0.6]))
def test_mmp_without_districts_is_list_pr(votes, n_seats, method, threshold):
    zeros = [0] * len(votes)
    assert (allocate_mixed(votes, zeros, n_seats, method, threshold, 1).tolist()
            == allocate_seats(votes, n_seats, method, threshold).tolist())
    assert (allocate_parallel(votes, zeros, n_seats, method, threshold).tolist()
            == allocate_seats(votes, n_seats, method, threshold).tolist())


@settings(max_examples=60)
@given(data=st.data(), election=mmp_elections(), overhang=st.sampled_from(["keep", "level"]))
def test_mmp_anonymity(data, election, overhang):
    votes, districts, n_seats = election
    if len(set(votes)) < len(votes):
        votes = [v * 10 + i for i, v in enumerate(votes)]  # distinct votes: listed order never decides
    perm = data.draw(st.permutations(range(len(votes))))
    out = allocate_mixed(votes, districts, n_seats, overhang=overhang)
    permuted = allocate_mixed([votes[p] for p in perm], [districts[p] for p in perm], n_seats, overhang=overhang)
    assert permuted.tolist() == [int(out[p]) for p in perm]


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, words", [
    (dict(overhang="grow"), ["overhang", "keep", "level", "'grow'"]),
    (dict(overhang="level", method="hare"), ["level", "dhondt", "sainte_lague", "'hare'"]),
    (dict(n_seats=4), ["n_seats", "district seats (5)", "4"]),
    (dict(district_seats=[1, 2]), ["district_seats", "3"]),
    (dict(district_seats=[1.5, 2, 2]), ["district_seats", "integers"]),
    (dict(district_seats=[1, -2, 2]), ["district_seats", "non-negative"]),
    (dict(waiver_seats=0), ["waiver_seats", "positive integer", "None"]),
    (dict(waiver_seats=True), ["waiver_seats", "True"]),
    (dict(method="borda"), ["allocation_method", "'borda'"]),
    (dict(threshold=1.0), ["threshold", "[0, 1)"]),
    (dict(list_votes=[1, -1, 2]), ["list_votes", "non-negative"]),
])
def test_bad_input_messages(kwargs, words):
    args = dict(list_votes=[50, 30, 20], district_seats=[2, 2, 1], n_seats=10) | kwargs
    with pytest.raises(ValueError) as e:
        allocate_mixed(**args)
    for w in words:
        assert w in str(e.value), (w, str(e.value))


def test_parallel_bad_list_seats():
    with pytest.raises(ValueError, match="list_seats must be a non-negative integer, got -1"):
        allocate_parallel([50, 30], [1, 1], -1)


def test_germany_2021_official_result_with_three_uncompensated_overhang_seats():
    # Bundestag 2021 (Bundeswahlleiter, final result): second votes of the parties in the
    # federal count (SPD, CDU, CSU, Greens, FDP, AfD, Left; the Left entered through its 3
    # constituencies) and constituencies won; 598 seats before overhang. Seats: SPD 206, CDU 152,
    # CSU 45, Greens 118, FDP 92, AfD 83, Left 39 (+ SSW 1, exempt from the threshold, not
    # modelled) = 736. The 2020 law left up to three overhang seats (the CSU's) uncompensated.
    votes = [11_955_434, 8_775_471, 2_402_827, 6_852_206, 5_319_952, 4_803_902, 2_270_906]
    districts = [121, 98, 45, 16, 0, 16, 3]
    out = allocate_mixed(votes, districts, 598, "sainte_lague", 0.05, 3, "level", uncompensated=3)
    assert out.tolist() == [206, 152, 45, 118, 92, 83, 39]
    assert allocate_mixed(votes, districts, 598, "sainte_lague", 0.05, 3, "level").sum() > 736  # fully levelled


@settings(max_examples=60)
@given(election=mmp_elections(max_votes=50, max_districts=5), method=st.sampled_from(["dhondt", "sainte_lague"]),
       k=st.integers(0, 3))
def test_partly_levelled_house_is_the_smallest_with_at_most_k_overhang(election, method, k):
    votes, districts, n_seats = election
    out = allocate_mixed(votes, districts, n_seats, method, 0.0, None, "level", uncompensated=k)
    part, _ = mmp_qualifying(votes, districts, 0.0, None)
    idx = np.flatnonzero(part)
    pv, pd = [votes[i] for i in idx], np.array([districts[i] for i in idx])
    pool = n_seats - int(np.array(districts)[~part].sum())
    listed = np.array(pv) > 0
    ent = sequential(pv, method, lambda s, n: n >= pool and np.maximum(pd - np.array(s), 0)[listed].sum() <= k)
    assert out[part].tolist() == np.maximum(ent, pd).tolist()


def test_uncompensated_overhang_needs_levelling():
    with pytest.raises(ValueError, match="uncompensated=2 applies only to overhang='level'"):
        allocate_mixed([10, 5], [2, 0], 4, overhang="keep", uncompensated=2)
    with pytest.raises(ValueError, match="uncompensated_overhang=3 applies only to MMP with overhang='level'"):
        ElectionModel.canonical_params(electoral_system="MMP", uncompensated_overhang=3)
