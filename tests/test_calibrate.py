"""Calibration: fitting valences, regional shifts, turnout and spreads to targets the model can meet."""
from __future__ import annotations

import numpy as np
import pytest

from electoral_sim import ElectionModel
from electoral_sim.calibrate import Targets, _Problem, calibrate
from electoral_sim.model.electorate import cast_ballots

PARTIES = [{"name": "A", "position": [-0.4, 0.1], "valence": 0.2}, {"name": "B", "position": [0.4, -0.1]},
           {"name": "C", "position": [0.0, 0.5], "regions": ["N"]}]
TRUE_REGIONS = [{"name": "N", "constituencies": 20, "valence": {"C": 0.7, "A": -0.1}, "spread": 0.5, "turnout": 0.8},
                {"name": "S", "constituencies": 30, "spread": 0.2, "turnout": 0.9, "valence": {"B": 0.2}}]
START = [{"name": "N", "constituencies": 20}, {"name": "S", "constituencies": 30}]


def truth(seeds=(0, 1)):
    problem = _Problem(PARTIES, TRUE_REGIONS, Targets(np.zeros((2, 3)), np.zeros(2)), 0.5, 300, seeds)
    shares, turnout, sd = problem.expected(problem.start())
    return Targets(shares, turnout, np.where(problem.g.standing, sd, np.nan))


@pytest.fixture(scope="module")
def fit():
    return calibrate([{**p, "valence": 0.0} for p in PARTIES], START, truth(), voters_per_constituency=300,
                     seeds=(0, 1))


def test_a_fit_meets_targets_the_model_can_reach(fit):
    target = truth()
    assert np.abs(fit.shares - target.shares).max() < 5e-4  # 0.05 points
    assert np.abs(fit.turnout - target.turnout).max() < 5e-4
    assert fit.regions[0]["spread"] == pytest.approx(0.5, abs=0.01)  # the spreads are identified by the s.d.
    assert fit.regions[1]["spread"] == pytest.approx(0.2, abs=0.01)
    assert "C" not in fit.regions[1]["valence"]  # no shift where the party does not stand


def test_the_fitted_model_votes_as_the_targets_say(fit):
    m = ElectionModel(n_voters=50 * 2_000, n_constituencies=50, parties=fit.parties, regions=fit.regions, seed=9)
    votes = cast_ballots(m.electorate, m._party_terms(), m.temperature, m.rng).votes
    north = votes[:20].sum(axis=0)
    assert np.abs(north / north.sum() - truth().shares[0]).max() < 0.02  # other draws: sampling noise only


def test_the_fit_is_deterministic():
    a = calibrate([{**p, "valence": 0.0} for p in PARTIES], START, truth(), voters_per_constituency=100, seeds=(3,),
                  fit_spread=False)
    b = calibrate([{**p, "valence": 0.0} for p in PARTIES], START, truth(), voters_per_constituency=100, seeds=(3,),
                  fit_spread=False)
    assert a.parties == b.parties and a.regions == b.regions
    assert [r["spread"] for r in a.regions] == [0.35, 0.35]  # held
