"""Faults: SIGKILL, a full disk, a read-only results directory, damaged run files.

Nothing half-written is ever taken for a result, and after the fault is
gone the same command finishes with tables identical to an uninterrupted run
(DESIGN.md, invariant 5). The disk tests mount a small tmpfs (root only);
they skip where mounting is impossible, except under CI=true where that is
a failure.
"""
from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from electoral_sim import ElectionModel, io
from electoral_sim.analysis import BatchRunner, ParameterSweep
from electoral_sim.cli import main
from electoral_sim.study import load_study

STUDY_YAML = """\
parameters:
  temperature: [0.3, 0.5, 0.7]
  economic_growth: [0.0, 0.02]
fixed_params:
  n_voters: 2000
  n_constituencies: 4
n_runs_per_config: 2
seed: 5
"""


def reference_tables(config: Path, out_dir: Path) -> dict[str, bytes]:
    """The uninterrupted batch's results.csv and summary.parquet, as bytes."""
    study = load_study(config)
    runner = BatchRunner(ElectionModel, study.sweep, n_runs_per_config=study.n_runs_per_config,
                         seed=study.seed, verbose=False)
    runner.run()
    out_dir.mkdir()
    runner.export_results(out_dir / "results.csv")
    runner.export_summary(out_dir / "summary.parquet")
    return {name: (out_dir / name).read_bytes() for name in ("results.csv", "summary.parquet")}


def batch_argv(config: Path, out_dir: Path) -> list[str]:
    return ["batch", "--config", str(config), "--output", str(out_dir / "results.csv"),
            "--summary", str(out_dir / "summary.parquet"), "--quiet"]


@pytest.fixture
def no_simulation(monkeypatch):
    @functools.wraps(ElectionModel.run_election)
    def forbid(*args, **kwargs):
        raise AssertionError("a simulation ran before the fault was detected")

    monkeypatch.setattr(ElectionModel, "run_election", forbid)


def _mount_tmpfs(mnt: Path, size: str) -> None:
    mnt.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        message = f"cannot mount a tmpfs (needs root): {proc.stderr.strip()}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def _remount(mnt: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(mnt)], check=True, capture_output=True)


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MiB tmpfs at tmp_path/disk, unmounted afterwards."""
    mnt = tmp_path / "disk"
    _mount_tmpfs(mnt, "1m")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def fill(disk: Path) -> Path:
    """Fill ``disk`` to the last byte; return the filler file."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError:
            pass
    return filler


def hidden_temps(root: Path) -> list[Path]:
    return sorted(root.rglob(".*.tmp"))


# -- SIGKILL ---------------------------------------------------------------------------
def test_sigkill_during_batch_then_rerun_gives_identical_tables(tmp_path):
    config = tmp_path / "study.yaml"
    config.write_text(STUDY_YAML.replace("n_voters: 2000", "n_voters: 400000") + "n_jobs: 2\n")
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "electoral_sim.cli", *batch_argv(config, out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while len(workers := _children(proc.pid)) < 2:  # simulating in two worker processes
            assert proc.poll() is None and time.monotonic() < deadline, "no workers started"
            time.sleep(0.05)
        time.sleep(0.5)
        proc.send_signal(signal.SIGKILL)  # the batch only, not its process group
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL, "the batch finished before it could be killed: make it bigger"
        _wait_until_gone(workers, "workers of the killed batch")
    finally:
        _kill_group(proc)
    assert os.listdir(out) == []  # nothing half-written

    config.write_text(STUDY_YAML)  # the same command, on a smaller study for speed
    assert main(batch_argv(config, out)) == 0
    expected = reference_tables(config, tmp_path / "reference")
    assert {name: (out / name).read_bytes() for name in expected} == expected
    assert hidden_temps(tmp_path) == []


KILLED_WRITER = textwrap.dedent("""
    import os, signal, sys
    import pandas as pd
    from electoral_sim.io import atomic_path
    with atomic_path(sys.argv[1]) as tmp:
        tmp.write_text("config_idx,half a row")  # half-written ...
        os.kill(os.getpid(), signal.SIGKILL)     # ... and killed: no cleanup runs
""")


def test_writer_killed_mid_write_leaves_target_untouched_and_temp_is_removed_later(tmp_path):
    target = tmp_path / "results.csv"
    target.write_text("the previous, complete table\n")
    proc = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(target)], capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    assert target.read_text() == "the previous, complete table\n"
    [stale] = hidden_temps(tmp_path)
    assert stale.name.startswith(".results.csv.") and stale.read_text() == "config_idx,half a row"

    io.write_table(pd.DataFrame({"a": [1, 2]}), target)  # the next write of the same target
    assert hidden_temps(tmp_path) == []
    assert target.read_text() == "a\n1\n2\n"


def test_temps_of_live_writers_and_other_targets_are_kept(tmp_path):
    target = tmp_path / "results.csv"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        host = io._HOST
        live = tmp_path / f".results.csv.{host}-{sleeper.pid}.abc.tmp"        # a writer still at work
        dead = tmp_path / f".results.csv.{host}-{2**22 + 12345}.abc.tmp"      # pid above pid_max: gone
        other_target = tmp_path / f".summary.csv.{host}-{2**22 + 12345}.abc.tmp"
        remote_new = tmp_path / ".results.csv.otherhost-17.abc.tmp"           # another host: by age only
        remote_old = tmp_path / ".results.csv.otherhost-18.abc.tmp"
        for path in (live, dead, other_target, remote_new, remote_old):
            path.write_text("partial")
        old = time.time() - io.STALE_AFTER - 60
        os.utime(remote_old, (old, old))
        io.write_json(target.with_suffix(".json"), {})  # another target: touches none of them
        assert dead.exists()
        io.write_json(target, {"ok": True})
        assert sorted(p.name for p in hidden_temps(tmp_path)) == sorted(
            p.name for p in (live, other_target, remote_new))
    finally:
        sleeper.kill()
        sleeper.wait()


# -- a full disk ---------------------------------------------------------------------------
def test_full_disk_fails_in_one_line_keeps_the_old_table_and_recovers(small_disk, tmp_path, capfd):
    config = tmp_path / "study.yaml"
    config.write_text(STUDY_YAML)
    out = small_disk / "out"
    out.mkdir()
    (out / "results.csv").write_text("an older complete table\n")
    filler = fill(small_disk)

    assert main(batch_argv(config, out)) == 2
    stdout, stderr = capfd.readouterr()
    assert stderr.count("\n") == 1 and "Traceback" not in stderr, stderr
    assert f"cannot write {out / 'results.csv'}: No space left on device" in stderr
    assert (out / "results.csv").read_text() == "an older complete table\n"  # not truncated
    assert sorted(os.listdir(out)) == ["results.csv"]  # no temporary file, no summary
    assert hidden_temps(small_disk) == []

    filler.unlink()  # space again: the same command completes
    assert main(batch_argv(config, out)) == 0
    expected = reference_tables(config, tmp_path / "reference")
    assert {name: (out / name).read_bytes() for name in expected} == expected


# -- a read-only results directory ---------------------------------------------------------------
def test_read_only_output_directory_fails_before_any_work(small_disk, tmp_path, capfd, no_simulation):
    config = tmp_path / "study.yaml"
    config.write_text(STUDY_YAML)
    (small_disk / "results.csv").write_text("an older complete table\n")
    _remount(small_disk, "ro")
    for argv in (batch_argv(config, small_disk),
                 batch_argv(config, small_disk / "new" / "dir")):  # would have to be created
        assert main(argv) == 2
        stdout, stderr = capfd.readouterr()
        assert stderr.count("\n") == 1 and "Traceback" not in stderr, stderr
        assert "cannot write" in stderr and "Read-only file system" in stderr, stderr
    assert os.listdir(small_disk) == ["results.csv"]
    assert (small_disk / "results.csv").read_text() == "an older complete table\n"


# -- the pipeline --------------------------------------------------------------------------------
# Each test runs the tiny study of tests/test_pipeline.py in its own copy of the repository.
PIPELINE_TABLES = tuple(f"{t}.{ext}" for t in ("results", "parties", "summary") for ext in ("parquet", "csv"))


def pipeline_helpers():
    import test_pipeline

    return test_pipeline


def batchrunner_tables(study: dict, out_dir: Path) -> dict[str, bytes]:
    """What the pipeline's tables must hold, byte for byte: BatchRunner's exports."""
    sweep = ParameterSweep(study["parameters"], fixed_params=study["fixed_params"])
    runner = BatchRunner(ElectionModel, sweep, n_runs_per_config=study["n_runs_per_config"], seed=study["seed"],
                         verbose=False)
    runner.run()
    out_dir.mkdir()
    exports = {"results": runner.export_results, "parties": runner.export_parties, "summary": runner.export_summary}
    for table in PIPELINE_TABLES:
        exports[table.split(".")[0]](out_dir / table)
    return {table: (out_dir / table).read_bytes() for table in PIPELINE_TABLES}


def pipeline_tables(root: Path, study: dict) -> dict[str, bytes]:
    return {table: (root / "results" / study["name"] / table).read_bytes() for table in PIPELINE_TABLES}


def block_files(root: Path) -> list[Path]:
    return sorted((root / "results/runs").rglob("*.parquet")) if (root / "results/runs").exists() else []


def _children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has stopped; only its exit status is left


def _wait_until_gone(pids: list[int], what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while any(_running(p) for p in pids):
        assert time.monotonic() < deadline, f"{what} {pids} outlived the kill by {seconds:.0f} s"
        time.sleep(0.05)


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def test_kill_9_of_snakemake_leaves_no_orphan_and_resumes(tmp_path):
    """SIGKILL of Snakemake alone (not its process group): its script jobs end with it."""
    tp = pipeline_helpers()
    root = tp.make_copy(tmp_path / "repo")
    name = tp.write_study(root, tp.TINY).name
    proc = subprocess.Popen([tp.SNAKEMAKE, "--cores", "2", "--configfile", name], cwd=root, env=tp._env(root),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        scripts = []
        while not scripts:
            assert proc.poll() is None, "snakemake finished before a script job started"
            assert time.monotonic() < deadline, "no script job after 300 s"
            scripts = [p for p in _children(proc.pid) if b"plot.py" in Path(f"/proc/{p}/cmdline").read_bytes()]
            time.sleep(0.05)
        proc.kill()  # SIGKILL to Snakemake only
        proc.wait(timeout=30)
        _wait_until_gone(scripts, "script jobs of the killed Snakemake")
    finally:
        _kill_group(proc)
        proc.communicate(timeout=30)

    resumed = tp.snakemake(root, "--cores", "2", "--configfile", name, timeout=600)
    if resumed.returncode != 0 and "LockException" in resumed.stdout:  # see test_pipeline's kill test
        tp.check(tp.snakemake(root, "--unlock", "--configfile", name))
        resumed = tp.snakemake(root, "--cores", "2", "--configfile", name, timeout=600)
    tp.check(resumed)
    assert pipeline_tables(root, tp.TINY) == batchrunner_tables(tp.TINY, tmp_path / "reference")
    assert hidden_temps(root / "results") == []


def test_sigterm_while_the_main_thread_holds_the_scheduler_lock_does_not_deadlock():
    # Snakemake's SIGTERM handler takes its scheduler's lock, which the main thread holds
    # while it records finished jobs; run in the main thread there, it waited forever
    # (seen with `kill` during a 2,000-block run). pipeline.handle_sigterm_on_a_thread
    # runs it on a thread: the signal returns at once and the handler runs once the lock is free.
    script = textwrap.dedent("""
        import os, signal, threading
        from electoral_sim.pipeline import handle_sigterm_on_a_thread

        lock, ran = threading.Lock(), threading.Event()
        def snakemake_like_handler(number, frame):
            with lock:
                ran.set()
        signal.signal(signal.SIGTERM, snakemake_like_handler)
        handle_sigterm_on_a_thread()
        with lock:
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(1000):  # the main thread runs the Python-level handler between bytecodes
                pass
            assert not ran.is_set()
        assert ran.wait(10)
        print("stopped")
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.strip() == "stopped", proc.stderr[-2000:]


def test_read_only_then_full_results_directory_then_recovery(tmp_path):
    tp = pipeline_helpers()
    root = tp.make_copy(tmp_path / "repo")
    name = tp.write_study(root, tp.TINY).name
    tables = [f"results/{tp.TINY['name']}/{t}" for t in PIPELINE_TABLES]  # no figures: faster
    results = root / "results"
    (results / ".gitkeep").unlink(missing_ok=True)
    results.rmdir()
    _mount_tmpfs(results, "1m")
    try:
        _remount(results, "ro")  # read-only: refused when the first job's directory is made
        proc = tp.snakemake(root, *tables, "--cores", "2", "--configfile", name, timeout=600)
        assert proc.returncode != 0
        assert "Read-only file system" in proc.stdout and "Traceback" not in proc.stdout, proc.stdout[-3000:]
        assert block_files(root) == []

        _remount(results, "rw")  # full: every block write fails, nothing half-written stays
        # (a dry run first writes the plan file, which would otherwise be the first write refused)
        tp.check(tp.snakemake(root, *tables, "-n", "--cores", "2", "--configfile", name))
        filler = fill(results)
        proc = tp.snakemake(root, *tables, "--cores", "2", "--configfile", name, timeout=600)
        assert proc.returncode != 0
        assert "No space left on device" in proc.stdout, proc.stdout[-3000:]
        assert "cannot write results/runs/" in proc.stdout, proc.stdout[-3000:]
        assert block_files(root) == [] and hidden_temps(results) == []
        assert [p.name for p in (results / tp.TINY["name"]).iterdir()] == [".plan.json"]

        filler.unlink()  # space again: the same command finishes
        tp.check(tp.snakemake(root, *tables, "--cores", "2", "--configfile", name, timeout=600))
        assert pipeline_tables(root, tp.TINY) == batchrunner_tables(tp.TINY, tmp_path / "reference")
        assert hidden_temps(results) == []
    finally:
        subprocess.run(["umount", "-l", str(results)], capture_output=True)


def test_swapped_and_corrupt_block_files_are_named_and_recovered(tmp_path):
    """The merge checks every block file; its message names the file and the way out, which works."""
    import re

    tp = pipeline_helpers()
    root = tp.make_copy(tmp_path / "repo")
    name = tp.write_study(root, tp.TINY).name
    tables = [f"results/{tp.TINY['name']}/{t}" for t in PIPELINE_TABLES]  # no figures: faster
    tp.check(tp.snakemake(root, *tables, "--cores", "2", "--configfile", name, timeout=600))
    expected = batchrunner_tables(tp.TINY, tmp_path / "reference")
    assert pipeline_tables(root, tp.TINY) == expected

    a, b, c = block_files(root)[:3]
    stamps = {p: p.stat().st_mtime_ns for p in (a, b, c)}
    swap = a.with_name("swap")
    a.rename(swap), b.rename(a), swap.rename(b)  # another configuration's runs under each name
    c.write_bytes(c.read_bytes()[: c.stat().st_size // 2])  # truncated ...
    for path, ns in stamps.items():
        os.utime(path, ns=(ns, ns))  # ... with the old timestamps: Snakemake sees nothing new

    named = []
    for _ in range(4):
        proc = tp.snakemake(root, *tables, "--cores", "2", "--configfile", name, "--forcerun", "merge",
                            timeout=600)
        if proc.returncode == 0:
            break
        match = re.search(r"(results/runs/\S+\.parquet): (.*?): delete it and run the pipeline again", proc.stdout)
        assert match, proc.stdout[-3000:]
        named.append(root / match.group(1))
        (root / match.group(1)).unlink()  # the recovery the message gives
    else:
        pytest.fail("still failing after deleting every named file")
    assert sorted(named) == sorted([a, b, c])
    assert pipeline_tables(root, tp.TINY) == expected
