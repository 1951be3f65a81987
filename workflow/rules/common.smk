import copy

from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from electoral_sim.pipeline import (
    PLOTTING_MODULES,
    SIMULATION_MODULES,
    code_fingerprint,
    plan_study,
)


# `--configfile` names the whole study: Snakemake would merge it into the
# default study (leaking its parameters), so start again from the given files.
if workflow.overwrite_configfiles:
    config.clear()
    config.update(copy.deepcopy(workflow.config_settings.overwrite_config))

STUDY_SOURCE = ", ".join(map(str, workflow.overwrite_configfiles)) or "config/config.yaml"


# plan_study checks the study against workflow/schemas/config.schema.yaml and
# the model, reporting the first problem in one line that names the file and key;
# validate() is the standard check and passes once plan_study has.
try:
    PLAN = plan_study(config, STUDY_SOURCE)
except ValueError as error:
    raise WorkflowError(str(error)) from None
validate(config, schema="../schemas/config.schema.yaml", set_default=False)
CANONICAL = PLAN.canonical_by_id()
SIMULATION_CODE = code_fingerprint(SIMULATION_MODULES)
PLOTTING_CODE = code_fingerprint(PLOTTING_MODULES)
STUDY_DIR = f"results/{PLAN.name}"


wildcard_constraints:
    config_id="[0-9a-f]{12}",
    seed="[0-9]+",


SWEPT = list(config["parameters"])


def get_final_output():
    """Tables and figures of the study."""
    tables = [f"{STUDY_DIR}/{t}.{ext}" for t in ("results", "summary") for ext in ("parquet", "csv")]
    return tables + [f"{STUDY_DIR}/figures/{param}.png" for param in SWEPT]
