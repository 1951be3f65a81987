# One target per block: a range of runs of one configuration (see
# electoral_sim.pipeline). A job gets only its own config's values and the
# simulation code's fingerprint: editing the model re-runs it, growing the grid
# or the runs adds blocks. The job is one in-process call; the default profile
# runs it on a thread, so a target costs milliseconds beyond its simulations.
from electoral_sim.pipeline import BLOCK_FILE, write_block


rule simulate:
    output:
        BLOCK_FILE,
    log:
        "logs/runs/{config_id}/seed{base_seed}/runs{first}-{last}.log",
    params:
        model_params=lambda wildcards: CANONICAL[wildcards.config_id],
        code=SIMULATION_CODE,
        model=PLAN.model,
    threads: 1
    run:
        write_block(
            output[0],
            params.model_params,
            int(wildcards.base_seed),
            int(wildcards.first),
            int(wildcards.last),
            log[0],
            params.model,
        )
