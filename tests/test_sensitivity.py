"""Global sensitivity analysis (electoral_sim.sensitivity) against functions with known indices."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from electoral_sim.analysis import BatchRunner, ParameterSweep
from electoral_sim.sensitivity import MORRIS_COLUMNS, SECOND_ORDER_COLUMNS, SOBOL_COLUMNS, analyze

PI_RANGE = {"low": -math.pi, "high": math.pi}


class Ishigami:
    """Ishigami & Homma (1990): y = sin x1 + a sin^2 x2 + b x3^4 sin x1, x_i ~ U(-pi, pi), a=7, b=0.1."""

    def __init__(self, x1, x2, x3, seed=None):
        self.x = (x1, x2, x3)

    def run_election(self):
        x1, x2, x3 = self.x
        return {"y": math.sin(x1) + 7 * math.sin(x2) ** 2 + 0.1 * x3 ** 4 * math.sin(x1)}


#: analytic indices of the Ishigami function, a=7, b=0.1 (Saltelli et al. 2008, Global Sensitivity
#: Analysis: The Primer, Wiley, sect. 4.6; Ishigami & Homma 1990)
ISHIGAMI_S1 = [0.3139, 0.4424, 0.0]
ISHIGAMI_ST = [0.5576, 0.4424, 0.2437]
ISHIGAMI_S13 = 0.2437


class GFunction:
    """Sobol' G function, a = (0, 1, 4.5, 9, 99): input i matters less as a_i grows (Saltelli et al. 2008, 3.6),
    plus a linear output with exact elementary effects, a constant and an undefined one."""

    A = (0.0, 1.0, 4.5, 9.0, 99.0)
    SLOPES = (3.0, -2.0, 0.5, 0.0, 1.0)

    def __init__(self, x1, x2, x3, x4, x5, seed=None):
        self.x = np.array([x1, x2, x3, x4, x5], dtype=float)

    def run_election(self):
        a = np.array(self.A)
        return {"g": float(np.prod((np.abs(4 * self.x - 2) + a) / (1 + a))),
                "linear": float(np.dot(self.SLOPES, self.x)),
                "constant": 1.5,
                "undefined": float("nan")}


class Noisy:
    """y = x1 + 2 x2 + noise: the noise comes from the run's seed, the same for every configuration."""

    def __init__(self, x1, x2, seed=None):
        self.x, self.seed = (x1, x2), seed

    def run_election(self):
        return {"y": self.x[0] + 2 * self.x[1] + 0.3 * np.random.default_rng(self.seed).standard_normal()}


def ishigami_runner(n, second=False, n_jobs=1):
    sweep = ParameterSweep({"x1": PI_RANGE, "x2": PI_RANGE, "x3": PI_RANGE}, sweep_type="sobol", n_samples=n,
                           calc_second_order=second)
    runner = BatchRunner(Ishigami, sweep, seed=2024, n_jobs=n_jobs, verbose=False)
    runner.run()
    return runner


@pytest.fixture(scope="module")
def ishigami():
    return ishigami_runner(1024, second=True)


# -- Sobol' ---------------------------------------------------------------------------------
def test_ishigami_sobol_indices_match_the_analytic_values(ishigami):
    table = ishigami.get_sensitivity()
    assert list(table.columns) == list(SOBOL_COLUMNS)
    assert table["metric"].tolist() == ["y"] * 3 and table["parameter"].tolist() == ["x1", "x2", "x3"]
    # the tolerance of SALib's own Ishigami test (atol 0.05), at N = 1024 base points
    assert table["S1"].to_numpy() == pytest.approx(ISHIGAMI_S1, abs=0.05)
    assert table["ST"].to_numpy() == pytest.approx(ISHIGAMI_ST, abs=0.05)
    # the 95 % intervals are real intervals, and narrow at this N
    assert ((table["S1_conf"] > 0) & (table["S1_conf"] < 0.1)).all()
    assert ((table["ST_conf"] > 0) & (table["ST_conf"] < 0.1)).all()
    assert table["noise_share"].isna().all()  # one run per configuration: nothing to measure


def test_ishigami_second_order_indices(ishigami):
    pairs = ishigami.get_second_order_sensitivity()
    assert list(pairs.columns) == list(SECOND_ORDER_COLUMNS)
    by_pair = pairs.set_index(["parameter_1", "parameter_2"])["S2"]
    assert list(by_pair.index) == [("x1", "x2"), ("x1", "x3"), ("x2", "x3")]
    # analytic: only x1 and x3 interact, S13 = ST3 (Saltelli et al. 2008)
    assert by_pair.to_numpy() == pytest.approx([0.0, ISHIGAMI_S13, 0.0], abs=0.1)


def test_same_study_same_table():
    a = ishigami_runner(64).get_sensitivity()
    b = ishigami_runner(64, n_jobs=2).get_sensitivity()
    pd.testing.assert_frame_equal(a, b)


def test_second_order_needs_the_option():
    runner = ishigami_runner(8)
    runner.get_sensitivity()
    with pytest.raises(ValueError, match="calc_second_order"):
        runner.get_second_order_sensitivity()


def test_unanalysable_metrics_give_nan_rows_without_warnings():
    sweep = ParameterSweep({f"x{i}": {"low": 0.0, "high": 1.0} for i in range(1, 6)}, sweep_type="sobol",
                           n_samples=32)
    runner = BatchRunner(GFunction, sweep, seed=1, verbose=False)
    runner.run()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = runner.get_sensitivity()
    assert table["metric"].tolist() == [m for m in ("g", "linear", "constant", "undefined") for _ in range(5)]
    for metric in ("constant", "undefined"):
        rows = table[table["metric"] == metric]
        assert rows[["S1", "S1_conf", "ST", "ST_conf"]].isna().all().all(), metric
    assert table.loc[table["metric"] == "g", "ST"].notna().all()


# -- Morris -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def morris():
    sweep = ParameterSweep({f"x{i}": {"low": 0.0, "high": 1.0} for i in range(1, 6)}, sweep_type="morris",
                           n_samples=40, num_levels=4)
    runner = BatchRunner(GFunction, sweep, seed=5, verbose=False)
    runner.run()
    return runner.get_sensitivity()


def test_morris_ranks_the_g_function_inputs_by_a(morris):
    assert list(morris.columns) == list(MORRIS_COLUMNS)
    g = morris[morris["metric"] == "g"].set_index("parameter")
    assert g["mu_star"].sort_values(ascending=False).index.tolist() == ["x1", "x2", "x3", "x4", "x5"]
    assert g.loc["x5", "mu_star"] < 0.05 * g.loc["x1", "mu_star"]  # a = 99: nearly inert


def test_morris_linear_effects_are_the_slopes(morris):
    """For y = sum c_i x_i every elementary effect of x_i is c_i (unit ranges): mu = c, mu* = |c|, sigma = 0."""
    linear = morris[morris["metric"] == "linear"]
    slopes = np.array(GFunction.SLOPES)
    assert linear["mu"].to_numpy() == pytest.approx(slopes, abs=1e-9)
    assert linear["mu_star"].to_numpy() == pytest.approx(np.abs(slopes), abs=1e-9)
    assert linear["sigma"].to_numpy() == pytest.approx(np.zeros(5), abs=1e-9)


def test_morris_constant_metric_has_no_effect_and_undefined_is_nan(morris):
    constant = morris[morris["metric"] == "constant"]
    assert (constant[["mu", "mu_star", "sigma"]] == 0).all().all()
    assert morris.loc[morris["metric"] == "undefined", ["mu", "mu_star", "sigma"]].isna().all().all()


def test_morris_effects_of_a_wider_range_scale_with_it():
    """On a range [0, 4] the unit-scale elementary effect of a slope c is 4 c."""
    sweep = ParameterSweep({"x1": {"low": 0.0, "high": 4.0}, "x2": {"low": 0.0, "high": 1.0}}, sweep_type="morris",
                           n_samples=5)
    runner = BatchRunner(Noisy, sweep, seed=3, verbose=False)
    runner.run()
    table = runner.get_sensitivity()
    assert table["mu"].to_numpy() == pytest.approx([4.0, 2.0], abs=1e-9)


# -- Monte Carlo noise --------------------------------------------------------------------
def test_noise_share_is_the_run_variance_of_the_means_over_their_variance():
    sweep = ParameterSweep({"x1": {"low": 0.0, "high": 1.0}, "x2": {"low": 0.0, "high": 1.0}}, sweep_type="sobol",
                           n_samples=16)
    runner = BatchRunner(Noisy, sweep, n_runs_per_config=4, seed=8, verbose=False)
    results = runner.run()
    table = runner.get_sensitivity()
    # independently: every configuration's runs share the 4 noise draws, so the within-configuration
    # variance is 0.09 var(z) and the configuration means differ only by x1 + 2 x2
    z = np.array([np.random.default_rng(s).standard_normal() for s in results["seed"].unique()])
    first = results.groupby("config_idx").first()
    signal = first["x1"] + 2 * first["x2"]
    expected = 0.09 * z.var(ddof=1) / 4 / signal.var(ddof=1)
    assert table["noise_share"].to_numpy() == pytest.approx([expected, expected], rel=1e-9)
    # the noise is a shift shared by every configuration: the indices are those of x1 + 2 x2
    assert table["ST"].sum() == pytest.approx(1.0, abs=0.15)


# -- the table must belong to the sweep ----------------------------------------------------------
def test_results_of_another_sample_are_refused():
    runner = ishigami_runner(8)
    other = ParameterSweep({"x1": PI_RANGE, "x2": PI_RANGE, "x3": PI_RANGE}, sweep_type="sobol", n_samples=8, seed=999)
    with pytest.raises(ValueError, match="not the sample of this sweep"):
        analyze(other, runner.results)
    with pytest.raises(ValueError, match="configurations"):
        analyze(runner.parameter_sweep, runner.results[runner.results["config_idx"] < 10], runner.seed)


def test_grid_sweeps_have_no_indices():
    runner = BatchRunner(Ishigami, ParameterSweep({"x1": [0.0, 1.0], "x2": [0.0], "x3": [0.0]}), seed=1,
                         verbose=False)
    runner.run()
    with pytest.raises(ValueError, match="'sobol' or 'morris' sweep"):
        runner.get_sensitivity()


# -- the three front doors give one table -------------------------------------------------------------
SMALL_SOBOL = {
    "name": "tiny_sobol",
    "sweep_type": "sobol",
    "n_samples": 2,
    "calc_second_order": True,
    "parameters": {"temperature": {"low": 0.2, "high": 1.5, "log": True}, "electoral_system": ["FPTP", "PR"]},
    "fixed_params": {"n_voters": 500, "n_constituencies": 2},
    "n_runs_per_config": 2,
    "seed": 5,
}


def batch_tables(study: dict):
    from electoral_sim.study import study_from_dict

    parsed = study_from_dict(study)
    runner = BatchRunner(parameter_sweep=parsed.sweep, n_runs_per_config=parsed.n_runs_per_config,
                         seed=parsed.seed, verbose=False)
    runner.run()
    second = runner.get_second_order_sensitivity() if parsed.sweep.calc_second_order else None
    return runner.get_sensitivity(), second


def test_pipeline_sensitivity_equals_batchrunner(tmp_path):
    from test_pipeline import check, job_stats, make_copy, snakemake, write_study

    root = make_copy(tmp_path / "repo")
    study = write_study(root, SMALL_SOBOL)
    out = f"results/{SMALL_SOBOL['name']}"
    # the full study includes the sensitivity rule; build only its outputs here (no metric figures)
    assert job_stats(check(snakemake(root, "-n", "--cores", "1", "--configfile", study.name)))["sensitivity"] == 1
    targets = [f"{out}/sensitivity.parquet", f"{out}/sensitivity_second_order.parquet", f"{out}/sensitivity.png"]
    check(snakemake(root, *targets, "--cores", "2", "--configfile", study.name, timeout=300))  # targets first
    indices, second = batch_tables(SMALL_SOBOL)
    pd.testing.assert_frame_equal(pd.read_parquet(root / out / "sensitivity.parquet"), indices)
    pd.testing.assert_frame_equal(pd.read_parquet(root / out / "sensitivity_second_order.parquet"), second)
    pd.testing.assert_frame_equal(pd.read_csv(root / out / "sensitivity.csv"), indices, check_exact=False, rtol=1e-12)
    assert indices["S1"].notna().any() and len(indices) == len(indices["metric"].unique()) * 2
    png = (root / out / "sensitivity.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and b"pHYs\x00\x00.#\x00\x00.#" in png  # 11811 px/m = 300 dpi
    assert (root / out / "sensitivity.pdf").read_bytes()[:5] == b"%PDF-"


def test_cli_sensitivity_equals_batchrunner(tmp_path):
    import yaml

    from electoral_sim.cli import main

    study = {**SMALL_SOBOL, "sweep_type": "morris", "n_samples": 3, "num_levels": 4}
    del study["calc_second_order"]
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(study, sort_keys=False))
    assert main(["batch", "--config", str(path), "--output", str(tmp_path / "r.parquet"),
                 "--sensitivity", str(tmp_path / "s.parquet"), "--quiet"]) == 0
    indices, _ = batch_tables(study)
    assert list(indices.columns) == list(MORRIS_COLUMNS)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "s.parquet"), indices)


def test_cli_sensitivity_of_a_grid_fails_before_running(tmp_path, capsys):
    import yaml

    from electoral_sim.cli import main

    path = tmp_path / "grid.yaml"
    path.write_text(yaml.safe_dump({"parameters": {"temperature": [0.3, 0.5]}, "seed": 1}))
    code = main(["batch", "--config", str(path), "--output", str(tmp_path / "r.csv"),
                 "--sensitivity", str(tmp_path / "s.csv"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "sweep_type sobol or morris" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "r.csv").exists() and not (tmp_path / "s.csv").exists()
