"""What produced a study's results: the study, the code, the libraries, where and when.

:func:`provenance` returns a JSON-ready dict; the pipeline writes it to
``results/<name>/provenance.json`` and the result tables carry it in their
Parquet metadata. The study's hash is the SHA-256 of its canonical JSON
(:func:`study_sha256`: keys sorted, no spaces), so a YAML and a JSON file with
the same content have the same hash.
"""
from __future__ import annotations

import hashlib
import json
import platform
from datetime import datetime, timezone
from importlib import metadata
from typing import Any

#: distributions whose versions are recorded (None when not installed)
LIBRARIES = ("numpy", "pandas", "pyarrow", "scipy", "SALib", "matplotlib", "snakemake")


def study_sha256(study: dict[str, Any]) -> str:
    """SHA-256 (hex) of a study dict's canonical JSON: sorted keys, compact separators, UTF-8."""
    text = json.dumps(study, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def table_provenance(model_class: type, sweep, n_runs_per_config: int, base_seed: int) -> dict[str, Any]:
    """What a result table's Parquet metadata records: :func:`provenance` of the run as
    plain data (model class, sweep definition, runs, base seed) without platform and date,
    so that every front door writes the same bytes on every day."""
    study = {"model": f"{model_class.__module__}:{model_class.__qualname__}", **sweep.definition(),
             "n_runs_per_config": n_runs_per_config, "seed": base_seed}
    record = provenance(study, base_seed)
    del record["platform"], record["created"]
    return record


def provenance(study: dict[str, Any], base_seed: int | None) -> dict[str, Any]:
    """The provenance record of a study run with ``base_seed``.

    Keys: ``package``, ``version``, ``code_fingerprint`` (of the simulation
    code, with the study's own ``model`` class if it names one:
    :func:`electoral_sim.pipeline.simulation_code`), ``study`` (as run),
    ``study_sha256``, ``base_seed``, ``python``, ``versions`` (of
    :data:`LIBRARIES`), ``platform`` and ``created`` (UTC, ISO 8601).

    Examples
    --------
    >>> record = provenance({"parameters": {"temperature": [0.3, 0.5]}}, 42)
    >>> record["base_seed"], len(record["study_sha256"])
    (42, 64)
    """
    from electoral_sim import __version__
    from electoral_sim.pipeline import simulation_code

    return {
        "package": "electoral-sim",
        "version": __version__,
        "code_fingerprint": simulation_code(study.get("model")),
        "study": study,
        "study_sha256": study_sha256(study),
        "base_seed": base_seed,
        "python": platform.python_version(),
        "versions": {name: _version(name) for name in LIBRARIES},
        "platform": platform.platform(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def write_provenance(path, study: dict[str, Any], base_seed: int | None, log=None) -> None:
    """Write :func:`provenance` as JSON to ``path``, atomically, and a line to ``log`` (the pipeline's rule)."""
    from pathlib import Path

    from electoral_sim.io import write_json

    write_json(path, provenance(study, base_seed))
    if log is not None:
        Path(log).write_text(f"wrote {path}\n")
