"""Figures: which ones a study gets, and that they show the data they claim to.

The plotted values are read back from the matplotlib artists and compared
with statistics computed here independently (pandas group means, scipy's t
quantile), not with the plotting module's own helpers.
"""
from __future__ import annotations

import itertools
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from scipy.stats import t as student_t

from electoral_sim import ElectionModel
from electoral_sim.analysis import BatchRunner, ParameterSweep
from electoral_sim import plotting
from electoral_sim.plotting import (
    METRIC_LABELS,
    PARAMETER_LABELS,
    figure_specs,
    marginal_summary,
    paired_differences,
)

GRID = {
    "name": "grid",
    "parameters": {"electoral_system": ["FPTP", "PR"], "temperature": [0.3, 0.6], "anti_incumbency": [0.0, 0.3]},
    "fixed_params": {"n_voters": 1500, "n_constituencies": 5},
    "n_runs_per_config": 3,
    "seed": 11,
}
SAMPLED = {
    "name": "sampled",
    "parameters": {"temperature": {"low": 0.1, "high": 0.9}, "economic_growth": {"low": -0.05, "high": 0.05}},
    "fixed_params": {"n_voters": 1000, "n_constituencies": 5},
    "sweep_type": "latin_hypercube",
    "n_samples": 24,
    "n_runs_per_config": 2,
    "seed": 5,
}


def _run(study):
    sweep = ParameterSweep(study["parameters"], fixed_params=study["fixed_params"],
                           sweep_type=study.get("sweep_type", "grid"), n_samples=study.get("n_samples", 100))
    runner = BatchRunner(ElectionModel, sweep, n_runs_per_config=study["n_runs_per_config"], n_jobs=1,
                         seed=study["seed"], verbose=False)
    return runner.run(), runner.get_summary_stats()


@pytest.fixture(scope="module")
def grid():
    return _run(GRID)


@pytest.fixture(scope="module")
def sampled():
    return _run(SAMPLED)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _ci(values: pd.Series) -> float:
    values = values.dropna()
    n = len(values)
    return student_t.ppf(0.975, n - 1) * values.std(ddof=1) / math.sqrt(n)


def _metrics(summary) -> list[str]:
    return plotting.plotted_metrics(summary)


def _panel(fig, metric: str):
    """The axes whose y label names ``metric``."""
    label = METRIC_LABELS[metric][0]
    found = [ax for ax in fig.axes if ax.get_ylabel().replace("\n", " ").startswith(label)]
    assert len(found) == 1, (metric, [ax.get_ylabel() for ax in fig.axes])
    return found[0]


def _texts_inside(fig) -> None:
    """Everything drawn (titles, labels, tick labels, legends) lies within the figure: nothing clipped."""
    fig.canvas.draw()
    drawn = fig.get_tightbbox(fig.canvas.get_renderer())  # inches
    width, height = fig.get_size_inches()
    tol = 0.01
    assert drawn.x0 >= -tol and drawn.y0 >= -tol and drawn.x1 <= width + tol and drawn.y1 <= height + tol, \
        f"drawn area {drawn} exceeds the figure ({width} x {height} in)"


# -- which figures ----------------------------------------------------------------------
def test_grid_study_gets_parameter_heatmap_and_paired_figures():
    specs = figure_specs(GRID)
    assert list(specs) == ["electoral_system", "temperature", "anti_incumbency",
                           "heatmap_temperature_anti_incumbency", "system_differences"]
    assert specs["system_differences"]["reference"] == "FPTP"
    assert specs["temperature"]["sampled"] is False


def test_sampled_study_gets_one_figure_per_parameter_only():
    specs = figure_specs(SAMPLED)
    assert list(specs) == ["temperature", "economic_growth"]
    assert all(s["sampled"] for s in specs.values())
    for kind in ("random", "sobol", "morris"):
        assert all(s["sampled"] for s in figure_specs({**SAMPLED, "sweep_type": kind}).values())


def test_paired_reference_is_pr_without_fptp_and_first_system_otherwise():
    study = {"parameters": {"electoral_system": ["IRV", "PR", "STV"]}}
    assert figure_specs(study)["system_differences"]["reference"] == "PR"
    study = {"parameters": {"electoral_system": ["IRV", "STV"]}}
    assert figure_specs(study)["system_differences"]["reference"] == "IRV"
    assert "system_differences" not in figure_specs({"parameters": {"electoral_system": ["PR"]}})


# -- statistics come from the summary ---------------------------------------------------------
def test_marginal_summary_pools_runs_over_other_parameters(grid):
    results, _ = grid
    stats = marginal_summary(results, ["temperature"], ["gallagher"]).set_index("temperature")
    for t, runs in results.groupby("temperature"):
        assert stats.loc[t, "n_runs"] == len(runs) == 12
        assert stats.loc[t, "gallagher_mean"] == pytest.approx(runs["gallagher"].mean())
        assert stats.loc[t, "gallagher_ci95"] == pytest.approx(_ci(runs["gallagher"]))


def test_marginal_summary_of_one_configuration_equals_the_summary(grid):
    results, summary = grid
    params = list(GRID["parameters"])
    stats = marginal_summary(results, params, ["vse"])
    merged = stats.merge(summary, on=params, suffixes=("", "_summary"))
    assert len(merged) == len(summary) == 8
    np.testing.assert_allclose(merged["vse_mean"], merged["vse_mean_summary"])
    np.testing.assert_allclose(merged["vse_ci95"], merged["vse_ci95_summary"])


# -- metric against a parameter (grid) ----------------------------------------------------------
def test_parameter_figure_plots_the_marginal_means_per_system(grid):
    results, summary = grid
    fig = plotting.plot_parameter(results, summary, figure_specs(GRID)["temperature"])
    for metric in ("gallagher", "enp_seats", "turnout"):
        ax = _panel(fig, metric)
        lines = {c.get_label(): c.lines[0] for c in ax.containers}
        assert set(lines) == {"FPTP", "PR"}
        for system, line in lines.items():
            expected = results[results.electoral_system == system].groupby("temperature")[metric].mean()
            np.testing.assert_allclose(line.get_xdata(), expected.index)
            np.testing.assert_allclose(line.get_ydata(), expected.to_numpy())
    _texts_inside(fig)


def test_labels_are_words_with_units(grid):
    results, summary = grid
    fig = plotting.plot_parameter(results, summary, figure_specs(GRID)["anti_incumbency"])
    ylabels = {ax.get_ylabel().replace("\n", " ") for ax in fig.axes if ax.get_ylabel()}
    assert ylabels == {METRIC_LABELS[m][0] for m in _metrics(summary)}
    assert "Gallagher index (0-100)" in ylabels
    assert fig.get_supxlabel() == PARAMETER_LABELS["anti_incumbency"]


def test_confidence_intervals_never_leave_the_metric_range():
    # a Gallagher index of 0, 0, 0, 40 has mean 10 and a 95 % CI of +-31.8: the bar stops at 0
    results = pd.DataFrame({"config_idx": 0, "config_id": "x", "run_idx": range(4), "seed": range(4),
                            "temperature": 0.5, "gallagher": [0.0, 0.0, 0.0, 40.0],
                            "turnout": [0.98, 0.99, 1.0, 0.7]})
    summary = pd.DataFrame({"temperature": [0.5], "gallagher_mean": [10.0], "gallagher_std": [20.0],
                            "turnout_mean": [0.9175], "turnout_std": [0.14]})
    spec = {"kind": "parameter", "param": "temperature", "swept": ["temperature"], "sampled": False}
    fig = plotting.plot_parameter(results, summary, spec)
    for metric, (low, high) in (("gallagher", (0, 100)), ("turnout", (0, 1))):
        container = _panel(fig, metric).containers[0]
        (segment,) = container.lines[2][0].get_segments()
        assert _ci(results[metric]) > min(results[metric].mean() - low, high - results[metric].mean())
        assert segment[:, 1].min() == pytest.approx(max(low, results[metric].mean() - _ci(results[metric])))
        assert segment[:, 1].max() == pytest.approx(min(high, results[metric].mean() + _ci(results[metric])))


# -- sampled sweeps ---------------------------------------------------------------------------
def test_sampled_figure_shows_configuration_means_and_a_binned_trend(sampled):
    results, summary = sampled
    fig = plotting.plot_parameter(results, summary, figure_specs(SAMPLED)["temperature"])
    ax = _panel(fig, "gallagher")
    (points,) = ax.collections[:1]
    np.testing.assert_allclose(points.get_offsets(), summary[["temperature", "gallagher_mean"]].to_numpy())
    # the trend: mean of the runs in each of 8 quantile bins, at the bin's centre
    edges = np.quantile(results["temperature"], np.linspace(0, 1, 9))
    code = np.clip(np.searchsorted(edges, results["temperature"], side="left") - 1, 0, 7)
    expected = results.groupby(code)["gallagher"].mean()
    (trend,) = ax.lines
    np.testing.assert_allclose(trend.get_xdata(), (edges[:-1] + edges[1:])[expected.index] / 2)
    np.testing.assert_allclose(trend.get_ydata(), expected.to_numpy())
    assert not ax.containers  # no error bars from configurations with one or two runs
    band = ax.collections[1].get_paths()[0].vertices[:, 1]
    assert band.min() >= 0 and band.max() <= 100
    _texts_inside(fig)


# -- heatmaps ---------------------------------------------------------------------------------
def test_heatmap_shows_the_pivot_of_the_means_with_one_scale_per_metric(grid):
    results, summary = grid
    fig = plotting.plot_heatmap(results, summary, figure_specs(GRID)["heatmap_temperature_anti_incumbency"])
    images = [ax.images[0] for ax in fig.axes if ax.images]
    metrics = _metrics(summary)
    assert len(images) == 2 * len(metrics)
    for r, metric in enumerate(metrics):
        row = images[2 * r: 2 * r + 2]
        for image, system in zip(row, ("FPTP", "PR")):
            runs = results[results.electoral_system == system]
            expected = runs.groupby(["temperature", "anti_incumbency"])[metric].mean().unstack()  # NaN kept
            np.testing.assert_allclose(np.asarray(image.get_array()), expected.to_numpy())
        assert row[0].get_clim() == row[1].get_clim()  # FPTP and PR on one colour scale
    _texts_inside(fig)


# -- paired comparison --------------------------------------------------------------------------
def test_paired_differences_pair_runs_on_the_same_electorate(grid):
    results, _ = grid
    diffs = paired_differences(results, list(GRID["parameters"]), "FPTP", ["gallagher", "turnout"])
    assert len(diffs) == len(results) // 2
    key = ["temperature", "anti_incumbency", "run_idx"]
    fptp = results[results.electoral_system == "FPTP"].set_index(key)
    pr = results[results.electoral_system == "PR"].set_index(key)
    expected = (pr["gallagher"] - fptp["gallagher"]).sort_index()
    np.testing.assert_allclose(diffs.set_index(key)["gallagher"].sort_index(), expected)
    # same seed, same voters: the votes (hence turnout) are identical under both systems
    assert (diffs["turnout"] == 0).all()
    assert (pr["seed"] == fptp["seed"]).all()


def test_paired_figure_shows_mean_differences_and_leaves_out_vote_only_metrics(grid):
    results, summary = grid
    fig = plotting.plot_paired(results, summary, figure_specs(GRID)["system_differences"])
    labels = [ax.get_ylabel().replace("\n", " ") for ax in fig.axes if ax.get_ylabel()]
    assert not any("Turnout" in lbl for lbl in labels)
    assert "\u0394 Gallagher index (0-100)" in labels
    assert "\u0394 = system minus FPTP" in fig.get_suptitle()
    ax = next(ax for ax in fig.axes if ax.get_ylabel().startswith("\u0394 Gallagher"))
    key = ["temperature", "anti_incumbency", "run_idx"]
    d = (results[results.electoral_system == "PR"].set_index(key)["gallagher"]
         - results[results.electoral_system == "FPTP"].set_index(key)["gallagher"])
    diamond = ax.containers[0].lines[0]
    assert diamond.get_ydata()[0] == pytest.approx(d.mean())
    (segment,) = ax.containers[0].lines[2][0].get_segments()
    assert segment[1, 1] - segment[0, 1] == pytest.approx(2 * _ci(d))
    _texts_inside(fig)


# -- files --------------------------------------------------------------------------------
def test_draw_study_writes_300_dpi_png_and_pdf(grid, tmp_path):
    results, summary = grid
    pngs = plotting.draw_study(GRID, results, summary, tmp_path)
    assert [p.stem for p in pngs] == list(figure_specs(GRID))
    for png in pngs:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert png.with_suffix(".pdf").read_bytes()[:5] == b"%PDF-"
        from PIL import Image

        with Image.open(png) as image:
            assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)
            if figure_specs(GRID)[png.stem]["kind"] != "heatmap":  # 7 in: a page's width
                assert image.size[0] == 7 * 300
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{name}.{ext}" for name in figure_specs(GRID) for ext in ("png", "pdf"))


# -- the pipeline: figures, provenance and the report -------------------------------------------
PIPELINE_STUDY = {
    "name": "figs",
    "parameters": {"electoral_system": ["FPTP", "PR"], "temperature": [0.3, 0.7]},
    "fixed_params": {"n_voters": 1000, "n_constituencies": 5},
    "n_runs_per_config": 2,
    "seed": 3,
}


def _report_files(html: str) -> dict[str, bytes]:
    """The files a Snakemake report embeds: its ``var results = {...}`` JSON, data URIs decoded."""
    import base64
    import json

    start = html.index("var results = {") + len("var results = ")
    results, _ = json.JSONDecoder().raw_decode(html, start)
    return {path: base64.b64decode(entry["data_uri"].split("base64,", 1)[1]) for path, entry in results.items()}


def test_pipeline_draws_every_figure_writes_provenance_and_reports_them(tmp_path):
    import json

    from test_pipeline import check, make_copy, snakemake, write_study

    from electoral_sim.provenance import study_sha256

    root = make_copy(tmp_path / "repo")
    study = write_study(root, PIPELINE_STUDY)
    check(snakemake(root, "--cores", "2", "--configfile", str(study), timeout=600))
    figures = root / "results/figs/figures"
    names = list(figure_specs(PIPELINE_STUDY))
    assert names == ["electoral_system", "temperature", "system_differences"]
    assert sorted(p.name for p in figures.iterdir()) == sorted(f"{n}.{e}" for n in names for e in ("png", "pdf"))
    record = json.loads((root / "results/figs/provenance.json").read_text())
    assert record["study"] == PIPELINE_STUDY and record["base_seed"] == 3
    assert record["study_sha256"] == study_sha256(PIPELINE_STUDY)

    check(snakemake(root, "--report", "report.html", "--configfile", str(study), timeout=300))
    embedded = _report_files((root / "report.html").read_text())
    assert sorted(embedded) == sorted(f"results/figs/figures/{n}.png" for n in names)
    for path, data in embedded.items():
        assert data == (root / path).read_bytes(), path


def test_every_model_parameter_has_a_label_in_words():
    from electoral_sim.sweep import model_parameters

    assert set(model_parameters(ElectionModel)) <= set(PARAMETER_LABELS)


def test_every_metric_of_the_model_has_a_label_in_words():
    from electoral_sim.runs import run_record

    for system in ("FPTP", "MMP", "IRV"):
        metrics = run_record(ElectionModel(n_voters=1000, electoral_system=system, seed=1).run_election())["metrics"]
        assert len(metrics) >= 9 and set(metrics) <= set(METRIC_LABELS), set(metrics) - set(METRIC_LABELS)


# -- dense grids --------------------------------------------------------------------------------
def test_dense_grid_figures_stay_legible():
    # 60 temperatures x 12 growth values (a grid of thousands of configurations draws like this):
    # parameter panels show a line and a band, heatmap axes a few labelled values, nothing overlaps
    temps, growth = np.round(np.linspace(0.1, 1.0, 60), 6), np.round(np.linspace(-0.05, 0.05, 12), 6)
    t, g = (a.ravel() for a in np.meshgrid(temps, growth, indexing="ij"))
    rng = np.random.default_rng(3)
    runs = pd.DataFrame({"temperature": np.repeat(t, 2), "economic_growth": np.repeat(g, 2)})
    runs = runs.assign(config_idx=np.repeat(np.arange(len(t)), 2), run_idx=range(len(runs)), seed=range(len(runs)),
                       gallagher=rng.uniform(0, 30, len(runs)), turnout=rng.uniform(0.4, 0.8, len(runs)))
    summary = runs.groupby(["temperature", "economic_growth"], as_index=False).agg(
        gallagher_mean=("gallagher", "mean"), gallagher_std=("gallagher", "std"),
        turnout_mean=("turnout", "mean"), turnout_std=("turnout", "std"))
    study = {"parameters": {"temperature": temps.tolist(), "economic_growth": growth.tolist()}}

    fig = plotting.plot_parameter(runs, summary, figure_specs(study)["temperature"])
    ax = _panel(fig, "gallagher")
    assert not ax.containers  # no error bars
    (line,) = ax.lines
    np.testing.assert_allclose(line.get_ydata(), runs.groupby("temperature")["gallagher"].mean().to_numpy())
    _texts_inside(fig)

    fig = plotting.plot_heatmap(runs, summary, figure_specs(study)["heatmap_temperature_economic_growth"])
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    maps = [ax for ax in fig.axes if ax.images]
    assert len(maps) == 2
    for ax in maps:
        np.testing.assert_allclose(ax.get_yticks()[[0, -1]], [0, len(temps) - 1])  # the ends are labelled
        # shared x axis: only the bottom panel labels it
        for labels, most in ((ax.get_xticklabels(), 4 if ax is maps[-1] else 0), (ax.get_yticklabels(), 5)):
            shown = [label for label in labels if label.get_text()]
            assert min(2, most) <= len(shown) <= most
            boxes = [label.get_window_extent(renderer) for label in shown]
            assert not any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2))
    assert [label.get_text() for label in maps[0].get_yticklabels()] == ["0.1", "0.329", "0.558", "0.771", "1"]
    _texts_inside(fig)
