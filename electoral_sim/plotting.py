"""Figures of a study that a paper can use.

Every figure uses matplotlib's constrained layout and is written twice, as a
300 dpi PNG and a PDF (vector), atomically. Axis labels come from one table
(:data:`METRIC_LABELS`, :data:`PARAMETER_LABELS`). No statistic is computed
here: means and 95 % confidence intervals come from
:func:`electoral_sim.runs.summarize`, applied to runs pooled by the plotted
parameters (:func:`marginal_summary`). Interval ends are clipped to a
metric's possible range (a Gallagher index is never below 0).

:func:`figure_specs` decides which figures a study gets (the pipeline's
``rule all`` asks it); :func:`draw_figure` draws one of them:

``<param>`` (every swept parameter)
    each metric against the parameter. Grid sweeps: mean and 95 % CI over
    runs, pooled over the other swept parameters (error bars; a line and a
    band beyond :data:`DENSE_GRID` values), one line per electoral system
    when the study varies it. Sampled sweeps (random, Latin
    hypercube, Sobol, Morris): one point per configuration (its mean over
    runs) and a trend, the mean and 95 % CI of the runs in each of up to
    :data:`N_BINS` quantile bins of the parameter.
``heatmap_<a>_<b>`` (grid sweeps, each pair of numeric swept parameters)
    the mean of each metric over the (a, b) grid, pooled over the other
    parameters; one row per metric with one colour scale, one column per
    electoral system.
``system_differences`` (grid sweeps that vary ``electoral_system``)
    paired comparison: per run, metric(system) - metric(reference) on the
    same electorate (same seed and other parameters), as a box plot with the
    mean difference and its paired 95 % CI.
"""
from __future__ import annotations

import itertools
import textwrap
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from electoral_sim.io import atomic_path
from electoral_sim.runs import summarize

SYSTEM = "electoral_system"
SAMPLED_SWEEPS = ("random", "latin_hypercube", "sobol", "morris")
DPI = 300
N_BINS = 8  #: trend bins of a sampled sweep
DENSE_GRID = 25  #: a numeric grid with more values than this is drawn as a line and a CI band
HEATMAP_TICKS = (4, 5)  #: at most this many labelled values on a heatmap's x and y axes
PAIRED_FIGURE = "system_differences"
REFERENCE_SYSTEMS = ("FPTP", "PR")  #: the first one a study sweeps is the paired reference

#: metric -> (axis label in words with units, (lowest, highest) possible value; None: unbounded)
METRIC_LABELS: dict[str, tuple[str, tuple[float | None, float | None]]] = {
    "turnout": ("Turnout (share of eligible voters)", (0.0, 1.0)),
    "gallagher": ("Gallagher index (0-100)", (0.0, 100.0)),
    "loosemore_hanby": ("Loosemore-Hanby index (0-100)", (0.0, 100.0)),
    "enp_votes": ("Effective number of parties, votes", (1.0, None)),
    "enp_seats": ("Effective number of parties, seats", (1.0, None)),
    "vse": ("Voter satisfaction efficiency (1 = best)", (None, 1.0)),
    "incumbent_vote_share": ("Incumbent vote share", (0.0, 1.0)),
    "incumbent_seat_share": ("Incumbent seat share", (0.0, 1.0)),
    "condorcet_efficiency": ("Condorcet efficiency (share of constituencies)", (0.0, 1.0)),
    "n_seats": ("Seats in the assembly", (0.0, None)),
    "threshold_waived": ("Threshold waived (share of list counts)", (0.0, 1.0)),
}
#: model parameter -> axis label in words with units
PARAMETER_LABELS: dict[str, str] = {
    "n_voters": "Eligible voters",
    "n_constituencies": "Constituencies",
    "parties": "Party system",
    "electoral_system": "Electoral system",
    "allocation_method": "Seat allocation method",
    "threshold": "Legal threshold (share of votes)",
    "temperature": "Logit temperature T (noise of choice)",
    "economic_growth": "Economic growth (rate; 0.02 = 2 %)",
    "anti_incumbency": "Anti-incumbency penalty (utility units)",
    "national_mood": "National mood (utility units)",
    "district_magnitude": "District magnitude (seats per constituency)",
    "pr_tier": "PR tier",
    "list_seats": "List-tier seats (MMP, parallel)",
    "overhang": "MMP overhang seats",
    "waiver_seats": "Constituency wins that waive the threshold",
    "uncompensated_overhang": "Overhang seats left uncompensated",
    "regions": "Regions",
}


def metric_label(metric: str) -> str:
    """Axis label of a metric (its name in words when the table lacks it)."""
    return METRIC_LABELS.get(metric, (metric.replace("_", " ").capitalize(), None))[0]


def metric_range(metric: str) -> tuple[float, float]:
    """Possible values of a metric, as (low, high) with +-inf where unbounded."""
    low, high = METRIC_LABELS.get(metric, ("", (None, None)))[1]
    return (-np.inf if low is None else low, np.inf if high is None else high)


def parameter_label(param: str) -> str:
    """Axis label of a model parameter."""
    return PARAMETER_LABELS.get(param, param.replace("_", " ").capitalize())


# -- which figures ------------------------------------------------------------------
def _is_numeric(values: Sequence) -> bool:
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


def figure_specs(study: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The figures of a study (a parsed study dict): ``{name: spec}``, in drawing order.

    A spec is a plain dict (``kind`` and its arguments) that
    :func:`draw_figure` takes; its file is ``figures/<name>.png`` and ``.pdf``.
    """
    params = study["parameters"]
    swept = list(params)
    sampled = study.get("sweep_type", "grid") in SAMPLED_SWEEPS
    systems = params.get(SYSTEM) if isinstance(params.get(SYSTEM), list) else []
    specs: dict[str, dict[str, Any]] = {}
    for p in swept:
        log = isinstance(params[p], dict) and bool(params[p].get("log", False))
        specs[p] = {"kind": "parameter", "param": p, "swept": swept, "sampled": sampled, "log": log,
                    "order": {name: v for name, v in params.items() if isinstance(v, list)}}
    if sampled:
        return specs
    numeric = [p for p in swept if p != SYSTEM and len(params[p]) > 1 and _is_numeric(params[p])]
    for a, b in itertools.combinations(numeric, 2):
        specs[f"heatmap_{a}_{b}"] = {"kind": "heatmap", "params": [a, b], "swept": swept,
                                     "order": {SYSTEM: systems}}
    if len(systems) > 1:
        reference = next((s for s in REFERENCE_SYSTEMS if s in systems), systems[0])
        specs[PAIRED_FIGURE] = {"kind": "paired", "reference": reference, "swept": swept,
                                "order": {SYSTEM: systems}}
    return specs


# -- data ---------------------------------------------------------------------------
def summary_metrics(summary) -> list[str]:
    """Metrics of a summary table (its ``<metric>_mean`` columns), in order."""
    return [c[: -len("_mean")] for c in summary.columns if c.endswith("_mean")]


def plotted_metrics(summary) -> list[str]:
    """Metrics worth a panel: defined somewhere and not the same in every configuration."""
    keep = []
    for m in summary_metrics(summary):
        values = summary[f"{m}_mean"].dropna()
        if len(values) and (values.nunique() > 1 or (summary[f"{m}_std"].fillna(0) > 0).any()):
            keep.append(m)
    return keep


def marginal_summary(results, by: Sequence[str], metrics: Sequence[str]):
    """:func:`~electoral_sim.runs.summarize` of the runs pooled by the values of ``by``.

    Runs that share the values of ``by`` form one group whatever their other
    parameters (a marginal over them); groups are in order of first
    appearance. Returns ``by``, ``<metric>_mean/_std/_ci95`` and ``n_runs``.
    """
    by = list(by)
    frame = results[[*by, *metrics]].copy()
    frame.insert(0, "config_idx", frame.groupby(by, sort=False, dropna=False).ngroup())
    frame.insert(1, "config_id", "")
    return summarize(frame, by).drop(columns=["config_idx", "config_id"])


def paired_differences(results, swept: Sequence[str], reference: str, metrics: Sequence[str]):
    """Per run and system, metric(system) - metric(``reference``) on the same electorate.

    Runs pair when they share the seed and every swept parameter except the
    electoral system (common random numbers: the same voters). Returns the
    swept parameters, ``run_idx``, ``seed`` and one difference column per metric.
    """
    keys = [p for p in swept if p != SYSTEM] + ["run_idx", "seed"]
    ref = results.loc[results[SYSTEM] == reference, [*keys, *metrics]]
    others = results.loc[results[SYSTEM] != reference, [SYSTEM, *keys, *metrics]]
    pairs = others.merge(ref, on=keys, suffixes=("", "__ref"), validate="many_to_one")
    for m in metrics:
        pairs[m] = pairs[m] - pairs[f"{m}__ref"]
    return pairs[[SYSTEM, *keys, *metrics]]


def _bins(values, n_bins: int = N_BINS):
    """Trend bins of a sampled parameter: the values themselves when few, else quantile bins."""
    import pandas as pd

    unique = np.unique(values)
    if len(unique) <= n_bins:
        return values.astype(float)
    edges = np.unique(np.quantile(values, np.linspace(0, 1, n_bins + 1)))
    codes = pd.cut(values, edges, include_lowest=True, labels=False)
    return pd.Series((edges[:-1] + edges[1:])[codes] / 2, index=values.index)


# -- drawing --------------------------------------------------------------------------
def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 8, "axes.titlesize": 8, "axes.labelsize": 8, "legend.fontsize": 7,
                         "xtick.labelsize": 7, "ytick.labelsize": 7, "figure.titlesize": 9,
                         "pdf.fonttype": 42})
    return plt


def _wrap(text: str, width: int = 28) -> str:
    return "\n".join(textwrap.wrap(text, width))


def _short(label: str) -> str:
    """'Logit temperature T (noise of choice)' -> 'logit temperature T', for titles."""
    head = label.split(" (")[0]
    return head[:1].lower() + head[1:]


def _clipped_errors(mean, ci, metric: str) -> np.ndarray:
    """Asymmetric error bars (2, n) of mean +- ci, ends clipped to the metric's range; 0 where ci is NaN."""
    low, high = metric_range(metric)
    mean, ci = np.asarray(mean, float), np.nan_to_num(np.asarray(ci, float))
    return np.vstack([mean - np.maximum(mean - ci, low), np.minimum(mean + ci, high) - mean])


def _panel_grid(plt, n: int, ncols: int = 3, width: float = 7.0, height: float = 2.1):
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height * nrows + 0.6), squeeze=False,
                             layout="constrained")
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n])


def _values(results, param: str, spec: dict[str, Any]) -> list:
    """The values of ``param`` in the results, in the study's order (else first appearance)."""
    present = list(dict.fromkeys(results[param]))
    listed = spec.get("order", {}).get(param, [])
    return [v for v in listed if v in present] + [v for v in present if v not in listed]


def _series(results, by: str | None, spec: dict[str, Any]):
    """The values of ``by`` (None: one unnamed series)."""
    return _values(results, by, spec) if by else [None]


def _styles(n: int):
    plt = _pyplot()
    colours = plt.get_cmap("tab10" if n <= 10 else "tab20").colors
    markers = "osD^vP*Xhp<>8H"
    return [(colours[i % len(colours)], markers[i % len(markers)]) for i in range(n)]


def plot_parameter(results, summary, spec: dict[str, Any]):
    """Each metric against ``spec["param"]`` (see the module docstring); returns the figure."""
    plt = _pyplot()
    param, sampled = spec["param"], spec["sampled"]
    by = SYSTEM if param != SYSTEM and SYSTEM in spec["swept"] and results[SYSTEM].nunique() > 1 else None
    metrics = plotted_metrics(summary)
    series = _series(results, by, spec)
    styles = _styles(len(series))
    values = _values(results, param, spec)
    numeric = _is_numeric(values)
    if not numeric:
        position = {v: i for i, v in enumerate(values)}
    fig, axes = _panel_grid(plt, len(metrics))
    if sampled:
        binned = results.assign(**{param: _bins(results[param])}) if numeric else results
        stats = marginal_summary(binned, [by, param] if by else [param], summary_metrics(summary))
    else:
        stats = marginal_summary(results, [by, param] if by else [param], summary_metrics(summary))
    for ax, metric in zip(axes, metrics):
        for k, (name, (colour, marker)) in enumerate(zip(series, styles)):
            rows = stats if by is None else stats[stats[by] == name]
            if numeric:
                rows = rows.sort_values(param)
                x = rows[param].to_numpy(float)
            else:  # categories side by side
                x = rows[param].map(position).to_numpy(float) + (k - (len(series) - 1) / 2) * 0.6 / len(series)
            mean = rows[f"{metric}_mean"].to_numpy(float)
            err = _clipped_errors(mean, rows[f"{metric}_ci95"], metric)
            label = str(name) if by else None
            if sampled:
                points = summary if by is None else summary[summary[by] == name]
                if numeric:
                    px = points[param].to_numpy(float)
                else:  # spread each category's points over a strip (a fixed spread: same bytes each time)
                    offset = np.random.default_rng(0).uniform(-0.12, 0.12, len(points))
                    px = points[param].map(position).to_numpy(float) + offset
                ax.scatter(px, points[f"{metric}_mean"], s=6, color=colour, alpha=0.35, linewidths=0)
                if numeric:
                    ax.plot(x, mean, color=colour, lw=1.5, marker=marker, ms=2.5, label=label)
                    ax.fill_between(x, mean - err[0], mean + err[1], color=colour, alpha=0.2, linewidth=0)
                else:
                    ax.errorbar(x, mean, yerr=err, color=colour, marker=marker, ms=4, mec="black", mew=0.5,
                                capsize=3, lw=1.2, linestyle="none", label=label, zorder=3)
            elif numeric and len(values) > DENSE_GRID:  # error bars would merge into a smear
                ax.plot(x, mean, color=colour, lw=1.5, label=label)
                ax.fill_between(x, mean - err[0], mean + err[1], color=colour, alpha=0.2, linewidth=0)
            else:
                ax.errorbar(x, mean, yerr=err, color=colour, marker=marker, ms=3.5, capsize=2.5, lw=1.2,
                            linestyle="-" if numeric else "none", label=label)
        ax.set_ylabel(_wrap(metric_label(metric)))
        if spec.get("log"):
            _log_axis(ax)
        elif numeric:  # 100,000 rather than 1e5 with an offset
            from matplotlib.ticker import StrMethodFormatter

            ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,g}"))
            if not sampled and len(values) <= 6:  # ticks at the grid's values
                ax.set_xticks(sorted(values))
        if not numeric:
            _category_ticks(ax, range(len(values)), values)
            ax.set_xlim(-0.5, len(values) - 0.5)
        ax.grid(alpha=0.3, lw=0.5)
    fig.supxlabel(parameter_label(param), fontsize=8)
    what = ("points: configurations, each the mean of its runs; trend: mean and 95 % CI of the runs per "
            + ("bin" if numeric else "value") if sampled else "mean and 95 % CI over runs, pooled over the other parameters")
    fig.suptitle(f"Outcomes by {_short(parameter_label(param))}\n({what})")
    if by:
        _legend(fig, axes, parameter_label(by))
    return fig


def _category_ticks(ax, positions, values) -> None:
    """Category names under the x axis; upright when few, vertical when many."""
    many = len(values) > 4
    ax.set_xticks(list(positions), [str(v) for v in values], rotation=90 if many else 0,
                  fontsize=6 if many else None)


def _log_axis(ax) -> None:
    """Log scale with plain tick labels at 1, 2 and 5 times powers of ten."""
    from matplotlib.ticker import LogLocator, NullFormatter, StrMethodFormatter

    ax.set_xscale("log")
    ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())


def _legend(fig, axes, title: str) -> None:
    """One legend for all panels: in the first empty grid cell, else right of the panels."""
    handles, labels = axes[0].get_legend_handles_labels()
    spare = [ax for ax in fig.axes if not ax.get_visible()]
    if spare:
        spare[0].set_visible(True)
        spare[0].axis("off")
        spare[0].legend(handles, labels, loc="center", title=title, frameon=False,
                        ncols=1 if len(labels) <= 8 else 2)
    else:
        fig.legend(handles, labels, loc="outside right center", title=title, frameon=False)


def plot_heatmap(results, summary, spec: dict[str, Any]):
    """Mean of each metric over a two-parameter grid (one colour scale per metric)."""
    plt = _pyplot()
    a, b = spec["params"]
    by = SYSTEM if SYSTEM in spec["swept"] and results[SYSTEM].nunique() > 1 else None
    metrics = plotted_metrics(summary)
    series = _series(results, by, spec)
    stats = marginal_summary(results, [by, a, b] if by else [a, b], summary_metrics(summary))
    ya, xb = sorted(results[a].unique()), sorted(results[b].unique())
    row_height = min(1.2, 8.2 / len(metrics))  # at most a page (9 in) tall
    fig, axes = plt.subplots(len(metrics), len(series), figsize=(1.9 * len(series) + 1.8, row_height * len(metrics) + 0.8),
                             squeeze=False, sharex=True, sharey=True, layout="constrained")
    for r, metric in enumerate(metrics):
        grids = []
        for name in series:
            rows = stats if by is None else stats[stats[by] == name]
            grids.append(rows.pivot(index=a, columns=b, values=f"{metric}_mean").reindex(index=ya, columns=xb))
        vmin = np.nanmin([g.to_numpy(float) for g in grids])
        vmax = np.nanmax([g.to_numpy(float) for g in grids])
        for c, (name, grid) in enumerate(zip(series, grids)):
            ax = axes[r, c]
            image = ax.imshow(grid.to_numpy(float), origin="lower", aspect="auto", cmap="viridis",
                              vmin=vmin, vmax=vmax)
            ax.set_xticks(*_index_ticks(xb, HEATMAP_TICKS[0]))
            ax.set_yticks(*_index_ticks(ya, HEATMAP_TICKS[1]))
            if r == 0 and by:
                ax.set_title(str(name))
            if grid.isna().all(axis=None):
                ax.text(0.5, 0.5, "not defined", transform=ax.transAxes, ha="center", va="center", fontsize=7)
        bar = fig.colorbar(image, ax=list(axes[r, :]), shrink=0.95, aspect=10)
        bar.set_label(_wrap(metric_label(metric), 15), fontsize=6.5)
    fig.supxlabel(parameter_label(b), fontsize=8)
    fig.supylabel(parameter_label(a), fontsize=8)
    title = f"Mean outcome by {_short(parameter_label(a))} and {_short(parameter_label(b))}"
    width = int(fig.get_figwidth() * 11)  # characters of the title's font that fit across the figure
    fig.suptitle(_wrap(title, width)
                 + ("\n(pooled over the other parameters)" if len(spec["swept"]) > 2 + bool(by) else ""))
    return fig


def _index_ticks(values: Sequence, most: int) -> tuple[list[int], list[str]]:
    """Tick positions and labels of an image axis indexed by ``values``.

    Every value when there are at most ``most``; else ``most`` evenly spread
    ones, labelled to 3 significant digits.
    """
    n = len(values)
    if n <= most:
        return list(range(n)), [f"{v:,g}" for v in values]
    positions = np.unique(np.linspace(0, n - 1, most).round().astype(int)).tolist()
    return positions, [f"{values[i]:,.3g}" for i in positions]


def plot_paired(results, summary, spec: dict[str, Any]):
    """Per-run differences of each metric to the reference system (box plot, mean and paired CI)."""
    plt = _pyplot()
    reference = spec["reference"]
    diffs = paired_differences(results, spec["swept"], reference, plotted_metrics(summary))
    # metrics of the votes alone (turnout, ...) are the same under every system: no panel
    same = [m for m in plotted_metrics(summary) if (diffs[m].fillna(0) == 0).all()]
    metrics = [m for m in plotted_metrics(summary) if m not in same]
    systems = [s for s in _values(results, SYSTEM, spec) if s != reference]
    stats = marginal_summary(diffs, [SYSTEM], metrics).set_index(SYSTEM).loc[systems]
    fig, axes = _panel_grid(plt, len(metrics), height=2.2)
    x = np.arange(len(systems))
    for ax, metric in zip(axes, metrics):
        data = [diffs.loc[diffs[SYSTEM] == s, metric].dropna().to_numpy() for s in systems]
        ax.axhline(0, color="0.4", lw=0.8, ls="--")
        ax.boxplot(data, positions=x, widths=0.5, showfliers=True, flierprops={"ms": 2, "alpha": 0.4},
                   medianprops={"color": "C0"}, manage_ticks=False)
        mean = stats[f"{metric}_mean"].to_numpy(float)
        ci = np.nan_to_num(stats[f"{metric}_ci95"].to_numpy(float))
        ax.errorbar(x, mean, yerr=ci, fmt="D", color="black", ms=3, capsize=2.5, lw=1, zorder=3)
        _category_ticks(ax, x, systems)
        ax.set_xlim(-0.6, len(systems) - 0.4)
        ax.set_ylabel(_wrap(f"\u0394 {metric_label(metric)}"))
        ax.grid(axis="y", alpha=0.3, lw=0.5)
    fig.suptitle(f"Paired differences to {reference}: \u0394 = system minus {reference} on the same electorate\n"
                 "(box: runs; diamond: mean difference and paired 95 % CI)")
    if same:
        fig.text(0.5, 0, _wrap("The same under every system (no panel): "
                               + ", ".join(_short(metric_label(m)) for m in same) + ".", 110),
                 ha="center", va="bottom", fontsize=7)
        fig.get_layout_engine().set(rect=(0, 0.04, 1, 0.96))
    return fig


DRAW = {"parameter": plot_parameter, "heatmap": plot_heatmap, "paired": plot_paired}


def save_figure(fig, png: str | Path, pdf: str | Path | None = None) -> None:
    """Write ``fig`` as a 300 dpi PNG (and a PDF), atomically, and close it."""
    plt = _pyplot()
    try:
        with atomic_path(png) as tmp:
            fig.savefig(tmp, format="png", dpi=DPI)
        if pdf is not None:
            with atomic_path(pdf) as tmp:
                fig.savefig(tmp, format="pdf", metadata={"CreationDate": None})
    finally:
        plt.close(fig)


def draw_figure(spec: dict[str, Any], results, summary, png: str | Path, pdf: str | Path | None = None) -> None:
    """Draw the figure ``spec`` (from :func:`figure_specs`) and write it."""
    save_figure(DRAW[spec["kind"]](results, summary, spec), png, pdf)


def draw_study(study: dict[str, Any], results, summary, directory: str | Path) -> list[Path]:
    """Every figure of a study into ``directory``; returns the PNG paths."""
    out = []
    for name, spec in figure_specs(study).items():
        png = Path(directory) / f"{name}.png"
        draw_figure(spec, results, summary, png, png.with_suffix(".pdf"))
        out.append(png)
    return out
