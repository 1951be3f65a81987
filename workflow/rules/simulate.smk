# One target per (config, seed). Jobs get only their own config's values, and
# the simulation code's fingerprint, so that editing the model re-runs them
# while growing the grid computes only the new cells.


rule simulate:
    output:
        "results/runs/{config_id}/seed{seed}.json",
    log:
        "logs/runs/{config_id}/seed{seed}.log",
    params:
        model_params=lambda wildcards: CANONICAL[wildcards.config_id],
        code=CODE,
    threads: 1
    resources:
        mem_mb=200,
        runtime=5,
    group:
        "simulate"
    run:
        from electoral_sim.pipeline import write_run

        write_run(output[0], params.model_params, int(wildcards.seed))
        with open(log[0], "w") as fh:
            print(f"simulated {wildcards.config_id} seed {wildcards.seed}", file=fh)
