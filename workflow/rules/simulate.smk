# One target per block: a range of runs of one configuration, under the
# simulation code's fingerprint (see electoral_sim.pipeline): editing the model
# names new blocks, growing the grid or the runs adds blocks. The job is one
# in-process call; the default profile runs it on a thread, so a target costs
# milliseconds beyond its simulations. The model class needs no params entry:
# its source is part of {code} (electoral_sim.pipeline.simulation_code).
from electoral_sim.pipeline import BLOCK_FILE, write_target


rule simulate:
    output:
        BLOCK_FILE,
    log:
        "logs/runs/{code}/{config_id}/seed{base_seed}/runs{first}-{last}.log",
    threads: 1
    run:
        write_target(output[0], CANONICAL, wildcards, log[0], PLAN.model, BLOCK_WORKERS)
