"""Benchmark one election: wall time, peak memory and import cost.

Run by hand after ``pip install -e .``::

    python bench/bench_model.py

It prints a table and asserts nothing. Each figure is a median after one
warm-up run (for 0.2.1 the warm-up also pays numba's compilation); child
processes start in a neutral working directory so that they import the
installed packages. It measures

1. construct + ``run_election()`` of our ``ElectionModel`` at (1M, 10),
   (1M, 543) and (10k, 10) voters/constituencies;
2. the same for the electoral-sim 0.2.1 release at (1M, 10) FPTP, through the
   interpreter of a separate venv (``ES021_PYTHON``, default
   ``/opt/es021/bin/python``; skipped with a note when absent);
3. peak resident memory (``ru_maxrss``) of one 1M/10 election in a fresh
   process, absolute and above a process that only imports numpy;
4. the wall time of ``python -c "import numpy"``, ``python -c "import
   electoral_sim"`` and ``electoral-sim --help``, for both versions;
5. the random-number floor: drawing the 4 float32 numbers per voter that the
   model needs (2 ``standard_normal`` + 2 ``random``) for 1M voters.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

import numpy as np

REPS = 7  #: timed repetitions of an election (after one warm-up)
PROC_REPS = 10  #: fresh processes per start-up timing (after one warm-up)
ES021 = os.environ.get("ES021_PYTHON", "/opt/es021/bin/python")
CWD = tempfile.gettempdir()  # so `python -c` never imports the package from the work tree

# argv: n_voters n_constituencies reps; prints the wall times as a JSON list
TIME_ELECTION = """\
import json, sys, time
from electoral_sim import ElectionModel
n, c, reps = map(int, sys.argv[1:])
ElectionModel(n_voters=n, n_constituencies=c, electoral_system="FPTP", seed=reps).run_election()
times = []
for i in range(reps):
    t0 = time.perf_counter()
    ElectionModel(n_voters=n, n_constituencies=c, electoral_system="FPTP", seed=i).run_election()
    times.append(time.perf_counter() - t0)
print(json.dumps(times))
"""
# prints the process's peak resident set size in KiB (Linux)
PEAK_RSS = "import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
ELECTION_1M = (
    "import numpy; from electoral_sim import ElectionModel; "
    "ElectionModel(n_voters=1_000_000, n_constituencies=10, seed=0).run_election(); "
)


def run(cmd: list[str]) -> str:
    """Run ``cmd`` in :data:`CWD` and return its stdout; raise with stderr on failure."""
    proc = subprocess.run(cmd, cwd=CWD, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr}")
    return proc.stdout


def election_times(python: str, n: int, c: int) -> list[float]:
    """Wall times of ``REPS`` elections at (n, c) in one fresh ``python`` process."""
    return json.loads(run([python, "-c", TIME_ELECTION, str(n), str(c), str(REPS)]).splitlines()[-1])


def process_times(cmds: list[list[str]]) -> list[float]:
    """Median wall time of each command over ``PROC_REPS`` runs, after one warm-up each.

    The commands take turns, so drifting machine load hits them all alike.
    """
    times: list[list[float]] = [[] for _ in cmds]
    for rep in range(PROC_REPS + 1):
        for cmd, ts in zip(cmds, times):
            t0 = time.perf_counter()
            run(cmd)
            if rep:
                ts.append(time.perf_counter() - t0)
    return [median(ts) for ts in times]


def peak_rss_mib(python: str, code: str) -> float:
    """Peak RSS in MiB of a fresh ``python`` process running ``code``."""
    return int(run([python, "-c", code + PEAK_RSS]).split()[-1]) / 1024


def rng_floor(n: int) -> float:
    """Median time to draw 2 standard normal + 2 uniform float32 numbers per voter."""
    rng = np.random.default_rng(0)
    times = []
    for _ in range(REPS + 1):
        t0 = time.perf_counter()
        rng.standard_normal((2, n), dtype=np.float32)
        rng.random((2, n), dtype=np.float32)
        times.append(time.perf_counter() - t0)
    return median(times[1:])


def main() -> None:
    """Measure and print the table, a row at a time."""
    ours = sys.executable
    cli = shutil.which("electoral-sim", path=str(Path(ours).parent)) or "electoral-sim"
    have_ref = Path(ES021).exists()

    def row(what: str, value: str, how: str = "") -> None:
        print(f"| {what} | {value} | {how} |", flush=True)

    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, {os.cpu_count()} CPUs; "
          f"TIME_ELECTION = warm-up + {REPS} x ElectionModel(n_voters=N, n_constituencies=C, "
          f"seed=i).run_election(), in one fresh process; start-up times: {PROC_REPS} fresh "
          "processes, taking turns\n")
    print("| measure | median | command |\n|---|---:|---|")
    ours_1m = median(election_times(ours, 1_000_000, 10))
    row("ours 1M voters, 10 const.", f"{ours_1m:.3f} s", f"{ours} -c TIME_ELECTION 1000000 10")
    row("ours 1M voters, 543 const.", f"{median(election_times(ours, 1_000_000, 543)):.3f} s",
        f"{ours} -c TIME_ELECTION 1000000 543")
    row("ours 10k voters, 10 const.", f"{1e3 * median(election_times(ours, 10_000, 10)):.2f} ms",
        f"{ours} -c TIME_ELECTION 10000 10")
    if have_ref:
        ref_1m = median(election_times(ES021, 1_000_000, 10))
        row("0.2.1 1M voters, 10 const., FPTP", f"{ref_1m:.3f} s", f"{ES021} -c TIME_ELECTION 1000000 10")
        row("ratio 0.2.1 / ours (1M, 10)", f"{ref_1m / ours_1m:.1f} x")

    base = peak_rss_mib(ours, "import numpy; ")
    peak = peak_rss_mib(ours, ELECTION_1M)
    row("peak RSS, ours 1M/10", f"{peak:.0f} MiB", f"{ours} -c '{ELECTION_1M}' + ru_maxrss")
    row("peak RSS, import numpy only", f"{base:.0f} MiB", f"{ours} -c 'import numpy' + ru_maxrss")
    row("peak RSS, ours above baseline", f"{peak - base:.0f} MiB")
    if have_ref:
        row("peak RSS, 0.2.1 1M/10", f"{peak_rss_mib(ES021, ELECTION_1M):.0f} MiB", f"{ES021} -c (same)")

    versions = [("ours", ours, cli)]
    if have_ref:
        versions.append(("0.2.1", ES021, str(Path(ES021).parent / "electoral-sim")))
    for name, python, script in versions:
        # the package imports ElectionModel lazily: import it, so numpy and the model count
        load = "from electoral_sim import ElectionModel"
        cmds = [[python, "-c", "import numpy"], [python, "-c", load], [script, "--help"]]
        t_np, t_es, t_help = process_times(cmds)
        row(f"{name}: import numpy", f"{1e3 * t_np:.0f} ms", f"{python} -c 'import numpy'")
        row(f"{name}: import ElectionModel", f"{1e3 * t_es:.0f} ms", f"{python} -c '{load}'")
        row(f"{name}: import difference", f"{1e3 * (t_es - t_np):.0f} ms")
        row(f"{name}: electoral-sim --help", f"{1e3 * t_help:.0f} ms", f"{script} --help")

    floor = rng_floor(1_000_000)
    row("RNG floor, 1M voters x 4 float32", f"{1e3 * floor:.1f} ms",
        "rng.standard_normal((2, N), dtype=float32); rng.random((2, N), dtype=float32)")
    row("ours 1M/10 / RNG floor", f"{ours_1m / floor:.1f} x")
    if not have_ref:
        print(f"\nnote: {ES021} not found (set ES021_PYTHON): 0.2.1 skipped")


if __name__ == "__main__":
    main()
