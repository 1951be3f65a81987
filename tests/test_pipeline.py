"""The Snakemake pipeline, end to end, in temporary copies of the repository.

Every ``snakemake`` call runs in a subprocess, with a timeout, in a copy of the
repository under pytest's tmp_path (never in the checkout itself). One
session-scoped template copy runs a tiny study once; tests that change files
work on clones of it (``shutil.copytree`` keeps mtimes and ``.snakemake/``
metadata, so Snakemake sees the clone as up to date).

The copy includes ``electoral_sim/`` (``workflow/schemas/config.schema.yaml``
is a symlink into it) and every snakemake subprocess gets the copy on
``PYTHONPATH``, so the Snakefile, its ``run:`` jobs and its ``script:`` jobs all
import the copy's package: editing the copy's simulation code is how the
code-fingerprint test invalidates cached runs without touching the checkout.
"""
from __future__ import annotations

import os
import re
import shutil
import sys
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from pandas.testing import assert_frame_equal

from electoral_sim import ElectionModel
from electoral_sim.analysis import BatchRunner, ParameterSweep
from electoral_sim.pipeline import simulation_code
from electoral_sim.plotting import figure_specs
from electoral_sim.runs import ID_COLUMNS, run_record

REPO = Path(__file__).resolve().parents[1]
# snakemake is a runtime dependency: beside this interpreter in a venv, else on PATH
_BESIDE = Path(sys.executable).with_name("snakemake")
SNAKEMAKE = str(_BESIDE) if _BESIDE.exists() else shutil.which("snakemake")
TABLES = tuple(f"{t}.{ext}" for t in ("results", "parties", "summary") for ext in ("parquet", "csv"))
#: the metric columns of ElectionModel, in order
METRICS = list(run_record(ElectionModel(n_voters=100, n_constituencies=1, seed=0).run_election())["metrics"])

assert SNAKEMAKE, "snakemake is a dependency of electoral-sim: pip install -e ."

# Differs from config/config.yaml on purpose: other swept parameters (default
# sweeps electoral_system, temperature, economic_growth), no n_constituencies
# (default fixes it to 10), other n_runs_per_config and seed.
TINY = {
    "name": "tiny",
    "parameters": {"electoral_system": ["FPTP", "PR"], "anti_incumbency": [0.0, 0.2]},
    "fixed_params": {"n_voters": 2000},
    "sweep_type": "grid",
    "n_runs_per_config": 2,
    "seed": 7,
}
N_TINY = 2 * 2 * 2
N_TINY_BLOCKS = 2 * 2  # 2 runs of 2,000 voters fit in one block per config
TINY_FIGURES = sorted(figure_specs(TINY))


# -- helpers ---------------------------------------------------------------------
def _repo_files() -> list[str]:
    """The checkout's files that are tracked or not ignored (no results/, logs/, .snakemake/)."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, capture_output=True, check=True, timeout=30,
    ).stdout.decode()
    keep = []
    for name in sorted(set(filter(None, out.split("\0")))):
        if name.startswith(("tests/", "bench/", ".ci/")):
            continue
        if os.path.lexists(REPO / name):  # skip files deleted in the working tree
            keep.append(name)
    return keep


def make_copy(dest: Path) -> Path:
    """Copy the repository's files into ``dest`` (symlinks stay symlinks)."""
    for name in _repo_files():
        src, dst = REPO / name, dest / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            os.symlink(os.readlink(src), dst)
        else:
            shutil.copy2(src, dst)
    # the copy must be self-contained, and must not share outputs with the checkout
    assert (dest / "profiles").is_symlink()
    assert (dest / "workflow/schemas/config.schema.yaml").exists()
    assert not (dest / "results/runs").exists() and not (dest / ".snakemake").exists()
    return dest


def clone(src: Path, dest: Path) -> Path:
    """A copy of a copy, outputs and .snakemake metadata included, mtimes kept."""
    shutil.copytree(src, dest, symlinks=True)
    return dest


def write_study(root: Path, study: dict, name: str = "study.yaml") -> Path:
    path = root / name
    path.write_text(yaml.safe_dump(study, sort_keys=False))
    return path


def _env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    env["MPLBACKEND"] = "Agg"
    env.pop("SNAKEMAKE_PROFILE", None)
    return env


def snakemake(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run snakemake in ``root``; stdout and stderr are merged into ``.stdout``."""
    assert root.resolve() != REPO.resolve(), "never run snakemake in the checkout"
    return subprocess.run(
        [SNAKEMAKE, *args], cwd=root, env=_env(root), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, timeout=timeout,
    )


def check(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 0, f"snakemake {proc.args[1:]} failed:\n{proc.stdout[-5000:]}"
    return proc.stdout


def job_stats(output: str) -> dict[str, int]:
    """Rule -> job count from the 'Job stats' table ({} when nothing is to be done)."""
    if "Nothing to be done" in output:
        return {}
    lines = output.splitlines()
    start = lines.index("Job stats:")
    stats = {}
    for line in lines[start + 3:]:
        m = re.fullmatch(r"(\S+)\s+(\d+)", line.strip())
        if not m or m.group(1) == "total":
            break
        stats[m.group(1)] = int(m.group(2))
    return stats


def run_files(root: Path) -> dict[str, tuple[int, int]]:
    """Every block file under results/runs -> (mtime_ns, inode)."""
    return {str(p.relative_to(root)): (p.stat().st_mtime_ns, p.stat().st_ino)
            for p in sorted((root / "results/runs").glob("*/*/seed*/runs*.parquet"))}


def tree_state(root: Path, sub: str = "results") -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_mtime_ns, p.stat().st_ino)
            for p in sorted((root / sub).rglob("*")) if p.is_file()}


def expected_columns(study: dict) -> list[str]:
    return [*ID_COLUMNS, *study["parameters"], *study.get("fixed_params", {}), *METRICS, "winner"]


# -- the template: one tiny study, run once per session -----------------------------
@pytest.fixture(scope="session")
def template(tmp_path_factory):
    root = make_copy(tmp_path_factory.mktemp("template") / "repo")
    study = write_study(root, TINY, "tiny.yaml")
    out = check(snakemake(root, "--cores", "2", "--configfile", study.name))
    return {"root": root, "output": out, "study": study.name}


# -- 1. end to end -----------------------------------------------------------------------
def test_tiny_study_produces_every_output(template):
    root, name = template["root"], TINY["name"]
    assert job_stats(template["output"]) == {
        "simulate": N_TINY_BLOCKS, "merge": 1, "summarize": 1, "plot": len(TINY_FIGURES), "provenance": 1,
        "all": 1}
    study_dir = root / "results" / name
    for table in TABLES:
        assert (study_dir / table).stat().st_size > 0, table
    figures = sorted(p.name for p in (study_dir / "figures").iterdir())
    assert figures == sorted(f"{f}.{ext}" for f in TINY_FIGURES for ext in ("pdf", "png"))
    # one block file per config (runs 0-1 of base seed 7), one log per job
    results = pd.read_parquet(study_dir / "results.parquet")
    code = simulation_code()
    runs = {f"results/runs/{code}/{cid}/seed{TINY['seed']}/runs0-1.parquet" for cid in results["config_id"]}
    assert len(runs) == N_TINY_BLOCKS and len(results) == N_TINY
    assert set(run_files(root)) == runs
    logs = {str(p.relative_to(root)) for p in (root / "logs").rglob("*") if p.is_file()}
    assert logs == {r.replace("results/", "logs/").replace(".parquet", ".log") for r in runs} | {
        f"logs/{name}/{step}.log" for step in ("merge", "summarize")} | {
        f"logs/{name}/plot_{f}.log" for f in TINY_FIGURES} | {f"logs/{name}/provenance.log"}
    # the csv and parquet tables hold the same numbers
    assert_frame_equal(pd.read_csv(study_dir / "results.csv"), results, check_dtype=False,
                       check_exact=False, rtol=1e-15)
    # nothing half-written left behind
    assert not list((root / "results").rglob("*.tmp"))


# -- 2. --configfile replaces the default study -------------------------------------------
def test_configfile_does_not_inherit_default_config(template, tmp_path):
    default = yaml.safe_load((REPO / "config/config.yaml").read_text())
    results = pd.read_parquet(template["root"] / "results/tiny/results.parquet")
    summary = pd.read_parquet(template["root"] / "results/tiny/summary.parquet")
    assert list(results.columns) == expected_columns(TINY)
    assert len(results) == N_TINY
    assert len(summary) == N_TINY // TINY["n_runs_per_config"]
    assert (summary["n_runs"] == TINY["n_runs_per_config"]).all()
    absent = (set(default["parameters"]) | set(default.get("fixed_params", {}))) - set(results.columns)
    assert absent, "the test study must leave out some of the default study's parameters"
    assert not absent & set(summary.columns)
    assert not (template["root"] / "results" / default["name"]).exists()

    # keys the study leaves out take the schema defaults, not config/config.yaml's values
    root = make_copy(tmp_path / "repo")
    minimal = {"name": "minimal", "parameters": {"electoral_system": ["FPTP", "PR"]}, "seed": 3}
    assert default.get("n_runs_per_config", 1) != 1 and default.get("fixed_params")
    out = check(snakemake(root, "-n", "--cores", "2", "--configfile", write_study(root, minimal).name))
    assert job_stats(out) == {"simulate": 2, "merge": 1, "summarize": 1, "plot": len(figure_specs(minimal)),
                              "provenance": 1, "all": 1}
    assert "results/default/" not in out


# -- 3. parity with BatchRunner ------------------------------------------------------------
def test_pipeline_tables_equal_batchrunner(template, tmp_path):
    study_dir = template["root"] / "results" / TINY["name"]
    sweep = ParameterSweep(TINY["parameters"], fixed_params=TINY["fixed_params"], sweep_type=TINY["sweep_type"])
    runner = BatchRunner(ElectionModel, sweep, n_runs_per_config=TINY["n_runs_per_config"],
                         seed=TINY["seed"], verbose=False)
    expected = runner.run()
    assert_frame_equal(pd.read_parquet(study_dir / "results.parquet"), expected, check_exact=True)
    assert_frame_equal(pd.read_parquet(study_dir / "summary.parquet"), runner.get_summary_stats(),
                       check_exact=True)
    # same bytes as BatchRunner's own export
    assert_frame_equal(pd.read_parquet(study_dir / "parties.parquet"), runner.party_results, check_exact=True)
    exports = {"results": runner.export_results, "parties": runner.export_parties, "summary": runner.export_summary}
    for table in TABLES:
        exports[table.split(".")[0]](tmp_path / table)
    for table in TABLES:
        assert (study_dir / table).read_bytes() == (tmp_path / table).read_bytes(), table
    # a row is reproducible from its own columns
    row = expected.iloc[-1]
    params = {k: row[k].item() if hasattr(row[k], "item") else row[k]
              for k in [*TINY["parameters"], *TINY["fixed_params"]]}
    again = ElectionModel(**params, seed=int(row["seed"])).run_election()
    np.testing.assert_array_equal([float(again[m]) for m in METRICS], row[METRICS].to_numpy(float))


# -- 4. caching ----------------------------------------------------------------------------
def test_growing_the_study_computes_only_new_runs(template, tmp_path):
    root = clone(template["root"], tmp_path / "repo")
    before = run_files(root)
    old = pd.read_parquet(root / "results/tiny/results.parquet")
    assert len(before) == N_TINY_BLOCKS

    # a new value in the middle of the grid: only its cells run
    grown = {**TINY, "parameters": {**TINY["parameters"], "anti_incumbency": [0.0, 0.1, 0.2]}}
    out = check(snakemake(root, "--cores", "2", "--configfile", write_study(root, grown).name))
    assert job_stats(out)["simulate"] == 2
    after = run_files(root)
    assert set(before) < set(after) and len(after) == N_TINY_BLOCKS + 2
    assert {k: after[k] for k in before} == before, "existing run files were rewritten"
    new = pd.read_parquet(root / "results/tiny/results.parquet")
    assert len(new) == 12 and new["config_idx"].tolist() == sorted(new["config_idx"])
    keep = ["config_id", "run_idx", "seed", *TINY["parameters"], *METRICS]
    assert_frame_equal(new[keep].merge(old[["config_id", "run_idx"]]), old[keep], check_exact=True)

    # more runs per config: each config's partial block (runs 0-1) is recomputed as runs 0-2;
    # the old block files stay as they were
    more = {**grown, "n_runs_per_config": 3}
    out = check(snakemake(root, "--cores", "2", "--configfile", write_study(root, more).name))
    assert job_stats(out)["simulate"] == 6
    final = run_files(root)
    assert len(final) == 12 and {k: final[k] for k in after} == after
    assert sum(k.endswith("runs0-2.parquet") for k in final) == 6
    three = pd.read_parquet(root / "results/tiny/results.parquet")
    assert len(three) == 18
    assert_frame_equal(three[three["run_idx"] < 2][keep].reset_index(drop=True),
                       new.sort_values(["config_idx", "run_idx"])[keep].reset_index(drop=True),
                       check_exact=True)

    # the same command again does nothing and touches nothing
    state = tree_state(root)
    out = check(snakemake(root, "--cores", "2", "--configfile", "study.yaml"))
    assert "Nothing to be done" in out
    assert tree_state(root) == state


def test_runs_per_target_sets_blocks_and_growth_adds_only_new_blocks(template, tmp_path):
    root = clone(template["root"], tmp_path / "repo")
    small = {**TINY, "runs_per_target": 1}
    out = check(snakemake(root, "--cores", "2", "--configfile", write_study(root, small).name))
    assert job_stats(out)["simulate"] == N_TINY  # one run per block
    before = run_files(root)
    more = {**small, "n_runs_per_config": 3}
    out = check(snakemake(root, "--cores", "2", "--configfile", write_study(root, more).name))
    assert job_stats(out)["simulate"] == N_TINY_BLOCKS  # runs2-2 of each config, nothing else
    after = run_files(root)
    assert {k: after[k] for k in before} == before
    assert {k for k in after if k not in before} == {
        k.replace("runs1-1", "runs2-2") for k in before if k.endswith("runs1-1.parquet")}
    # the tables equal the tables of the default block size
    grown = pd.read_parquet(root / "results/tiny/results.parquet")
    runner = BatchRunner(ElectionModel, ParameterSweep(TINY["parameters"], fixed_params=TINY["fixed_params"]),
                         n_runs_per_config=3, seed=TINY["seed"], verbose=False)
    assert_frame_equal(grown, runner.run(), check_exact=True)


def test_plot_script_change_reruns_only_plots(template, tmp_path):
    root = clone(template["root"], tmp_path / "repo")
    with open(root / "workflow/scripts/plot.py", "a") as fh:
        fh.write("\n# a cosmetic change\n")
    out = check(snakemake(root, "-n", "--cores", "2", "--configfile", template["study"]))
    assert job_stats(out) == {"plot": len(TINY_FIGURES), "all": 1}


def test_simulation_code_change_reruns_simulations(template, tmp_path):
    root = clone(template["root"], tmp_path / "repo")
    with open(root / "electoral_sim/metrics.py", "a") as fh:
        fh.write("\n# a change to the simulation code\n")
    out = check(snakemake(root, "-n", "--cores", "2", "--configfile", template["study"]))
    assert job_stats(out) == {"simulate": N_TINY_BLOCKS, "merge": 1, "summarize": 1,
                              "plot": len(TINY_FIGURES), "provenance": 1, "all": 1}
    # the profile's dry run: one line on the study's blocks and the job table, no per-job pass
    assert f"Dry run of study 'tiny': {N_TINY_BLOCKS} of {N_TINY_BLOCKS} blocks of runs to simulate." in out
    assert out.count("Job stats:") == 1 and "Reasons:" not in out, out
    # --quiet host (rules shown) is Snakemake's full dry run: every job with its reason
    listed = check(snakemake(root, "-n", "--quiet", "host", "--cores", "2", "--configfile", template["study"]))
    assert listed.count("rule simulate:") == N_TINY_BLOCKS and "Reasons:" in listed
    assert "Dry run of study" not in listed
    # the new blocks go under the new code's fingerprint; the old code's blocks stay as they were
    before = run_files(root)
    check(snakemake(root, "--cores", "2", "--configfile", template["study"]))
    after = run_files(root)
    assert {k: after[k] for k in before} == before
    new_codes = {k.split("/")[2] for k in set(after) - set(before)}
    old_codes = {k.split("/")[2] for k in before}
    assert len(new_codes) == 1 and not new_codes & old_codes and len(after) == 2 * N_TINY_BLOCKS


def test_study_change_without_snakemake_metadata_rebuilds_the_tables(template, tmp_path):
    # fewer configurations need no new block: the merge's missing-block inputs are empty,
    # and without .snakemake/ there is no params record either; the plan file's mtime reruns it
    root = clone(template["root"], tmp_path / "repo")
    shutil.rmtree(root / ".snakemake")
    fewer = {**TINY, "parameters": {**TINY["parameters"], "anti_incumbency": [0.2]}}
    out = check(snakemake(root, "--cores", "2", "--configfile", write_study(root, fewer).name))
    assert "simulate" not in job_stats(out) and job_stats(out)["merge"] == 1
    results = pd.read_parquet(root / "results/tiny/results.parquet")
    assert sorted(set(results["anti_incumbency"])) == [0.2] and len(results) == N_TINY // 2
    # the same study again: the plan file is not rewritten, so nothing reruns
    state = tree_state(root)
    assert "Nothing to be done" in check(snakemake(root, "--cores", "2", "--configfile", "study.yaml"))
    assert tree_state(root) == state


# -- 5. bad studies fail before anything runs -------------------------------------------------
BAD_STUDIES = {
    "typo_key": ({**TINY, "n_runs_per_conifg": 2}, ["n_runs_per_conifg"]),
    "wrong_type": ({**TINY, "n_runs_per_config": "three"}, ["n_runs_per_config", "three"]),
    "unknown_parameter": ({**TINY, "parameters": {"temprature": [0.3, 0.5]}},
                          ["bad.yaml", "unknown parameter 'temprature'", "did you mean 'temperature'"]),
    "missing_seed": ({k: v for k, v in TINY.items() if k != "seed"}, ["bad.yaml", "'seed'"]),
    "impossible_value": ({**TINY, "parameters": {"electoral_system": ["FTPP"]}},
                         ["bad.yaml", "electoral_system", "FTPP"]),
}


@pytest.mark.parametrize("case", list(BAD_STUDIES))
def test_bad_study_fails_before_any_job(case, tmp_path):
    study, needles = BAD_STUDIES[case]
    root = make_copy(tmp_path / "repo")
    proc = snakemake(root, "--cores", "2", "--configfile", write_study(root, study, "bad.yaml").name)
    assert proc.returncode != 0, proc.stdout
    for needle in needles:
        assert needle in proc.stdout, f"{needle!r} not in:\n{proc.stdout[-3000:]}"
    assert "Job stats" not in proc.stdout and "rule simulate" not in proc.stdout
    assert not (root / "results/runs").exists()
    assert not (root / "results" / TINY["name"]).exists()
    assert not (root / "logs").exists()


# -- 6. kill and resume --------------------------------------------------------------------
RESUME = {
    "name": "resume",
    "parameters": {"temperature": [round(0.1 + 0.05 * i, 2) for i in range(30)]},
    "fixed_params": {"n_voters": 300_000, "n_constituencies": 10},
    "n_runs_per_config": 2,
    "seed": 11,
}
N_RESUME = 30  # blocks: one per config (2 runs of 300k voters)


def test_killed_run_resumes_to_identical_tables(tmp_path):
    ref = make_copy(tmp_path / "reference")
    victim = make_copy(tmp_path / "victim")
    name = write_study(ref, RESUME).name
    write_study(victim, RESUME)
    tables = [f"results/{RESUME['name']}/{t}" for t in TABLES]

    proc = subprocess.Popen([SNAKEMAKE, "--cores", "2", "--configfile", name], cwd=victim, env=_env(victim),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while len(run_files(victim) if (victim / "results/runs").exists() else {}) < 4:
            if proc.poll() is not None:
                pytest.fail("snakemake finished before it could be killed (make RESUME bigger):\n"
                            + proc.stdout.read().decode()[-3000:])
            assert time.monotonic() < deadline, "no run file after 60 s"
            time.sleep(0.01)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
    done = len(run_files(victim))
    assert 0 < done < N_RESUME, f"killed with {done} of {N_RESUME} block files"
    assert not any((victim / t).exists() for t in tables)
    stale_lock = any((victim / ".snakemake/locks").glob("*"))

    # Resume with the same command. Snakemake 9.27 leaves .snakemake/locks/ behind after
    # SIGKILL and the next run stops with LockException until `snakemake --unlock`
    # (which keeps .snakemake/incomplete/). The jobs in flight are marked incomplete;
    # if one had already renamed its output into place, the profile's
    # rerun-incomplete re-runs it (without it: IncompleteFilesException).
    resumed = snakemake(victim, "--cores", "2", "--configfile", name)
    if resumed.returncode != 0 and "LockException" in resumed.stdout:
        assert stale_lock
        assert "Unlocked" in check(snakemake(victim, "--unlock", "--configfile", name))
        resumed = snakemake(victim, "--cores", "2", "--configfile", name)
    stats = job_stats(check(resumed))
    assert N_RESUME - done <= stats["simulate"] <= N_RESUME - done + 2  # + jobs caught mid-bookkeeping

    # the uninterrupted reference (tables only)
    check(snakemake(ref, *tables, "--cores", "2", "--configfile", name))
    for table in tables:
        assert (victim / table).read_bytes() == (ref / table).read_bytes(), table
    assert len(run_files(victim)) == N_RESUME
    assert not list((victim / "results").rglob("*.tmp")), "temporary files left behind"
    assert not any((victim / ".snakemake/incomplete").glob("*"))
    assert not any((victim / ".snakemake/locks").glob("*"))


def test_default_profile_reruns_incomplete_jobs(template, tmp_path):
    # After SIGKILL, outputs already renamed into place can still be marked incomplete
    # (.snakemake/incomplete/<urlsafe base64 of the path>). A block file is written whole
    # (temporary file + rename) and named by everything it depends on, so it is kept:
    # it is not even in the DAG; its marker is cleared. A table marked incomplete is rebuilt by the default
    # profile's rerun-incomplete; without it Snakemake stops with IncompleteFilesException.
    import base64

    root = clone(template["root"], tmp_path / "repo")
    blocks = run_files(root)
    table = "results/tiny/results.parquet"
    for path in (sorted(blocks)[0], table):
        marker = root / ".snakemake/incomplete" / base64.urlsafe_b64encode(path.encode()).decode()
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text('{"external_jobid": null}')
    tables = {t: (root / "results/tiny" / t).read_bytes() for t in TABLES}

    stopped = snakemake(root, "--workflow-profile", "none", "-n", "--cores", "2", "--configfile", template["study"])
    assert stopped.returncode != 0 and "IncompleteFilesException" in stopped.stdout, stopped.stdout[-3000:]
    assert table in stopped.stdout

    out = check(snakemake(root, "--cores", "2", "--configfile", template["study"]))
    assert "simulate" not in job_stats(out) and job_stats(out)["merge"] == 1
    assert run_files(root) == blocks
    # the table's marker went with its rebuild; the block's was cleared (pipeline.clear_block_markers)
    assert not any((root / ".snakemake/incomplete").iterdir())
    for name, before in tables.items():
        assert (root / "results/tiny" / name).read_bytes() == before, name


# -- 7. lint -------------------------------------------------------------------------------
def test_lint_is_clean(template, tmp_path):
    root = clone(template["root"], tmp_path / "repo")
    proc = snakemake(root, "--lint")
    assert proc.returncode == 0, proc.stdout
    assert "Lints for" not in proc.stdout, proc.stdout
    assert "good condition" in proc.stdout


# -- 9. the report ---------------------------------------------------------------------------
def test_report_bundles_every_figure(template, tmp_path):
    root = clone(template["root"], tmp_path / "repo")
    check(snakemake(root, "--report", "report.html", "--configfile", template["study"], timeout=300))
    html = (root / "report.html").read_text(errors="replace")
    # self-contained: every figure's own bytes are embedded (base64), not only its name
    import base64

    pngs = sorted((root / "results/tiny/figures").glob("*.png"))
    assert {f"{param}.png" for param in TINY["parameters"]} <= {p.name for p in pngs}
    for png in pngs:
        assert base64.b64encode(png.read_bytes()).decode() in html, png.name
    assert "Figures" in html  # the report category of the plot rule


# -- 10. any model class ----------------------------------------------------------------------
TOY_MODEL = '''
import numpy as np


class Toy:
    """A model with ElectionModel's interface: two parameters, one random draw per run."""

    def __init__(self, a=1.0, b=0.0, seed=None):
        self.a, self.b, self.rng = a, b, np.random.default_rng(seed)

    def run_election(self):
        x = self.rng.random()
        return {"y": self.a * x + self.b, "x": x, "label": "not a metric", "flag": True}
'''


def test_pipeline_runs_any_model_class_like_batchrunner(tmp_path, monkeypatch):
    root = make_copy(tmp_path / "repo")
    (root / "toymodel.py").write_text(TOY_MODEL)
    study = {"name": "toy", "model": "toymodel:Toy", "parameters": {"a": [1.0, 2.0], "b": [0.0, 0.5]},
             "n_runs_per_config": 3, "seed": 5}
    out = check(snakemake(root, f"results/toy/results.parquet", "results/toy/summary.parquet",
                          "--cores", "2", "--configfile", write_study(root, study).name))
    assert job_stats(out)["simulate"] == 4
    monkeypatch.syspath_prepend(str(root))
    from toymodel import Toy

    runner = BatchRunner(Toy, ParameterSweep(study["parameters"]), n_runs_per_config=3, seed=5, verbose=False)
    expected = runner.run()
    assert list(expected.columns) == [*ID_COLUMNS, "a", "b", "y", "x"]  # numeric scalars only
    got = pd.read_parquet(root / "results/toy/results.parquet")
    assert_frame_equal(got, expected, check_exact=True)
    assert_frame_equal(pd.read_parquet(root / "results/toy/summary.parquet"), runner.get_summary_stats(),
                       check_exact=True)
    # the metric is the model's own function of its parameters
    assert np.allclose(got["y"], got["a"] * got["x"] + got["b"])
