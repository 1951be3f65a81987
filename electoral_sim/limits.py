"""Size limits, checked before any work: a study too big to run fails in seconds.

Without these checks a study that cannot work fails late: a billion runs per
configuration hang in seed derivation, a trillion voters end in
``MemoryError``, a hundred-million-configuration grid exhausts memory after
half a minute. Each check raises a one-line ``ValueError`` naming the limit
and the way out.

Limits (documented in the README, "When things go wrong"):

- :data:`MAX_CONFIGS` configurations per study: each costs about 1 kB and
  0.2 ms to validate and hash before the first run.
- :data:`MAX_RUNS` runs (configurations x runs per configuration) per study:
  each costs about 20 us of seed derivation and one table row.
- :data:`MAX_VOTERS` voters per election, and the electorate must fit in the
  memory available now: about :data:`BYTES_PER_VOTER` bytes per voter, per
  worker process. The memory check depends on the machine, so it runs when a
  model is built or a batch starts, not when a study is validated.
"""
from __future__ import annotations

import os
from pathlib import Path

MAX_CONFIGS = 10**6
MAX_RUNS = 10**7
MAX_VOTERS = 10**9
#: peak bytes per voter of one election: float32 positions (8), the transient
#: copy of constituency centres (8), constituency indices (4) and keys (4)
BYTES_PER_VOTER = 24


def check_configs(n_configs: int) -> None:
    """Refuse a sweep of more than :data:`MAX_CONFIGS` configurations."""
    if n_configs > MAX_CONFIGS:
        raise ValueError(
            f"the sweep has {n_configs:,} configurations, more than the limit of {MAX_CONFIGS:,}: "
            "use fewer values per parameter, or a random / latin_hypercube sweep with a smaller n_samples"
        )


def check_runs(n_configs: int, n_runs_per_config: int) -> None:
    """Refuse a study of more than :data:`MAX_RUNS` runs in all."""
    check_configs(n_configs)
    total = n_configs * n_runs_per_config
    if total > MAX_RUNS:
        raise ValueError(
            f"{total:,} runs ({n_configs:,} configuration{'s' if n_configs != 1 else ''} x n_runs_per_config={n_runs_per_config:,}) "
            f"is more than the limit of {MAX_RUNS:,} per study: lower n_runs_per_config or the number of "
            "configurations, or split the study into several"
        )


def check_voters(n_voters: int) -> None:
    """Refuse an electorate of more than :data:`MAX_VOTERS` voters."""
    if n_voters > MAX_VOTERS:
        raise ValueError(
            f"n_voters={n_voters:,} is more than the limit of {MAX_VOTERS:,}: "
            "simulate fewer voters (shares and indices converge long before that)"
        )


def available_memory() -> int | None:
    """Bytes this process may still allocate, or None when unknown.

    The least of the machine's available memory (``MemAvailable``), the
    headroom under the process's cgroup limit (containers, SLURM jobs) and
    under its address-space limit (``ulimit -v``).
    """
    candidates = []
    meminfo = _read("/proc/meminfo")
    for line in meminfo.splitlines():
        if line.startswith("MemAvailable:"):
            candidates.append(int(line.split()[1]) * 1024)
    for line in _read("/proc/self/cgroup").splitlines():
        _, controllers, group = line.split(":", 2)
        if controllers == "":  # cgroup v2
            files = Path("/sys/fs/cgroup", group.lstrip("/")), "memory.max", "memory.current"
        elif "memory" in controllers.split(","):  # cgroup v1
            files = Path("/sys/fs/cgroup/memory", group.lstrip("/")), "memory.limit_in_bytes", "memory.usage_in_bytes"
        else:
            continue
        limit, used = (_read(files[0] / name).strip() for name in files[1:])
        if limit.isdigit() and used.isdigit():
            candidates.append(int(limit) - int(used))
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft != resource.RLIM_INFINITY:
            for line in _read("/proc/self/status").splitlines():
                if line.startswith("VmSize:"):
                    candidates.append(soft - int(line.split()[1]) * 1024)
    except (ImportError, ValueError, OSError):
        pass
    return max(min(candidates), 0) if candidates else None


def _read(path: str | Path) -> str:
    try:
        return Path(path).read_text()
    except (OSError, ValueError):
        return ""


def check_memory(n_voters: int, n_workers: int = 1) -> None:
    """Refuse elections whose estimated memory exceeds what is available.

    ``n_workers`` elections of ``n_voters`` run at once. Does nothing where
    the available memory is unknown.
    """
    available = available_memory()
    need = BYTES_PER_VOTER * n_voters * n_workers
    if available is not None and need > available:
        workers = f" x {n_workers} workers" if n_workers > 1 else ""
        raise ValueError(
            f"n_voters={n_voters:,}{workers} needs about {_size(need)} "
            f"({BYTES_PER_VOTER} bytes per voter), but only {_size(available)} is available: "
            "use fewer voters" + (" or fewer jobs" if n_workers > 1 else "")
        )


def _size(n_bytes: int) -> str:
    return f"{n_bytes / 2**30:.1f} GiB" if n_bytes >= 2**30 else f"{n_bytes / 2**20:.1f} MiB"


def check_sweep_memory(configs: list[dict], n_workers: int) -> None:
    """:func:`check_memory` for the largest electorate of expanded ``configs``.

    ``configs`` are :func:`electoral_sim.sweep.expand` entries, run by
    ``n_workers`` processes at once; models without an integer ``n_voters``
    are not checked.
    """
    sizes = [c["canonical"].get("n_voters") for c in configs]
    sizes = [n for n in sizes if isinstance(n, int)]
    if sizes:
        check_memory(max(sizes), max(1, n_workers))


def worker_count(n_jobs: int) -> int:
    """The workers ``n_jobs`` stands for (-1: every core this process may use)."""
    if n_jobs != -1:
        return n_jobs
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
