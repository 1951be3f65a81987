# One target per block: a range of runs of one configuration, under the
# simulation code's fingerprint (see electoral_sim.pipeline): editing the model
# names new blocks, growing the grid or the runs adds blocks. The job is one
# in-process call on a thread of Snakemake's process (the default profile);
# with --cores N > 1 its block is computed in a pool of N processes, so a
# target costs milliseconds beyond its simulations. The model class needs no
# params entry: its source is part of {code} (electoral_sim.pipeline.simulation_code).
# The one wildcard, {block}, is <code>/<config_id>/seed<base>/runs<first>-<last>
# (BLOCK_NAME; write_target reads the parts back from the path).
from electoral_sim.pipeline import write_target


rule simulate:
    output:
        "results/runs/{block}.parquet",
    log:
        "logs/runs/{block}.log",
    threads: 1
    run:
        write_target(output[0], CANONICAL, log[0], PLAN.model, BLOCK_WORKERS)
