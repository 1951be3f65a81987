"""The provenance record: what produced a study's results."""
from __future__ import annotations

import hashlib
import json
import platform
from datetime import datetime, timedelta, timezone
from importlib import metadata

import yaml

from electoral_sim import __version__
from electoral_sim.pipeline import code_fingerprint, simulation_code
from electoral_sim.provenance import LIBRARIES, provenance, study_sha256

STUDY = {"name": "p", "parameters": {"temperature": [0.3, 0.5]}, "fixed_params": {"n_voters": 1000}, "seed": 9}


def test_record_names_the_code_the_study_and_the_libraries():
    before = datetime.now(timezone.utc).replace(microsecond=0)
    record = provenance(STUDY, 9)
    after = datetime.now(timezone.utc)
    assert record["package"] == "electoral-sim" and record["version"] == __version__
    assert record["code_fingerprint"] == code_fingerprint()
    assert record["study"] == STUDY and record["base_seed"] == 9
    assert record["python"] == platform.python_version()
    assert record["platform"] == platform.platform()
    for name in ("numpy", "pandas", "pyarrow", "snakemake"):
        assert record["versions"][name] == metadata.version(name)
    assert set(record["versions"]) == set(LIBRARIES)
    created = datetime.fromisoformat(record["created"])
    assert created.utcoffset() == timedelta(0) and before <= created <= after
    json.dumps(record, allow_nan=False)  # JSON-ready as it is


def test_study_hash_is_sha256_of_canonical_json():
    # by hand: sorted keys, no spaces
    text = ('{"fixed_params":{"n_voters":1000},"name":"p","parameters":{"temperature":[0.3,0.5]},'
            '"seed":9}')
    assert study_sha256(STUDY) == hashlib.sha256(text.encode()).hexdigest()
    # the same content from YAML in another key order hashes the same; any change differs
    same = yaml.safe_load("seed: 9\nparameters: {temperature: [0.3, 0.5]}\nname: p\nfixed_params: {n_voters: 1000}\n")
    assert study_sha256(same) == study_sha256(STUDY)
    assert study_sha256({**STUDY, "seed": 10}) != study_sha256(STUDY)


def test_a_study_with_its_own_model_records_that_models_code():
    study = {**STUDY, "model": "electoral_sim.model:ElectionModel"}
    assert provenance(study, 9)["code_fingerprint"] == simulation_code("electoral_sim.model:ElectionModel")
    assert provenance(study, 9)["code_fingerprint"] != code_fingerprint()


def test_write_provenance_writes_the_record_and_a_log_line(tmp_path):
    from electoral_sim.provenance import write_provenance

    write_provenance(tmp_path / "p.json", STUDY, 9, tmp_path / "p.log")
    record = json.loads((tmp_path / "p.json").read_text())
    assert record["study"] == STUDY and record["study_sha256"] == study_sha256(STUDY)
    assert (tmp_path / "p.log").read_text() == f"wrote {tmp_path / 'p.json'}\n"
