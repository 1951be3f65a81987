rule merge:
    input:
        PLAN.run_files(),
    output:
        parquet=f"{STUDY_DIR}/results.parquet",
        csv=f"{STUDY_DIR}/results.csv",
    log:
        f"logs/{PLAN.name}/merge.log",
    params:
        layout=PLAN.layout(),
    conda:
        "../../environment.yml"
    script:
        "../scripts/merge.py"


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
    conda:
        "../../environment.yml"
    script:
        "../scripts/summarize.py"
