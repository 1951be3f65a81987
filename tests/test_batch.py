"""BatchRunner and ParameterSweep (electoral_sim.analysis).

The spec's examples (spec/batch_runner_api.txt, with pandas for polars and
fewer voters), determinism across seeds and worker counts, reproducing a row
from its own columns, config identity, random and Latin-hypercube sweeps,
summaries checked against an independent pandas computation, export round
trips, and bad input rejected before anything runs.

Expected values are computed here independently of the package where that is
possible (column lists, seed formula, summary statistics, t quantiles).
"""
from __future__ import annotations

import functools
import itertools
import math
import os
import stat
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import scipy.stats as scipy_stats
from pandas.testing import assert_frame_equal

from electoral_sim import ElectionModel
from electoral_sim.analysis import BatchRunner, ParameterSweep

ID_COLUMNS = ["config_idx", "config_id", "run_idx", "seed"]
#: the metrics every run defines (with votes cast)
CORE_METRICS = ["turnout", "gallagher", "loosemore_hanby", "enp_votes", "enp_seats", "vse",
                "incumbent_vote_share", "incumbent_seat_share"]


def model_metrics() -> list[str]:
    """The run's metrics by the interface's rule: numeric (not bool) scalars of run_election(), in order."""
    result = ElectionModel(n_voters=200, n_constituencies=2, seed=0).run_election()
    return [k for k, v in result.items() if isinstance(v, (int, float)) and not isinstance(v, bool)]


METRICS = model_metrics()
#: 0.975 quantiles of Student's t (scipy.stats.t.ppf(0.975, df)), to 10 significant digits
T975 = {1: 12.706204736, 4: 2.776445105, 9: 2.262157163}


def make_runner(parameters, fixed=None, n_runs=2, seed=42, n_jobs=1, verbose=False, **sweep_kw):
    sweep = ParameterSweep(parameters, fixed_params=fixed, **sweep_kw)
    return BatchRunner(ElectionModel, sweep, n_runs_per_config=n_runs, n_jobs=n_jobs, seed=seed, verbose=verbose)


def run(parameters, fixed=None, n_runs=2, seed=42, n_jobs=1, **sweep_kw) -> pd.DataFrame:
    return make_runner(parameters, fixed, n_runs, seed, n_jobs, **sweep_kw).run()


def check_layout(df: pd.DataFrame, configs: list[dict], n_runs: int) -> None:
    """Columns, row order and parameter values of a results frame."""
    names = list(configs[0])
    assert list(df.columns) == [*ID_COLUMNS, *names, *METRICS, "winner"]
    assert set(CORE_METRICS) <= set(METRICS)
    assert len(df) == len(configs) * n_runs
    assert df["config_idx"].tolist() == [i for i in range(len(configs)) for _ in range(n_runs)]
    assert df["run_idx"].tolist() == list(range(n_runs)) * len(configs)
    for i, config in enumerate(configs):
        rows = df[df["config_idx"] == i]
        for name, value in config.items():
            assert (rows[name] == value).all(), (i, name)
        assert rows["config_id"].nunique() == 1
    assert df.drop_duplicates("config_idx")["config_id"].is_unique  # distinct content, distinct id
    assert df[CORE_METRICS].notna().all().all()
    assert ((df["turnout"] > 0) & (df["turnout"] <= 1)).all()
    assert pd.api.types.is_integer_dtype(df["seed"]) and (df["seed"] >= 0).all()


def same(a: float, b: float) -> bool:
    """Equal, NaN equal to NaN (a metric undefined in a run is NaN)."""
    return a == b or (math.isnan(a) and math.isnan(b))


def config_ids(parameters, fixed=None, seed=1) -> list[str]:
    return run(parameters, fixed, n_runs=1, seed=seed)["config_id"].tolist()


@pytest.fixture
def no_simulation(monkeypatch):
    """Make any simulation fail loudly: bad input must be rejected before one runs."""
    def forbid(method):
        @functools.wraps(method)  # keeps the signature, which validation inspects
        def boom(*args, **kwargs):
            raise AssertionError("a simulation ran before the input was rejected")
        return boom

    monkeypatch.setattr(ElectionModel, "__init__", forbid(ElectionModel.__init__))
    monkeypatch.setattr(ElectionModel, "run_election", forbid(ElectionModel.run_election))


# -- the spec's examples ----------------------------------------------------------
def test_spec_parameter_sweep_example_with_fixed_params(capsys):
    parameters = {
        "n_voters": [1_000, 2_000, 5_000],
        "temperature": [0.3, 0.5, 0.7],
        "economic_growth": [-0.02, 0.0, 0.02],
    }
    sweep = ParameterSweep(
        parameters=parameters,
        fixed_params={"n_constituencies": 10, "electoral_system": "FPTP"},
        sweep_type="grid",  # 'grid' or 'random'
        n_samples=100,  # For random sampling (ignored by a grid)
    )
    expected = [
        {"n_voters": n, "temperature": t, "economic_growth": g, "n_constituencies": 10, "electoral_system": "FPTP"}
        for n, t, g in itertools.product(*parameters.values())
    ]
    assert len(sweep) == 27
    configs = sweep.generate_configs()
    assert configs == expected
    assert [list(c) for c in configs] == [list(expected[0])] * 27  # swept keys first, then fixed

    runner = BatchRunner(model_class=ElectionModel, parameter_sweep=sweep, n_runs_per_config=5,
                         n_jobs=4, seed=42, verbose=True)
    results_df = runner.run()
    assert isinstance(results_df, pd.DataFrame)
    check_layout(results_df, expected, 5)
    assert runner.get_summary_stats()["n_runs"].tolist() == [5] * 27
    capsys.readouterr()


def test_spec_basic_parameter_sweep(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    sweep = ParameterSweep({
        "n_voters": [1_000, 5_000],
        "temperature": [0.3, 0.5, 0.7],
    })
    runner = BatchRunner(model_class=ElectionModel, parameter_sweep=sweep, n_runs_per_config=10, seed=42)
    results_df = runner.run()
    runner.export_results("sweep_results.csv")

    configs = [{"n_voters": n, "temperature": t} for n, t in itertools.product([1_000, 5_000], [0.3, 0.5, 0.7])]
    check_layout(results_df, configs, 10)
    back = pd.read_csv(tmp_path / "sweep_results.csv", dtype={"config_id": str})
    assert_frame_equal(back, results_df, check_dtype=False, check_exact=True)
    assert os.listdir(tmp_path) == ["sweep_results.csv"]
    capsys.readouterr()


def test_spec_sensitivity_analysis():
    sweep = ParameterSweep({
        "temperature": [0.1, 0.3, 0.5, 0.7, 0.9],
        "economic_growth": [-0.05, -0.02, 0.0, 0.02, 0.05],
    }, fixed_params={
        "n_voters": 2_000,
        "n_constituencies": 20,
    })
    runner = BatchRunner(model_class=ElectionModel, parameter_sweep=sweep, n_runs_per_config=4,
                         n_jobs=8, seed=42, verbose=False)
    results_df = runner.run()
    summary = runner.get_summary_stats()

    configs = [{"temperature": t, "economic_growth": g, "n_voters": 2_000, "n_constituencies": 20}
               for t, g in itertools.product([0.1, 0.3, 0.5, 0.7, 0.9], [-0.05, -0.02, 0.0, 0.02, 0.05])]
    check_layout(results_df, configs, 4)
    view = summary[["temperature", "gallagher_mean", "enp_votes_mean"]]  # the spec's select()
    assert view.shape == (25, 3) and view.notna().all().all()
    assert (summary["n_voters"] == 2_000).all() and (summary["n_constituencies"] == 20).all()
    # growth rewards the incumbent (0.2.1's economic_growth had no effect): monotone at every temperature
    for temperature, rows in summary.groupby("temperature"):
        shares = rows.sort_values("economic_growth")["incumbent_vote_share_mean"]
        assert shares.is_monotonic_increasing and shares.iloc[-1] > shares.iloc[0] + 0.1, temperature


def test_spec_random_sampling():
    grid = {
        "n_voters": [1_000, 2_000, 3_000, 4_000, 5_000],
        "temperature": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7],
        "economic_growth": [-0.05, -0.02, 0.0, 0.02, 0.05],
        "anti_incumbency": [0.0, 0.1, 0.2, 0.3],
    }
    sweep = ParameterSweep(parameters=grid, sweep_type="random", n_samples=200)
    runner = BatchRunner(model_class=ElectionModel, parameter_sweep=sweep, n_runs_per_config=1, n_jobs=4,
                         verbose=False)
    results_df = runner.run()

    assert isinstance(runner.seed, int)
    configs = sweep.generate_configs(seed=runner.seed)
    check_layout(results_df, configs, 1)
    drawn = [tuple(c.values()) for c in configs]
    assert len(set(drawn)) == 200  # without replacement
    assert set(drawn) <= set(itertools.product(*grid.values()))
    assert results_df["config_id"].nunique() == 200


def test_spec_electoral_system_comparison():
    sweep = ParameterSweep({
        "electoral_system": ["FPTP", "PR"],
        "n_voters": [2_500, 5_000],
    }, fixed_params={
        "n_constituencies": 20,
    })
    runner = BatchRunner(model_class=ElectionModel, parameter_sweep=sweep, n_runs_per_config=10, seed=42,
                         verbose=False)
    results_df = runner.run()

    comparison = results_df.groupby("electoral_system").agg(
        avg_gallagher=("gallagher", "mean"), avg_enp_seats=("enp_seats", "mean"))
    configs = [{"electoral_system": s, "n_voters": n, "n_constituencies": 20}
               for s, n in itertools.product(["FPTP", "PR"], [2_500, 5_000])]
    check_layout(results_df, configs, 10)
    assert comparison.index.tolist() == ["FPTP", "PR"]
    # the pooled average is the mean of the summary's per-config means (10 runs each): two code paths
    summary = runner.get_summary_stats()
    for system in ("FPTP", "PR"):
        per_config = summary.loc[summary["electoral_system"] == system, "gallagher_mean"]
        assert len(per_config) == 2
        assert comparison.loc[system, "avg_gallagher"] == pytest.approx(per_config.mean(), rel=1e-12)
    # PR is more proportional and more fragmented in seats than FPTP
    assert comparison.loc["PR", "avg_gallagher"] < comparison.loc["FPTP", "avg_gallagher"] / 2
    assert comparison.loc["PR", "avg_enp_seats"] > comparison.loc["FPTP", "avg_enp_seats"]


def test_defaults_match_spec():
    sweep = ParameterSweep({"n_voters": [1_000]})
    runner = BatchRunner(ElectionModel, sweep)
    assert runner.n_runs_per_config == 1 and runner.n_jobs == 1 and runner.verbose is True
    assert sweep.sweep_type == "grid" and len(sweep) == 1


# -- determinism --------------------------------------------------------------------
SMALL_GRID = {"n_voters": [1_000, 2_500], "temperature": [0.3, 0.9], "electoral_system": ["FPTP", "PR"]}


def test_same_seed_same_frame_and_other_seed_differs():
    a = run(SMALL_GRID, n_runs=3, seed=11)
    b = run(SMALL_GRID, n_runs=3, seed=11)
    c = run(SMALL_GRID, n_runs=3, seed=12)
    assert_frame_equal(a, b, check_exact=True)
    assert not a["seed"].equals(c["seed"])
    assert not a[METRICS].equals(c[METRICS])
    assert a["config_id"].equals(c["config_id"])  # identity is content, not seed


def test_n_jobs_does_not_change_results():
    one = run(SMALL_GRID, n_runs=3, seed=5, n_jobs=1)
    two = run(SMALL_GRID, n_runs=3, seed=5, n_jobs=2)
    runner = make_runner(SMALL_GRID, n_runs=3, seed=5, n_jobs=-1)
    assert runner.n_jobs == len(os.sched_getaffinity(0))  # -1: every core this process may use
    every_core = runner.run()
    assert_frame_equal(one, two, check_exact=True)
    assert_frame_equal(one, every_core, check_exact=True)


def test_row_reproducible_from_its_own_columns(tmp_path):
    runner = make_runner({"electoral_system": ["FPTP", "pr"], "temperature": [0.4, 1]},
                         fixed={"n_voters": 3_000, "n_constituencies": 7, "allocation_method": "Sainte-Lague",
                                "threshold": 0.03, "economic_growth": 0.01},
                         n_runs=2, seed=8)
    df = runner.run()
    params = ["electoral_system", "temperature", "n_voters", "n_constituencies", "allocation_method",
              "threshold", "economic_growth"]
    runner.export_results(tmp_path / "r.csv")
    from_csv = pd.read_csv(tmp_path / "r.csv", dtype={"config_id": str})
    for frame in (df, from_csv):
        for row in frame.itertuples(index=False):
            result = ElectionModel(**{p: getattr(row, p) for p in params}, seed=row.seed).run_election()
            for m in METRICS:
                assert same(result[m], getattr(row, m)), (row.config_idx, row.run_idx, m)
            assert result["winner"] == row.winner


# -- identity and seeds ---------------------------------------------------------------
def test_adding_grid_values_leaves_existing_configs_unchanged():
    base = run({"temperature": [0.5], "n_voters": [2_000, 3_000]}, fixed={"n_constituencies": 5}, n_runs=3)
    grown = run({"temperature": [0.3, 0.5, 0.7], "n_voters": [1_000, 2_000, 3_000, 4_000]},
                fixed={"n_constituencies": 5}, n_runs=3)
    assert grown["config_id"].nunique() == 12
    compare = ["config_id", "run_idx", "seed", "temperature", "n_voters", "n_constituencies", *METRICS]
    moved = 0
    for cid, rows in base.groupby("config_id", sort=False):
        other = grown[grown["config_id"] == cid]
        assert len(other) == 3
        moved += other["config_idx"].iloc[0] != rows["config_idx"].iloc[0]
        assert_frame_equal(other[compare].reset_index(drop=True), rows[compare].reset_index(drop=True),
                           check_exact=True)
    assert moved == 2  # both configs changed position, yet nothing else changed


def test_config_id_is_content_not_spelling():
    a = config_ids({"electoral_system": ["pr"], "temperature": [1]}, {"n_voters": 1_000})
    b = config_ids({"electoral_system": ["PR"], "temperature": [1.0]}, {"n_voters": 1_000.0})
    # same content given as fixed instead of swept, default given explicitly, another seed
    c = config_ids({"n_voters": [1_000]}, {"electoral_system": "PR", "temperature": 1.0, "n_constituencies": 10},
                   seed=99)
    assert a == b == c
    assert len(a[0]) >= 8 and all(ch in "0123456789abcdef" for ch in a[0])
    different = config_ids({"electoral_system": ["PR"], "temperature": [1.5, 1.0]}, {"n_voters": 1_000})
    assert different[1] == a[0] and different[0] != a[0]
    assert config_ids({"electoral_system": ["FPTP"], "temperature": [1.0]}, {"n_voters": 1_000}) != a
    # equal content gives equal numbers, whatever the spelling
    x = run({"electoral_system": ["pr"], "temperature": [1]}, {"n_voters": 1_000}, n_runs=2)
    y = run({"electoral_system": ["PR"], "temperature": [1.0]}, {"n_voters": 1_000}, n_runs=2)
    assert_frame_equal(x[METRICS], y[METRICS], check_exact=True)


def test_run_seeds_follow_documented_formula_and_ignore_config_idx():
    df = run({"temperature": [0.3, 0.5, 0.7]}, {"n_voters": 1_000}, n_runs=4, seed=42)
    expected = [int(np.random.SeedSequence(42, spawn_key=(0, r)).generate_state(1, np.uint64)[0] >> np.uint64(1))
                for r in range(4)]
    for _, rows in df.groupby("config_idx"):
        assert rows["seed"].tolist() == expected
    assert len(set(expected)) == 4


def test_seed_none_is_drawn_recorded_and_reproducible():
    grid = {"temperature": [0.3, 0.6]}
    first = make_runner(grid, {"n_voters": 1_500}, n_runs=2, seed=None)
    other = make_runner(grid, {"n_voters": 1_500}, n_runs=2, seed=None)
    assert isinstance(first.seed, int) and 0 <= first.seed < 2**63
    assert first.seed != other.seed
    df = first.run()
    again = make_runner(grid, {"n_voters": 1_500}, n_runs=2, seed=first.seed).run()
    assert_frame_equal(df, again, check_exact=True)


def test_seed_none_random_sweep_reproducible_from_recorded_seed():
    grid = {"temperature": [0.2, 0.4, 0.6, 0.8, 1.0], "economic_growth": [-0.02, 0.0, 0.02, 0.04]}
    first = make_runner(grid, {"n_voters": 1_000}, n_runs=1, seed=None, sweep_type="random", n_samples=5)
    df = first.run()
    again = make_runner(grid, {"n_voters": 1_000}, n_runs=1, seed=first.seed, sweep_type="random", n_samples=5)
    assert_frame_equal(df, again.run(), check_exact=True)


# -- random and Latin-hypercube sweeps ---------------------------------------------------
GRID_100 = {"temperature": [round(0.1 * k, 1) for k in range(1, 11)],
            "economic_growth": [round(0.01 * k - 0.05, 2) for k in range(10)]}


def test_random_sweep_same_seed_same_configs():
    a = ParameterSweep(GRID_100, sweep_type="random", n_samples=20, seed=7).generate_configs()
    b = ParameterSweep(GRID_100, sweep_type="random", n_samples=20, seed=7).generate_configs()
    c = ParameterSweep(GRID_100, sweep_type="random", n_samples=20, seed=8).generate_configs()
    assert a == b and a != c and len(a) == 20


def test_random_sweep_own_seed_wins_over_runner_seed():
    sweep = ParameterSweep(GRID_100, fixed_params={"n_voters": 1_000}, sweep_type="random", n_samples=4, seed=7)
    one = BatchRunner(ElectionModel, sweep, seed=1, verbose=False)
    two = BatchRunner(ElectionModel, sweep, seed=2, verbose=False)
    own = ParameterSweep(GRID_100, fixed_params={"n_voters": 1_000}, sweep_type="random", n_samples=4,
                         seed=7).generate_configs()
    cols = [*GRID_100, "n_voters"]
    for runner in (one, two):
        df = runner.run()
        assert df[cols].to_dict("records") == own


def test_random_sweep_without_seed_follows_runner_seed():
    def configs(sweep, seed):
        df = BatchRunner(ElectionModel, sweep, seed=seed, verbose=False).run()
        return df[[*GRID_100]].to_dict("records")

    fresh = lambda: ParameterSweep(GRID_100, fixed_params={"n_voters": 1_000}, sweep_type="random", n_samples=4)
    shared = fresh()
    assert configs(shared, 1) == configs(fresh(), 1)
    # the same sweep object, reused with another runner seed, follows that seed too
    assert configs(shared, 2) == configs(fresh(), 2)
    assert configs(shared, 1) != configs(shared, 2)


def test_random_sweep_without_replacement_up_to_grid_size():
    combos = set(itertools.product(*GRID_100.values()))
    for seed in range(5):
        configs = ParameterSweep(GRID_100, sweep_type="random", n_samples=60, seed=seed).generate_configs()
        drawn = [tuple(c.values()) for c in configs]
        assert len(set(drawn)) == 60 and set(drawn) <= combos
    everything = ParameterSweep(GRID_100, sweep_type="random", n_samples=100, seed=3).generate_configs()
    assert {tuple(c.values()) for c in everything} == combos


def test_random_sweep_more_samples_than_grid_is_error(no_simulation):
    with pytest.raises(ValueError, match="n_samples"):
        sweep = ParameterSweep(GRID_100, sweep_type="random", n_samples=101, seed=1)
        BatchRunner(ElectionModel, sweep, seed=1, verbose=False).run()


def test_random_ranges_integer_and_log():
    spec = {"n_voters": {"low": 1_000, "high": 3_000},
            "temperature": {"low": 0.2, "high": 2.0, "log": True},
            "economic_growth": {"low": -0.05, "high": 0.05}}
    configs = ParameterSweep(spec, sweep_type="random", n_samples=400, seed=4).generate_configs()
    voters = [c["n_voters"] for c in configs]
    temps = np.array([c["temperature"] for c in configs])
    growth = np.array([c["economic_growth"] for c in configs])
    assert all(type(v) is int and 1_000 <= v <= 3_000 for v in voters)
    assert len(set(voters)) > 300
    assert all(isinstance(t, float) for t in temps)
    assert temps.min() >= 0.2 and temps.max() <= 2.0
    assert growth.min() >= -0.05 and growth.max() <= 0.05
    # log scale: about half the draws below the geometric midpoint sqrt(0.2 * 2.0) (a linear draw gives 24 %)
    assert 0.4 < np.mean(temps < math.sqrt(0.4)) < 0.6
    assert 0.4 < np.mean(growth < 0.0) < 0.6
    log_int = ParameterSweep({"n_voters": {"low": 10, "high": 10_000, "log": True}}, sweep_type="random",
                             n_samples=300, seed=5).generate_configs()
    ints = [c["n_voters"] for c in log_int]
    assert all(type(v) is int and 10 <= v <= 10_000 for v in ints)
    assert 0.35 < np.mean(np.array(ints) < 316) < 0.65


def test_random_range_sweep_runs_with_integer_column():
    runner = make_runner({"n_voters": {"low": 1_000, "high": 2_000}, "temperature": {"low": 0.3, "high": 0.9}},
                         n_runs=1, seed=3, sweep_type="random", n_samples=3)
    df = runner.run()
    assert pd.api.types.is_integer_dtype(df["n_voters"]) and pd.api.types.is_float_dtype(df["temperature"])
    assert df["config_id"].nunique() == 3


@pytest.mark.parametrize("n", [1, 7, 10])
def test_latin_hypercube_one_sample_per_stratum(n):
    spec = {"temperature": {"low": 0.2, "high": 1.0},
            "economic_growth": {"low": -0.05, "high": 0.05},
            "n_voters": {"low": 1_000, "high": 1_000 + 100 * n - 1}}
    configs = ParameterSweep(spec, sweep_type="latin_hypercube", n_samples=n, seed=n).generate_configs()
    assert len(configs) == n
    for name, r in spec.items():
        values = np.array([c[name] for c in configs], dtype=float)
        width = (r["high"] - r["low"] + (1 if name == "n_voters" else 0)) / n
        strata = np.floor((values - r["low"]) / width).astype(int)
        assert sorted(strata.tolist()) == list(range(n)), name
    assert all(type(c["n_voters"]) is int for c in configs)


def test_latin_hypercube_list_values_balanced():
    configs = ParameterSweep({"electoral_system": ["FPTP", "PR"], "temperature": [0.3, 0.5, 0.7, 0.9, 1.1]},
                             sweep_type="latin_hypercube", n_samples=10, seed=2).generate_configs()
    systems = [c["electoral_system"] for c in configs]
    temps = [c["temperature"] for c in configs]
    assert systems.count("FPTP") == systems.count("PR") == 5
    assert all(temps.count(t) == 2 for t in (0.3, 0.5, 0.7, 0.9, 1.1))


def test_latin_hypercube_seeded():
    spec = {"temperature": {"low": 0.2, "high": 1.0}}
    a = ParameterSweep(spec, sweep_type="latin_hypercube", n_samples=5, seed=1).generate_configs()
    b = ParameterSweep(spec, sweep_type="latin_hypercube", n_samples=5, seed=1).generate_configs()
    c = ParameterSweep(spec, sweep_type="latin_hypercube", n_samples=5, seed=2).generate_configs()
    assert a == b != c


def test_unknown_sweep_type_is_named():
    with pytest.raises(ValueError, match="sobol"):
        ParameterSweep({"n_voters": [1_000]}, sweep_type="sobol")


def test_grid_order_is_product_of_keys_as_given():
    a = {"temperature": [0.7, 0.3], "electoral_system": ["PR", "FPTP"], "n_voters": [2_000, 1_000]}
    b = dict(reversed(list(a.items())))
    for params in (a, b):
        sweep = ParameterSweep(params, fixed_params={"n_constituencies": 4})
        expected = [{**dict(zip(params, combo)), "n_constituencies": 4} for combo in itertools.product(*params.values())]
        assert sweep.generate_configs() == expected
        assert len(sweep) == 8


# -- summary --------------------------------------------------------------------------
def by_hand(values: list[float]) -> tuple[float, float, float]:
    """Mean, s.d. (ddof=1) and 95 % CI half-width of the defined (not NaN) values, in plain Python.

    The t quantiles are the printed table's (T975); the half-width counts the defined values.
    """
    defined = [v for v in values if not math.isnan(v)]
    k = len(defined)
    mean = sum(defined) / k if k else math.nan
    std = math.sqrt(sum((v - mean) ** 2 for v in defined) / (k - 1)) if k > 1 else math.nan
    t = T975.get(k - 1) or (scipy_stats.t.ppf(0.975, k - 1) if k > 1 else math.nan)
    return mean, std, t * std / math.sqrt(k) if k > 1 else math.nan


def assert_close(got: float, want: float, rel: float) -> None:
    assert same(got, want) or got == pytest.approx(want, rel=rel, abs=1e-12), (got, want)


@pytest.mark.parametrize("n_runs", [2, 5, 10])
def test_summary_matches_statistics_by_hand(n_runs):
    swept = {"temperature": [0.7, 0.3, 0.5], "electoral_system": ["PR", "FPTP"]}
    fixed = {"n_voters": 1_500, "n_constituencies": 6}
    runner = make_runner(swept, fixed, n_runs=n_runs, seed=21)
    df = runner.run()
    summary = runner.get_summary_stats()

    names = [*swept, *fixed]
    assert list(summary.columns[: 2 + len(names)]) == ["config_idx", "config_id", *names]
    assert summary.columns[-1] == "n_runs"
    stats = {f"{m}_{s}" for m in METRICS for s in ("mean", "std", "ci95")}
    assert set(summary.columns[2 + len(names): -1]) == stats
    assert summary["config_idx"].tolist() == list(range(6))
    assert summary["n_runs"].tolist() == [n_runs] * 6

    for i, combo in enumerate(itertools.product(*swept.values())):
        row = summary.iloc[i]
        rows = df[df["config_idx"] == i]
        assert row["config_id"] == rows["config_id"].iloc[0]
        for name, value in {**dict(zip(swept, combo)), **fixed}.items():
            assert row[name] == value
        for m in METRICS:
            mean, std, ci = by_hand(rows[m].tolist())
            assert_close(row[f"{m}_mean"], mean, 1e-12)
            assert_close(row[f"{m}_std"], std, 1e-9)
            assert_close(row[f"{m}_ci95"], ci, 1e-8)
        for m in CORE_METRICS:
            assert not math.isnan(row[f"{m}_mean"] + row[f"{m}_std"] + row[f"{m}_ci95"]), m


def test_summary_single_run_has_nan_spread():
    runner = make_runner({"temperature": [0.3, 0.5]}, {"n_voters": 1_000}, n_runs=1)
    runner.run()
    summary = runner.get_summary_stats()
    assert summary["n_runs"].tolist() == [1, 1]
    assert summary["gallagher_std"].isna().all() and summary["gallagher_ci95"].isna().all()
    assert summary["gallagher_mean"].notna().all()


def test_summary_skips_runs_where_a_metric_is_undefined():
    # with 1-3 voters some elections have no votes: their gallagher/enp_votes are NaN. The summary
    # is over the runs where the metric is defined; a NaN run must not turn the mean NaN.
    runner = make_runner({"n_voters": [1, 2, 3]}, {"n_constituencies": 1, "temperature": 5.0}, n_runs=12, seed=3)
    df = runner.run()
    summary = runner.get_summary_stats()
    mixed = 0
    for i, row in summary.iterrows():
        values = df.loc[df["config_idx"] == i, "gallagher"].tolist()
        defined = sum(not math.isnan(v) for v in values)
        mixed += 1 < defined < len(values)
        mean, std, ci = by_hand(values)
        assert_close(row["gallagher_mean"], mean, 1e-12)
        assert_close(row["gallagher_std"], std, 1e-9)
        assert_close(row["gallagher_ci95"], ci, 1e-8)  # n = the defined runs, not all 12
    assert mixed >= 2, "the test needs configs with both NaN and defined runs"
    assert summary["gallagher_mean"].notna().all()


# -- export -----------------------------------------------------------------------------
def read_table(path, fmt):
    if fmt == "csv":
        return pd.read_csv(path, dtype={"config_id": str})
    if fmt == "parquet":
        return pd.read_parquet(path)
    return pd.read_json(path, orient="records", dtype={"config_id": str}, precise_float=True)


@pytest.fixture(scope="module")
def finished_runner():
    runner = make_runner({"electoral_system": ["FPTP", "PR"], "temperature": [0.35, 0.9]},
                         {"n_voters": 1_200, "n_constituencies": 5}, n_runs=3, seed=13)
    runner.run()
    return runner


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
@pytest.mark.parametrize("what", ["results", "summary"])
def test_export_round_trip(finished_runner, tmp_path, fmt, what):
    path = tmp_path / f"{what}.{fmt}"
    getattr(finished_runner, f"export_{what}")(str(path))
    expected = finished_runner.results if what == "results" else finished_runner.get_summary_stats()
    back = read_table(path, fmt)
    assert list(back.columns) == list(expected.columns)
    # values must survive exactly: rows are re-run from exported files
    assert_frame_equal(back, expected, check_dtype=(fmt == "parquet"), check_exact=True)
    assert os.listdir(tmp_path) == [path.name]  # atomic: no temporary file left


def test_export_format_auto_and_explicit(finished_runner, tmp_path):
    finished_runner.export_results(tmp_path / "a.parquet")
    finished_runner.export_results(tmp_path / "b.CSV")
    finished_runner.export_results(tmp_path / "c.json")
    finished_runner.export_results(tmp_path / "d.dat", format="parquet")
    finished_runner.export_summary(tmp_path / "e.out", format="csv")
    assert (tmp_path / "a.parquet").read_bytes()[:4] == b"PAR1"
    assert (tmp_path / "b.CSV").read_text().startswith("config_idx,config_id,run_idx,seed,")
    assert (tmp_path / "c.json").read_text().lstrip().startswith("[")
    assert (tmp_path / "d.dat").read_bytes()[:4] == b"PAR1"
    assert (tmp_path / "e.out").read_text().startswith("config_idx,config_id,")
    assert len(pd.read_json(tmp_path / "c.json", orient="records")) == 12
    assert sorted(os.listdir(tmp_path)) == ["a.parquet", "b.CSV", "c.json", "d.dat", "e.out"]


@pytest.mark.parametrize("call", [
    lambda r, d: r.export_results(d / "results.txt"),
    lambda r, d: r.export_results(d / "results"),
    lambda r, d: r.export_summary(d / "summary.xlsx"),
    lambda r, d: r.export_results(d / "results.csv", format="xlsx"),
    lambda r, d: r.export_summary(d / "summary.csv", format="feather"),
])
def test_export_unknown_format_writes_nothing(finished_runner, tmp_path, call):
    with pytest.raises(ValueError, match="csv"):
        call(finished_runner, tmp_path)
    assert os.listdir(tmp_path) == []


def test_export_before_run_is_error(tmp_path):
    runner = make_runner({"temperature": [0.5]}, {"n_voters": 1_000})
    for call in (lambda: runner.export_results(tmp_path / "r.csv"),
                 lambda: runner.export_summary(tmp_path / "s.csv"),
                 runner.get_summary_stats):
        with pytest.raises(ValueError, match=r"run\(\)"):
            call()
    assert os.listdir(tmp_path) == []


def test_export_failure_leaves_previous_file_intact(finished_runner, tmp_path, monkeypatch):
    path = tmp_path / "results.csv"
    path.write_text("previous\n")

    def half_write(table, target, *args, **kwargs):
        target.write(b"0,")
        raise OSError("disk full")

    import pyarrow.csv

    monkeypatch.setattr(pyarrow.csv, "write_csv", half_write)
    with pytest.raises(OSError, match="disk full"):
        finished_runner.export_results(path)
    assert path.read_text() == "previous\n"
    assert os.listdir(tmp_path) == ["results.csv"]


def test_export_file_mode_follows_umask(finished_runner, tmp_path):
    # an atomic write must not make results private to their owner (mkstemp creates 0600)
    finished_runner.export_results(tmp_path / "r.csv")
    plain = tmp_path / "plain"
    plain.write_text("x")
    mode = lambda p: stat.S_IMODE(os.stat(p).st_mode)
    assert mode(tmp_path / "r.csv") == mode(plain)


# -- bad input, rejected before anything runs --------------------------------------------
def attempt(parameters, fixed=None, sweep_kw=None, **runner_kw):
    runner_kw.setdefault("seed", 1)
    sweep = ParameterSweep(parameters, fixed_params=fixed, **(sweep_kw or {}))
    BatchRunner(ElectionModel, sweep, verbose=False, **runner_kw).run()


@pytest.mark.parametrize("parameters, fixed, match", [
    ({"n_voter": [1_000]}, None, r"'n_voter'.*did you mean 'n_voters'"),
    ({"n_voters": [1_000]}, {"temprature": 0.5}, r"'temprature'.*did you mean 'temperature'"),
    ({"n_voters": [1_000], "electoral_sytem": ["PR"]}, None, r"did you mean 'electoral_system'"),
    ({"n_voters": [1_000], "seed": [1, 2]}, None, r"'seed'"),
])
def test_unknown_parameter_names_with_suggestion(no_simulation, capfd, parameters, fixed, match):
    with pytest.raises(ValueError, match=match):
        attempt(parameters, fixed)
    assert capfd.readouterr() == ("", "")


@pytest.mark.parametrize("parameters, fixed, sweep_kw, match", [
    ({"temperature": [0.5, 0.3, 0]}, {"n_voters": 1_000}, None, "temperature"),
    ({"n_voters": [1_000, 2_000]}, {"temperature": 0.0}, None, "temperature"),
    ({"temperature": [0.5, -1.0]}, None, None, "temperature"),
    ({"n_voters": [1_000, 0]}, None, None, "n_voters"),
    ({"n_voters": [1_000, 5]}, {"n_constituencies": 10}, None, "n_constituencies"),
    ({"n_voters": [1_000, 1_500.5]}, None, None, "n_voters"),
    ({"electoral_system": ["FPTP", "FTPP"]}, {"n_voters": 1_000}, None, "FTPP"),
    ({"threshold": [0.0, 1.0]}, {"electoral_system": "PR"}, None, "threshold"),
    ({"anti_incumbency": [0.1, -0.1]}, None, None, "anti_incumbency"),
    ({"temperature": {"low": -1.0, "high": 1.0}}, {"n_voters": 1_000},
     {"sweep_type": "random", "n_samples": 30, "seed": 1}, "temperature"),
])
def test_bad_values_in_any_config(no_simulation, capfd, parameters, fixed, sweep_kw, match):
    with pytest.raises(ValueError, match=match):
        attempt(parameters, fixed, sweep_kw)
    assert capfd.readouterr() == ("", "")


@pytest.mark.parametrize("parameters, fixed, match", [
    ({"temperature": [[0.3, 0.5]]}, None, "temperature"),
    ({"temperature": [(0.3, 0.5)]}, None, "temperature"),
    ({"temperature": [np.array([0.3])]}, None, "temperature"),
    ({"n_voters": [1_000]}, {"electoral_system": {"name": "PR"}}, "electoral_system"),
    ({"n_voters": [1_000]}, {"parties": [{"name": "A", "position": [0, 0]}]}, "parties"),
    ({"temperature": [0.5, float("nan")]}, None, "temperature"),
    ({"temperature": [0.5, np.float64("nan")]}, None, "temperature"),
    ({"n_voters": [1_000]}, {"temperature": float("nan")}, "temperature"),
    ({"n_voters": [1_000]}, {"economic_growth": float("inf")}, "economic_growth"),
    ({"n_voters": 1_000}, None, "n_voters"),
    ({"n_voters": []}, None, "n_voters"),
    ({"n_voters": "1000"}, None, "n_voters"),
])
def test_non_scalar_values_rejected(no_simulation, capfd, parameters, fixed, match):
    with pytest.raises(ValueError, match=match):
        attempt(parameters, fixed)
    assert capfd.readouterr() == ("", "")


@pytest.mark.parametrize("runner_kw, match", [
    ({"n_runs_per_config": 0}, "n_runs_per_config"),
    ({"n_runs_per_config": -3}, "n_runs_per_config"),
    ({"n_runs_per_config": 2.5}, "n_runs_per_config"),
    ({"n_jobs": 0}, "n_jobs"),
    ({"n_jobs": -2}, "n_jobs"),
    ({"n_jobs": 1.5}, "n_jobs"),
    ({"election_kwargs": {"n_rounds": 2}}, "n_rounds"),
    ({"seed": -1}, "seed"),
    ({"seed": "42"}, "seed"),
])
def test_bad_runner_arguments(no_simulation, capfd, runner_kw, match):
    with pytest.raises(ValueError, match=match):
        attempt({"n_voters": [1_000]}, **runner_kw)
    assert capfd.readouterr() == ("", "")


def test_other_bad_sweeps(no_simulation):
    with pytest.raises(ValueError, match="both swept and fixed"):
        ParameterSweep({"n_voters": [1_000]}, fixed_params={"n_voters": 2_000})
    with pytest.raises(ValueError, match="n_voters"):
        ParameterSweep({"n_voters": {"low": 1_000, "high": 2_000}})  # a range needs random/latin_hypercube
    with pytest.raises(ValueError, match="temperature"):
        ParameterSweep({"temperature": {"low": 1.0, "high": 0.5}}, sweep_type="random", n_samples=2)
    with pytest.raises(ValueError, match="temperature"):
        ParameterSweep({"temperature": {"low": 0.0, "high": 1.0, "log": True}}, sweep_type="random", n_samples=2)
    with pytest.raises(ValueError, match="n_samples"):
        ParameterSweep({"temperature": [0.3, 0.5]}, sweep_type="latin_hypercube", n_samples=0)
    with pytest.raises(ValueError):
        BatchRunner(ElectionModel, {"n_voters": [1_000]}, verbose=False)


# -- progress output ------------------------------------------------------------------------
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_quiet_prints_nothing(capfd, n_jobs):
    run({"temperature": [0.3, 0.5, 0.7]}, {"n_voters": 1_000}, n_runs=2, n_jobs=n_jobs)
    assert capfd.readouterr() == ("", "")


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_verbose_shows_progress_bar_on_stderr(capsys, n_jobs):
    make_runner({"temperature": [0.3, 0.5, 0.7]}, {"n_voters": 1_000}, n_runs=2, n_jobs=n_jobs,
                verbose=True).run()
    out, err = capsys.readouterr()
    assert out == ""
    assert "6/6" in err and "100%" in err


def test_parallel_run_from_a_script_without_main_guard(tmp_path):
    # a plain script, no `if __name__ == "__main__":`, as researchers write them
    script = tmp_path / "sweep.py"
    script.write_text(
        "from electoral_sim import ElectionModel\n"
        "from electoral_sim.analysis import BatchRunner, ParameterSweep\n"
        "sweep = ParameterSweep({'temperature': [0.3, 0.5]}, fixed_params={'n_voters': 2000})\n"
        "df = BatchRunner(ElectionModel, sweep, n_runs_per_config=3, n_jobs=2, seed=1, verbose=False).run()\n"
        "print(len(df), df['gallagher'].sum())\n"
    )
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    expected = BatchRunner(ElectionModel, ParameterSweep({"temperature": [0.3, 0.5]}, fixed_params={"n_voters": 2000}),
                           n_runs_per_config=3, n_jobs=1, seed=1, verbose=False).run()
    n, total = proc.stdout.split()
    assert int(n) == 6 and float(total) == pytest.approx(expected["gallagher"].sum(), rel=1e-12)
