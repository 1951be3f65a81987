"""What the Snakemake pipeline calls: plan a study, write one run, merge, fingerprint.

The rules in ``workflow/rules`` only wire files together; every computation
is one of these functions (or one shared with :class:`BatchRunner`), so the
pipeline's tables equal ``BatchRunner.run()`` and ``get_summary_stats()``.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from electoral_sim import __version__
from electoral_sim.io import write_json
from electoral_sim.study import study_from_dict
from electoral_sim.sweep import expand, make_row, results_frame, run_seeds, simulate

#: one run's record, shared by every study that contains it (the simulate rule's output)
RUN_FILE = "results/runs/{config_id}/seed{seed}.json"
#: modules whose code determines a run file; editing one invalidates cached runs
SIMULATION_MODULES = ("model.py", "systems.py", "metrics.py", "sweep.py", "pipeline.py", "io.py")
#: modules whose code determines a figure; editing one re-draws the figures
PLOTTING_MODULES = ("plotting.py",)


@dataclass
class Plan:
    """A study expanded into its runs: what the DAG is built from."""

    name: str
    configs: list[dict[str, Any]]
    seeds: list[int]
    param_names: list[str]

    def run_files(self) -> list[str]:
        """Every run file of the study, in (config_idx, run_idx) order."""
        return [run_file(c["config_id"], s) for c in self.configs for s in self.seeds]

    def canonical_by_id(self) -> dict[str, dict[str, Any]]:
        return {c["config_id"]: c["canonical"] for c in self.configs}

    def layout(self) -> dict[str, Any]:
        """The study's rows without results: what the merge step needs."""
        return {"seeds": self.seeds, "param_names": self.param_names,
                "configs": [{k: c[k] for k in ("config_idx", "config_id", "params")} for c in self.configs]}


def run_file(config_id: str, seed: int) -> str:
    """Path of one run's record (:data:`RUN_FILE` filled in)."""
    return RUN_FILE.format(config_id=config_id, seed=seed)


def plan_study(data: dict[str, Any], source: str = "config") -> Plan:
    """Validate a study dict and expand it; errors name ``source``.

    The pipeline needs a ``seed`` (its targets are named by run seeds) and
    uses the study's ``name`` for ``results/<name>/``.
    """
    study = study_from_dict(data, source)
    if study.seed is None:
        raise ValueError(f"{source}: the pipeline needs a 'seed' (an integer >= 0) to name its runs")
    if not study.name:
        raise ValueError(f"{source}: the pipeline needs a 'name' (results go to results/<name>/)")
    try:
        configs = expand(study.sweep, study.seed)
    except ValueError as exc:
        raise ValueError(f"{source}: {exc}") from None
    return Plan(study.name, configs, run_seeds(study.seed, study.n_runs_per_config),
                list(configs[0]["params"]))


def write_run(path: str | Path, canonical: dict[str, Any], seed: int, log: str | Path | None = None) -> None:
    """Simulate one run and write its record atomically as JSON (and a log line)."""
    metrics = simulate(canonical, seed)
    write_json(path, {"seed": seed, "params": canonical, "metrics": metrics, "version": __version__})
    if log is not None:
        Path(log).write_text(f"simulated seed {seed} -> {path}\n")


def merge_runs(layout: dict[str, Any], paths: Sequence[str | Path]):
    """The results DataFrame of a study from its run files (in ``run_files()`` order)."""
    seeds = layout["seeds"]
    rows, paths = [], list(paths)
    for i, config in enumerate(layout["configs"]):
        for r, seed in enumerate(seeds):
            with open(paths[i * len(seeds) + r]) as fh:
                record = json.load(fh)
            if record["seed"] != seed:
                raise ValueError(f"{paths[i * len(seeds) + r]}: holds seed {record['seed']}, expected {seed}")
            rows.append(make_row(config, r, seed, record["metrics"]))
    return results_frame(rows, layout["param_names"])


def code_fingerprint(modules: Sequence[str] = SIMULATION_MODULES) -> str:
    """Hash of the package version and the source of ``modules`` of this package."""
    digest = hashlib.sha256(__version__.encode())
    here = Path(__file__).parent
    for name in modules:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]
