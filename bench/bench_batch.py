"""Benchmark BatchRunner: whole ``run()`` time, serial and parallel.

Run by hand after ``pip install -e .``::

    python bench/bench_batch.py [--reps 7]

It prints figures and asserts nothing. Everything runs in this one process
(workers are forked by BatchRunner itself), with ``verbose=False``; each
figure is the median (and best) of ``--reps`` repetitions after one warm-up.

1. The spec's "Basic Parameter Sweep": n_voters 10k/50k x temperature
   0.3/0.5/0.7, 10 runs per config, seed 42 (60 simulations), n_jobs=1 and
   n_jobs=2. Targets: <= 0.4 s with n_jobs=1, and n_jobs=2 faster than 1.
   The two settings alternate within each repetition so that both see the
   same background load; CPU seconds (this process plus its workers) show
   whether parallel runs do extra work or merely lack a free core.
2. 100k-voter simulations, 3 configs x 20 runs (60 simulations), n_jobs=1
   vs 2 and the speedup. Target: >= 1.7x on two free cores.
3. Where the time goes in (1): the simulations alone (a plain loop over the
   same tasks), configuration expansion (BatchRunner construction), starting
   and stopping an empty process pool, pickled bytes per task/result, tqdm
   (disabled and enabled) and building the results DataFrame.

The electoral-sim 0.2.1 figures printed for comparison are quoted from the
issue, not measured here.
"""
from __future__ import annotations

import argparse
import os
import pickle
import time
from concurrent.futures import ProcessPoolExecutor
from statistics import median

from electoral_sim import ElectionModel
from electoral_sim.analysis import BatchRunner, ParameterSweep, _pool_context
from electoral_sim.sweep import make_row, results_frame, run_seeds, simulate

QUOTED_021 = {1: 3.8, 2: 8.2}  #: electoral-sim 0.2.1, spec sweep, seconds (quoted from the issue, NOT measured)
TARGET_SERIAL = 0.4  #: seconds, spec sweep with n_jobs=1
TARGET_SPEEDUP = 1.7  #: 100k voters, n_jobs=2 over n_jobs=1


def spec_sweep() -> ParameterSweep:
    return ParameterSweep({"n_voters": [10_000, 50_000], "temperature": [0.3, 0.5, 0.7]})


def big_sweep() -> ParameterSweep:
    return ParameterSweep({"temperature": [0.3, 0.5, 0.7]}, fixed_params={"n_voters": 100_000})


def timed(fn, reps: int) -> list[float]:
    fn()  # warm-up
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def cpu_seconds() -> float:
    """User + system CPU of this process and its reaped children (the pool's workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def time_runs(sweep_factory, n_runs: int, reps: int) -> dict[int, dict[str, list[float]]]:
    """Wall time of run() and of construction + run(), and CPU time, for n_jobs=1 and 2.

    The two settings alternate within each repetition, so that both see the
    same background load.
    """
    out = {n: {"run": [], "whole": [], "cpu": []} for n in (1, 2)}

    def once(n_jobs, record):
        c0, t0 = cpu_seconds(), time.perf_counter()
        runner = BatchRunner(ElectionModel, sweep_factory(), n_runs_per_config=n_runs, n_jobs=n_jobs,
                             seed=42, verbose=False)
        t1 = time.perf_counter()
        runner.run()
        t2, c2 = time.perf_counter(), cpu_seconds()
        if record:
            out[n_jobs]["run"].append(t2 - t1)
            out[n_jobs]["whole"].append(t2 - t0)
            out[n_jobs]["cpu"].append(c2 - c0)

    for n_jobs in (1, 2):
        once(n_jobs, record=False)  # warm-up
    for _ in range(reps):
        for n_jobs in (1, 2):
            once(n_jobs, record=True)
    return out


def cores(timing: dict[str, list[float]]) -> str:
    """CPU seconds used and the cores that amounts to (CPU / wall, medians over repetitions).

    os.times() ticks at 10 ms, so these are coarse. With n_jobs=2 on two free
    cores the second figure approaches 2; near 1 means the machine was busy.
    """
    cpu = median(timing["cpu"])
    return f"CPU {cpu:.2f} s = {cpu / median(timing['whole']):.2f} cores"


def fmt(times: list[float]) -> str:
    return f"median {median(times):7.3f} s   best {min(times):7.3f} s"


def _noop(_):
    return None


def breakdown(reps: int) -> None:
    print("\n3. Where the time goes (spec sweep, 60 simulations)")
    sweep = spec_sweep()
    runner = BatchRunner(ElectionModel, sweep, n_runs_per_config=10, seed=42, verbose=False)
    seeds = run_seeds(runner.seed, 10)
    tasks = [(c["params"], s) for c in runner.configs for s in seeds]

    sims = timed(lambda: [simulate(p, s) for p, s in tasks], reps)
    print(f"   simulations alone (plain loop)      {fmt(sims)}")
    by_size = {}
    for n in (10_000, 50_000):
        ts = timed(lambda: simulate({"n_voters": n}, 1), reps)
        by_size[n] = median(ts)
        print(f"   one simulation, {n:>6} voters       median {1e3 * median(ts):7.2f} ms")
    print(f"   -> 30 x 10k + 30 x 50k               {30 * (by_size[10_000] + by_size[50_000]):7.3f} s (floor for n_jobs=1)")

    construct = timed(lambda: BatchRunner(ElectionModel, spec_sweep(), n_runs_per_config=10, seed=42,
                                          verbose=False), reps)
    print(f"   BatchRunner(...) (expand/validate)  {fmt(construct)}")

    def pool_cycle(workers):
        with ProcessPoolExecutor(workers, mp_context=_pool_context()) as pool:
            list(pool.map(_noop, range(workers)))

    print(f"   empty pool start+stop, 2 workers    {fmt(timed(lambda: pool_cycle(2), reps))}  (start method {_pool_context().get_start_method()})")

    metrics = [simulate(p, s) for p, s in tasks]
    task_bytes = sum(len(pickle.dumps((ElectionModel, {}, [t]))) for t in tasks)
    result_bytes = sum(len(pickle.dumps([m])) for m in metrics)
    print(f"   pickled, one task/result at a time: tasks {task_bytes} B, results {result_bytes} B in all")

    from tqdm.auto import tqdm

    def bar(disable):
        p = tqdm(total=len(tasks), disable=disable, file=open(os.devnull, "w"))
        for _ in tasks:
            p.update()
        p.close()

    print(f"   tqdm, 60 updates, disabled          median {1e6 * median(timed(lambda: bar(True), reps)):7.1f} us")
    print(f"   tqdm, 60 updates, enabled (devnull) median {1e6 * median(timed(lambda: bar(False), reps)):7.1f} us")

    def frame():
        rows = [make_row(c, r, s, metrics[i * len(seeds) + r])
                for i, c in enumerate(runner.configs) for r, s in enumerate(seeds)]
        results_frame(rows, runner.param_names)

    print(f"   rows + results DataFrame            median {1e3 * median(timed(frame, reps)):7.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=7, help="timed repetitions after one warm-up (default 7)")
    parser.add_argument("--no-breakdown", action="store_true", help="skip section 3")
    args = parser.parse_args()
    reps = max(5, args.reps)

    print(f"cores: {os.cpu_count()} (affinity {len(os.sched_getaffinity(0))}), "
          f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("(other processes on the machine make these figures noisy: compare best as well as median)")

    print("\n1. Spec 'Basic Parameter Sweep': n_voters 10k/50k x temperature 0.3/0.5/0.7, 10 runs, seed 42 (60 sims)")
    spec = time_runs(spec_sweep, 10, reps)
    for n_jobs in (1, 2):
        print(f"   n_jobs={n_jobs}: run()           {fmt(spec[n_jobs]['run'])}   {cores(spec[n_jobs])}")
        print(f"            construct + run() {fmt(spec[n_jobs]['whole'])}")
    for n_jobs, quoted in QUOTED_021.items():
        print(f"   electoral-sim 0.2.1, n_jobs={n_jobs}: {quoted:.1f} s   [QUOTED from the issue, not measured]")
    one, two = spec[1]["run"], spec[2]["run"]
    print(f"   target n_jobs=1 <= {TARGET_SERIAL} s: median {'met' if median(one) <= TARGET_SERIAL else 'MISSED'}, "
          f"best {'met' if min(one) <= TARGET_SERIAL else 'MISSED'}")
    print(f"   target n_jobs=2 faster than n_jobs=1: median ratio {median(one) / median(two):.2f}x, "
          f"best ratio {min(one) / min(two):.2f}x, faster in {sum(a > b for a, b in zip(one, two))}/{reps} paired reps")

    print("\n2. 100k voters, 3 configs x 20 runs (60 sims)")
    big = time_runs(big_sweep, 20, reps)
    for n_jobs in (1, 2):
        print(f"   n_jobs={n_jobs}: run()           {fmt(big[n_jobs]['run'])}   {cores(big[n_jobs])}")
    one, two = big[1]["run"], big[2]["run"]
    print(f"   speedup n_jobs=2 over 1: median {median(one) / median(two):.2f}x, best {min(one) / min(two):.2f}x, "
          f"paired median {median(a / b for a, b in zip(one, two)):.2f}x   (target >= {TARGET_SPEEDUP}x)")

    if not args.no_breakdown:
        breakdown(reps)
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
