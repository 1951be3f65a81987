"""The ``electoral-sim batch`` command: study files in JSON and YAML, in-process and as a subprocess."""
from __future__ import annotations

import functools
import json
import os
import subprocess
import sys

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from electoral_sim import ElectionModel
from electoral_sim.analysis import BatchRunner, ParameterSweep
from electoral_sim.cli import main

ID_COLUMNS = ["config_idx", "config_id", "run_idx", "seed"]
#: ElectionModel's metric columns, in the order of its result dict
METRICS = ["turnout", "gallagher", "loosemore_hanby", "enp_votes", "enp_seats", "vse",
           "incumbent_vote_share", "incumbent_seat_share", "condorcet_efficiency", "threshold_waived",
           "n_seats"]

#: the spec's CLI example, with fewer voters
SPEC_JSON = """\
{
  "parameters": {
    "n_voters": [1000, 2000, 5000],
    "temperature": [0.3, 0.5, 0.7]
  },
  "fixed_params": {
    "n_constituencies": 10
  },
  "n_runs_per_config": 5,
  "n_jobs": 4
}
"""
STUDY = {
    "name": "small",
    "parameters": {"electoral_system": ["FPTP", "PR"], "temperature": [0.3, 0.8]},
    "fixed_params": {"n_voters": 1500, "n_constituencies": 6},
    "n_runs_per_config": 3,
    "n_jobs": 2,
    "seed": 17,
}
STUDY_YAML = """\
# the same study as STUDY, in YAML
name: small
parameters:
  electoral_system: [FPTP, PR]
  temperature:
    - 0.3
    - 0.8
fixed_params:
  n_voters: 1500
  n_constituencies: 6
n_runs_per_config: 3
n_jobs: 2
seed: 17
"""


def expected_frames(study=STUDY):
    sweep = ParameterSweep(study["parameters"], fixed_params=study["fixed_params"])
    runner = BatchRunner(ElectionModel, sweep, n_runs_per_config=study["n_runs_per_config"],
                         seed=study["seed"], verbose=False)
    return runner.run(), runner.get_summary_stats()


def read_csv(path):
    return pd.read_csv(path, dtype={"config_id": str})


@pytest.fixture
def recorded_n_jobs(monkeypatch):
    """Record the n_jobs each BatchRunner is built with (the runner still works)."""
    seen = []
    original = BatchRunner.__init__

    @functools.wraps(original)
    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        seen.append(self.n_jobs)

    monkeypatch.setattr(BatchRunner, "__init__", init)
    return seen


@pytest.fixture
def no_simulation(monkeypatch):
    def forbid(method):
        @functools.wraps(method)
        def boom(*args, **kwargs):
            raise AssertionError("a simulation ran before the input was rejected")
        return boom

    monkeypatch.setattr(ElectionModel, "__init__", forbid(ElectionModel.__init__))
    monkeypatch.setattr(ElectionModel, "run_election", forbid(ElectionModel.run_election))


def test_spec_json_example(tmp_path, capsys, recorded_n_jobs):
    config = tmp_path / "batch_config.json"
    config.write_text(SPEC_JSON)
    out, summary = tmp_path / "results.csv", tmp_path / "summary.csv"
    assert main(["batch", "--config", str(config), "--output", str(out), "--summary", str(summary)]) == 0
    stdout, stderr = capsys.readouterr()
    assert "100%" in stderr and "45/45" in stderr  # progress bar by default
    assert recorded_n_jobs == [4]

    results = read_csv(out)
    assert list(results.columns) == [*ID_COLUMNS, "n_voters", "temperature", "n_constituencies", *METRICS,
                                     "winner"]
    assert len(results) == 45
    assert results["config_idx"].tolist() == [i for i in range(9) for _ in range(5)]
    assert results["run_idx"].tolist() == list(range(5)) * 9
    assert results[["n_voters", "temperature"]].drop_duplicates().values.tolist() == [
        [n, t] for n in (1000, 2000, 5000) for t in (0.3, 0.5, 0.7)]
    assert (results["n_constituencies"] == 10).all()
    table = read_csv(summary)
    assert table["config_idx"].tolist() == list(range(9))
    assert table["n_runs"].tolist() == [5] * 9
    assert (table["n_constituencies"] == 10).all()
    assert table["config_id"].tolist() == results["config_id"].drop_duplicates().tolist()
    assert sorted(os.listdir(tmp_path)) == ["batch_config.json", "results.csv", "summary.csv"]


@pytest.mark.parametrize("suffix", ["json", "yaml", "yml"])
def test_study_file_matches_batch_runner(tmp_path, capfd, suffix, recorded_n_jobs):
    config = tmp_path / f"study.{suffix}"
    config.write_text(json.dumps(STUDY, indent=2) if suffix == "json" else STUDY_YAML)
    out, summary = tmp_path / "results.parquet", tmp_path / "summary.parquet"
    argv = ["batch", "--config", str(config), "--output", str(out), "--summary", str(summary), "--quiet"]
    assert main(argv) == 0
    assert capfd.readouterr() == ("", "")
    assert recorded_n_jobs == [2]  # the file's n_jobs
    results, stats = expected_frames()  # built in-process with n_jobs=1
    assert_frame_equal(pd.read_parquet(out), results, check_exact=True)
    assert_frame_equal(pd.read_parquet(summary), stats, check_exact=True)


def test_jobs_and_seed_flags_override_the_file(tmp_path, capsys, recorded_n_jobs):
    config = tmp_path / "study.yaml"
    config.write_text(STUDY_YAML)
    out = tmp_path / "r.csv"
    assert main(["batch", "--config", str(config), "--output", str(out), "--jobs", "1", "--seed", "99",
                 "--quiet"]) == 0
    assert recorded_n_jobs == [1]
    recorded_n_jobs.clear()
    results, _ = expected_frames({**STUDY, "seed": 99})
    recorded_n_jobs.clear()
    assert_frame_equal(read_csv(out), results, check_dtype=False, check_exact=True)
    without_seed = {k: v for k, v in STUDY.items() if k not in ("n_jobs", "seed")}
    config.write_text(json.dumps(without_seed))
    config = config.rename(tmp_path / "study.json")
    assert main(["batch", "--config", str(config), "--output", str(out), "--quiet"]) == 0
    assert recorded_n_jobs == [1]  # default n_jobs without the key
    capsys.readouterr()


def test_no_summary_without_flag(tmp_path, capsys):
    config = tmp_path / "study.json"
    config.write_text(json.dumps(STUDY))
    assert main(["batch", "--config", str(config), "--output", str(tmp_path / "r.json"), "--quiet"]) == 0
    assert sorted(os.listdir(tmp_path)) == ["r.json", "study.json"]
    assert len(pd.read_json(tmp_path / "r.json", orient="records")) == 12
    capsys.readouterr()


BAD_FILES = [
    # (file name, content, words the one-line message must contain)
    ("bad.json", '{"parameters": {"n_voters": [1000, 2000]},\n "n_runs_per_config": 2,\n "seed": 1,,\n}\n',
     ["bad.json", "line 3", "JSON"]),
    ("bad.json", '{"parameters": {"n_voters": [1000, 2000]}\n', ["bad.json", "line", "JSON"]),
    ("bad.yaml", "parameters:\n  n_voters: [1000, 2000\nseed: 1\n", ["bad.yaml", "line", "YAML"]),
    ("bad.yml", "parameters:\n  n_voters: [1000]\n   temperature: [0.5]\n", ["bad.yml", "line", "YAML"]),
    ("bad.yaml", "parameters:\n\tn_voters: [1000]\n", ["bad.yaml", "line", "YAML"]),
    ("key.yaml", "parameters:\n  n_voters: [1000]\nn_run_per_config: 2\n",
     ["key.yaml", "n_run_per_config", "did you mean 'n_runs_per_config'"]),
    ("key.json", '{"parameters": {"n_voters": [1000]}, "fixed": {"n_constituencies": 5}}',
     ["key.json", "'fixed'", "fixed_params"]),
    ("type.yaml", "parameters:\n  n_voters: [1000]\nn_runs_per_config: five\n",
     ["type.yaml", "n_runs_per_config", "five"]),
    ("type.yaml", "parameters:\n  n_voters: 1000\n", ["type.yaml", "n_voters"]),
    ("type.json", '{"parameters": {"n_voters": [1000]}, "fixed_params": {"electoral_system": {"name": "PR"}}}',
     ["type.json", "electoral_system"]),
    ("type.json", '{"parameters": {"n_voters": [1000]}, "seed": -1}', ["type.json", "seed"]),
    ("type.json", '{"parameters": {"n_voters": [1000]}, "n_jobs": 0}', ["type.json", "n_jobs"]),
    ("type.json", '{"parameters": {"n_voters": [1000]}, "sweep_type": "sobol"}', ["type.json", "sobol"]),
    ("list.yaml", "- parameters\n", ["list.yaml", "mapping"]),
    ("empty.yaml", "", ["empty.yaml"]),
    ("name.yaml", "parameters:\n  n_voter: [1000]\n", ["name.yaml", "'n_voter'", "did you mean 'n_voters'"]),
    ("name.yaml", "parameters:\n  n_voters: [1000]\nfixed_params:\n  temprature: 0.5\n",
     ["name.yaml", "did you mean 'temperature'"]),
    ("value.yaml", "parameters:\n  n_voters: [1000]\n  temperature: [0.5, 0]\n", ["value.yaml", "temperature"]),
    ("value.json", '{"parameters": {"n_voters": [1000, 0]}}', ["value.json", "n_voters"]),
    ("config.txt", "parameters: {}\n", ["config.txt"]),
]


@pytest.mark.parametrize("name, content, words", BAD_FILES,
                         ids=[f"{n}:{w[-1]}" for n, _, w in BAD_FILES])
def test_bad_study_file_one_line_exit_2_no_output(tmp_path, capfd, no_simulation, name, content, words):
    config = tmp_path / name
    config.write_text(content)
    out, summary = tmp_path / "results.csv", tmp_path / "summary.csv"
    code = main(["batch", "--config", str(config), "--output", str(out), "--summary", str(summary)])
    stdout, stderr = capfd.readouterr()
    assert code == 2
    assert stdout == ""
    assert stderr.count("\n") == 1 and stderr.endswith("\n"), stderr
    assert stderr.startswith("electoral-sim batch: error: ")
    for word in words:
        assert word in stderr, (word, stderr)
    assert os.listdir(tmp_path) == [name]


@pytest.mark.parametrize("argv_tail, word", [
    (["--output", "results.txt"], "results.txt"),
    (["--output", "results.csv", "--summary", "summary.xlsx"], "summary.xlsx"),
    (["--output", "results.csv", "--jobs", "0"], "n_jobs"),
    (["--output", "results.csv", "--seed", "-5"], "seed"),
])
def test_bad_flags_no_output(tmp_path, capfd, no_simulation, monkeypatch, argv_tail, word):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "study.yaml").write_text(STUDY_YAML)
    assert main(["batch", "--config", "study.yaml", *argv_tail]) == 2
    stdout, stderr = capfd.readouterr()
    assert stdout == "" and stderr.count("\n") == 1 and word in stderr
    assert os.listdir(tmp_path) == ["study.yaml"]


def test_missing_config_file(tmp_path, capfd):
    assert main(["batch", "--config", str(tmp_path / "nope.yaml"), "--output", str(tmp_path / "r.csv")]) == 2
    stdout, stderr = capfd.readouterr()
    assert "nope.yaml" in stderr and stderr.count("\n") == 1
    assert os.listdir(tmp_path) == []


def test_subprocess_batch(tmp_path):
    """The real command in a fresh interpreter (another hash seed): same numbers as in-process."""
    (tmp_path / "study.yaml").write_text(STUDY_YAML)
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    proc = subprocess.run(
        [sys.executable, "-m", "electoral_sim.cli", "batch", "--config", "study.yaml",
         "--output", "results.csv", "--summary", "summary.json", "--quiet"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    results, _ = expected_frames()
    assert_frame_equal(read_csv(tmp_path / "results.csv"), results, check_dtype=False, check_exact=True)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert [row["config_id"] for row in summary] == results["config_id"].drop_duplicates().tolist()
    assert sorted(os.listdir(tmp_path)) == ["results.csv", "study.yaml", "summary.json"]


def test_subprocess_malformed_yaml(tmp_path):
    (tmp_path / "study.yaml").write_text("parameters:\n  n_voters: [1000, 2000\nseed: 1\n")
    proc = subprocess.run(
        [sys.executable, "-m", "electoral_sim.cli", "batch", "--config", "study.yaml", "--output", "r.csv"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip("\n").splitlines()) == 1
    assert "study.yaml" in proc.stderr and "line" in proc.stderr
    assert os.listdir(tmp_path) == ["study.yaml"]


def test_batch_names_every_file_it_wrote_on_stderr(tmp_path, capsys):
    config = tmp_path / "study.yaml"
    config.write_text(STUDY_YAML)
    files = {flag: tmp_path / name for flag, name in
             (("--output", "r.parquet"), ("--summary", "s.csv"), ("--parties", "p.json"))}
    assert main(["batch", "--config", str(config), *[a for f, p in files.items() for a in (f, str(p))]]) == 0
    stdout, stderr = capsys.readouterr()
    assert stdout == ""
    wrote = [line for line in stderr.splitlines() if line.startswith("wrote ")]
    assert wrote == [f"wrote {files['--output']} (results, 12 runs)",
                     f"wrote {files['--summary']} (summary, 4 configurations)",
                     f"wrote {files['--parties']} (per-party results, {12 * 5} rows)"]
    assert all(p.exists() for p in files.values())
