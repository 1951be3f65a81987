# Merge the study's blocks into its tables. Seconds of work even for 10^6 runs:
# run in Snakemake's own process (and on the submit host on a cluster).
from electoral_sim.pipeline import merge_study, summarize_study


localrules:
    all,
    merge,
    summarize,


# Only the blocks still missing are inputs: a block's name says all its content
# depends on (code, config, seed, runs), so one that exists is kept, and the
# merge checks every block by name (electoral_sim.pipeline). PLAN_FILE changes
# whenever the study's plan does, so the merge reruns on its mtime alone.
rule merge:
    input:
        MISSING_BLOCKS,
        PLAN_FILE,
    output:
        results_parquet=f"{STUDY_DIR}/results.parquet",
        results_csv=f"{STUDY_DIR}/results.csv",
        parties_parquet=f"{STUDY_DIR}/parties.parquet",
        parties_csv=f"{STUDY_DIR}/parties.csv",
    log:
        f"logs/{PLAN.name}/merge.log",
    params:
        layout=LAYOUT,
        code=SIMULATION_CODE,
        provenance=PLAN.provenance,
    run:
        merge_study(params.layout, output[:2], output[2:], log[0], params.provenance)


rule summarize:
    input:
        f"{STUDY_DIR}/results.parquet",
    output:
        parquet=f"{STUDY_DIR}/summary.parquet",
        csv=f"{STUDY_DIR}/summary.csv",
    log:
        f"logs/{PLAN.name}/summarize.log",
    params:
        param_names=PLAN.param_names,
        provenance=PLAN.provenance,
    run:
        summarize_study(input[0], params.param_names, output, log[0], params.provenance)
