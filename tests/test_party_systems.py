"""Named party systems: definitions, their calibration claim, and their place in a study's identity."""
from __future__ import annotations

import numpy as np
import pytest

from electoral_sim import ElectionModel
from electoral_sim import party_systems
from electoral_sim.analysis import BatchRunner, ParameterSweep
from electoral_sim.party_systems import PARTY_SYSTEMS, VOTE_SHARES, party_system
from electoral_sim.study import study_from_dict
from electoral_sim.sweep import canonical_params, config_id, expand


@pytest.mark.parametrize("name", list(PARTY_SYSTEMS))
def test_every_system_is_a_valid_party_list_with_its_election_results(name):
    parties = party_system(name)
    assert len(parties) == len(VOTE_SHARES[name]) >= 2
    assert len({p["name"] for p in parties}) == len(parties)
    assert all(-1 <= c <= 1 for p in parties for c in p["position"])  # on the CHES-derived scale
    assert any(p["incumbent"] for p in parties)
    assert sum(VOTE_SHARES[name]) <= 100
    ElectionModel.canonical_params(parties=parties)  # the model accepts it as it is


@pytest.mark.parametrize("name", list(PARTY_SYSTEMS))
def test_mean_first_preferences_match_the_election(name):
    """The documented calibration: over seeds 0-15 the mean vote shares are within 0.3 points
    of the election's (renormalised over the listed parties); at 20,000 voters, within 0.6."""
    target = np.array(VOTE_SHARES[name]) / sum(VOTE_SHARES[name])
    shares = [ElectionModel(n_voters=20_000, n_constituencies=10, parties=name, seed=s).run_election()["vote_shares"]
              for s in range(16)]
    assert np.abs(np.mean(shares, axis=0) - target).max() < 0.006


def test_uk_2019_incumbent_is_the_conservative_party():
    result = ElectionModel(n_voters=5_000, parties="uk_2019", seed=2).run_election()
    assert result["party_names"][0] == "Conservative"
    assert result["incumbent_vote_share"] == pytest.approx(result["vote_shares"][0])


def test_a_name_and_its_list_are_the_same_configuration_and_editing_the_definition_changes_it(monkeypatch):
    by_name = config_id(canonical_params({"parties": "germany_2021", "n_voters": 1000}))
    by_list = config_id(canonical_params({"parties": party_system("germany_2021"), "n_voters": 1000}))
    assert by_name == by_list
    edited = [dict(p) for p in PARTY_SYSTEMS["germany_2021"]]
    edited[0]["valence"] += 0.01
    monkeypatch.setitem(PARTY_SYSTEMS, "germany_2021", tuple(edited))
    assert config_id(canonical_params({"parties": "germany_2021", "n_voters": 1000})) != by_name


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="unknown party system 'uk_2017': use one of uk_2019, germany_2021"):
        ElectionModel(parties="uk_2017")
    study = study_from_dict({"parameters": {"parties": ["uk_2019", "nowhere"]}, "seed": 1})
    with pytest.raises(ValueError, match="unknown party system 'nowhere'"):
        expand(study.sweep, 1)  # before anything runs


def test_study_may_fix_a_party_list_or_sweep_named_systems():
    parties = [{"name": "A", "position": [-0.3, 0.0], "incumbent": True}, {"name": "B", "position": [0.3, 0.0]}]
    study = study_from_dict({"parameters": {"electoral_system": ["FPTP", "PR"]},
                             "fixed_params": {"n_voters": 1000, "parties": parties}, "seed": 1})
    runner = BatchRunner(ElectionModel, study.sweep, n_runs_per_config=1, seed=1, verbose=False)
    runner.run()
    assert runner.party_results["party"].tolist() == ["A", "B", "A", "B"]
    swept = ParameterSweep({"parties": ["uk_2019", "us_two_party"]}, fixed_params={"n_voters": 1000})
    results = BatchRunner(ElectionModel, swept, n_runs_per_config=1, seed=1, verbose=False).run()
    assert results["parties"].tolist() == ["uk_2019", "us_two_party"]  # the table keeps the name
    assert results["winner"].iloc[1] in ("Democratic", "Republican")


def test_a_bad_party_list_in_a_study_is_refused_before_running():
    bad = {"parameters": {"electoral_system": ["FPTP"]}, "seed": 1,
           "fixed_params": {"parties": [{"name": "A", "position": [0.0, 0.0, 1.0]}, {"name": "B", "position": [1, 0]}]}}
    with pytest.raises(ValueError, match=r"fixed_params\.parties"):
        study_from_dict(bad)


def test_party_system_returns_a_fresh_copy():
    first = party_system("us_two_party")
    first[0]["position"][0] = 9.0
    assert party_system("us_two_party")[0]["position"][0] == party_systems.PARTY_SYSTEMS["us_two_party"][0]["position"][0]


def test_a_party_list_is_one_json_cell_in_every_table_format(tmp_path):
    import json

    import pandas as pd

    parties = [{"name": "A", "position": [-0.3, 0.0], "incumbent": True}, {"name": "B", "position": [0.3, 0.0]}]
    sweep = ParameterSweep({"electoral_system": ["FPTP", "PR"]}, fixed_params={"n_voters": 1000, "parties": parties})
    runner = BatchRunner(ElectionModel, sweep, n_runs_per_config=1, seed=1, verbose=False)
    runner.run()
    for name in ("r.csv", "r.parquet", "r.json"):
        runner.export_results(tmp_path / name)
    csv = pd.read_csv(tmp_path / "r.csv")
    assert [json.loads(cell) for cell in csv["parties"]] == [parties, parties]
    assert pd.read_parquet(tmp_path / "r.parquet")["parties"].tolist() == csv["parties"].tolist()
