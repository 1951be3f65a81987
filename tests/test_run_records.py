"""Block files, the merge and the code fingerprint, tested directly (no Snakemake).

A block's numbers are checked against the model run by hand, its seeds
against the documented formula, the merge against BatchRunner, and every
check of :func:`electoral_sim.pipeline.read_block` by feeding it a file that
breaks exactly that check. The code fingerprint is checked on a copy of the
package in a subprocess, one edited module at a time.
"""
from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pandas.testing import assert_frame_equal

from electoral_sim import ElectionModel
from electoral_sim import pipeline
from electoral_sim.analysis import BatchRunner, ParameterSweep
from electoral_sim.pipeline import RunFileError, merge_blocks, read_block, write_block
from electoral_sim.sweep import config_id, expand

PACKAGE = Path(pipeline.__file__).parent
BASE_SEED = 11
CANONICAL = ElectionModel.canonical_params(n_voters=600, n_constituencies=3, electoral_system="PR", temperature=0.7)
CID = config_id(CANONICAL)


def documented_seed(base_seed: int, run_idx: int) -> int:
    """Seed of run r: SeedSequence(S, spawn_key=(0, r)).generate_state(1, uint64)[0] >> 1 (sweep docstring)."""
    state = np.random.SeedSequence(base_seed, spawn_key=(0, run_idx)).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


def same(a, b) -> bool:
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))


@pytest.fixture(scope="module")
def block(tmp_path_factory):
    """Runs 2..4 of CANONICAL under BASE_SEED, written once."""
    path = tmp_path_factory.mktemp("blocks") / "runs2-4.parquet"
    write_block(path, CANONICAL, BASE_SEED, 2, 4)
    return path


def rewrite(src: Path, dst: Path, table_change=None, meta_change=None) -> Path:
    """Copy a block file with its table or its identity metadata changed."""
    table = pq.read_table(src)
    meta = table.schema.metadata
    key = next(k for k in meta if k != b"ARROW:schema")
    identity = json.loads(meta[key])
    if meta_change:
        identity.update(meta_change)
    if table_change:
        table = table_change(table)
    pq.write_table(table.replace_schema_metadata({key: json.dumps(identity, sort_keys=True)}), dst)
    return dst


def replace_column(table: pa.Table, name: str, values: list) -> pa.Table:
    i = table.schema.get_field_index(name)
    return table.set_column(i, name, pa.array(values, table.schema.field(name).type))


# -- one block ---------------------------------------------------------------------------
def test_block_holds_the_runs_its_name_promises(block):
    table = read_block(block, CID, BASE_SEED, 2, 4)
    assert table.column("run_idx").to_pylist() == [2, 3, 4]
    seeds = [documented_seed(BASE_SEED, r) for r in (2, 3, 4)]
    assert table.column("seed").to_pylist() == seeds
    # every number is the model's own, re-run by hand from the row's seed
    for i, seed in enumerate(seeds):
        result = ElectionModel(**CANONICAL, seed=seed).run_election()
        metrics = {k: v for k, v in result.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
        assert metrics and set(metrics) <= set(table.column_names)
        for name, value in metrics.items():
            assert same(table.column(name)[i].as_py(), float(value)), name
        assert table.column("winner")[i].as_py() == result["winner"]
        assert table.column("votes")[i].as_py() == result["vote_counts"]
        assert table.column("seats")[i].as_py() == result["seats"]


def test_block_path_round_trips_through_the_rule_wildcard():
    import re

    path = pipeline.block_file("0123456789abcdef", CID, BASE_SEED, 20, 129)
    assert pipeline.parse_block_file(path) == ("0123456789abcdef", CID, BASE_SEED, 20, 129)
    name = path.removeprefix("results/runs/").removesuffix(".parquet")
    assert re.fullmatch(pipeline.BLOCK_NAME, name)
    for other in (name.replace("seed", "s"), name.replace("runs", "r"), name[1:], name + "/x"):
        assert not re.fullmatch(pipeline.BLOCK_NAME, other)


def test_block_written_atomically_with_a_log(tmp_path):
    path, log = tmp_path / "b" / "runs0-0.parquet", tmp_path / "b.log"
    path.parent.mkdir()
    write_block(path, CANONICAL, BASE_SEED, 0, 0, log=log)
    assert sorted(p.name for p in path.parent.iterdir()) == ["runs0-0.parquet"]
    assert "runs 0-0" in log.read_text() and str(path) in log.read_text()


@pytest.mark.parametrize("check, args", [
    ("config id", (config_id({**CANONICAL, "temperature": 0.8}), BASE_SEED, 2, 4)),
    ("base seed", (CID, BASE_SEED + 1, 2, 4)),
    ("run range", (CID, BASE_SEED, 1, 3)),
    ("run range", (CID, BASE_SEED, 2, 5)),
])
def test_read_block_refuses_another_target(block, check, args):
    with pytest.raises(RunFileError, match=str(block)):
        read_block(block, *args)


@pytest.mark.parametrize("what, table_change, meta_change", [
    ("seeds", lambda t: replace_column(t, "seed", [documented_seed(BASE_SEED + 1, r) for r in (2, 3, 4)]), None),
    ("seeds", lambda t: replace_column(t, "seed", [documented_seed(BASE_SEED, r) for r in (4, 3, 2)]), None),
    ("run_idx", lambda t: replace_column(t, "run_idx", [2, 3, 3]), None),
    ("code", None, {"code": "0" * 16}),
    ("version", None, {"version": "0.0.0"}),
    ("config_id", None, {"config_id": "0" * 12}),
    ("base_seed", None, {"base_seed": BASE_SEED + 1}),
])
def test_read_block_refuses_a_file_that_breaks_one_check(block, tmp_path, what, table_change, meta_change):
    # each file differs from a good block in one respect only, behind a matching name
    bad = rewrite(block, tmp_path / "runs2-4.parquet", table_change, meta_change)
    with pytest.raises(RunFileError, match=str(bad)):
        read_block(bad, CID, BASE_SEED, 2, 4)


def test_read_block_refuses_unreadable_and_foreign_files(block, tmp_path):
    truncated = tmp_path / "truncated.parquet"
    truncated.write_bytes(block.read_bytes()[: block.stat().st_size // 2])
    foreign = tmp_path / "foreign.parquet"
    pq.write_table(pq.read_table(block).replace_schema_metadata(None), foreign)
    for path in (truncated, foreign, tmp_path / "missing.parquet"):
        with pytest.raises(RunFileError, match=str(path)):
            read_block(path, CID, BASE_SEED, 2, 4)


# -- the merge ----------------------------------------------------------------------------
def small_plan(tmp_path: Path, runs_per_target: int = 2):
    data = {"name": "t", "parameters": {"temperature": [0.4, 0.9]},
            "fixed_params": {"n_voters": 500, "n_constituencies": 2}, "n_runs_per_config": 3,
            "seed": BASE_SEED, "runs_per_target": runs_per_target}
    plan = pipeline.plan_study(data, "t.yaml")
    layout = plan.layout()
    for config in layout["configs"]:
        canonical = plan.canonical_by_id()[config["config_id"]]
        blocks = [tmp_path / p for p in config["blocks"]]
        config["blocks"] = [str(p) for p in blocks]
        for path in blocks:
            first, last = (int(x) for x in path.stem.removeprefix("runs").split("-"))
            path.parent.mkdir(parents=True, exist_ok=True)
            write_block(path, canonical, BASE_SEED, first, last)
    return data, layout


def test_merge_equals_batchrunner(tmp_path):
    data, layout = small_plan(tmp_path)
    assert [len(c["blocks"]) for c in layout["configs"]] == [2, 2]  # runs 0-1 and 2-2
    results, parties = merge_blocks(layout)
    runner = BatchRunner(ElectionModel, ParameterSweep(data["parameters"], fixed_params=data["fixed_params"]),
                         n_runs_per_config=3, seed=BASE_SEED, verbose=False)
    assert_frame_equal(results, runner.run(), check_exact=True)
    assert_frame_equal(parties, runner.party_results, check_exact=True)
    assert results["seed"].tolist() == [documented_seed(BASE_SEED, r) for r in range(3)] * 2


def test_merge_refuses_a_block_with_the_wrong_seeds(tmp_path):
    data, layout = small_plan(tmp_path)
    victim = Path(layout["configs"][1]["blocks"][0])
    swapped = lambda t: replace_column(t, "seed", list(reversed(t.column("seed").to_pylist())))
    rewrite(victim, victim, swapped)
    with pytest.raises(RunFileError, match=f"{victim}.*seeds"):
        merge_blocks(layout)


def test_merge_refuses_a_missing_block(tmp_path):
    data, layout = small_plan(tmp_path)
    victim = Path(layout["configs"][0]["blocks"][1])
    victim.unlink()
    with pytest.raises(RunFileError, match=str(victim)):
        merge_blocks(layout)


def test_merge_refuses_another_configs_block(tmp_path):
    data, layout = small_plan(tmp_path)
    a, b = (Path(c["blocks"][0]) for c in layout["configs"])
    shutil.copyfile(a, b)  # right range and seeds, wrong configuration
    with pytest.raises(RunFileError, match=f"{b}.*config_id"):
        merge_blocks(layout)


# -- the code fingerprint --------------------------------------------------------------------
def fingerprints(root: Path) -> tuple[str, str]:
    """(simulation, plotting) fingerprints of the package copy under ``root``, in a fresh process."""
    code = ("from electoral_sim.pipeline import code_fingerprint, PLOTTING_MODULES;"
            "print(code_fingerprint(), code_fingerprint(PLOTTING_MODULES))")
    out = subprocess.run([sys.executable, "-c", code], cwd=root, env={"PYTHONPATH": str(root), "PATH": ""},
                         capture_output=True, text=True, check=True, timeout=120).stdout.split()
    return out[0], out[1]


def module_files(root: Path, name: str) -> list[Path]:
    path = root / "electoral_sim" / name
    if not path.exists():
        path = path.with_suffix(".py")
    return sorted(path.rglob("*.py")) if path.is_dir() else [path]


def test_code_fingerprint_covers_every_simulation_module(tmp_path):
    shutil.copytree(PACKAGE, tmp_path / "electoral_sim", ignore=shutil.ignore_patterns("__pycache__"))
    base = fingerprints(tmp_path)
    assert base[0] == pipeline.code_fingerprint() and base[1] == pipeline.code_fingerprint(pipeline.PLOTTING_MODULES)
    changed = []
    for name in pipeline.SIMULATION_MODULES:
        files = module_files(tmp_path, name)
        assert files, name
        target = files[-1]  # one file per module (the last of a package)
        original = target.read_text()
        target.write_text(original + "\n# an edit\n")
        changed.append((name, fingerprints(tmp_path)))
        target.write_text(original)
    for name, (simulation, plotting) in changed:
        assert simulation != base[0], f"editing {name} left the simulation fingerprint unchanged"
        assert plotting == base[1], name
    assert len({sim for _, (sim, _) in changed}) == len(changed)
    # a figure-only edit re-draws figures but keeps the cached runs
    for target in module_files(tmp_path, pipeline.PLOTTING_MODULES[0]):
        target.write_text(target.read_text() + "\n# an edit\n")
    simulation, plotting = fingerprints(tmp_path)
    assert simulation == base[0] and plotting != base[1]
