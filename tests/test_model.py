"""ElectionModel: reproducibility, result invariants, behaviour, validation."""
from __future__ import annotations

import math

import numpy as np
import pytest

from electoral_sim import ElectionModel
from electoral_sim import metrics
from electoral_sim.model import DEFAULT_PARTIES
from electoral_sim.systems import ALLOCATION_METHODS

N = 5_000  # voters for quick single runs
SEEDS = range(5)  # seeds for statistical comparisons

RESULT_KEYS = {
    "turnout", "gallagher", "loosemore_hanby", "enp_votes", "enp_seats", "vse",
    "incumbent_vote_share", "incumbent_seat_share", "party_names", "vote_counts",
    "seats", "vote_shares", "seat_shares", "winner", "n_seats", "condorcet_efficiency", "threshold_waived",
}


def run(**kw):
    kw.setdefault("n_voters", N)
    return ElectionModel(**kw).run_election()


def mean_of(key, n_voters=20_000, **kw):
    return float(np.mean([run(n_voters=n_voters, seed=s, **kw)[key] for s in SEEDS]))


def reference_seats(votes, n_seats, method, threshold=0.0):
    """Seats by the textbook procedures, seat by seat in exact fractions (a second implementation).

    D'Hondt / Sainte-Lague: each seat goes to the largest v / d(k), d(k) = k + 1 resp. 2k + 1
    for a party holding k seats. Hare / Droop: floor(v / q) seats, then one each to the largest
    remainders v / q - floor(v / q), with q = V / S resp. floor(V / (S + 1)) + 1. Parties below
    ``threshold`` of the votes take no part (none is waived here). Ties: more votes, then listed order.
    """
    from fractions import Fraction

    total = sum(votes)
    eligible = [v if Fraction(v, total) >= Fraction(threshold).limit_denominator(10**6) else 0 for v in votes]
    order = lambda key: sorted(range(len(votes)), key=lambda i: (-key(i), -votes[i], i))
    seats = [0] * len(votes)
    if method in ("dhondt", "sainte_lague"):
        for _ in range(n_seats):
            d = (lambda k: k + 1) if method == "dhondt" else (lambda k: 2 * k + 1)
            seats[order(lambda i: Fraction(eligible[i], d(seats[i])))[0]] += 1
        return seats
    valid = sum(eligible)
    q = Fraction(valid, n_seats) if method == "hare" else Fraction(valid // (n_seats + 1) + 1)
    seats = [int(Fraction(v) // q) for v in eligible]
    for i in order(lambda i: Fraction(eligible[i]) / q - seats[i])[: n_seats - sum(seats)]:
        seats[i] += 1
    return seats


def test_reference_seats_worked_by_hand():
    # votes 100k, 80k, 30k, 20k for 8 seats, worked by hand:
    # D'Hondt quotients 100 80 50 40 33.3 30 26.7 25 (thousands) -> A 4, B 3, C 1, D 0;
    # Sainte-Lague (1, 3, 5) 100 80 33.3 30 26.7 20 20 16 -> A 3, B 3, C 1, D 1;
    # Hare quota 28,750: 3.478 2.783 1.043 0.696 -> 3 2 1 0 whole, remainders .783 (B), .696 (D)
    votes = [100_000, 80_000, 30_000, 20_000]
    assert reference_seats(votes, 8, "dhondt") == [4, 3, 1, 0]
    assert reference_seats(votes, 8, "sainte_lague") == [3, 3, 1, 1]
    assert reference_seats(votes, 8, "hare") == [3, 3, 1, 1]
    # Droop quota floor(230,000 / 9) + 1 = 25,556: 3.913 3.130 1.174 0.783 -> 3 3 1 0, remainder .913 (A)
    assert reference_seats(votes, 8, "droop") == [4, 3, 1, 0]
    # a 10 % threshold removes D (8.7 %): Sainte-Lague 100 80 33.3 30 26.7 20 16 14.3 -> A 4, B 3, C 1
    assert reference_seats(votes, 8, "sainte_lague", 0.1) == [4, 3, 1, 0]


THREE = [
    {"name": "Red", "position": [-0.5, 0.0], "valence": 0.0, "incumbent": True},
    {"name": "Blue", "position": [0.5, 0.0], "valence": 0.0},
    {"name": "Yellow", "position": (0.0, 0.5)},
]

# ---------------------------------------------------------------------------
# Reproducibility
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("system", ["FPTP", "PR"])
def test_same_seed_same_result(system):
    a = run(seed=123, electoral_system=system)
    b = run(seed=123, electoral_system=system)
    assert a == b


def test_different_seeds_differ():
    a, b = run(seed=1), run(seed=2)
    assert a["vote_counts"] != b["vote_counts"]
    assert a != b


def test_seed_none_records_reproducible_seed():
    model = ElectionModel(n_voters=N, n_constituencies=5)
    assert isinstance(model.seed, int) and 0 <= model.seed < 2**63
    first = model.run_election()
    again = ElectionModel(n_voters=N, n_constituencies=5, seed=model.seed).run_election()
    assert first == again


def test_seed_none_draws_fresh_seeds():
    seeds = {ElectionModel(n_voters=10, n_constituencies=1).seed for _ in range(3)}
    assert len(seeds) == 3


def test_integral_float_and_numpy_seed_equal_int_seed():
    # _integer accepts integral floats and numpy integers (e.g. from YAML / pandas);
    # they must mean the same seed as the plain int.
    ref = run(seed=7)
    assert run(seed=np.int64(7)) == ref
    assert ElectionModel(n_voters=N, seed=np.int64(7)).seed == 7
    assert run(seed=7.0) == ref


def test_numpy_and_integral_float_params_accepted():
    ref = run(n_voters=4_000, n_constituencies=4, temperature=0.5, seed=3)
    assert run(n_voters=np.int64(4_000), n_constituencies=4.0, temperature=np.float64(0.5), seed=3) == ref


# ---------------------------------------------------------------------------
# Result keys and invariants
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "system, method, n_constituencies",
    [("FPTP", "dhondt", 10), ("FPTP", "dhondt", 1), ("PR", "dhondt", 10), ("PR", "sainte_lague", 7),
     ("PR", "hare", 13), ("PR", "droop", 25)],
)
def test_result_invariants(system, method, n_constituencies):
    model = ElectionModel(n_voters=N, n_constituencies=n_constituencies, electoral_system=system,
                          allocation_method=method, seed=11)
    r = model.run_election()
    expected_keys = RESULT_KEYS | ({"constituency_winners"} if system == "FPTP" else set())
    assert set(r) == expected_keys
    n_parties = len(DEFAULT_PARTIES)
    assert r["party_names"] == [p["name"] for p in DEFAULT_PARTIES]
    for key in ("vote_counts", "seats", "vote_shares", "seat_shares"):
        assert len(r[key]) == n_parties
    assert r["n_seats"] == n_constituencies
    assert sum(r["seats"]) == n_constituencies
    assert all(isinstance(s, int) and s >= 0 for s in r["seats"])
    assert all(isinstance(v, int) and v >= 0 for v in r["vote_counts"])
    assert sum(r["vote_shares"]) == pytest.approx(1.0)
    assert sum(r["seat_shares"]) == pytest.approx(1.0)
    assert 0.0 < r["turnout"] <= 1.0
    assert sum(r["vote_counts"]) == round(r["turnout"] * N)
    # metrics are those of the counted votes and seats
    assert r["gallagher"] == pytest.approx(metrics.gallagher_index(r["vote_counts"], r["seats"]))
    assert r["loosemore_hanby"] == pytest.approx(metrics.loosemore_hanby_index(r["vote_counts"], r["seats"]))
    assert r["enp_votes"] == pytest.approx(metrics.effective_number_of_parties(r["vote_counts"]))
    assert r["enp_seats"] == pytest.approx(metrics.effective_number_of_parties(r["seats"]))
    assert 0.0 <= r["gallagher"] <= 100.0 and 0.0 <= r["loosemore_hanby"] <= 100.0
    assert 1.0 <= r["enp_votes"] <= n_parties and 1.0 <= r["enp_seats"] <= n_parties
    assert r["vse"] <= 1.0
    inc = [i for i, p in enumerate(DEFAULT_PARTIES) if p["incumbent"]]
    assert r["incumbent_vote_share"] == pytest.approx(sum(r["vote_shares"][i] for i in inc))
    assert r["incumbent_seat_share"] == pytest.approx(sum(r["seat_shares"][i] for i in inc))
    # winner: most seats, ties by votes then listed order
    best = max(range(n_parties), key=lambda i: (r["seats"][i], r["vote_counts"][i], -i))
    assert r["winner"] == r["party_names"][best]
    if system == "FPTP":
        assert len(r["constituency_winners"]) == n_constituencies
        assert [r["constituency_winners"].count(name) for name in r["party_names"]] == r["seats"]
    else:
        assert r["seats"] == reference_seats(r["vote_counts"], n_constituencies, method)


def test_uneven_constituency_sizes():
    # 1000 voters in 7 constituencies: 1000 = 7 * 142 + 6 -> six of 143 and one of 142
    model = ElectionModel(n_voters=1000, n_constituencies=7, seed=2)
    assert model.constituency_sizes.sum() == 1000
    assert sorted(model.constituency_sizes.tolist()) == [142] + [143] * 6
    assert sum(model.run_election()["seats"]) == 7


def test_one_voter_per_constituency():
    r = run(n_voters=20, n_constituencies=20, seed=4)
    assert sum(r["seats"]) == 20
    assert sum(r["vote_counts"]) <= 20


# ---------------------------------------------------------------------------
# Statistical behaviour (common seeds, small electorates)
# ---------------------------------------------------------------------------


def test_fptp_more_disproportional_than_pr():
    fptp = mean_of("gallagher", electoral_system="FPTP")
    pr = mean_of("gallagher", electoral_system="PR")
    assert fptp > pr
    assert fptp > 2 * pr  # by a wide margin, not noise


def test_higher_temperature_raises_enp_votes():
    low = mean_of("enp_votes", temperature=0.2)
    mid = mean_of("enp_votes", temperature=0.5)
    high = mean_of("enp_votes", temperature=2.0)
    assert low < mid < high


# ---------------------------------------------------------------------------
# Independent expected values
#
# The model's documented formula (class docstring), re-implemented here in
# float64, voter by voter, with the documented constants written out as
# numbers (BASE_TURNOUT 0.9, ALIENATION_WEIGHT 0.3, INDIFFERENCE_WEIGHT 0.3,
# GROWTH_WEIGHT 10): the model computes in float32 with a rescaled utility
# and cumulative sums, so this is a second method, and a change to a
# constant fails here. Each voter votes for j with probability
# q_ij = turnout_i * p_ij, independently, so a count's standard error is
# sqrt(sum_i q_ij (1 - q_ij)); observed counts must lie within 5 of them.
# ---------------------------------------------------------------------------

SIGMAS = 5.0


def documented_probabilities(positions, parties, temperature, growth=0.0, anti=0.0, mood=0.0):
    """Per-voter turnout (n,) and logit choice probabilities (n, P), from the docstring."""
    v = np.asarray(positions, dtype=np.float64).reshape(2, -1).T  # (n, 2)
    pos = np.array([p["position"] for p in parties], dtype=np.float64)
    valence = np.array([p.get("valence", 0.0) for p in parties])
    incumbent = np.array([p.get("incumbent", False) for p in parties], dtype=np.float64)
    u = -((v[:, None, :] - pos[None, :, :]) ** 2).sum(axis=2) + valence + incumbent * (10.0 * growth - anti + mood)
    z = np.exp((u - u.max(axis=1, keepdims=True)) / temperature)
    p = z / z.sum(axis=1, keepdims=True)
    n_parties = len(parties)
    alienation = np.maximum(0.0, -u.max(axis=1))
    indifference = (1.0 - p.max(axis=1)) * n_parties / (n_parties - 1)  # 0 if sure, 1 if uniform
    turnout = np.clip(0.9 - 0.3 * alienation - 0.3 * indifference, 0.0, 1.0)
    return turnout, p


def assert_counts_match(result, n_voters, turnout, p):
    """Observed vote counts and turnout within SIGMAS binomial standard errors."""
    q = turnout[:, None] * p
    expected, se = q.sum(axis=0), np.sqrt((q * (1 - q)).sum(axis=0))
    observed = np.array(result["vote_counts"])
    z = (observed - expected) / se
    assert np.all(np.abs(z) < SIGMAS), f"votes {observed} vs expected {expected.round(1)}: z = {z.round(1)}"
    expected_turnout = turnout.sum() / n_voters
    se_turnout = np.sqrt((turnout * (1 - turnout)).sum()) / n_voters
    assert abs(result["turnout"] - expected_turnout) < SIGMAS * se_turnout, (result["turnout"], expected_turnout)


@pytest.fixture
def electorate_at_origin(monkeypatch):
    """Every voter at (0, 0): constituency centres and voters drawn with zero spread."""
    import sys

    for name, module in list(sys.modules.items()):  # wherever the model keeps its constants
        for constant in ("CENTRE_SPREAD", "VOTER_SPREAD"):
            if name.startswith("electoral_sim.model") and hasattr(module, constant):
                monkeypatch.setattr(module, constant, 0.0)


def at_origin(n_voters, parties, temperature, growth=0.0, anti=0.0, mood=0.0, seed=0, **kw):
    model = ElectionModel(n_voters=n_voters, n_constituencies=4, parties=parties, temperature=temperature,
                          economic_growth=growth, anti_incumbency=anti, national_mood=mood, seed=seed, **kw)
    assert not np.any(model.voter_positions)
    return model.run_election()


SQUARE = [{"name": n, "position": xy} for n, xy in
          (("E", [0.5, 0.0]), ("N", [0.0, 0.5]), ("W", [-0.5, 0.0]), ("S", [0.0, -0.5]))]


def test_symmetric_parties_split_votes_evenly_with_textbook_turnout(electorate_at_origin):
    # four parties at distance 0.5 from every voter: u = -0.25 for all, p = 1/4 each;
    # turnout = 0.9 - 0.3 * 0.25 (alienation) - 0.3 * 1 (uniform: fully indifferent) = 0.525
    n = 20_000
    r = at_origin(n, SQUARE, temperature=0.7)
    turnout = 0.525
    assert abs(r["turnout"] - turnout) < SIGMAS * math.sqrt(turnout * (1 - turnout) / n)
    q = turnout / 4
    for count in r["vote_counts"]:
        assert abs(count - n * q) < SIGMAS * math.sqrt(n * q * (1 - q)), r["vote_counts"]


def test_vote_shares_are_logit_probabilities(electorate_at_origin):
    # u = (-0.04 + 0.3, -0.25, -0.5 - 0.1) = (0.26, -0.25, -0.6); p = softmax(u / 0.4)
    parties = [{"name": "A", "position": [0.2, 0.0], "valence": 0.3},
               {"name": "B", "position": [0.0, -0.5]},
               {"name": "C", "position": [-0.5, 0.5], "valence": -0.1}]
    u = np.array([0.26, -0.25, -0.6])
    p = np.exp(u / 0.4) / np.exp(u / 0.4).sum()
    assert p == pytest.approx([0.7164, 0.2002, 0.0834], abs=1e-4)
    n = 20_000
    r = at_origin(n, parties, temperature=0.4)
    turnout = 0.9 - 0.3 * 0.0 - 0.3 * (1 - p.max()) * 3 / 2  # = 0.7724; best utility > 0: no alienation
    shares = np.array(r["vote_shares"])
    se = np.sqrt(p * (1 - p) / (n * turnout))
    assert np.all(np.abs(shares - p) < SIGMAS * se), (shares, p)
    assert abs(r["turnout"] - turnout) < SIGMAS * math.sqrt(turnout * (1 - turnout) / n)


def test_alienated_voters_stay_home(electorate_at_origin):
    # both parties far from every voter: best utility -1.0 -> alienation 1.0 costs 0.3 of turnout
    parties = [{"name": "A", "position": [1.0, 0.0]}, {"name": "B", "position": [0.0, 1.0], "valence": -0.5}]
    n = 20_000
    r = at_origin(n, parties, temperature=0.5)
    p_a = 1 / (1 + math.exp(-0.5 / 0.5))
    turnout = 0.9 - 0.3 * 1.0 - 0.3 * (1 - p_a) * 2
    assert abs(r["turnout"] - turnout) < SIGMAS * math.sqrt(turnout * (1 - turnout) / n), (r["turnout"], turnout)
    assert r["turnout"] < 0.9 - 0.3 * (1 - p_a) * 2 - 0.25  # the alienation term is there, at full size


PAIR = [{"name": "Inc", "position": [0.3, 0.0], "incumbent": True}, {"name": "Opp", "position": [-0.3, 0.0]}]


@pytest.mark.parametrize("temperature, growth, anti, mood", [
    (0.3, 0.0, 0.0, 0.0),     # symmetric: 1/2 each
    (0.5, 0.03, 0.0, 0.0),    # growth 0.03 adds 10 * 0.03 = 0.3 to the incumbent's utility
    (0.5, -0.02, 0.0, 0.0),
    (1.5, 0.05, 0.0, 0.0),    # the same utility gap matters less when choices are noisier
    (0.25, 0.0, 0.2, 0.0),    # anti-incumbency 0.2 subtracts 0.2
    (0.8, 0.0, 0.0, 0.35),    # national mood 0.35 adds 0.35
    (0.6, 0.02, 0.1, -0.15),  # all three: 0.2 - 0.1 - 0.15 = -0.05
])
def test_incumbent_share_is_logistic_in_the_swing(electorate_at_origin, temperature, growth, anti, mood):
    # two parties equidistant from every voter: P(incumbent) = 1 / (1 + exp(-swing / T))
    swing = 10 * growth - anti + mood
    p_inc = 1 / (1 + math.exp(-swing / temperature))
    n = 20_000
    r = at_origin(n, PAIR, temperature, growth, anti, mood)
    turnout, p = documented_probabilities(np.zeros((2, n)), PAIR, temperature, growth, anti, mood)
    assert p[0, 0] == pytest.approx(p_inc)
    assert_counts_match(r, n, turnout, p)
    se = math.sqrt(p_inc * (1 - p_inc) / sum(r["vote_counts"]))
    assert abs(r["incumbent_vote_share"] - p_inc) < SIGMAS * se, (r["incumbent_vote_share"], p_inc)


@pytest.mark.parametrize("kw", [
    {}, {"temperature": 0.25}, {"temperature": 1.6}, {"economic_growth": 0.04}, {"anti_incumbency": 0.25},
    {"national_mood": -0.3}, {"n_constituencies": 1}, {"parties": THREE, "temperature": 0.9},
])
def test_votes_and_turnout_match_the_formula_voter_by_voter(kw):
    # the default electorate (random positions), each voter's probabilities from its own position
    n = 20_000
    model = ElectionModel(n_voters=n, seed=17, **kw)
    r = model.run_election()
    turnout, p = documented_probabilities(
        model.voter_positions, model.parties, model.temperature, model.economic_growth,
        model.anti_incumbency, model.national_mood)
    assert_counts_match(r, n, turnout, p)


@pytest.mark.parametrize("change", [{"economic_growth": 0.05}, {"anti_incumbency": 0.3}, {"national_mood": -0.2},
                                    {"national_mood": 0.25}])
def test_size_of_the_incumbency_effects(change):
    # the change in the incumbent's vote share is the predicted one, not only its sign
    n = 20_000
    shares, predicted = [], []
    for kw in ({}, change):
        model = ElectionModel(n_voters=n, seed=5, **kw)
        r = model.run_election()
        turnout, p = documented_probabilities(
            model.voter_positions, model.parties, model.temperature, model.economic_growth,
            model.anti_incumbency, model.national_mood)
        inc = [i for i, party in enumerate(model.parties) if party["incumbent"]]
        shares.append(r["incumbent_vote_share"])
        predicted.append((turnout[:, None] * p)[:, inc].sum() / turnout.sum())
    observed, expected = shares[1] - shares[0], predicted[1] - predicted[0]
    assert abs(expected) > 0.05  # a real effect...
    # ...of the predicted size: each share has a standard error below sqrt(1/4 / 10_000) = 0.005
    assert abs(observed - expected) < 2 * SIGMAS * 0.005, (observed, expected)


@pytest.mark.parametrize("system, kw", [
    ("FPTP", {}), ("PR", {}), ("FPTP", {"economic_growth": 0.05, "national_mood": -0.1}),
    ("PR", {"anti_incumbency": 0.3, "n_constituencies": 7}), ("FPTP", {"parties": THREE, "n_constituencies": 3}),
])
def test_vse_from_utilities_of_voter_positions(system, kw):
    # VSE = (sum_j s_j U_j - mean_j U_j) / (max_j U_j - mean_j U_j), U_j = party j's mean utility
    # over every eligible voter, computed here from the voters' positions
    model = ElectionModel(n_voters=5_000, electoral_system=system, seed=3, **kw)
    r = model.run_election()
    v = model.voter_positions.astype(np.float64)
    swing = 10 * model.economic_growth - model.anti_incumbency + model.national_mood
    utilities = np.array([
        -np.mean((v[0] - p["position"][0]) ** 2 + (v[1] - p["position"][1]) ** 2)
        + p["valence"] + (swing if p["incumbent"] else 0.0)
        for p in model.parties])
    s = np.array(r["seats"]) / sum(r["seats"])
    expected = (s @ utilities - utilities.mean()) / (utilities.max() - utilities.mean())
    assert r["vse"] == pytest.approx(expected, rel=1e-6, abs=1e-9)


def test_vse_is_one_when_the_best_party_takes_every_seat():
    # "Near" sits among the voters with the highest valence: best for every voter, wins every seat
    parties = [{"name": "Near", "position": [0.0, 0.0], "valence": 3.0},
               {"name": "Far", "position": [2.0, 2.0], "valence": -3.0},
               {"name": "Mid", "position": [0.5, 0.0]}]
    for system in ("FPTP", "PR"):
        r = run(parties=parties, n_constituencies=5, electoral_system=system, seed=1)
        assert r["seats"] == [5, 0, 0] and r["vse"] == pytest.approx(1.0)


def test_electorate_spreads():
    # centres ~ N(0, 0.35^2) per axis, voters ~ N(centre, 0.5^2) per axis (documented constants)
    model = ElectionModel(n_voters=20_000, n_constituencies=2_000, seed=4)
    centres = model.constituency_centres
    assert centres.shape == (2_000, 2)
    # sample s.d. of k normal draws has standard error sd / sqrt(2 (k - 1))
    assert np.all(np.abs(centres.std(axis=0, ddof=1) - 0.35) < SIGMAS * 0.35 / math.sqrt(2 * 1_999))
    offsets = model.voter_positions - np.repeat(centres.T, model.constituency_sizes, axis=1)
    assert np.all(np.abs(offsets.std(axis=1, ddof=1) - 0.5) < SIGMAS * 0.5 / math.sqrt(2 * 19_999))
    assert np.all(np.abs(offsets.mean(axis=1)) < SIGMAS * 0.5 / math.sqrt(20_000))


# ---------------------------------------------------------------------------
# Custom parties
# ---------------------------------------------------------------------------


def test_custom_parties_override_defaults():
    model = ElectionModel(n_voters=N, n_constituencies=5, parties=THREE, seed=9)
    r = model.run_election()
    assert r["party_names"] == ["Red", "Blue", "Yellow"]
    assert len(r["vote_counts"]) == len(r["seats"]) == 3
    assert sum(r["seats"]) == 5
    assert r["incumbent_vote_share"] == pytest.approx(r["vote_shares"][0])
    # defaults filled in for omitted keys
    assert model.parties[2]["valence"] == 0.0 and model.parties[2]["incumbent"] is False
    # the winner has the most seats (ties: more votes, then listed order), counted from the constituencies
    assert [r["constituency_winners"].count(name) for name in ("Red", "Blue", "Yellow")] == r["seats"]
    best = max(range(3), key=lambda i: (r["seats"][i], r["vote_counts"][i], -i))
    assert r["winner"] == ("Red", "Blue", "Yellow")[best]


def test_custom_parties_tuple_and_valence_dominance():
    parties = (
        {"name": "Strong", "position": (0.0, 0.0), "valence": 5.0},
        {"name": "Weak", "position": (0.1, 0.1), "valence": -5.0},
    )
    r = run(parties=parties, n_constituencies=4, seed=1)
    assert r["seats"] == [4, 0]
    assert r["winner"] == "Strong"
    assert r["vote_shares"][0] > 0.99


def test_no_incumbent_gives_nan_incumbent_shares():
    parties = [{"name": "A", "position": [0, 0]}, {"name": "B", "position": [0.3, 0.3]}]
    r = run(parties=parties, seed=1)
    assert math.isnan(r["incumbent_vote_share"]) and math.isnan(r["incumbent_seat_share"])
    assert sum(r["seats"]) == 10


# ---------------------------------------------------------------------------
# Chainable setters
# ---------------------------------------------------------------------------


def test_setters_return_model_and_chain():
    m = ElectionModel(n_voters=N, seed=3)
    assert m.with_system("pr") is m
    assert m.with_allocation("Sainte-Lague") is m
    assert m.with_threshold(0.05) is m
    assert m.with_temperature(1.5) is m
    out = ElectionModel(n_voters=N, seed=3).with_system("PR").with_allocation("hare").with_threshold(0.1).with_temperature(0.8)
    assert isinstance(out, ElectionModel)
    assert (out.electoral_system, out.allocation_method, out.threshold, out.temperature) == ("PR", "hare", 0.1, 0.8)
    assert (m.electoral_system, m.allocation_method, m.threshold, m.temperature) == ("PR", "sainte_lague", 0.05, 1.5)


def test_with_system_matches_constructor():
    chained = ElectionModel(n_voters=N, seed=5).with_system("PR").run_election()
    direct = ElectionModel(n_voters=N, seed=5, electoral_system="PR").run_election()
    fptp = ElectionModel(n_voters=N, seed=5).run_election()
    assert chained == direct
    assert "constituency_winners" not in chained and "constituency_winners" in fptp
    assert chained["vote_counts"] == fptp["vote_counts"]  # same electorate, same draws
    assert chained["gallagher"] < fptp["gallagher"]


@pytest.mark.parametrize("method", ALLOCATION_METHODS)
def test_with_allocation_and_threshold_change_seats(method):
    m = ElectionModel(n_voters=N, n_constituencies=20, seed=6, electoral_system="PR")
    r = m.with_allocation(method).with_threshold(0.2).run_election()
    assert r == ElectionModel(n_voters=N, n_constituencies=20, seed=6, electoral_system="PR",
                              allocation_method=method, threshold=0.2).run_election()
    assert r["seats"] == reference_seats(r["vote_counts"], 20, method, 0.2)
    shares = np.array(r["vote_shares"])
    assert shares.max() >= 0.2  # the threshold bites: someone is above it...
    assert (shares < 0.2).any()  # ...and someone below
    assert all(s == 0 for s, v in zip(r["seats"], shares) if v < 0.2)
    no_threshold = ElectionModel(n_voters=N, n_constituencies=20, seed=6, electoral_system="PR",
                                 allocation_method=method).run_election()
    assert no_threshold["seats"] != r["seats"]


def test_with_temperature_changes_outcome():
    cold = ElectionModel(n_voters=N, seed=8).with_temperature(0.2).run_election()
    hot = ElectionModel(n_voters=N, seed=8).with_temperature(3.0).run_election()
    assert cold == ElectionModel(n_voters=N, seed=8, temperature=0.2).run_election()
    assert hot["enp_votes"] > cold["enp_votes"]


@pytest.mark.parametrize(
    "setter, bad, name",
    [("with_system", "FTPP", "electoral_system"), ("with_allocation", "borda", "allocation_method"),
     ("with_threshold", 1.0, "threshold"), ("with_temperature", 0, "temperature"),
     ("with_temperature", "0.5", "temperature")],
)
def test_setters_validate(setter, bad, name):
    m = ElectionModel(n_voters=10, n_constituencies=1, seed=0)
    with pytest.raises(ValueError) as e:
        getattr(m, setter)(bad)
    assert name in str(e.value) and repr(bad) in str(e.value)


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


def bad(**kw):
    kw.setdefault("n_voters", 100)
    kw.setdefault("n_constituencies", 2)
    with pytest.raises(ValueError) as e:
        ElectionModel(**kw)
    return str(e.value)


@pytest.mark.parametrize("value", [0, -5, 2.5, True, "1000", None])
def test_bad_n_voters(value):
    msg = bad(n_voters=value)
    assert "n_voters" in msg and ">= 1" in msg and repr(value) in msg


@pytest.mark.parametrize("value", [0, -1, 1.5, "5"])
def test_bad_n_constituencies(value):
    msg = bad(n_constituencies=value)
    assert "n_constituencies" in msg and repr(value) in msg and "1" in msg


def test_more_constituencies_than_voters():
    msg = bad(n_voters=100, n_constituencies=101)
    assert "n_constituencies" in msg and "n_voters" in msg and "100" in msg and "101" in msg


@pytest.mark.parametrize("value", [0, 0.0, -0.5, float("inf"), float("nan"), "0.5", None])
def test_bad_temperature(value):
    msg = bad(temperature=value)
    assert "temperature" in msg and repr(value) in msg
    assert "> 0" in msg or "positive" in msg


@pytest.mark.parametrize("value", ["FTPP", "", "first past the post", 1, None])
def test_unknown_system(value):
    msg = bad(electoral_system=value)
    assert "electoral_system" in msg and "FPTP" in msg and "PR" in msg and repr(value) in msg


@pytest.mark.parametrize("value", ["borda", "webster", "", 2])
def test_unknown_allocation(value):
    msg = bad(allocation_method=value)
    assert "allocation_method" in msg and repr(value) in msg
    assert all(m in msg for m in ALLOCATION_METHODS)


@pytest.mark.parametrize(
    "system, method, canonical",
    [("pr", "Sainte-Lague", ("PR", "sainte_lague")), ("Pr", "DHONDT", ("PR", "dhondt")),
     ("fptp", "D'Hondt", ("FPTP", "dhondt")), (" PR ", "Hare", ("PR", "hare")), ("PR", "droop", ("PR", "droop"))],
)
def test_names_case_insensitive(system, method, canonical):
    m = ElectionModel(n_voters=N, seed=1, electoral_system=system, allocation_method=method)
    assert (m.electoral_system, m.allocation_method) == canonical
    assert m.run_election() == ElectionModel(n_voters=N, seed=1, electoral_system=canonical[0],
                                             allocation_method=canonical[1]).run_election()


@pytest.mark.parametrize("value", [-0.1, 1.0, 1.5, float("nan"), float("inf"), "0.1"])
def test_bad_threshold(value):
    msg = bad(threshold=value)
    assert "threshold" in msg and "[0, 1)" in msg and repr(value) in msg


@pytest.mark.parametrize("value", [-0.1, float("nan"), "0.1"])
def test_bad_anti_incumbency(value):
    msg = bad(anti_incumbency=value)
    assert "anti_incumbency" in msg and repr(value) in msg


@pytest.mark.parametrize("name", ["economic_growth", "national_mood"])
@pytest.mark.parametrize("value", ["0.02", float("inf"), float("nan"), None, True])
def test_bad_real_params(name, value):
    msg = bad(**{name: value})
    assert name in msg and repr(value) in msg and "number" in msg


@pytest.mark.parametrize("value", [-1, "3", 1.5])
def test_bad_seed(value):
    msg = bad(seed=value)
    assert "seed" in msg and repr(value) in msg


A = {"name": "A", "position": [0.0, 0.0]}


@pytest.mark.parametrize(
    "parties, needles",
    [
        ("A,B", ["party system", "'A,B'", "uk_2019"]),  # a string names a built-in party system
        ({"name": "A", "position": [0, 0]}, ["parties"]),
        ([A], ["parties", "at least 2"]),
        ([], ["parties", "at least 2"]),
        ([A, "B"], ["parties[1]", "'B'"]),
        ([A, {"position": [1, 1]}], ["parties[1]", "name"]),
        ([A, {"name": "B"}], ["parties[1]", "position"]),
        ([A, {"name": "A", "position": [1, 1]}], ["parties[1]", "name", "unique", "'A'"]),
        ([A, {"name": "", "position": [1, 1]}], ["parties[1]", "name"]),
        ([A, {"name": 7, "position": [1, 1]}], ["parties[1]", "name", "7"]),
        ([A, {"name": "B", "position": [1]}], ["parties[1]", "position", "[1]"]),
        ([A, {"name": "B", "position": [1, 2, 3]}], ["parties[1]", "position"]),
        ([A, {"name": "B", "position": "1,2"}], ["parties[1]", "position", "'1,2'"]),
        ([A, {"name": "B", "position": [1, float("nan")]}], ["parties[1]", "position", "nan"]),
        ([A, {"name": "B", "position": ["0.1", 0]}], ["parties[1]", "position", "'0.1'"]),
        ([A, {"name": "B", "position": [1, 1], "colour": "red"}], ["parties[1]", "colour"]),
        ([A, {"name": "B", "position": [1, 1], "incumbent": "yes"}], ["parties[1]", "incumbent", "'yes'"]),
        ([A, {"name": "B", "position": [1, 1], "incumbent": 1}], ["parties[1]", "incumbent"]),
        ([A, {"name": "B", "position": [1, 1], "valence": "0.1"}], ["parties[1]", "valence", "'0.1'"]),
        ([A, {"name": "B", "position": [1, 1], "valence": float("inf")}], ["parties[1]", "valence"]),
    ],
)
def test_malformed_parties(parties, needles):
    msg = bad(parties=parties)
    for needle in needles:
        assert needle in msg, (needle, msg)


def test_numpy_bool_incumbent_accepted():
    parties = [{"name": "A", "position": [0, 0], "incumbent": np.bool_(True)}, {"name": "B", "position": [1, 0]}]
    m = ElectionModel(n_voters=100, n_constituencies=1, parties=parties, seed=0)
    assert m.parties[0]["incumbent"] is True
