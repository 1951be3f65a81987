"""Bad input at all three doors (API, CLI, pipeline), table-driven.

Every case must fail early and clearly (DESIGN.md, invariant 6): a
``ValueError`` naming the bad value and what would be valid; at the CLI one
line on stderr, exit code 2, no traceback, and no file written or changed;
in the pipeline, a one-line message naming the study file before any job.
Sizes that cannot work (see :mod:`electoral_sim.limits`) are refused before
any work, so these cases also guard against hangs (a 60 s alarm).
"""
from __future__ import annotations

import functools
import json
import math
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from electoral_sim import ElectionModel, limits
from electoral_sim.analysis import BatchRunner, ParameterSweep
from electoral_sim.cli import main
from electoral_sim.study import read_study_file

HUGE_GRID = {f"p{i}": list(range(10)) for i in range(8)}  # 10^8 configurations
OK = {"temperature": [0.3, 0.5]}


@pytest.fixture
def no_simulation(monkeypatch):
    """Fail the test if any election is simulated."""
    @functools.wraps(ElectionModel.run_election)  # keeps the signature BatchRunner checks
    def forbid(*args, **kwargs):
        raise AssertionError("a simulation ran before the input was rejected")

    monkeypatch.setattr(ElectionModel, "run_election", forbid)


@pytest.fixture
def deadline():
    """Bad sizes must be refused at once: fail instead of hanging (not a speed target)."""
    def expire(signum, frame):
        raise AssertionError("no answer within 60 s: the input was not refused up front")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


# -- 1. the API ------------------------------------------------------------------------
def model(**kwargs):
    kwargs.setdefault("n_voters", 1000)
    return lambda: ElectionModel(**kwargs)


def sweep(*args, **kwargs):
    return lambda: ParameterSweep(*args, **kwargs)


def batch(parameters=None, **kwargs):
    def run():
        runner = BatchRunner(ElectionModel, ParameterSweep(parameters or OK, fixed_params={"n_voters": 500}),
                             verbose=False, **kwargs)
        runner.run()
    return run


PARTY = {"name": "A", "position": [0, 0]}
API_CASES = {
    # id: (call, words the message must contain: the bad value and what is valid)
    "n_voters=0": (model(n_voters=0), ["n_voters", ">= 1", "got 0"]),
    "n_voters<0": (model(n_voters=-5), ["n_voters", ">= 1", "-5"]),
    "n_voters fractional": (model(n_voters=1.5), ["n_voters", "integer", "1.5"]),
    "n_voters string": (model(n_voters="many"), ["n_voters", "'many'"]),
    "n_voters bool": (model(n_voters=True), ["n_voters", "True"]),
    "n_voters 10^12": (model(n_voters=10**12), ["n_voters", "1,000,000,000,000", "limit", "fewer voters"]),
    "n_constituencies=0": (model(n_constituencies=0), ["n_constituencies", ">= 1", "got 0"]),
    "n_constituencies>n_voters": (model(n_voters=10, n_constituencies=11), ["n_constituencies", "n_voters=10", "11"]),
    "temperature=0": (model(temperature=0), ["temperature", "got 0"]),
    "temperature<0": (model(temperature=-1), ["temperature", "-1"]),
    "temperature nan": (model(temperature=math.nan), ["temperature", "nan"]),
    "temperature inf": (model(temperature=math.inf), ["temperature", "inf"]),
    "temperature 1e-300": (model(temperature=1e-300), ["temperature", "1e-300"]),
    "temperature string": (model(temperature="hot"), ["temperature", "'hot'"]),
    "threshold=1": (model(threshold=1.0), ["threshold", "[0, 1)", "1.0"]),
    "threshold<0": (model(threshold=-0.1), ["threshold", "[0, 1)", "-0.1"]),
    "electoral_system": (model(electoral_system="FTPP"), ["electoral_system", "FPTP", "'FTPP'"]),
    "allocation_method": (model(allocation_method="dhondtt"), ["allocation_method", "dhondt", "'dhondtt'"]),
    "anti_incumbency<0": (model(anti_incumbency=-1), ["anti_incumbency", "-1"]),
    "economic_growth nan": (model(economic_growth=math.nan), ["economic_growth", "nan"]),
    "economic_growth 1e300": (model(economic_growth=1e300), ["economic_growth", "1e+300"]),
    "national_mood inf": (model(national_mood=math.inf), ["national_mood", "inf"]),
    "parties empty": (model(parties=[]), ["parties", "at least 2", "[]"]),
    "parties one": (model(parties=[PARTY]), ["parties", "at least 2"]),
    "parties same name": (model(parties=[PARTY, {**PARTY, "position": [1, 0]}]), ["parties[1]", "unique", "'A'"]),
    "party position": (model(parties=[{**PARTY, "position": [0]}, {**PARTY, "name": "B"}]),
                       ["parties[0]", "position", "[x, y]", "[0]"]),
    "seed<0": (model(seed=-1), ["seed", ">= 0", "-1"]),
    "seed fractional": (model(seed=1.5), ["seed", "integer", "1.5"]),
    "seed string": (model(seed="x"), ["seed", "'x'"]),
    "sweep empty": (sweep({}), ["parameters", "non-empty", "{}"]),
    "sweep empty list": (sweep({"temperature": []}), ["'temperature'", "non-empty list", "[]"]),
    "sweep scalar": (sweep({"temperature": 0.5}), ["'temperature'", "list of values", "0.5"]),
    "sweep range in grid": (sweep({"temperature": {"low": 0.1, "high": 1}}), ["'temperature'", "range", "'random'"]),
    "sweep_type": (sweep(OK, sweep_type="sobel"), ["'sobel'", "grid", "latin_hypercube"]),
    "n_samples=0": (sweep({"temperature": {"low": 0.1, "high": 1}}, sweep_type="random", n_samples=0),
                    ["n_samples", ">= 1", "0"]),
    "n_samples 10^9": (sweep({"temperature": {"low": 0.1, "high": 1}}, sweep_type="random", n_samples=10**9),
                       ["1,000,000,000 configurations", "limit of 1,000,000", "n_samples"]),
    "grid 10^8": (sweep(HUGE_GRID), ["100,000,000 configurations", "limit of 1,000,000", "fewer values"]),
    "swept and fixed": (sweep(OK, fixed_params={"temperature": 0.5}), ["'temperature'", "both swept and fixed"]),
    "sweep value nan": (sweep({"temperature": [0.5, math.nan]}), ["'temperature'", "nan", "finite numbers"]),
    "sweep value dict": (sweep({"temperature": [{"a": 1}]}), ["'temperature'", "{'a': 1}", "strings"]),
    "random n_samples > grid": (sweep(OK, sweep_type="random", n_samples=3), ["n_samples=3", "2 combinations"]),
    "range low > high": (sweep({"temperature": {"low": 1, "high": 0.1}}, sweep_type="random"),
                         ["'temperature'", "low < high"]),
    "runner without sweep": (lambda: BatchRunner(ElectionModel, {"temperature": [0.5]}),
                             ["parameter_sweep", "ParameterSweep", "{'temperature': [0.5]}"]),
    "n_runs_per_config=0": (batch(n_runs_per_config=0), ["n_runs_per_config", ">= 1", "0"]),
    "n_runs_per_config=2.0": (batch(n_runs_per_config=2.0), ["n_runs_per_config", "integer", "2.0"]),
    "n_runs_per_config 10^9": (batch(n_runs_per_config=10**9),
                               ["n_runs_per_config=1,000,000,000", "limit of 10,000,000", "lower n_runs_per_config"]),
    "n_jobs=0": (batch(n_jobs=0), ["n_jobs", "-1", "got 0"]),
    "n_jobs=-2": (batch(n_jobs=-2), ["n_jobs", "-1", "-2"]),
    "runner seed<0": (batch(seed=-1), ["seed", "-1"]),
    "election_kwargs": (batch(election_kwargs={"foo": 1}), ["run_election()", "'foo'"]),
    "unknown parameter": (batch({"temprature": [0.5]}), ["'temprature'", "did you mean 'temperature'"]),
    "bad value in grid": (batch({"temperature": [0.5, 0]}), ["temperature", "got 0"]),
    "duplicate grid value": (batch({"temperature": [0.5, 0.50]}), ["same configuration", "duplicate"]),
}


@pytest.mark.parametrize("case", list(API_CASES))
def test_api_rejects(case, no_simulation, deadline):
    call, words = API_CASES[case]
    with pytest.raises(ValueError) as info:
        call()
    message = str(info.value)
    assert "\n" not in message
    for word in words:
        assert word in message, (word, message)


def test_memory_estimate_refuses_what_does_not_fit(monkeypatch, no_simulation):
    """n_voters within the hard limit but beyond the memory available: refused before allocating."""
    monkeypatch.setattr(limits, "available_memory", lambda: 10 * 2**20)  # 10 MiB
    with pytest.raises(ValueError, match=r"n_voters=1,000,000 needs about 22\.9 MiB \(24 bytes per voter\), "
                                         r"but only 10\.0 MiB is available: use fewer voters$"):
        ElectionModel(n_voters=1_000_000)
    ElectionModel(n_voters=100_000)  # 2.4 MB fits
    with pytest.raises(ValueError, match="x 8 workers .* fewer jobs"):
        limits.check_memory(100_000, n_workers=8)
    # a batch checks its largest electorate times its workers, before the first run
    sweep = ParameterSweep({"n_voters": [1000, 300_000]})
    with pytest.raises(ValueError, match=r"n_voters=300,000 x 2 workers needs about 13\.7 MiB"):
        BatchRunner(ElectionModel, sweep, n_runs_per_config=2, n_jobs=2, verbose=False)
    BatchRunner(ElectionModel, sweep, n_runs_per_config=2, n_jobs=1, verbose=False)  # 6.9 MiB fits


# -- 2. the CLI ------------------------------------------------------------------------------
GOOD_YAML = "parameters:\n  temperature: [0.3, 0.5]\nfixed_params:\n  n_voters: 500\nseed: 1\n"
GOOD_JSON = json.dumps({"parameters": {"temperature": [0.3, 0.5]}, "fixed_params": {"n_voters": 500}, "seed": 1})
OUT = ["--output", "results.csv"]


def study(**keys) -> str:
    """GOOD_YAML with keys replaced (None removes one), as YAML."""
    data = {"parameters": {"temperature": [0.3, 0.5]}, "fixed_params": {"n_voters": 500}, "seed": 1}
    data.update(keys)
    return json.dumps({k: v for k, v in data.items() if v is not None})  # JSON is YAML


def batch_case(content, words, argv=OUT, name="study.yaml", extra=None):
    return ({name: content, **(extra or {})}, ["batch", "--config", name, *argv], words)


CLI_CASES = {
    # id: (files to create, argv, words the one line must contain)
    # study files
    "duplicate key yaml": batch_case(GOOD_YAML + "seed: 2\n", ["study.yaml", "line 6", "duplicate key 'seed'", "line 5"]),
    "duplicate key json": batch_case(GOOD_JSON[:-1] + ', "seed": 2}', ["study.json", "duplicate key 'seed'"],
                                     name="study.json"),
    "duplicate nested key": batch_case("parameters:\n  temperature: [0.3]\n  temperature: [0.5]\nseed: 1\n",
                                       ["line 3", "duplicate key 'temperature'", "line 2"]),
    "trailing comma json": batch_case(GOOD_JSON[:-1] + ",}", ["study.json", "line 1", "invalid JSON"],
                                      name="study.json"),
    "n_jobs=0": batch_case(study(n_jobs=0), ["n_jobs must be an integer >= 1, or -1 for every core, got 0"]),
    "scalar parameter": batch_case(study(parameters={"temperature": 0.5}),
                                   ["parameters.temperature must be a list of values", "got 0.5"]),
    "scalar in list": batch_case(study(parameters={"temperature": [[0.5]]}),
                                 ["parameters.temperature[0] must be a string, number", "got [0.5]"]),
    "range with a typo": batch_case(study(parameters={"temperature": {"low": 0.1, "hihg": 1}}, sweep_type="random"),
                                    ["parameters.temperature", "range", "'hihg'"]),
    "fixed list": batch_case(study(fixed_params={"n_voters": [500]}), ["fixed_params.n_voters", "single", "[500]"]),
    "n_runs_per_config=2.0": batch_case(study(n_runs_per_config=2.0),
                                        ["n_runs_per_config must be an integer >= 1, got 2.0", "decimal point"]),
    "runs_per_target=2.0": batch_case(study(runs_per_target=2.0), ["runs_per_target must be an integer >= 1"]),
    "runs_per_target=0": batch_case(study(runs_per_target=0), ["runs_per_target must be an integer >= 1, got 0"]),
    "n_runs_per_config 1e6 in YAML": batch_case(GOOD_YAML + "n_runs_per_config: 1e6\n",
                                                ["n_runs_per_config", "got 1000000.0", "exponent"]),
    "n_runs_per_config 10^9": batch_case(study(n_runs_per_config=10**9), ["limit of 10,000,000", "n_runs_per_config"]),
    "grid 10^8": batch_case(study(parameters=HUGE_GRID), ["100,000,000 configurations", "limit of 1,000,000"]),
    "n_samples 10^9": batch_case(study(parameters={"temperature": {"low": 0.1, "high": 1}}, sweep_type="random",
                                       n_samples=10**9), ["1,000,000,000 configurations", "n_samples"]),
    "n_voters 10^12": batch_case(study(fixed_params={"n_voters": 10**12}), ["n_voters=1,000,000,000,000", "limit"]),
    "n_voters 1e12 in YAML": batch_case("parameters:\n  n_voters: [1e12]\nseed: 1\n", ["n_voters", "limit"]),
    "name 300 characters": batch_case(study(name="x" * 300), ["name must be", "at most 100", "xxx..."]),
    "name runs": batch_case(study(name="runs"), ["name must be", "not 'runs'", "got 'runs'"]),
    "name with a slash": batch_case(study(name="a/b"), ["name must be", "got 'a/b'"]),
    "name ..": batch_case(study(name=".."), ["name must be", "got '..'"]),
    "sweep_type": batch_case(study(sweep_type="sobel"), ["sweep_type must be one of grid", "got 'sobel'"]),
    "seed<0": batch_case(study(seed=-1), ["seed must be an integer >= 0", "got -1"]),
    "seed string": batch_case(study(seed="one"), ["seed must be", "got 'one'"]),
    "no parameters": batch_case(study(parameters=None), ["needs the key 'parameters'"]),
    "empty parameters": batch_case(study(parameters={}), ["parameters must be a mapping", "got {}"]),
    "n_constituencies string": batch_case(study(fixed_params={"n_constituencies": "ten"}),
                                          ["n_constituencies", "'ten'"]),
    "unknown key": batch_case(study(n_run_per_config=2), ["'n_run_per_config'", "did you mean 'n_runs_per_config'"]),
    "binary file": ({"study.yaml": b"\x89PNG\r\n\x1a\n\x00\x00\xff"}, ["batch", "--config", "study.yaml", *OUT],
                    ["study.yaml", "not a text file", "0x89"]),
    "directory": ({"study.yaml/": None}, ["batch", "--config", "study.yaml", *OUT], ["study.yaml", "is a directory"]),
    "missing": ({}, ["batch", "--config", "nope.yaml", *OUT], ["nope.yaml", "No such file"]),
    "list, not a mapping": batch_case("- parameters\n", ["study.yaml", "mapping", "list"]),
    "empty file": batch_case("", ["study.yaml", "mapping", "empty file"]),
    # outputs that would destroy data, or cannot be written
    "output is the study": batch_case(GOOD_JSON, ["--output study.json is the same file as --config", "overwrite"],
                                      ["--output", "study.json"], name="study.json"),
    "output is the study, other spelling": batch_case(GOOD_JSON, ["same file as --config"],
                                                      ["--output", "./sub/../study.json"], name="study.json"),
    "output is a hard link to the study": batch_case(GOOD_JSON, ["--output link.json is the same file as --config"],
                                                     ["--output", "link.json"], name="study.json",
                                                     extra={"link.json": "->study.json"}),
    "summary is the study": batch_case(GOOD_JSON, ["--summary study.json is the same file as --config"],
                                       [*OUT, "--summary", "study.json"], name="study.json"),
    "summary is the output": batch_case(GOOD_YAML, ["--summary results.csv is the same file as --output"],
                                        [*OUT, "--summary", "results.csv"]),
    "parties is the output": batch_case(GOOD_YAML, ["--parties results.csv is the same file as --output"],
                                        [*OUT, "--parties", "results.csv"]),
    "output is a directory": batch_case(GOOD_YAML, ["out.csv is a directory"], ["--output", "out.csv"],
                                        extra={"out.csv/": None}),
    "output under a file": batch_case(GOOD_YAML, ["cannot write blocker/results.csv", "not a directory"],
                                      ["--output", "blocker/results.csv"], extra={"blocker": "x"}),
    "output extension": batch_case(GOOD_YAML, ["--output", "'results.txt'", ".csv"], ["--output", "results.txt"]),
    "summary extension": batch_case(GOOD_YAML, ["--summary", "'s.xlsx'", ".parquet"], [*OUT, "--summary", "s.xlsx"]),
    # flags
    "--jobs 0": batch_case(GOOD_YAML, ["--jobs must be", "-1", "got 0"], [*OUT, "--jobs", "0"]),
    "--jobs -3": batch_case(GOOD_YAML, ["--jobs must be", "got -3"], [*OUT, "--jobs", "-3"]),
    "--jobs x": batch_case(GOOD_YAML, ["--jobs", "'x'"], [*OUT, "--jobs", "x"]),
    "--seed -1": batch_case(GOOD_YAML, ["--seed must be an integer >= 0", "got -1"], [*OUT, "--seed", "-1"]),
    "--seed 1.5": batch_case(GOOD_YAML, ["--seed", "'1.5'"], [*OUT, "--seed", "1.5"]),
    # one election
    "run --voters 0": ({}, ["run", "--voters", "0"], ["n_voters", ">= 1", "got 0"]),
    "run --voters 10^12": ({}, ["run", "--voters", str(10**12)], ["n_voters=1,000,000,000,000", "limit"]),
    "run --constituencies 0": ({}, ["run", "--constituencies", "0"], ["n_constituencies", "got 0"]),
    "run --temperature 0": ({}, ["run", "--temperature", "0"], ["temperature", "got 0.0"]),
    "run --threshold 1": ({}, ["run", "--threshold", "1"], ["threshold", "[0, 1)", "1.0"]),
    "run --system": ({}, ["run", "--system", "FTPP"], ["electoral_system", "'FTPP'", "FPTP"]),
    "run --seed -1": ({}, ["run", "--seed", "-1", "--voters", "100"], ["seed", "-1"]),
    "run --output directory": ({"out.json/": None}, ["run", "--voters", "100", "--output", "out.json"],
                               ["out.json is a directory"]),
}


def _make_files(root: Path, files: dict) -> None:
    for name, content in files.items():
        path = root / name
        if name.endswith("/"):
            path.mkdir()
        elif isinstance(content, str) and content.startswith("->"):
            os.link(root / content[2:], path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def _snapshot(root: Path) -> dict[str, bytes | None]:
    """Every path under root (hidden ones too) -> its bytes (None for a directory)."""
    return {str(p.relative_to(root)): None if p.is_dir() else p.read_bytes() for p in sorted(root.rglob("*"))}


def run_main(argv: list[str]) -> int:
    """main()'s exit code, also when argparse exits."""
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


@pytest.mark.parametrize("case", list(CLI_CASES))
def test_cli_rejects(case, tmp_path, monkeypatch, capfd, no_simulation, deadline):
    files, argv, words = CLI_CASES[case]
    monkeypatch.chdir(tmp_path)
    _make_files(tmp_path, files)
    before = _snapshot(tmp_path)
    code = run_main(argv)
    stdout, stderr = capfd.readouterr()
    assert code == 2
    assert stdout == ""
    assert stderr.startswith(f"electoral-sim {argv[0]}: error: ") or stderr.startswith("electoral-sim "), stderr
    assert stderr.endswith("\n") and stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr
    for word in words:
        assert word in stderr, (word, stderr)
    assert _snapshot(tmp_path) == before, "a file was written or changed"


def test_cli_memory_error_is_one_line(tmp_path):
    """Under an address-space limit the estimate refuses; a MemoryError that slips through is one line too."""
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from electoral_sim.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    for voters, words in ((100_000_000, ["n_voters=100,000,000 needs about", "GiB", "fewer voters"]),):
        proc = subprocess.run([sys.executable, "-c", code, "run", "--voters", str(voters)], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, proc.stderr
        for word in words:
            assert word in proc.stderr, (word, proc.stderr)
    assert os.listdir(tmp_path) == []


# -- 3. accepted inputs that used to be misread --------------------------------------------------
@pytest.mark.parametrize("text, key, expected", [
    ("temperature: [1e-1, 5.0e-1, 2E+0]", "temperature", [0.1, 0.5, 2.0]),
    ("temperature: [.5e1, -1e-3, +1_0e0]", "temperature", [5.0, -0.001, 10.0]),
    ("n_voters: [1.0e3]", "n_voters", [1000.0]),
    ("name: [1e5x, e5, 1e]", "name", ["1e5x", "e5", "1e"]),  # not numbers: strings, as before
])
def test_yaml_exponent_floats_are_numbers(tmp_path, text, key, expected):
    path = tmp_path / "study.yaml"
    path.write_text(f"parameters:\n  {text}\n")
    assert read_study_file(path)["parameters"][key] == expected


def test_exponent_float_study_runs(tmp_path, capfd):
    (tmp_path / "study.yaml").write_text("parameters:\n  temperature: [1e-1, 5e-1]\nfixed_params:\n"
                                         "  n_voters: 1e3\nseed: 4\n")
    out = tmp_path / "r.csv"
    assert main(["batch", "--config", str(tmp_path / "study.yaml"), "--output", str(out), "--quiet"]) == 0
    import pandas as pd

    table = pd.read_csv(out)
    assert table["temperature"].tolist() == [0.1, 0.5]
    assert table["n_voters"].tolist() == [1000.0, 1000.0]
    capfd.readouterr()


@pytest.mark.parametrize("text", [
    "parameters:\n  x: &a [1]\n  y: *a\n",  # anchors and aliases are fine
    "base: &b {n_voters: [1000]}\nparameters:\n  <<: *b\n  temperature: [0.5]\n",  # merge keys are not duplicates
])
def test_yaml_features_still_read(tmp_path, text):
    path = tmp_path / "study.yaml"
    path.write_text(text)
    assert isinstance(read_study_file(path), dict)


# -- 4. the pipeline ------------------------------------------------------------------------------
# A few cases only (each Snakemake start costs seconds), as dry runs in one copy of the
# repository: the study is refused while the DAG is built, so nothing runs and nothing
# is written. See tests/test_pipeline.py for the copy and the snakemake() helper.
PIPELINE_STUDY = {"name": "bad", "parameters": {"temperature": [0.3, 0.5]}, "fixed_params": {"n_voters": 500},
                  "seed": 1}
PIPELINE_CASES = {
    # id: (file name, content, words of the one-line message)
    "trailing comma json": ("comma.json", json.dumps(PIPELINE_STUDY)[:-1] + ",}",
                            ["comma.json: line 1: invalid JSON"]),
    "duplicate key yaml": ("dup.yaml", json.dumps(PIPELINE_STUDY) + "\n", None),  # filled in below
    "n_runs_per_config 2.0": ("float.yaml", json.dumps({**PIPELINE_STUDY, "n_runs_per_config": 2.0}),
                              ["float.yaml: n_runs_per_config must be an integer >= 1, got 2.0", "decimal point"]),
    "name 300 characters": ("long.yaml", json.dumps({**PIPELINE_STUDY, "name": "x" * 300}),
                            ["long.yaml: name must be", "at most 100"]),
    "name runs": ("runs.yaml", json.dumps({**PIPELINE_STUDY, "name": "runs"}),
                  ["runs.yaml: name must be", "not 'runs'"]),
    "n_runs_per_config 10^9": ("big.yaml", json.dumps({**PIPELINE_STUDY, "n_runs_per_config": 10**9}),
                               ["big.yaml:", "limit of 10,000,000"]),
    "grid 10^8": ("grid.yaml", json.dumps({**PIPELINE_STUDY, "parameters": HUGE_GRID}),
                  ["grid.yaml:", "100,000,000 configurations"]),
}
PIPELINE_CASES["duplicate key yaml"] = (
    "dup.yaml", "name: bad\nparameters:\n  temperature: [0.3]\nseed: 1\nseed: 2\n",
    ["dup.yaml: line 5: invalid YAML: duplicate key 'seed' (first on line 4)"])
#: files Snakemake itself reads before the workflow's code runs (see README, "When things go wrong")
SNAKEMAKE_READS = {
    "missing": ("nope.yaml", None, "No such file or directory: 'nope.yaml'"),
    "directory": ("dir.yaml", "dir", "Is a directory: 'dir.yaml'"),
    "binary": ("bin.yaml", b"\x89PNG\r\n\x1a\n\x00\xff", "can't decode byte 0x89"),
}


@pytest.fixture(scope="module")
def pipeline_copy(tmp_path_factory):
    from test_pipeline import make_copy

    return make_copy(tmp_path_factory.mktemp("bad_input") / "repo")


def _assert_nothing_written(root: Path) -> None:
    assert not (root / "results/runs").exists() and not (root / "results/bad").exists()
    assert not (root / "logs").exists()


@pytest.mark.parametrize("case", list(PIPELINE_CASES))
def test_pipeline_rejects(case, pipeline_copy):
    from test_pipeline import snakemake

    name, content, words = PIPELINE_CASES[case]
    (pipeline_copy / name).write_text(content)
    proc = snakemake(pipeline_copy, "-n", "--cores", "1", "--configfile", name)
    assert proc.returncode != 0, proc.stdout
    assert "Traceback" not in proc.stdout, proc.stdout
    [line] = [line for line in proc.stdout.splitlines() if f"{pipeline_copy / name}: " in line]
    for word in words:
        assert word in line, (word, proc.stdout[-2000:])
    assert "Job stats" not in proc.stdout
    _assert_nothing_written(pipeline_copy)


@pytest.mark.parametrize("case", list(SNAKEMAKE_READS))
def test_pipeline_config_file_snakemake_cannot_read(case, pipeline_copy):
    """Snakemake reads --configfile in its command line, before the workflow: its traceback
    cannot be avoided from the workflow, but the run stops, names the file, and writes nothing."""
    from test_pipeline import snakemake

    name, content, last_words = SNAKEMAKE_READS[case]
    path = pipeline_copy / name
    if content == "dir":
        path.mkdir(exist_ok=True)
    elif content is not None:
        path.write_bytes(content)
    proc = snakemake(pipeline_copy, "-n", "--cores", "1", "--configfile", name)
    assert proc.returncode != 0
    assert last_words in proc.stdout.strip().splitlines()[-1], proc.stdout[-2000:]
    _assert_nothing_written(pipeline_copy)
