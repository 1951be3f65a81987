"""Samplers (electoral_sim.sampling) and the sobol / morris sweep types of ParameterSweep."""
from __future__ import annotations

import math

import numpy as np
import pytest

from electoral_sim.analysis import BatchRunner, ParameterSweep
from electoral_sim.sampling import from_unit, grid_subset, n_rows, unit_sample
from electoral_sim.sweep import expand

RANGES = {"temperature": {"low": 0.2, "high": 2.0, "log": True},
          "n_voters": {"low": 500, "high": 1_500},
          "electoral_system": ["FPTP", "PR"]}


def _range(low, high, log=False, integer=False):
    return {"low": low, "high": high, "log": log, "integer": integer}


# -- mapping the unit interval onto values ------------------------------------------------
def test_categories_are_equal_subintervals_in_list_order():
    u = np.array([0.0, 0.2499, 0.25, 0.5, 0.74, 0.75, 0.9999, 1.0])
    assert from_unit(["a", "b", "c", "d"], u) == ["a", "a", "b", "c", "c", "d", "d", "d"]


def test_linear_and_log_ranges_are_inverse_cdfs():
    u = np.array([0.0, 0.25, 0.5, 1.0])
    assert from_unit(_range(-1.0, 3.0), u) == [-1.0, 0.0, 1.0, 3.0]
    # log-uniform on [0.1, 10]: the median is the geometric midpoint 1, quartiles 10 ** -0.5 and 10 ** 0.5
    got = from_unit(_range(0.1, 10.0, log=True), u)
    assert got == pytest.approx([0.1, 10 ** -0.5, 1.0, 10.0], rel=1e-12)
    assert all(type(v) is float for v in got)


def test_integer_ranges_give_each_integer_an_equal_share():
    u = (np.arange(600) + 0.5) / 600  # evenly spread points
    values = from_unit(_range(1, 6, integer=True), u)
    assert all(type(v) is int for v in values)
    assert np.bincount(values, minlength=7)[1:].tolist() == [100] * 6
    assert from_unit(_range(1, 6, integer=True), np.array([1.0])) == [6]  # the top of a Morris grid
    # log integers: share of [10, 1000] proportional to log-length: half the points below sqrt(10 * 1001)
    log_values = np.array(from_unit(_range(10, 1_000, log=True, integer=True), u))
    assert np.mean(log_values < math.sqrt(10 * 1001)) == pytest.approx(0.5, abs=0.01)
    assert from_unit(_range(10, 1_000, log=True, integer=True), np.array([0.0, 1.0])) == [10, 1_000]


def test_grid_subset_is_distinct_cells_in_grid_order():
    cells = grid_subset([3, 4], 12, np.random.default_rng(0))
    assert cells == [(i, j) for i in range(3) for j in range(4)]
    some = grid_subset([10, 10], 30, np.random.default_rng(1))
    assert len(set(some)) == 30 and some == sorted(some)


# -- the samplers -------------------------------------------------------------------------
def test_sobol_rows_follow_saltelli_layout():
    """Rows of base point i: A_i, then A_i with column j from B_i (j = 1..D), then B_i (Saltelli 2002)."""
    for second in (False, True):
        u = unit_sample("sobol", 8, ["a", "b", "c"], np.random.default_rng(5), calc_second_order=second)
        d = 3
        block = 2 * d + 2 if second else d + 2
        assert u.shape == (8 * block, d) == (n_rows("sobol", 8, d, second), d)
        for i in range(8):
            rows = u[i * block:(i + 1) * block]
            a, b = rows[0], rows[-1]
            for j in range(d):
                expected = a.copy()
                expected[j] = b[j]
                assert np.array_equal(rows[1 + j], expected)
                if second:  # B_i with column j from A_i
                    expected = b.copy()
                    expected[j] = a[j]
                    assert np.array_equal(rows[1 + d + j], expected)


def test_morris_trajectories_move_one_parameter_per_step():
    levels = 6
    u = unit_sample("morris", 10, ["a", "b", "c", "d"], np.random.default_rng(2), num_levels=levels)
    assert u.shape == (10 * 5, 4)
    grid = np.arange(levels) / (levels - 1)
    assert np.isin(np.round(u, 12), np.round(grid, 12)).all()
    delta = levels / (2 * (levels - 1))
    for t in range(10):
        steps = np.diff(u[t * 5:(t + 1) * 5], axis=0)
        moved = np.abs(steps) > 1e-12
        assert moved.sum(axis=1).tolist() == [1] * 4  # one parameter per step
        assert sorted(np.argmax(moved, axis=1).tolist()) == [0, 1, 2, 3]  # each parameter once
        assert np.allclose(np.abs(steps[moved]), delta)


def test_latin_hypercube_is_scipy_qmc():
    from scipy.stats import qmc

    u = unit_sample("latin_hypercube", 7, ["a", "b"], np.random.default_rng(9))
    assert np.array_equal(u, qmc.LatinHypercube(2, seed=np.random.default_rng(9)).random(7))


# -- sobol and morris sweeps ---------------------------------------------------------------
@pytest.mark.parametrize("kind, size", [("sobol", 3 + 2), ("morris", 3 + 1)])
def test_sweep_sizes_types_and_duplicates(kind, size):
    sweep = ParameterSweep(RANGES, fixed_params={"n_constituencies": 2}, sweep_type=kind, n_samples=16, seed=1)
    configs = sweep.generate_configs()
    assert len(configs) == len(sweep) == 16 * size
    assert all(type(c["n_voters"]) is int and 500 <= c["n_voters"] <= 1_500 for c in configs)
    assert all(isinstance(c["temperature"], float) and 0.2 <= c["temperature"] <= 2.0 for c in configs)
    assert {c["electoral_system"] for c in configs} == {"FPTP", "PR"}
    assert all(c["n_constituencies"] == 2 for c in configs)
    # a list parameter repeats configurations; the sweep keeps them, in sample order
    two = ParameterSweep({"electoral_system": ["FPTP", "PR"], "threshold": [0.0, 0.05]}, sweep_type=kind,
                         n_samples=8, seed=1)
    expanded = expand(two, base_seed=0)
    assert [c["config_idx"] for c in expanded] == list(range(len(two)))
    assert len({c["config_id"] for c in expanded}) <= 4 < len(expanded)


def test_second_order_sample_size():
    sweep = ParameterSweep(RANGES, sweep_type="sobol", n_samples=4, calc_second_order=True, seed=1)
    assert len(sweep.generate_configs()) == len(sweep) == 4 * (2 * 3 + 2)


@pytest.mark.parametrize("kind", ["sobol", "morris"])
def test_growing_n_samples_keeps_every_configuration(kind):
    small = expand(ParameterSweep(RANGES, sweep_type=kind, n_samples=64, seed=11), base_seed=0)
    large = expand(ParameterSweep(RANGES, sweep_type=kind, n_samples=128, seed=11), base_seed=0)
    assert [c["params"] for c in large[:len(small)]] == [c["params"] for c in small]
    assert {c["config_id"] for c in small} <= {c["config_id"] for c in large}  # cached runs are reused
    # the nesting holds for a base size that is not a power of 2 too
    odd = ParameterSweep(RANGES, sweep_type=kind, n_samples=100, seed=11).generate_configs()
    assert odd[:len(small)] == [c["params"] for c in small]


@pytest.mark.parametrize("kind", ["sobol", "morris"])
def test_sample_follows_the_seed(kind):
    own = ParameterSweep(RANGES, sweep_type=kind, n_samples=4, seed=3)
    assert own.generate_configs() == ParameterSweep(RANGES, sweep_type=kind, n_samples=4, seed=3).generate_configs()
    assert own.generate_configs() != ParameterSweep(RANGES, sweep_type=kind, n_samples=4, seed=4).generate_configs()
    # without its own seed the sweep follows the runner's base seed
    fixed = {"n_voters": 200}
    ranges = {k: v for k, v in RANGES.items() if k != "n_voters"}
    a = BatchRunner(parameter_sweep=ParameterSweep(ranges, fixed, sweep_type=kind, n_samples=2), seed=3,
                    verbose=False)
    b = BatchRunner(parameter_sweep=ParameterSweep(ranges, fixed, sweep_type=kind, n_samples=2), seed=3,
                    verbose=False)
    c = BatchRunner(parameter_sweep=ParameterSweep(ranges, fixed, sweep_type=kind, n_samples=2), seed=4,
                    verbose=False)
    assert [x["params"] for x in a.configs] == [x["params"] for x in b.configs] != [x["params"] for x in c.configs]


@pytest.mark.parametrize("kwargs, words", [
    ({"sweep_type": "morris", "num_levels": 5}, "even integer"),
    ({"sweep_type": "morris", "num_levels": 0}, "even integer"),
    ({"sweep_type": "sobol", "num_levels": 6}, "'morris' only"),
    ({"sweep_type": "morris", "calc_second_order": True}, "only a sobol sweep"),
    ({"sweep_type": "sobol", "calc_second_order": "yes"}, "true or false"),
])
def test_bad_options_are_named(kwargs, words):
    with pytest.raises(ValueError, match=words):
        ParameterSweep(RANGES, n_samples=4, **kwargs)


@pytest.mark.parametrize("kind", ["sobol", "morris"])
def test_one_parameter_is_not_enough(kind):
    with pytest.raises(ValueError, match="at least 2 swept parameters"):
        ParameterSweep({"temperature": {"low": 0.2, "high": 1.0}}, sweep_type=kind, n_samples=4)
