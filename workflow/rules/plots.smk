rule plot:
    input:
        f"{STUDY_DIR}/results.parquet",
    output:
        report(
            f"{STUDY_DIR}/figures/{{param}}.png",
            caption="../report/figure.rst",
            category="Figures",
            labels={"parameter": "{param}"},
        ),
    log:
        f"logs/{PLAN.name}/plot_{{param}}.log",
    params:
        code=PLOTTING_CODE,
    conda:
        "../../environment.yml"
    script:
        "../scripts/plot.py"
