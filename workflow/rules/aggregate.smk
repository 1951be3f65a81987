# Merge the study's blocks into its tables. Seconds of work even for 10^6 runs:
# run in Snakemake's own process (and on the submit host on a cluster).
from electoral_sim.io import write_table
from electoral_sim.pipeline import merge_blocks
from electoral_sim.runs import summarize


localrules:
    all,
    merge,
    summarize,


rule merge:
    input:
        PLAN.block_files(),
    output:
        results_parquet=f"{STUDY_DIR}/results.parquet",
        results_csv=f"{STUDY_DIR}/results.csv",
        parties_parquet=f"{STUDY_DIR}/parties.parquet",
        parties_csv=f"{STUDY_DIR}/parties.csv",
    log:
        f"logs/{PLAN.name}/merge.log",
    params:
        layout=PLAN.layout(),
        code=SIMULATION_CODE,
    run:
        results, parties = merge_blocks(params.layout)
        write_table(results, output.results_parquet)
        write_table(results, output.results_csv)
        write_table(parties, output.parties_parquet)
        write_table(parties, output.parties_csv)
        with open(log[0], "w") as fh:
            print(f"merged {len(input)} blocks: {len(results)} runs", file=fh)


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
    run:
        import pandas as pd

        summary = summarize(pd.read_parquet(input[0]), params.param_names)
        write_table(summary, output.parquet)
        write_table(summary, output.csv)
        with open(log[0], "w") as fh:
            print(f"summarised {len(summary)} configs", file=fh)
