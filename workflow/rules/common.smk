import gc
import os
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.logging import logger
from snakemake.settings.enums import Quietness
from snakemake.utils import validate

from electoral_sim.pipeline import (
    BLOCK_NAME,
    PLOTTING_MODULES,
    code_fingerprint,
    handle_sigterm_on_a_thread,
    plan_study,
    clear_block_markers,
    start_block_pool,
    write_plan_file,
)
from electoral_sim.study import read_study_file

# The study is config/config.yaml, or the files given with --configfile (which
# replace it: nothing from the default leaks in). We read them with the same
# reader as `electoral-sim batch`, so both accept and refuse the same files.
DEFAULT_STUDY = "config/config.yaml"
STUDY_FILES = [str(f) for f in workflow.overwrite_configfiles] or [DEFAULT_STUDY]
STUDY_SOURCE = ", ".join(STUDY_FILES)


def read_study(files):
    """The study dict from one or more study files (later files override keys)."""
    data = {}
    for path in files:
        data.update(read_study_file(path))
    return data


# plan_study checks the study against workflow/schemas/config.schema.yaml and
# the model, reporting the first problem in one line that names the file and key;
# validate() is the standard check and passes once plan_study has.
try:
    config.clear()
    config.update(read_study(STUDY_FILES))
    # `--config target_seconds=N` (the cluster profiles) sets the automatic block size
    PLAN = plan_study(config, STUDY_SOURCE, workflow.config_settings.config.get("target_seconds", 1.0))
    # what the merge reads (its params), and an input of the merge that changes
    # exactly when the plan does (see write_plan_file)
    LAYOUT = PLAN.layout()
    PLAN_FILE = write_plan_file(PLAN, LAYOUT)
except (ValueError, OSError) as error:
    raise WorkflowError(str(error)) from None
validate(config, schema="../schemas/config.schema.yaml", set_default=False)
CANONICAL = PLAN.canonical_by_id()
SIMULATION_CODE = PLAN.code
# the simulation targets of this run (checked once: a stat per block of the study)
MISSING_BLOCKS = PLAN.missing_blocks()
PLOTTING_CODE = code_fingerprint(PLOTTING_MODULES)
STUDY_DIR = f"results/{PLAN.name}"
# Local runs simulate blocks in a pool of `--cores` processes (Snakemake's job
# threads share one interpreter lock); a cluster job runs its one block in-process.
def local_cores():
    """--cores, or 1 where it is not given (--unlock, --lint, --report)."""
    try:
        return workflow.cores or 1
    except WorkflowError:
        return 1


BLOCK_WORKERS = 1 if workflow.remote_exec else local_cores()
TABLES = ("results", "parties", "summary")


wildcard_constraints:
    block=BLOCK_NAME,


def remove_stale_outputs():
    """Delete figures and sensitivity outputs in results/<name>/ that this study does not make.

    They belong to an older study with the same name and would be mistaken
    for current ones. Runs when jobs start (not in a dry run); tables are
    always outputs of the current study and are rebuilt when it changes.
    """
    current = {os.path.normpath(f) for f in get_final_output()}
    study_dir = Path(STUDY_DIR)
    ours = [*(study_dir / "figures").glob("*.png"), *(study_dir / "figures").glob("*.pdf"),
            *(p for p in study_dir.glob("sensitivity*") if p.suffix in (".parquet", ".csv", ".png", ".pdf"))]
    for path in ours:
        if os.path.normpath(path) not in current:
            path.unlink(missing_ok=True)
            logger.info(f"removed {path}: an output of an older study named {PLAN.name!r}")


def drop_local_job_rate_limit():
    """Let a local run start jobs as fast as they finish.

    Snakemake's command line caps job starts at 100 per second
    (--max-jobs-per-timespan "100/1s"; its Python API has no cap). Under the
    cap every scheduling round arms a one-second timer that wakes the scheduler
    for another round, which arms another timer: wake-ups multiply with
    finished jobs (each scans every job), and the process waits for the last
    timer before it exits (1 s of a 6 s, 100-target study). A cap protects a
    cluster's queue, not the local machine: cluster runs keep it.
    """
    if workflow.local_exec and hasattr(workflow, "scheduler"):
        workflow.scheduler.job_rate_limiter = None


def take_the_short_dry_run():
    """In a dry run whose job lines are hidden, skip formatting them.

    Every profile hides each job's lines (quiet: rules), yet Snakemake's dry
    run still formats them all (inputs, outputs, resources, reason): about
    0.7 ms a job, 6 of 17 s for a 10^4-target study. It skips that pass when
    quiet is exactly {rules, progress}, its own `--quiet` dry run; this asks
    for that path. The logger keeps the quiet set it was built with, so the
    job table still prints; Snakemake's "Reasons" summary goes with the pass
    (`snakemake -n --quiet host` lists every job with its reason).
    """
    settings = workflow.output_settings
    quiet = settings.quiet or set()  # None without a profile
    if not settings.dryrun or Quietness.RULES not in quiet or Quietness.PROGRESS in quiet:
        return
    settings.quiet = {Quietness.RULES, Quietness.PROGRESS}  # a new set: the logger's stays as it was
    logger.info(f"Dry run of study {PLAN.name!r}: {len(MISSING_BLOCKS)} of {len(PLAN.block_files())} "
                f"blocks of runs to simulate.")


take_the_short_dry_run()


onstart:
    # onstart runs before any job, not in dry runs: the pool is forked while
    # this process still has one thread (start_block_pool checks); the executor
    # is known by now, and a cluster's submit host needs no pool
    if BLOCK_WORKERS > 1 and workflow.local_exec and MISSING_BLOCKS:
        start_block_pool(BLOCK_WORKERS)
    drop_local_job_rate_limit()
    handle_sigterm_on_a_thread()
    remove_stale_outputs()
    clear_block_markers()


onsuccess:
    # Python's exit collects every object Snakemake built (0.35 s at 100
    # targets); they are freed with the process anyway.
    gc.freeze()


def report_missing_blocks():
    """After a failed run: which blocks are still missing and where their logs are."""
    missing = PLAN.missing_blocks()
    if not missing:
        return
    shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
    logger.error(
        f"{len(missing)} of {len(PLAN.block_files())} blocks are still missing: {shown}. "
        "Run the same command again to compute them. A block's log is "
        "logs/runs/<code>/<config_id>/seed<base>/runs<first>-<last>.log; on SLURM also "
        "logs/slurm/rule_simulate/<code>_<config_id>_seed<base>_runs<first>-<last>/<job id>.log"
    )


onerror:
    report_missing_blocks()


def get_final_output():
    """Tables and figures of the study."""
    tables = [f"{STUDY_DIR}/{t}.{ext}" for t in TABLES for ext in ("parquet", "csv")]
    # figures: electoral_sim.plotting.figure_specs (workflow/rules/plots.smk)
    outputs = tables + FIGURE_FILES + [f"{STUDY_DIR}/provenance.json"]
    if config.get("sweep_type") in ("sobol", "morris"):
        outputs += SENSITIVITY_TARGETS  # workflow/rules/sensitivity.smk
    return outputs
