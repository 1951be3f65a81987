"""Benchmark the electoral systems: wall time relative to FPTP, and peak memory.

Run by hand after ``pip install -e .``::

    python bench/bench_systems.py            # full: 1M voters
    python bench/bench_systems.py --quick    # 200k voters, fewer repetitions

It prints a table and asserts nothing. The targets (issue 9): at 1M voters
and 10 constituencies, IRV, STV (magnitude 3, 30 seats) and SCHULZE each take
at most 2.5x FPTP, measured in the same process, taking turns, median of
``REPS`` after a warm-up; the peak resident memory of one election in a fresh
process stays within 300 MB with 5 parties and 500 MB with 12. The machine
may be shared: the figures are noisy, compare ratios from the same run.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from statistics import median

CWD = tempfile.gettempdir()  # so `python -c` imports the installed package, not the work tree

SYSTEMS = {  # name -> extra parameters
    "FPTP": {},
    "PR": {},
    "IRV": {},
    "STV": {"district_magnitude": 3},
    "SCHULZE": {},
    "BORDA": {},
    "STAR": {},
}
TWELVE = [{"name": f"P{i}", "position": [0.8 * ((i * 7) % 12 / 11 - 0.5), 0.6 * ((i * 5) % 12 / 11 - 0.5)]}
          for i in range(12)]

# argv: n_voters reps systems-json; prints {system: [seconds, ...]} (systems take turns)
TIME_SYSTEMS = """\
import json, sys, time
from electoral_sim import ElectionModel
n, reps, systems = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
times = {name: [] for name in systems}
for rep in range(reps + 1):
    for name, extra in systems.items():
        t0 = time.perf_counter()
        ElectionModel(n_voters=n, n_constituencies=10, electoral_system=name, seed=rep, **extra).run_election()
        if rep:
            times[name].append(time.perf_counter() - t0)
print(json.dumps(times))
"""
# argv: n_voters system params-json; prints the peak RSS in KiB (Linux ru_maxrss)
PEAK = """\
import json, resource, sys
from electoral_sim import ElectionModel
n, system, extra = int(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
ElectionModel(n_voters=n, n_constituencies=10, electoral_system=system, seed=1, **extra).run_election()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
BASELINE = "import resource; from electoral_sim import ElectionModel; " \
           "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"


def python(code: str, *args: str) -> str:
    """Run ``python -c code args`` in :data:`CWD`; return the last line of its stdout."""
    proc = subprocess.run([sys.executable, "-c", code, *args], cwd=CWD, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr)
    return proc.stdout.strip().splitlines()[-1]


def main() -> None:
    quick = "--quick" in sys.argv
    n, reps = (200_000, 3) if quick else (1_000_000, 7)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
          f"{n:,} voters, 10 constituencies, default 5 parties; one fresh process, systems taking turns, "
          f"warm-up + {reps} elections each\n")
    print(f"command: {sys.executable} bench/bench_systems.py{' --quick' if quick else ''} "
          f"(times: {sys.executable} -c TIME_SYSTEMS {n} {reps} '<systems json>')\n")
    times = json.loads(python(TIME_SYSTEMS, str(n), str(reps), json.dumps(SYSTEMS)))
    fptp = median(times["FPTP"])
    print("| system | median | / FPTP | all runs (s) |\n|---|---:|---:|---|")
    for name, ts in times.items():
        print(f"| {name} {SYSTEMS[name] or ''} | {median(ts):.3f} s | {median(ts) / fptp:.2f} x | "
              f"{', '.join(f'{t:.3f}' for t in ts)} |")

    print(f"\npeak RSS of one election in a fresh process ({n:,} voters; ru_maxrss):\n")
    print("| system | parties | peak RSS | above import |\n|---|---:|---:|---:|")
    base = int(python(BASELINE)) / 1024
    for name, parties in [("FPTP", None), ("IRV", None), ("STV", None), ("SCHULZE", None), ("STAR", None),
                          ("FPTP", TWELVE), ("IRV", TWELVE), ("SCHULZE", TWELVE), ("STAR", TWELVE)]:
        extra = dict(SYSTEMS[name], **({"parties": parties} if parties else {}))
        peak = int(python(PEAK, str(n), name, json.dumps(extra))) / 1024
        print(f"| {name} | {12 if parties else 5} | {peak:.0f} MiB | {peak - base:.0f} MiB |", flush=True)
    print(f"\n(import electoral_sim + numpy alone: {base:.0f} MiB)")


if __name__ == "__main__":
    main()
