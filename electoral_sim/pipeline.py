"""What the Snakemake pipeline calls: plan a study, simulate one block, merge, fingerprint.

The rules in ``workflow/rules`` only wire files together; every computation
is one of these functions (or one shared with :class:`BatchRunner`), so the
pipeline's tables equal ``BatchRunner.run()``, ``party_results`` and
``get_summary_stats()``.

Blocks
------
A target is a *block*: a contiguous range of run indices of one
configuration, written as one Parquet file (:data:`BLOCK_FILE`) named by the
fingerprint of the simulation code, the config id, the study's base seed and
the range. Blocks hold ``runs_per_target`` runs (the last block of a
configuration may be shorter), so raising ``n_runs_per_config`` adds blocks
and recomputes at most the one partial block per configuration; an existing
block file is never rewritten. Each file carries its identity in its Parquet
metadata (config id, canonical parameters, base seed, run range, package
version and code fingerprint), and the merge checks every file against what
its target should hold.

A block's name says everything its content depends on, so a block that
exists is right (or, if damaged, refused by name at the merge): the merge
lists only the *missing* blocks as inputs (:meth:`Plan.missing_blocks`), and
Snakemake's DAG holds only the work to do. A no-op re-run of a 10^4-target
study then costs a planning pass instead of a 10^4-job DAG.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Iterator, Sequence

from electoral_sim import __version__
from electoral_sim.io import atomic_path
from electoral_sim.study import study_from_dict
from electoral_sim.sweep import expand, run_seeds

#: one block of runs of one configuration, shared by every study that contains it
BLOCK_FILE = "results/runs/{code}/{config_id}/seed{base_seed}/runs{first}-{last}.parquet"
#: the part of a block's path between ``results/runs/`` and ``.parquet``: the simulate
#: rule's one wildcard (one, not five: Snakemake's cost per job grows with them)
BLOCK_NAME = r"[0-9a-f]{16}/[0-9a-f]{12}/seed[0-9]+/runs[0-9]+-[0-9]+"
#: modules whose code determines a block file; editing one invalidates cached runs
SIMULATION_MODULES = ("model", "systems", "metrics.py", "sweep.py", "runs.py", "pipeline.py", "io.py")
#: modules whose code determines a figure; editing one re-draws the figures
PLOTTING_MODULES = ("plotting.py",)
#: simulation time one target aims at by default (the cluster profiles ask for more)
TARGET_SECONDS = 1.0
#: the largest automatic block
MAX_RUNS_PER_TARGET = 100_000
_META_KEY = b"electoral_sim"


def estimated_seconds_per_run(canonical: dict[str, Any], model: str | None = None) -> float:
    """A deterministic estimate of one run's time on one core, from its parameters.

    Calibrated on one FPTP run with five parties in 10 constituencies, model
    construction included (1.5 ms at 200 voters, 3.6 ms at 10k, 20 ms at
    100k, 116 ms at 1M); ranked, Condorcet and mixed systems cost about twice
    that (``bench/bench_systems.py``).
    It only sets block sizes, so it must depend on the parameters alone.
    Another model class is assumed to take a millisecond per run.
    """
    if model is not None:
        return 1e-3
    voters = canonical.get("n_voters", 100_000)
    parties = len(canonical.get("parties") or ()) or 5
    system = str(canonical.get("electoral_system", "FPTP")).upper()
    factor = 1.0 if system in ("FPTP", "PR") else 2.0
    return factor * (1.5e-3 + 1.15e-7 * voters * max(parties, 2) / 5)


def runs_per_target(canonical: dict[str, Any], target_seconds: float = TARGET_SECONDS,
                    model: str | None = None) -> int:
    """Default block size: about ``target_seconds`` of simulation, on a 1-2-5 scale.

    Depends on the configuration alone, so block names stay stable as a study grows.
    """
    want = target_seconds / estimated_seconds_per_run(canonical, model)
    if want <= 1:
        return 1
    scale = 10 ** math.floor(math.log10(want))
    nice = max(m * scale for m in (1, 2, 5) if m * scale <= want)
    return int(min(nice, MAX_RUNS_PER_TARGET))


def block_ranges(n_runs: int, size: int) -> list[tuple[int, int]]:
    """Inclusive ``(first, last)`` run ranges of blocks of ``size`` covering ``n_runs`` runs."""
    return [(a, min(a + size, n_runs) - 1) for a in range(0, n_runs, size)]


def block_file(code: str, config_id: str, base_seed: int, first: int, last: int) -> str:
    """Path of one block (:data:`BLOCK_FILE` filled in)."""
    return BLOCK_FILE.format(code=code, config_id=config_id, base_seed=base_seed, first=first, last=last)


@dataclass
class Plan:
    """A study expanded into its blocks: what the DAG is built from."""

    name: str
    base_seed: int
    n_runs: int
    configs: list[dict[str, Any]]
    param_names: list[str]
    runs_per_target: int | None = None
    target_seconds: float = TARGET_SECONDS
    model: str | None = None  #: the study's model class ('module:Class'); None for ElectionModel
    provenance: dict[str, Any] | None = None  #: what the tables' Parquet metadata records

    def block_size(self, config: dict[str, Any]) -> int:
        return self.runs_per_target or runs_per_target(config["canonical"], self.target_seconds, self.model)

    @cached_property
    def code(self) -> str:
        """The simulation code's fingerprint: the first directory of every block file."""
        return simulation_code(self.model)

    def blocks(self, config: dict[str, Any]) -> list[str]:
        """The block files of one configuration, in run order."""
        return [block_file(self.code, config["config_id"], self.base_seed, a, b)
                for a, b in block_ranges(self.n_runs, self.block_size(config))]

    def block_files(self) -> list[str]:
        """Every block file of the study, in (config_idx, run_idx) order."""
        return [path for c in self.configs for path in self.blocks(c)]

    def missing_blocks(self) -> list[str]:
        """The block files that do not exist yet: the simulation targets still to run."""
        return [path for path in self.block_files() if not os.path.exists(path)]

    def canonical_by_id(self) -> dict[str, dict[str, Any]]:
        return {c["config_id"]: c["canonical"] for c in self.configs}

    def layout(self) -> dict[str, Any]:
        """What the merge needs: the rows to expect and where they are."""
        return {"base_seed": self.base_seed, "n_runs": self.n_runs, "param_names": self.param_names,
                "model": self.model,
                "configs": [{"config_idx": c["config_idx"], "config_id": c["config_id"], "params": c["params"],
                             "blocks": self.blocks(c)} for c in self.configs]}


def write_plan_file(plan: Plan, layout: dict[str, Any]) -> str:
    """Write ``results/<name>/.plan.json`` unless it already says the same; return its path.

    The file records what the study's tables are made of (its configurations,
    runs, seed, code and block layout, by digest) and is an input of the
    merge. The merge's other inputs are only the blocks still missing, so a
    change that needs no new block (fewer configurations; blocks already
    computed for another study) would otherwise rerun the merge only through
    Snakemake's metadata, and a deleted ``.snakemake/`` would leave stale
    tables. The file changes, and so its mtime, exactly when the plan does.
    ``layout`` is ``plan.layout()``, built once by the caller (the merge's
    params hold it too; 10^4 configurations take a tenth of a second).
    """
    digest = hashlib.sha256(json.dumps([layout, plan.provenance], sort_keys=True).encode()).hexdigest()
    text = json.dumps({"study": plan.name, "code": plan.code, "configurations": len(plan.configs),
                       "runs_per_configuration": plan.n_runs, "base_seed": plan.base_seed,
                       "sha256": digest}, indent=1) + "\n"
    path = Path("results", plan.name, ".plan.json")
    if not path.is_file() or path.read_text() != text:
        with atomic_path(path) as tmp:
            tmp.write_text(text)
    return str(path)


def plan_study(data: dict[str, Any], source: str = "config", target_seconds: float = TARGET_SECONDS) -> Plan:
    """Validate a study dict and expand it; errors name ``source``.

    The pipeline needs a ``seed`` (block files are named by it) and uses the
    study's ``name`` for ``results/<name>/``. Blocks hold the study's
    ``runs_per_target`` runs, or else about ``target_seconds`` of simulation.
    """
    if isinstance(target_seconds, bool) or not isinstance(target_seconds, (int, float)) or not target_seconds > 0:
        raise ValueError(f"target_seconds must be a number > 0 (seconds of simulation per target), "
                         f"got {target_seconds!r}")
    study = study_from_dict(data, source)
    if study.seed is None:
        raise ValueError(f"{source}: the pipeline needs a 'seed' (an integer >= 0) to name its runs")
    if not study.name:
        raise ValueError(f"{source}: the pipeline needs a 'name' (results go to results/<name>/)")
    try:
        configs = expand(study.sweep, study.seed, study.model_class)
    except ValueError as exc:
        raise ValueError(f"{source}: {exc}") from None
    from electoral_sim.provenance import table_provenance

    return Plan(study.name, study.seed, study.n_runs_per_config, configs, list(configs[0]["params"]),
                data.get("runs_per_target"), float(target_seconds), data.get("model"),
                table_provenance(study.model_class, study.sweep, study.n_runs_per_config, study.seed))


def simulation_code(model: str | None = None) -> str:
    """Fingerprint of the code a block depends on: this package's simulation modules, and
    the source file of the study's own model class when it has one."""
    if model is None:
        return code_fingerprint()
    import inspect

    from electoral_sim.study import resolve_model

    source = Path(inspect.getsourcefile(resolve_model(model))).read_bytes()
    return hashlib.sha256(code_fingerprint().encode() + model.encode() + source).hexdigest()[:16]


def _identity(config_id: str, canonical: dict[str, Any], base_seed: int, first: int, last: int,
              model: str | None) -> dict:
    return {"config_id": config_id, "params": canonical, "base_seed": base_seed, "first": first,
            "last": last, "version": __version__, "code": simulation_code(model)}


def write_block(path: str | Path, canonical: dict[str, Any], base_seed: int, first: int, last: int,
                log: str | Path | None = None, model: str | None = None) -> None:
    """Simulate runs ``first..last`` of one configuration and write them atomically as Parquet.

    ``model`` names the model class (``'module:Class'``; None: ElectionModel).
    """
    import pyarrow.parquet as pq

    from electoral_sim.model import ElectionModel
    from electoral_sim.runs import block_table, simulate
    from electoral_sim.study import resolve_model
    from electoral_sim.sweep import config_id

    model_class = ElectionModel if model is None else resolve_model(model)
    seeds = run_seeds(base_seed, last + 1, first)
    table = block_table([simulate(canonical, s, model_class) for s in seeds], range(first, last + 1), seeds)
    meta = _identity(config_id(canonical, model_class), canonical, base_seed, first, last, model)
    table = table.replace_schema_metadata({_META_KEY: json.dumps(meta, sort_keys=True)})
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, write_page_checksum=True)
    if log is not None:
        Path(log).write_text(f"simulated runs {first}-{last} ({len(seeds)} runs) -> {path}\n")


def parse_block_file(path: str | Path) -> tuple[str, str, int, int, int]:
    """``(code, config_id, base_seed, first, last)`` of a block file's path (:data:`BLOCK_FILE`)."""
    code, config_id, seed, runs = Path(path).with_suffix("").parts[-4:]
    first, last = runs.removeprefix("runs").split("-")
    return code, config_id, int(seed.removeprefix("seed")), int(first), int(last)


def write_target(path: str, canonical_by_id: dict[str, dict], log: str,
                 model: str | None = None, workers: int = 1) -> None:
    """The simulate rule: :func:`write_block` for the block file ``path``.

    With ``workers > 1`` the block is simulated in a process pool shared by
    every target of this Snakemake process (:func:`start_block_pool`): the
    targets run on Snakemake's threads, which would otherwise share one
    interpreter lock. Results do not depend on where a block runs.
    """
    _, config_id, base_seed, first, last = parse_block_file(path)
    args = (path, canonical_by_id[config_id], base_seed, first, last, log, model)
    if workers > 1:
        _block_pool(workers).submit(write_block, *args).result()
    else:
        write_block(*args)


_POOL = None


def start_block_pool(workers: int) -> None:
    """Start the process pool of :func:`write_target` now.

    Called when a Snakemake run starts (``onstart``). On Linux, while the
    process has one thread, the workers are forked at once with the package
    already imported (spawned workers would cost a second each to import it);
    otherwise the pool is spawned on first use. Each worker ends with the
    Snakemake process (:func:`exit_with_parent`).
    """
    import sys
    import threading

    if _POOL is None and sys.platform.startswith("linux") and threading.active_count() == 1:
        # what write_block loads (0.6 s): imported once here rather than by every worker
        import pandas  # noqa: F401
        import pyarrow.parquet  # noqa: F401

        _make_pool(workers, "fork")
        for future in [_POOL.submit(int) for _ in range(workers)]:
            future.result()


def _make_pool(workers: int, method: str) -> None:
    global _POOL
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _POOL = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                                initializer=exit_with_parent)


def _block_pool(workers: int):
    """The process pool of :func:`write_target`; spawned on first use if not forked at the start
    (a fork from a job thread could copy another thread's locks mid-flight)."""
    if _POOL is None:
        _make_pool(workers, "spawn")
    return _POOL


def clear_block_markers(root: str | Path = ".") -> list[str]:
    """Remove Snakemake's "incomplete" markers of block files that exist; return their paths.

    A block is written whole (temporary file, then rename), so one that exists
    is complete even if a killed Snakemake left it marked. Existing blocks are
    not in the DAG (only missing ones are merge inputs), so Snakemake would
    never clear such a marker itself.
    """
    import base64

    cleared = []
    for marker in Path(root, ".snakemake", "incomplete").glob("*"):
        try:
            path = base64.urlsafe_b64decode(marker.name).decode()
        except (ValueError, UnicodeDecodeError):
            continue
        if path.startswith("results/runs/") and path.endswith(".parquet") and Path(root, path).is_file():
            marker.unlink(missing_ok=True)
            cleared.append(path)
    return cleared


class RunFileError(ValueError):
    """A block file that is missing, unreadable or not what its target should hold."""


def read_block(path: str | Path, config_id: str, base_seed: int, first: int, last: int,
               model: str | None = None):
    """Read one block file and check it holds exactly the runs its name promises.

    Raises :class:`RunFileError` naming the file and how to recover.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    recover = "delete it and run the pipeline again to recompute it"
    try:
        with pq.ParquetFile(path, page_checksum_verification=True) as block:  # read_table builds a dataset per file
            table = block.read()
    except (OSError, pa.ArrowException) as exc:
        raise RunFileError(f"{path}: unreadable block file ({exc}): {recover}") from None
    raw = (table.schema.metadata or {}).get(_META_KEY)
    try:
        meta = json.loads(raw)
    except (TypeError, ValueError):
        raise RunFileError(f"{path}: not an electoral-sim block file (no metadata): {recover}") from None
    expected = {"config_id": config_id, "base_seed": base_seed, "first": first, "last": last,
                "version": __version__, "code": simulation_code(model)}
    for key, want in expected.items():
        if meta.get(key) != want:
            raise RunFileError(f"{path}: holds {key} {meta.get(key)!r}, expected {want!r}: {recover}")
    if (table.column("run_idx").to_pylist() != list(range(first, last + 1))
            or table.column("seed").to_pylist() != _expected_seeds(base_seed, first, last)):
        raise RunFileError(f"{path}: its runs or seeds differ from runs {first}-{last} of base seed "
                           f"{base_seed}: {recover}")
    return table


@lru_cache(maxsize=1024)
def _expected_seeds(base_seed: int, first: int, last: int) -> list[int]:
    return run_seeds(base_seed, last + 1, first)  # the same for every config: computed once per range


def iter_config_tables(layout: dict[str, Any]) -> Iterator:
    """Each configuration's runs as one validated Arrow table, in config order."""
    import pyarrow as pa

    for config in layout["configs"]:
        tables = [read_block(p, config["config_id"], layout["base_seed"], *parse_block_file(p)[3:],
                             layout.get("model")) for p in config["blocks"]]
        yield pa.concat_tables([t.replace_schema_metadata(None) for t in tables])


def merge_blocks(layout: dict[str, Any]):
    """The results and per-party DataFrames of a study from its block files.

    The per-party table is empty (with its columns) for a model that reports no parties.
    """
    import pandas as pd

    from electoral_sim.runs import PARTY_COLUMNS, assemble

    results, parties = assemble(layout["configs"], iter_config_tables(layout), layout["param_names"])
    return results, parties if parties is not None else pd.DataFrame(columns=list(PARTY_COLUMNS))


def handle_sigterm_on_a_thread() -> None:
    """Run the process's SIGTERM handler on a thread of its own (call from the main thread).

    Snakemake's handler (``JobScheduler.exit_gracefully``, Snakemake 9.27)
    takes the scheduler's lock, and Python runs a handler in the main thread,
    which holds that lock while it records finished jobs: a SIGTERM arriving
    then (``kill``, ``timeout``, a cluster's time limit) deadlocked the run.
    On a thread, the handler waits for the lock and Snakemake stops as it
    means to, after the running jobs.
    """
    import signal
    import threading

    previous = signal.getsignal(signal.SIGTERM)
    if callable(previous):
        signal.signal(signal.SIGTERM, lambda number, frame: threading.Thread(
            target=previous, args=(number, frame), daemon=True).start())


def exit_with_parent() -> None:
    """End this process when the process that started it ends (Linux; elsewhere a no-op).

    For ``script:`` jobs, which Snakemake starts as child processes, and
    BatchRunner's workers: ``kill -9`` of the parent does not reach them, so
    without this they run on as orphans (and jobs keep writing). The kernel sends SIGTERM on the parent's exit
    (``prctl(PR_SET_PDEATHSIG)``). A job started through a shell (``--use-conda``)
    has the shell as its parent, which outlives Snakemake: there, stop the
    whole process group (README, "When things go wrong").
    """
    import ctypes
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent or parent == 1:  # the parent was gone before prctl took effect
        os.kill(os.getpid(), signal.SIGTERM)


def code_fingerprint(modules: Sequence[str] = SIMULATION_MODULES) -> str:
    """Hash of the package version and the source of ``modules`` (files or packages) of this package."""
    return _fingerprint(tuple(modules))


_FINGERPRINTS: dict[tuple[str, ...], str] = {}


def _fingerprint(modules: tuple[str, ...]) -> str:
    if modules not in _FINGERPRINTS:
        digest = hashlib.sha256(__version__.encode())
        here = Path(__file__).parent
        for name in modules:
            path = here / name
            if not path.exists() and (here / f"{name}.py").exists():
                path = here / f"{name}.py"  # a module that may become a package
            files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
            for f in files:
                digest.update(str(f.relative_to(here)).encode())
                digest.update(f.read_bytes())
        _FINGERPRINTS[modules] = digest.hexdigest()[:16]
    return _FINGERPRINTS[modules]


def merge_study(layout: dict[str, Any], results: Sequence[str], parties: Sequence[str], log: str | Path,
                provenance: dict[str, Any] | None = None) -> None:
    """The merge rule: write the results and per-party tables (one path per format) and a log line."""
    from electoral_sim.io import write_table

    frame, party_frame = merge_blocks(layout)
    for path in results:
        write_table(frame, path, provenance=provenance)
    for path in parties:
        write_table(party_frame, path, provenance=provenance)
    n_blocks = sum(len(c["blocks"]) for c in layout["configs"])
    Path(log).write_text(f"merged {n_blocks} blocks: {len(frame)} runs, {len(party_frame)} party rows\n")


def summarize_study(results: str | Path, param_names: Sequence[str], outputs: Sequence[str],
                    log: str | Path, provenance: dict[str, Any] | None = None) -> None:
    """The summarize rule: write the per-config summary (one path per format) and a log line."""
    import pandas as pd

    from electoral_sim.io import write_table
    from electoral_sim.runs import summarize

    summary = summarize(pd.read_parquet(results), param_names)
    for path in outputs:
        write_table(summary, path, provenance=provenance)
    Path(log).write_text(f"summarised {len(summary)} configs\n")
