# Figures of the study (electoral_sim.plotting.figure_specs decides which: one
# per swept parameter, heatmaps and a paired system comparison for grids), each
# a 300 dpi PNG (in the report) and a PDF; and the study's provenance record.
import re

from electoral_sim.plotting import figure_specs
from electoral_sim.provenance import write_provenance

FIGURES = figure_specs(config)
FIGURE_FILES = [f"{STUDY_DIR}/figures/{name}.{ext}" for name in FIGURES for ext in ("png", "pdf")]


# seconds of work each: on a cluster they run on the submit host, not as cluster jobs
localrules:
    plot,
    provenance,


rule plot:
    input:
        results=f"{STUDY_DIR}/results.parquet",
        summary=f"{STUDY_DIR}/summary.parquet",
    output:
        png=report(
            f"{STUDY_DIR}/figures/{{figure}}.png",
            caption="../report/figure.rst",
            category="Figures",
            labels={"figure": "{figure}"},
        ),
        pdf=f"{STUDY_DIR}/figures/{{figure}}.pdf",
    wildcard_constraints:
        figure="|".join(map(re.escape, FIGURES)) or "(?!)",
    log:
        f"logs/{PLAN.name}/plot_{{figure}}.log",
    params:
        spec=lambda wildcards: FIGURES[wildcards.figure],
        code=PLOTTING_CODE,
    conda:
        "../../environment.yml"
    script:
        "../scripts/plot.py"


rule provenance:
    input:
        f"{STUDY_DIR}/results.parquet",
    output:
        f"{STUDY_DIR}/provenance.json",
    log:
        f"logs/{PLAN.name}/provenance.log",
    params:
        study=config,
        code=SIMULATION_CODE,
    run:
        write_provenance(output[0], params.study, params.study["seed"], log[0])
