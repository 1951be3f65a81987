# One target per (config, seed). Jobs get only their own config's values and
# the simulation code's fingerprint: editing the model re-runs them, growing
# the grid computes only the new cells. The job is a short in-process call
# (`run:`); the default profile runs it on a thread (see README). Cluster
# resources and grouping live in the cluster profiles.
from electoral_sim.pipeline import RUN_FILE, write_run


rule simulate:
    output:
        RUN_FILE,
    log:
        "logs/runs/{config_id}/seed{seed}.log",
    params:
        model_params=lambda wildcards: CANONICAL[wildcards.config_id],
        code=SIMULATION_CODE,
    threads: 1
    run:
        write_run(output[0], params.model_params, int(wildcards.seed), log[0])
