"""The ``electoral-sim run`` command, in-process and as a subprocess."""
from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from electoral_sim import ElectionModel
from electoral_sim.cli import main
from electoral_sim.model import DEFAULT_PARTIES

SMALL = ["--voters", "3000", "--constituencies", "6"]
TABLE_METRICS = ("turnout", "gallagher", "enp_votes", "enp_seats", "vse",
                 "incumbent_vote_share", "incumbent_seat_share")
PRINTED = TABLE_METRICS + ("condorcet_efficiency", "threshold_waived")


def same(a: dict, b: dict) -> bool:
    """Equal results, NaN equal to NaN (as JSON text; floats round-trip exactly)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def test_run_prints_table(capsys):
    assert main(["run", *SMALL, "--seed", "4"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    expected = ElectionModel(n_voters=3000, n_constituencies=6, seed=4).run_election()
    for p in DEFAULT_PARTIES:
        assert p["name"] in out
    for name, votes, seats in zip(expected["party_names"], expected["vote_counts"], expected["seats"]):
        row = next(line for line in out.splitlines() if line.startswith(name + " "))
        assert f"{votes:,}" in row.split() and str(seats) in row.split()
    for key in PRINTED:
        assert f"{key:<22}{expected[key]:.4f}" in out.splitlines()
    assert f"{'winner':<22}{expected['winner']}" in out.splitlines()
    assert f"{'n_seats':<22}6" in out.splitlines()


def test_run_output_json_matches_model(tmp_path, capsys):
    target = tmp_path / "sub" / "run.json"
    argv = ["run", *SMALL, "--system", "pr", "--allocation", "Sainte-Lague", "--threshold", "0.05",
            "--temperature", "0.7", "--economic-growth", "0.02", "--anti-incumbency", "0.1",
            "--national-mood", "-0.05", "--seed", "21", "--output", str(target)]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert str(target) in out
    record = json.loads(target.read_text())
    params = dict(n_voters=3000, n_constituencies=6, electoral_system="PR", allocation_method="sainte_lague",
                  threshold=0.05, temperature=0.7, economic_growth=0.02, anti_incumbency=0.1,
                  national_mood=-0.05)
    assert record["seed"] == 21
    # every parameter is recorded, canonical, defaults included
    assert record["parameters"] == ElectionModel.canonical_params(**params)
    assert same(record["result"], ElectionModel(**params, seed=21).run_election())
    # the recorded parameters alone reproduce the run
    assert same(ElectionModel(**record["parameters"], seed=record["seed"]).run_election(), record["result"])
    # nothing else left beside the output (no temporary files)
    assert sorted(p.name for p in target.parent.iterdir()) == ["run.json"]


def test_run_without_seed_records_reproducible_seed(tmp_path, capsys):
    target = tmp_path / "run.json"
    assert main(["run", *SMALL, "--output", str(target)]) == 0
    capsys.readouterr()
    record = json.loads(target.read_text())
    assert isinstance(record["seed"], int)
    params = record["parameters"]
    assert same(ElectionModel(**params, seed=record["seed"]).run_election(), record["result"])


def test_run_output_fptp_result_fields(tmp_path, capsys):
    target = tmp_path / "fptp.json"
    assert main(["run", *SMALL, "--seed", "2", "--output", str(target)]) == 0
    capsys.readouterr()
    result = json.loads(target.read_text())["result"]
    assert sum(result["seats"]) == 6
    assert len(result["constituency_winners"]) == 6
    assert all(isinstance(result[k], float) and math.isfinite(result[k]) for k in TABLE_METRICS)


@pytest.mark.parametrize(
    "flag, value, needle",
    [
        ("--temperature", "0", "temperature"),
        ("--temperature", "nan", "temperature"),
        ("--system", "XYZ", "XYZ"),
        ("--allocation", "borda", "borda"),
        ("--threshold", "1.0", "threshold"),
        ("--voters", "0", "n_voters"),
        ("--constituencies", "5000", "n_constituencies"),
        ("--anti-incumbency", "-1", "anti_incumbency"),
        ("--temperature", "1e-7", "temperature"),
        ("--economic-growth", "1e300", "economic_growth"),
        ("--magnitude", "0", "district_magnitude"),
        ("--magnitude", "3", "IRV"),  # with --system IRV below
        ("--pr-tier", "constituency", "pr_tier"),  # FPTP
        ("--pr-tier", "regional", "regional"),
        ("--list-seats", "5", "list_seats"),  # FPTP
        ("--overhang", "spill", "spill"),
        ("--waiver-seats", "0", "waiver_seats"),
    ],
)
def test_run_bad_value_one_line_exit_2_no_file(tmp_path, capsys, flag, value, needle):
    target = tmp_path / "out.json"
    system = ["--system", "IRV"] if needle == "IRV" else []
    rc = main(["run", *SMALL, "--seed", "1", *system, flag, value, "--output", str(target)])
    out, err = capsys.readouterr()
    assert rc == 2
    lines = err.strip("\n").splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("electoral-sim run: error:")
    assert needle in lines[0]
    assert "Traceback" not in err
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
    assert out == ""


def test_run_unparsable_number_is_usage_error(tmp_path, capsys):
    target = tmp_path / "out.json"
    with pytest.raises(SystemExit) as e:
        main(["run", *SMALL, "--temperature", "warm", "--output", str(target)])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip("\n").splitlines()) == 1
    assert "temperature" in err and "warm" in err
    assert not target.exists()


def test_run_subprocess_bad_value():
    proc = subprocess.run(
        [sys.executable, "-m", "electoral_sim.cli", "run", "--voters", "2000", "--temperature", "0"],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip("\n").splitlines()) == 1
    assert "temperature" in proc.stderr
    assert proc.stdout == ""


@pytest.mark.parametrize("argv, system, extra", [
    (["--system", "irv"], "IRV", {}),
    (["--system", "STV", "--magnitude", "3"], "STV", {"district_magnitude": 3}),
    (["--system", "pr", "--pr-tier", "constituency", "--magnitude", "2"], "PR",
     {"district_magnitude": 2, "pr_tier": "constituency"}),
    (["--system", "MMP", "--list-seats", "4", "--overhang", "level", "--allocation", "sainte_lague",
      "--threshold", "0.05", "--waiver-seats", "2"], "MMP",
     {"list_seats": 4, "overhang": "level", "allocation_method": "sainte_lague", "threshold": 0.05,
      "waiver_seats": 2}),
    (["--system", "parallel", "--list-seats", "3"], "PARALLEL", {"list_seats": 3}),
])
def test_run_any_system_matches_model(tmp_path, capsys, argv, system, extra):
    target = tmp_path / "run.json"
    assert main(["run", *SMALL, "--seed", "5", *argv, "--output", str(target)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    record = json.loads(target.read_text())
    params = dict(n_voters=3000, n_constituencies=6, electoral_system=system, **extra)
    assert record["parameters"] == ElectionModel.canonical_params(**params)
    expected = ElectionModel(**params, seed=5).run_election()
    assert same(record["result"], expected)
    assert f"{'n_seats':<22}{expected['n_seats']}" in out.splitlines()
    assert f"{'condorcet_efficiency':<22}{expected['condorcet_efficiency']:.4f}" in out.splitlines()


def test_run_help_shows_defaults_and_every_system():
    from electoral_sim.systems import ELECTORAL_SYSTEMS

    proc = subprocess.run([sys.executable, "-m", "electoral_sim.cli", "run", "--help"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    options = " ".join(proc.stdout.split("options:")[1].split())
    for system in ELECTORAL_SYSTEMS:
        assert system in options
    for flag, default in [("--voters", "100000"), ("--constituencies", "10"), ("--system", "FPTP"),
                          ("--magnitude", "1"), ("--pr-tier", "national"), ("--temperature", "0.5"),
                          ("--overhang", "keep"), ("--waiver-seats", "1"), ("--allocation", "dhondt")]:
        entry = options[options.index(flag + " "):]
        entry = entry[:entry.index("(default:") + len("(default:") + len(default) + 2]
        assert entry.endswith(f"(default: {default})"), (flag, entry)
