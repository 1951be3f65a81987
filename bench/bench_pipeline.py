"""Pipeline scale and cost: run by hand, ``python bench/bench_pipeline.py [--cores 2]``.

In a temporary copy of the repository it measures, with Snakemake:

1. a 1,000-target study (100 configs x 10 seeds, 10k voters): full run;
2. its no-op re-run;
3. a dry run of a 10,000-target study (1,000 configs x 10 seeds);
4. the bare simulation time of one 10k-voter run and of merging the
   1,000 run files, to set the per-target overhead against.

It prints figures only; nothing here is a pass/fail test.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def copy_repo(dest: Path) -> None:
    """Copy the tracked files (the workflow, not results) into ``dest``."""
    files = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        src, dst = REPO / name, dest / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            dst.symlink_to(src.readlink())
        else:
            shutil.copy2(src, dst)


def study(path: Path, name: str, n_temps: int, n_growth: int) -> None:
    """Write a grid study of n_temps x n_growth configs, 10 seeds, 10k voters."""
    data = {
        "name": name,
        "parameters": {
            "temperature": [round(0.1 + 0.9 * i / n_temps, 6) for i in range(n_temps)],
            "economic_growth": [round(-0.05 + 0.1 * i / n_growth, 6) for i in range(n_growth)],
        },
        "fixed_params": {"n_voters": 10_000, "n_constituencies": 10},
        "n_runs_per_config": 10,
        "seed": 7,
    }
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def timed(cmd: list[str], cwd: Path) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return elapsed, proc.stdout + proc.stderr


def bare_costs(workdir: Path) -> tuple[float, float]:
    """Median ms of one 10k-voter simulation, and seconds to merge the study's runs."""
    from electoral_sim.pipeline import merge_runs, plan_study
    from electoral_sim.sweep import simulate

    plan = plan_study(yaml.safe_load((workdir / "s1000.yaml").read_text()))
    params = plan.configs[0]["canonical"]
    simulate(params, 1)
    times = []
    for seed in range(30):
        t0 = time.perf_counter()
        simulate(params, seed)
        times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    merge_runs(plan.layout(), [workdir / f for f in plan.run_files()])
    return 1e3 * statistics.median(times), time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    smk = [str(Path(sys.executable).with_name("snakemake")), "--cores", str(args.cores)]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        copy_repo(work)
        study(work / "s1000.yaml", "bench1000", 10, 10)
        study(work / "s10000.yaml", "bench10000", 40, 25)
        full, _ = timed([*smk, "--configfile", "s1000.yaml"], work)
        noop, out = timed([*smk, "--configfile", "s1000.yaml"], work)
        dry, _ = timed([*smk, "--configfile", "s10000.yaml", "-n", "--quiet", "all"], work)
        sim_ms, merge_s = bare_costs(work)
    print(f"command: {' '.join(smk)} --configfile <study> (in a temporary copy of the repo)")
    rows = [
        ("1,000 targets (10k voters), full run", f"{full:.1f} s", "goal <= 60 s"),
        ("  wall time per target", f"{1e3 * full / 1000:.1f} ms", f"{args.cores} cores"),
        ("  bare simulation per target", f"{sim_ms:.2f} ms", "simulate() in-process"),
        ("  merging the 1,000 run files", f"{merge_s:.2f} s", "merge_runs()"),
        ("no-op re-run", f"{noop:.1f} s", "goal <= 3 s; " + ("'Nothing to be done'" if "Nothing to be done" in out else "WORK WAS DONE")),
        ("10,000-target dry run (-n)", f"{dry:.1f} s", "goal <= 10 s"),
    ]
    width = max(len(r[0]) for r in rows)
    for label, value, note in rows:
        print(f"{label:<{width}}  {value:>9}  {note}")


if __name__ == "__main__":
    main()
