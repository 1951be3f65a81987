"""Batch runs of parameter sweeps: :class:`ParameterSweep` and :class:`BatchRunner`.

Seed derivation, config identity and summaries are documented in
:mod:`electoral_sim.sweep`; the Snakemake pipeline uses the same functions.
"""
from __future__ import annotations

import inspect
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

from electoral_sim import limits
from electoral_sim.io import write_table
from electoral_sim.model import ElectionModel
from electoral_sim.runs import assemble, block_table, simulate, summarize
from electoral_sim.sweep import ParameterSweep, expand, resolve_seed, run_seeds

__all__ = ["BatchRunner", "ParameterSweep"]


def _run_chunk(model_class: type, election_kwargs: dict | None, tasks: list[tuple[dict, int]]) -> list[dict]:
    return [simulate(params, seed, model_class, election_kwargs) for params, seed in tasks]


def _init_worker() -> None:
    from electoral_sim.pipeline import exit_with_parent

    exit_with_parent()  # a worker must not outlive a batch killed with SIGKILL


def _pool_context() -> multiprocessing.context.BaseContext:
    """Fork on Linux (no ``__main__`` guard needed, no re-import per task), else spawn."""
    use_fork = sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if use_fork else "spawn")


def _available_cores() -> int:
    """Cores this process may use (respects a SLURM or taskset allocation)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class BatchRunner:
    """Run every configuration of a sweep ``n_runs_per_config`` times.

    Parameters
    ----------
    model_class : ``ElectionModel`` or a class with the same interface.
    parameter_sweep : the configurations to run.
    n_runs_per_config : Monte Carlo runs per configuration (>= 1).
    n_jobs : worker processes; 1 runs in-process, -1 uses every core.
        Results do not depend on it.
    election_kwargs : extra keyword arguments for ``run_election()``.
    seed : base seed; None draws one from entropy (recorded in ``self.seed``).
    verbose : show a progress bar over simulations.

    Notes
    -----
    Every row is reproducible from its own columns:
    ``ElectionModel(**params, seed=row.seed).run_election()``.
    Parameter names and values are checked before anything runs.
    """

    def __init__(
        self,
        model_class: type = ElectionModel,
        parameter_sweep: ParameterSweep | None = None,
        n_runs_per_config: int = 1,
        n_jobs: int = 1,
        election_kwargs: dict[str, Any] | None = None,
        seed: int | None = None,
        verbose: bool = True,
    ) -> None:
        if not isinstance(parameter_sweep, ParameterSweep):
            raise ValueError(f"parameter_sweep must be a ParameterSweep, got {parameter_sweep!r}")
        if isinstance(n_runs_per_config, bool) or not isinstance(n_runs_per_config, int) or n_runs_per_config < 1:
            raise ValueError(f"n_runs_per_config must be an integer >= 1, got {n_runs_per_config!r}")
        if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or (n_jobs < 1 and n_jobs != -1):
            raise ValueError(f"n_jobs must be an integer >= 1 or -1 (all cores), got {n_jobs!r}")
        if election_kwargs:
            accepted = inspect.signature(model_class.run_election).parameters
            takes_any = any(p.kind is p.VAR_KEYWORD for p in accepted.values())
            for name in election_kwargs:
                if name not in accepted and not takes_any:
                    raise ValueError(f"election_kwargs: {model_class.__name__}.run_election() takes no argument {name!r}")
        limits.check_runs(len(parameter_sweep), n_runs_per_config)
        self.model_class = model_class
        self.parameter_sweep = parameter_sweep
        self.n_runs_per_config = n_runs_per_config
        self.n_jobs = _available_cores() if n_jobs == -1 else n_jobs
        self.election_kwargs = dict(election_kwargs or {})
        self.seed = resolve_seed(seed)
        self.verbose = verbose
        # validate every configuration now, before any simulation
        self.configs = expand(parameter_sweep, self.seed, model_class)
        n_tasks = len(self.configs) * n_runs_per_config
        limits.check_sweep_memory(self.configs, min(self.n_jobs, n_tasks))  # the electorates must fit
        self.param_names = list(self.configs[0]["params"]) if self.configs else []
        self.results = None
        #: one row per (run, party): ids, ``party, votes, vote_share, seats, seat_share``
        self.party_results = None

    def run(self):
        """Run every simulation; return the results DataFrame.

        Columns: ``config_idx, config_id, run_idx, seed``, one column per
        parameter (swept, then fixed), the metrics (the numeric entries of
        ``run_election()``'s result), then ``winner``; rows in
        ``(config_idx, run_idx)`` order. The per-party table is in
        :attr:`party_results`.
        """
        seeds = run_seeds(self.seed, self.n_runs_per_config)
        runs = range(len(seeds))
        tasks = [(c["params"], s) for c in self.configs for s in seeds]
        records = self._execute(tasks)
        blocks = (block_table(records[i * len(seeds):(i + 1) * len(seeds)], runs, seeds)
                  for i in range(len(self.configs)))
        self.results, self.party_results = assemble(self.configs, blocks, self.param_names)
        return self.results

    def _execute(self, tasks: list[tuple[dict, int]]) -> list[dict]:
        from tqdm.auto import tqdm

        progress = tqdm(total=len(tasks), unit="sim", disable=not self.verbose)
        workers = min(self.n_jobs, len(tasks))
        if workers <= 1:
            out = []
            for params, seed in tasks:
                out.append(simulate(params, seed, self.model_class, self.election_kwargs))
                progress.update()
            progress.close()
            return out
        # four chunks per worker, sizes differing by at most one: little overhead, balanced
        n_chunks = min(len(tasks), workers * 4)
        bounds = [len(tasks) * k // n_chunks for k in range(n_chunks + 1)]
        chunks = [tasks[a:b] for a, b in zip(bounds, bounds[1:])]
        results: list[list[dict] | None] = [None] * len(chunks)
        try:
            with ProcessPoolExecutor(workers, mp_context=_pool_context(), initializer=_init_worker) as pool:
                futures = {pool.submit(_run_chunk, self.model_class, self.election_kwargs, c): k
                           for k, c in enumerate(chunks)}
                for future in as_completed(futures):
                    k = futures[future]
                    results[k] = future.result()
                    progress.update(len(chunks[k]))
        except RuntimeError as exc:
            if "bootstrapping phase" in str(exc) or "freeze_support" in str(exc):
                raise RuntimeError(
                    "n_jobs > 1 on this platform starts workers by re-importing your script: "
                    "put the code that calls BatchRunner.run() under `if __name__ == \"__main__\":`, "
                    "or use n_jobs=1"
                ) from None
            raise
        finally:
            progress.close()
        return [m for chunk in results for m in chunk]

    def _require_results(self):
        if self.results is None:
            raise ValueError("no results yet: call run() first")
        return self.results

    def get_summary_stats(self):
        """Per-config summary (see :func:`electoral_sim.runs.summarize`)."""
        return summarize(self._require_results(), self.param_names)

    def get_sensitivity(self):
        """Sensitivity indices of a ``sobol`` or ``morris`` sweep, one row per (metric, parameter).

        Sobol': ``metric, parameter, S1, S1_conf, ST, ST_conf, noise_share``;
        Morris: ``metric, parameter, mu, mu_star, mu_star_conf, sigma,
        noise_share``. A configuration's output is the mean of its runs;
        ``noise_share`` and the handling of undefined metrics are explained
        in :mod:`electoral_sim.sensitivity`.
        """
        from electoral_sim.sensitivity import analyze

        return analyze(self.parameter_sweep, self._require_results(), self.seed)["indices"]

    def get_second_order_sensitivity(self):
        """Second-order Sobol' indices ``metric, parameter_1, parameter_2, S2, S2_conf`` (needs ``calc_second_order``)."""
        from electoral_sim.sensitivity import analyze

        if not self.parameter_sweep.calc_second_order:
            raise ValueError("second-order indices need a sobol sweep with calc_second_order=True")
        return analyze(self.parameter_sweep, self._require_results(), self.seed)["second_order"]

    def table_provenance(self) -> dict:
        """What the exported Parquet tables record (see :func:`electoral_sim.provenance.table_provenance`)."""
        from electoral_sim.provenance import table_provenance

        return table_provenance(self.model_class, self.parameter_sweep, self.n_runs_per_config, self.seed)

    def export_results(self, filepath: str, format: str = "auto") -> None:
        """Write the results as csv, parquet or json (records), atomically."""
        write_table(self._require_results(), filepath, format, self.table_provenance())

    def export_parties(self, filepath: str, format: str = "auto") -> None:
        """Write the per-party table as csv, parquet or json (records), atomically."""
        self._require_results()
        if self.party_results is None:
            raise ValueError(f"{self.model_class.__name__} reports no per-party results")
        write_table(self.party_results, filepath, format, self.table_provenance())

    def export_summary(self, filepath: str, format: str = "auto") -> None:
        """Write the summary as csv, parquet or json (records), atomically."""
        write_table(self.get_summary_stats(), filepath, format, self.table_provenance())
