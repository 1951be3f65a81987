# electoral-sim: YAML study -> blocks of runs per configuration -> tables and figures.
# Run `snakemake --cores N` (config/config.yaml) or add `--configfile config/examples/<study>.yaml`.
from snakemake.utils import min_version

min_version("9.0")


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/simulate.smk"
include: "workflow/rules/aggregate.smk"
include: "workflow/rules/plots.smk"
include: "workflow/rules/sensitivity.smk"


rule all:
    input:
        get_final_output(),
