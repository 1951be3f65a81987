"""Benchmark: what a Sobol' study costs beyond its simulations.

Run by hand after ``pip install -e .``::

    python bench/bench_sensitivity.py [--n-samples 2048] [--voters 10000] [--jobs 1]

It prints figures and asserts nothing. The study is ``config/examples/
sobol_systems.yaml`` scaled up: Sobol' sampling over temperature, economic
growth, threshold and electoral system (D = 4), ``n_samples`` base points,
so ``n_samples * (D + 2)`` configurations (12288 for the default 2048), one
run each. Target: sampling plus analysis cost <= 5 % of the simulation time.

Figures (wall-clock and CPU seconds, one repetition; on a shared machine
wall times are noisy, CPU times less so):

- sampling: ``ParameterSweep.generate_configs()`` (SALib's Saltelli sample
  and the mapping onto values), after one warm-up call that pays the imports;
- expansion: BatchRunner's validation and config ids (paid by every study,
  not by sensitivity analysis; printed for context);
- simulation: ``BatchRunner.run()``;
- analysis: ``BatchRunner.get_sensitivity()`` (SALib's Sobol' analysis of
  every metric with 100 bootstrap resamples, plus the sample check), after a
  warm-up that pays the imports.
"""
from __future__ import annotations

import argparse
import sys
import time

from electoral_sim.analysis import BatchRunner, ParameterSweep

PARAMETERS = {
    "temperature": {"low": 0.2, "high": 1.5, "log": True},
    "economic_growth": {"low": -0.05, "high": 0.05},
    "threshold": {"low": 0.0, "high": 0.1},
    "electoral_system": ["FPTP", "PR"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=2048, help="Sobol' base points N (default 2048)")
    parser.add_argument("--voters", type=int, default=10_000, help="n_voters of every run (default 10000)")
    parser.add_argument("--jobs", type=int, default=1, help="BatchRunner n_jobs (default 1)")
    args = parser.parse_args()

    def sweep() -> ParameterSweep:
        return ParameterSweep(PARAMETERS, {"n_voters": args.voters, "n_constituencies": 10}, sweep_type="sobol",
                              n_samples=args.n_samples, seed=2024)

    def timed(fn):
        wall, cpu = time.perf_counter(), time.process_time()
        out = fn()
        return out, time.perf_counter() - wall, time.process_time() - cpu

    sweep().generate_configs()  # warm-up: imports scipy and SALib
    configs, sampling, sampling_cpu = timed(lambda: sweep().generate_configs())
    runner, expansion, expansion_cpu = timed(
        lambda: BatchRunner(parameter_sweep=sweep(), n_jobs=args.jobs, seed=1, verbose=False))
    results, simulation, simulation_cpu = timed(runner.run)

    small = BatchRunner(parameter_sweep=ParameterSweep(PARAMETERS, {"n_voters": 100}, sweep_type="sobol",
                                                       n_samples=2, seed=1), seed=1, verbose=False)
    small.run()
    small.get_sensitivity()  # warm-up: imports SALib's analyzer
    table, analysis, analysis_cpu = timed(runner.get_sensitivity)

    share = (sampling + analysis) / simulation
    print(f"command: python {' '.join(sys.argv)}")
    print(f"study: Sobol', D=4, N={args.n_samples}: {len(configs)} configurations x 1 run, "
          f"n_voters={args.voters}, n_jobs={args.jobs}; {len(table)} indices "
          f"({table['metric'].nunique()} metrics)")
    print("            wall (s)   CPU of this process (s)")
    print(f"sampling    {sampling:8.3f}   {sampling_cpu:8.3f}")
    print(f"expansion   {expansion:8.3f}   {expansion_cpu:8.3f}  (every study pays it; not counted)")
    print(f"simulation  {simulation:8.3f}   {simulation_cpu:8.3f}  ({1e3 * simulation / len(results):.2f} ms "
          f"wall per run{'; CPU excludes workers' if args.jobs != 1 else ''})")
    print(f"analysis    {analysis:8.3f}   {analysis_cpu:8.3f}")
    print(f"sampling + analysis = {100 * share:.2f} % of the simulation wall time (target <= 5 %): "
          f"{'met' if share <= 0.05 else 'NOT met'}")
    if args.jobs == 1:
        print(f"  by CPU time: {100 * (sampling_cpu + analysis_cpu) / simulation_cpu:.2f} %")


if __name__ == "__main__":
    main()
