# Sobol' or Morris indices of a sobol/morris study (electoral_sim.sensitivity):
# a step over the merged results, like the summary. The tables equal
# BatchRunner.get_sensitivity() (and get_second_order_sensitivity()).
from electoral_sim.pipeline import code_fingerprint

SENSITIVITY_CODE = code_fingerprint(("sensitivity.py", "sampling.py", "plotting.py"))
SECOND_ORDER = bool(config.get("calc_second_order", False))
# the rule's outputs (tables, figure), for get_final_output() of a sobol/morris study
SENSITIVITY_TARGETS = [
    f"{STUDY_DIR}/{table}.{ext}"
    for table in ["sensitivity", *(["sensitivity_second_order"] if SECOND_ORDER else [])]
    for ext in ("parquet", "csv")
] + [f"{STUDY_DIR}/sensitivity.{ext}" for ext in ("png", "pdf")]


# a step over the merged tables: seconds of work, on the submit host on a cluster
localrules:
    sensitivity,


rule sensitivity:
    input:
        f"{STUDY_DIR}/results.parquet",
    output:
        parquet=f"{STUDY_DIR}/sensitivity.parquet",
        csv=f"{STUDY_DIR}/sensitivity.csv",
        png=report(
            f"{STUDY_DIR}/sensitivity.png",
            caption="../report/sensitivity.rst",
            category="Sensitivity",
        ),
        pdf=f"{STUDY_DIR}/sensitivity.pdf",
        **(
            {
                "second_parquet": f"{STUDY_DIR}/sensitivity_second_order.parquet",
                "second_csv": f"{STUDY_DIR}/sensitivity_second_order.csv",
            }
            if SECOND_ORDER
            else {}
        ),
    log:
        f"logs/{PLAN.name}/sensitivity.log",
    params:
        study=dict(config),
        code=SENSITIVITY_CODE,
    conda:
        "../../environment.yml"
    script:
        "../scripts/sensitivity.py"
