import copy

from snakemake.utils import validate

from electoral_sim.pipeline import code_fingerprint, plan_study


# `--configfile` names the whole study: Snakemake would merge it into the
# default study (leaking its parameters), so start again from the given files.
if workflow.overwrite_configfiles:
    config.clear()
    config.update(copy.deepcopy(workflow.config_settings.overwrite_config))

STUDY_SOURCE = ", ".join(map(str, workflow.overwrite_configfiles)) or "config/config.yaml"


validate(config, schema="../schemas/config.schema.yaml", set_default=False)


PLAN = plan_study(config, STUDY_SOURCE)
CANONICAL = PLAN.canonical_by_id()
CODE = code_fingerprint()
STUDY_DIR = f"results/{PLAN.name}"


wildcard_constraints:
    config_id="[0-9a-f]{12}",
    seed="[0-9]+",


SWEPT = list(config["parameters"])


def get_final_output():
    """Tables and figures of the study."""
    tables = [f"{STUDY_DIR}/{t}.{ext}" for t in ("results", "summary") for ext in ("parquet", "csv")]
    return tables + [f"{STUDY_DIR}/figures/{param}.png" for param in SWEPT]
