"""Pipeline scale and cost against the in-process batch: run by hand.

    python bench/bench_pipeline.py [--cores 2] [--skip-large]

In a temporary copy of the repository it measures, side by side:

1. the same study through ``snakemake --cores N`` (its tables: results,
   parties, summary) and through ``electoral-sim batch --jobs N`` (the same
   three tables), at 1,000 runs (100 configs x 10 runs) and 10,000 runs
   (100 configs x 100 runs), 10k voters; the median of ``--repeat`` runs of
   each, alternating (the machine's noise is larger than the effects);
2. a 100,000-run study (10,000 configs x 10 runs, 200 voters): its dry run
   before anything exists (``-n``, the profile's short dry run, and
   ``-n --quiet host``, Snakemake's full one listing every job), its full
   run, and the no-op re-run;
3. a 10^6-run study (10,000 configs x 100 runs, 200 voters): the dry run
   (planning: time and peak RSS); its 10,000 block files are then written by
   a process pool (not through Snakemake) to time the merge.

It prints figures only; nothing here is a pass/fail test. The issue's floors
are printed beside each figure.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
TABLES = [f"{t}.parquet" for t in ("results", "parties", "summary")]


def copy_repo(dest: Path) -> None:
    """Copy the tracked files (the workflow, not results) into ``dest``."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO, capture_output=True,
                           text=True, check=True).stdout.split()
    for name in files:
        src, dst = REPO / name, dest / name
        if name.startswith((".venv", "tests/", "bench/")) or not (src.exists() or src.is_symlink()):
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            dst.symlink_to(src.readlink())
        else:
            shutil.copy2(src, dst)


def write_study(path: Path, name: str, n_configs: int, n_runs: int, voters: int) -> None:
    """A grid study of ``n_configs`` temperatures x growth values."""
    n_growth = 10 if n_configs >= 100 else 1
    n_temps = n_configs // n_growth
    data = {
        "name": name,
        "parameters": {
            "temperature": [round(0.1 + 0.9 * i / n_temps, 6) for i in range(n_temps)],
            "economic_growth": [round(-0.05 + 0.1 * i / n_growth, 6) for i in range(n_growth)],
        },
        "fixed_params": {"n_voters": voters, "n_constituencies": 10},
        "n_runs_per_config": n_runs,
        "seed": 7,
    }
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def timed(cmd: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) of the command's process, and its output."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, text=True)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage, not the maximum over all children
        proc.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - t0
        out.seek(0)
        text = out.read()
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{text[-4000:]}")
    return elapsed, usage.ru_maxrss / 1024, text


def pipeline_vs_batch(work: Path, smk: list[str], esim: str, cores: int, n_runs: int,
                      repeat: int) -> tuple[float, float]:
    """Median seconds of the pipeline and of batch, each from scratch, alternating."""
    name = f"cmp{n_runs}"
    write_study(work / f"{name}.yaml", name, 100, n_runs // 100, 10_000)
    targets = [f"results/{name}/{t}" for t in TABLES]
    pipe, batch = [], []
    for _ in range(repeat):
        shutil.rmtree(work / "results" / "runs", ignore_errors=True)
        shutil.rmtree(work / "results" / name, ignore_errors=True)
        shutil.rmtree(work / ".snakemake", ignore_errors=True)
        pipe.append(timed([*smk, *targets, "--configfile", f"{name}.yaml"], work)[0])
        batch.append(timed([esim, "batch", "--config", f"{name}.yaml", "--jobs", str(cores), "--quiet",
                            "--output", f"b{name}-results.parquet", "--parties", f"b{name}-parties.parquet",
                            "--summary", f"b{name}-summary.parquet"], work)[0])
    return statistics.median(pipe), statistics.median(batch)


def _in_copy(work: Path) -> None:
    """Import the package from the copy and work in it."""
    sys.path.insert(0, str(work))
    os.chdir(work)


def _write_block(task: tuple) -> None:
    from electoral_sim.pipeline import write_block

    write_block(*task)


def write_blocks_directly(work: Path, study: str, cores: int) -> float:
    """Write a study's block files with a process pool (not through Snakemake); seconds."""
    from concurrent.futures import ProcessPoolExecutor

    from electoral_sim.pipeline import block_ranges, plan_study
    from electoral_sim.study import read_study_file

    _in_copy(work)
    plan = plan_study(read_study_file(study), study)
    tasks = [(path, c["canonical"], plan.base_seed, a, b)
             for c in plan.configs for path, (a, b) in zip(plan.blocks(c), block_ranges(plan.n_runs, plan.block_size(c)))]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(cores) as pool:
        list(pool.map(_write_block, tasks, chunksize=64))
    return time.perf_counter() - t0


def merge_time(work: Path, study: str) -> tuple[float, float]:
    """Seconds to read, check and assemble a study's blocks; and to write its four tables too."""
    from electoral_sim.pipeline import merge_blocks, merge_study, plan_study
    from electoral_sim.study import read_study_file

    _in_copy(work)
    plan = plan_study(read_study_file(study), study)
    t0 = time.perf_counter()
    merge_blocks(plan.layout())
    assembled = time.perf_counter() - t0
    t0 = time.perf_counter()
    merge_study(plan.layout(), ["m.parquet", "m.csv"], ["p.parquet", "p.csv"], "merge.log", plan.provenance)
    return assembled, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--skip-large", action="store_true", help="only the pipeline-vs-batch comparison")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each door in the comparison (median)")
    args = parser.parse_args()
    bindir = Path(sys.executable).parent
    smk = [str(bindir / "snakemake"), "--cores", str(args.cores)]
    esim = str(bindir / "electoral-sim")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        copy_repo(work)
        # bytecode for the copy's package, as a normal install has (PYTHONDONTWRITEBYTECODE
        # would otherwise make every process, Snakemake's and batch's alike, compile it anew)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(work / "electoral_sim")], check=True)
        for n_runs, floor in ((1_000, 2.0), (10_000, 1.3)):
            pipe, batch = pipeline_vs_batch(work, smk, esim, args.cores, n_runs, args.repeat)
            rows.append((f"{n_runs:,} runs (10k voters): pipeline / batch", f"{pipe:.2f} s / {batch:.2f} s",
                         f"ratio {pipe / batch:.2f}x (floor <= {floor}x; median of {args.repeat})"))
        if not args.skip_large:
            write_study(work / "s1e5.yaml", "s1e5", 10_000, 10, 200)
            dry, _, _ = timed([*smk, "--configfile", "s1e5.yaml", "-n"], work)
            rows.append(("100,000 runs (10,000 targets): dry run, -n", f"{dry:.1f} s", "floor <= 15 s"))
            dry, _, _ = timed([*smk, "--configfile", "s1e5.yaml", "-n", "--quiet", "host"], work)
            rows.append(("  dry run listing every job, -n --quiet host", f"{dry:.1f} s", ""))
            full, _, _ = timed([*smk, "--configfile", "s1e5.yaml"], work)
            rows.append(("  full run", f"{full:.1f} s", ""))
            noop, _, out = timed([*smk, "--configfile", "s1e5.yaml"], work)
            ok = "'Nothing to be done'" if "Nothing to be done" in out else "WORK WAS DONE"
            rows.append(("  no-op re-run", f"{noop:.1f} s", f"floor <= 5 s; {ok}"))
            write_study(work / "s1e6.yaml", "s1e6", 10_000, 100, 200)
            plan, rss, _ = timed([*smk, "--configfile", "s1e6.yaml", "-n"], work)
            rows.append(("10^6 runs: plan (dry run)", f"{plan:.1f} s", f"peak RSS {rss:.0f} MB (floors <= 60 s, 2 GB)"))
            wrote = write_blocks_directly(work, "s1e6.yaml", args.cores)
            rows.append(("10^6 runs: 10,000 blocks written by a process pool", f"{wrote:.1f} s", "not through Snakemake"))
            assembled, merged = merge_time(work, "s1e6.yaml")
            rows.append(("10^6 runs: read, check, assemble the blocks", f"{assembled:.1f} s", "floor <= 30 s"))
            rows.append(("10^6 runs: the merge job (also writes 4 tables)", f"{merged:.1f} s",
                         "results + parties, parquet + csv (5x10^6 party rows)"))
    print(f"command: {' '.join(smk)} --configfile <study> (in a temporary copy of the repo)")
    width = max(len(r[0]) for r in rows)
    for label, value, note in rows:
        print(f"{label:<{width}}  {value:>18}  {note}")


if __name__ == "__main__":
    main()
