"""Global sensitivity analysis of a study's results with SALib (Sobol' and Morris).

A ``sobol`` or ``morris`` sweep (:class:`~electoral_sim.sweep.ParameterSweep`)
only chooses configurations; they run like any study (content-addressed,
cached). This module is the step after: it takes the results table, one
row per run, and returns the indices as a long table, one row per
(metric, parameter). :meth:`BatchRunner.get_sensitivity` and the pipeline's
``sensitivity`` rule both call :func:`analyze`.

Model output and Monte Carlo noise
----------------------------------
The output of a configuration is the mean of its runs (NaN runs skipped,
as in :func:`~electoral_sim.sweep.summarize`), so the indices describe the
*expected* metric as a function of the parameters. Every configuration uses
the same run seeds (common random numbers), so run-to-run noise is not
independent between configurations: what remains of it in the means is a
rough function of the parameters that the indices cannot tell from a real
effect. It lowers first-order indices and raises total-order ones, and
SALib's bootstrap intervals (which resample configurations, not seeds) do
not include it. Its size is the ``noise_share`` column: the variance of a
configuration's mean that comes from its runs, averaged over configurations
(``var_within / n_runs``), as a share of the variance of the configuration
means. Under common random numbers this over-states the noise left in the
indices (a shift shared by all configurations cancels), so read it as an
upper bound; it is NaN with one run per configuration (nothing to measure).
Raise ``n_runs_per_config`` when it is not small.

Metrics that cannot be analysed
-------------------------------
A metric with a NaN or infinite configuration mean (every run undefined),
or, for Sobol', with no variance at all, gets NaN indices for every
parameter (its rows stay in the table) and no warning.

Indices
-------
- Sobol' (``SALib.analyze.sobol``): ``S1`` (first order) and ``ST`` (total
  order) with the half-widths of their 95 % bootstrap intervals
  (``S1_conf``, ``ST_conf``); second order ``S2`` and ``S2_conf`` per pair in
  a separate table when the sweep has ``calc_second_order``.
- Morris (``SALib.analyze.morris``): ``mu``, ``mu_star`` (mean absolute
  elementary effect, with ``mu_star_conf``) and ``sigma``, with the
  parameters on the unit scale of the sample (an effect is the change of
  the metric over a step of ``num_levels / (2 (num_levels - 1))`` of a
  parameter's range, or of its list of categories).

The bootstrap draws come from ``SeedSequence(seed, spawn_key=(2,))`` of the
sample's seed: the same study gives the same table.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from electoral_sim.sampling import unit_problem

SOBOL_COLUMNS = ("metric", "parameter", "S1", "S1_conf", "ST", "ST_conf", "noise_share")
SECOND_ORDER_COLUMNS = ("metric", "parameter_1", "parameter_2", "S2", "S2_conf")
MORRIS_COLUMNS = ("metric", "parameter", "mu", "mu_star", "mu_star_conf", "sigma", "noise_share")
NUM_RESAMPLES = 100  #: bootstrap resamples for the confidence intervals
CONF_LEVEL = 0.95


def configuration_outputs(results, n_configs: int, metrics: Sequence[str]):
    """Mean of each metric per configuration (rows ``config_idx`` 0..n-1) and each metric's noise share.

    Returns
    -------
    means : DataFrame indexed by ``config_idx``, one column per metric.
    noise_share : Series by metric (see the module docstring).
    """
    groups = results.groupby("config_idx", sort=True)[list(metrics)]
    means = groups.mean()
    if means.index.tolist() != list(range(n_configs)):
        raise ValueError(f"the results hold configurations {_span(means.index)}, but the sample has "
                         f"0..{n_configs - 1}: analyse the results of this study's own sweep")
    within = (groups.var(ddof=1) / groups.count()).mean()  # NaN with one run per configuration
    noise_share = within / means.var(ddof=1)
    return means, noise_share


def _span(index) -> str:
    return f"{index.min()}..{index.max()} ({len(index)})" if len(index) else "none"


def _check_sample(sweep, results, seed: int) -> None:
    """The results' parameter values are the sample's, configuration by configuration."""
    configs = sweep.generate_configs(seed)
    first = results.groupby("config_idx", sort=True).first()
    for name in sweep.parameters:
        if name not in first:
            raise ValueError(f"the results have no column {name!r} of the sweep's parameters")
        if first[name].tolist() != [c[name] for c in configs]:
            raise ValueError(f"the results' values of {name!r} are not the sample of this sweep and seed "
                             f"({seed}): analyse the results of this study's own sweep")


def _analysable(y: np.ndarray, need_variance: bool) -> bool:
    return bool(np.isfinite(y).all()) and (not need_variance or float(np.ptp(y)) > 0)


def _bootstrap_rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2,)))


def sobol_indices(y: np.ndarray, names: Sequence[str], calc_second_order: bool, seed: int) -> dict:
    """SALib's Sobol' indices of outputs ``y`` in the order of the Saltelli sample over ``names``."""
    from SALib.analyze import sobol

    return sobol.analyze(unit_problem(names), np.asarray(y, dtype=float), calc_second_order=calc_second_order,
                         num_resamples=NUM_RESAMPLES, conf_level=CONF_LEVEL, seed=_bootstrap_rng(seed))


def morris_indices(x: np.ndarray, y: np.ndarray, names: Sequence[str], num_levels: int, seed: int) -> dict:
    """SALib's Morris indices of outputs ``y`` at the unit-scale Morris sample ``x``."""
    from SALib.analyze import morris

    return morris.analyze(unit_problem(names), np.asarray(x, dtype=float), np.asarray(y, dtype=float),
                          num_resamples=NUM_RESAMPLES, conf_level=CONF_LEVEL, num_levels=num_levels,
                          seed=_bootstrap_rng(seed))


def analyze(sweep, results, seed: int | None = None, metrics: Sequence[str] | None = None) -> dict:
    """Sensitivity indices of every metric to every swept parameter.

    Parameters
    ----------
    sweep : the ``sobol`` or ``morris`` :class:`~electoral_sim.sweep.ParameterSweep` of the study.
    results : its results table (one row per run; ``config_idx``, the swept
        parameters and the metrics).
    seed : the study's base seed (used when the sweep has no seed of its own).
    metrics : the metric columns; default every metric of the table.

    Returns
    -------
    dict with ``"indices"``: long DataFrame (:data:`SOBOL_COLUMNS` or
    :data:`MORRIS_COLUMNS`), rows by metric then parameter in sweep order;
    and for Sobol' sweeps with ``calc_second_order``, ``"second_order"``
    (:data:`SECOND_ORDER_COLUMNS`, one row per metric and pair).
    """
    import pandas as pd

    if sweep.sweep_type not in ("sobol", "morris"):
        raise ValueError(f"sensitivity indices need a 'sobol' or 'morris' sweep, this one is {sweep.sweep_type!r}")
    names = list(sweep.parameters)
    if metrics is None:
        from electoral_sim.runs import metric_columns

        metrics = metric_columns(results, [*names, *sweep.fixed_params])
    seed = sweep.sampling_seed(seed)
    means, noise = configuration_outputs(results, len(sweep), metrics)
    _check_sample(sweep, results, seed)
    rows, pairs = [], []
    x = sweep.unit_sample(seed) if sweep.sweep_type == "morris" else None
    for metric in metrics:
        y = means[metric].to_numpy(dtype=float)
        if sweep.sweep_type == "sobol":
            ok = _analysable(y, need_variance=True)
            s = sobol_indices(y, names, sweep.calc_second_order, seed) if ok else None
            keys = ("S1", "S1_conf", "ST", "ST_conf")
        else:
            ok = _analysable(y, need_variance=False)
            s = morris_indices(x, y, names, sweep.num_levels, seed) if ok else None
            keys = ("mu", "mu_star", "mu_star_conf", "sigma")
        for j, name in enumerate(names):
            rows.append((metric, name, *(float(s[k][j]) if ok else np.nan for k in keys), float(noise[metric])))
        if sweep.calc_second_order:
            pairs += [(metric, names[j], names[k], *((float(s["S2"][j, k]), float(s["S2_conf"][j, k]))
                                                      if ok else (np.nan, np.nan)))
                      for j in range(len(names)) for k in range(j + 1, len(names))]
    columns = SOBOL_COLUMNS if sweep.sweep_type == "sobol" else MORRIS_COLUMNS
    tables = {"indices": pd.DataFrame.from_records(rows, columns=list(columns))}
    if sweep.calc_second_order:
        tables["second_order"] = pd.DataFrame.from_records(pairs, columns=list(SECOND_ORDER_COLUMNS))
    return tables


def plot_sensitivity(table, png: str | Path, pdf: str | Path | None = None) -> None:
    """Draw the indices of every metric with their 95 % intervals (PNG at 300 dpi, and a PDF copy).

    One panel per metric, one pair of bars per parameter: first- and
    total-order Sobol' indices (panels share the x scale), or Morris
    ``mu_star`` and ``sigma``. Metrics without indices (undefined or
    constant) are named in a note instead of a panel.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from electoral_sim.io import atomic_path
    from electoral_sim.plotting import metric_label, parameter_label

    sobol = "S1" in table
    bars = ([("S1", "S1_conf", "first order (S1)"), ("ST", "ST_conf", "total order (ST)")] if sobol else
            [("mu_star", "mu_star_conf", "mean absolute effect (\u03bc*)"), ("sigma", None, "spread of effects (\u03c3)")])
    defined = table.groupby("metric", sort=False)[bars[0][0]].apply(lambda v: v.notna().any())
    metrics = [m for m in defined.index if defined[m]] or list(defined.index[:1])
    skipped = [metric_label(m) for m in defined.index if m not in metrics]
    params = list(dict.fromkeys(table["parameter"]))
    ncols = min(3, len(metrics))
    nrows = -(-len(metrics) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.4 * ncols, 0.8 + (0.45 * len(params) + 0.9) * nrows),
                             squeeze=False, sharey=True, sharex=sobol, layout="constrained")
    ys, height = np.arange(len(params)), 0.38
    for ax, metric in zip(axes.flat, metrics):
        part = table[table["metric"] == metric].set_index("parameter").loc[params]
        for k, (col, conf, label) in enumerate(bars):
            ax.barh(ys + (k - 0.5) * height, part[col], height, xerr=part[conf] if conf else None, capsize=2,
                    label=label, color=f"C{k}", error_kw={"lw": 0.8})
        ax.set_title(metric_label(metric), fontsize=9)
        ax.axvline(0, color="0.5", lw=0.6)
    for k, ax in enumerate(axes.flat[:len(metrics)]):
        if k + ncols >= len(metrics) or not sobol:  # the lowest panel of its column (shared x scale)
            ax.set_xlabel("Sobol' index (share of variance)" if sobol else "Elementary effect (unit-scaled input)",
                          fontsize=8)
    for ax in axes.flat[len(metrics):]:
        ax.set_visible(False)
    axes[0, 0].set_yticks(ys, [parameter_label(p) for p in params])
    axes[0, 0].invert_yaxis()
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize=8)
    what = "Sobol' indices" if sobol else "Morris screening"
    note = f"\nnot analysable (undefined or constant): {', '.join(skipped)}" if skipped else ""
    fig.suptitle(f"{what} of each metric (bars: 95 % bootstrap intervals){note}", fontsize=10)
    for path, fmt in ((png, "png"), (pdf, "pdf")):
        if path is not None:
            with atomic_path(path) as tmp:
                fig.savefig(tmp, format=fmt, dpi=300)
    plt.close(fig)
