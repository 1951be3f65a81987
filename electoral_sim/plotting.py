"""Figures of a study: each metric against a swept parameter, with 95 % intervals."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from electoral_sim.io import atomic_path
from electoral_sim.sweep import METRICS, ci95_half_width


def marginal_means(results, param: str, by: str | None = None):
    """Mean and 95 % CI half-width of every metric per value of ``param``.

    Runs are pooled over the other parameters (a marginal effect); ``by``
    splits them further (e.g. by electoral system).
    """
    keys = [by, param] if by else [param]
    groups = results.groupby(keys, sort=True)[list(METRICS)]
    mean, std, n = groups.mean(), groups.std(ddof=1), groups.count()
    return mean, std.apply(lambda col: ci95_half_width(col, n[col.name]))


def plot_parameter(results, param: str, path: str | Path) -> None:
    """Write a PNG: one row per metric, one column per electoral system where it varies."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    by = "electoral_system" if (
        param != "electoral_system" and "electoral_system" in results
        and results["electoral_system"].nunique() > 1) else None
    mean, ci = marginal_means(results, param, by)
    panels = list(mean.index.get_level_values(0).unique()) if by else [None]
    fig, axes = plt.subplots(len(METRICS), len(panels), figsize=(4.2 * len(panels), 2.0 * len(METRICS)),
                             squeeze=False, sharex="col", constrained_layout=True)
    for col, panel in enumerate(panels):
        m, c = (mean.loc[panel], ci.loc[panel]) if by else (mean, ci)
        x = m.index.to_numpy()
        numeric = np.issubdtype(x.dtype, np.number)
        xs = x if numeric else np.arange(len(x))
        for row, metric in enumerate(METRICS):
            ax = axes[row, col]
            ax.errorbar(xs, m[metric], yerr=c[metric].fillna(0), marker="o", ms=3, capsize=3,
                        linestyle="-" if numeric else "none")
            ax.set_ylabel(metric if col == 0 else "")
            if not numeric:
                ax.set_xticks(xs, [str(v) for v in x])
            if row == 0 and by:
                ax.set_title(f"{by} = {panel}")
        axes[-1, col].set_xlabel(param)
    fig.suptitle(f"Metrics against {param} (mean and 95 % CI over runs)")
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=90)
    plt.close(fig)
