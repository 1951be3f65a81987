"""Study files: one JSON/YAML schema for ``electoral-sim batch`` and the pipeline.

A study has the keys ``name``, ``parameters``, ``fixed_params``,
``sweep_type``, ``n_samples``, ``n_runs_per_config``, ``n_jobs`` and ``seed``
(see ``study.schema.yaml`` beside this module). Every problem is reported as
one line naming the file, before anything runs.
"""
from __future__ import annotations

import difflib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from electoral_sim.model import ElectionModel
from electoral_sim.sweep import ParameterSweep, check_parameter_names

SCHEMA_PATH = Path(__file__).with_name("study.schema.yaml")


@dataclass
class Study:
    """A validated study: the sweep and how to run it."""

    name: str | None
    sweep: ParameterSweep
    n_runs_per_config: int
    n_jobs: int
    seed: int | None


def _schema() -> dict:
    import yaml

    return yaml.safe_load(SCHEMA_PATH.read_text())


def read_study_file(path: str | Path) -> dict[str, Any]:
    """Parse a .json, .yaml or .yml study file; errors name the file and line."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".json", ".yaml", ".yml"):
        raise ValueError(f"{path}: unsupported study file type {suffix or '(none)'!r}: use .json, .yaml or .yml")
    try:
        text = path.read_text()
    except OSError as exc:
        raise ValueError(f"{path}: cannot read study file: {exc.strerror or exc}") from None
    if suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: line {exc.lineno}: invalid JSON: {exc.msg}") from None
    else:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}: " if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise ValueError(f"{path}: {where}invalid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a study must be a mapping of keys to values, got {type(data).__name__}")
    return data


def schema_error(data: dict[str, Any]) -> str | None:
    """The first schema violation in ``data`` as one line, or None."""
    import jsonschema

    schema = _schema()
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(data))
    if error is None:
        return None
    where = ".".join(str(p) for p in error.absolute_path)
    if error.validator == "additionalProperties" and not error.absolute_path:
        unknown = sorted(set(error.instance) - set(schema["properties"]))
        close = difflib.get_close_matches(unknown[0], list(schema["properties"]), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else f" (valid keys: {', '.join(schema['properties'])})"
        return f"unknown key {unknown[0]!r}{hint}"
    message = error.message if len(error.message) < 200 else error.message[:200] + "..."
    return f"{where or 'study'}: {message}"


def study_from_dict(data: dict[str, Any], source: str = "study", model_class: type = ElectionModel) -> Study:
    """Validate a parsed study (schema and parameter names) and build it.

    Parameter values are checked when the sweep is expanded, which also
    happens before anything runs. Errors are ``ValueError`` messages
    starting with ``source``.
    """
    problem = schema_error(data)
    if problem:
        raise ValueError(f"{source}: {problem}")
    try:
        sweep = ParameterSweep(
            data["parameters"],
            fixed_params=data.get("fixed_params"),
            sweep_type=data.get("sweep_type", "grid"),
            n_samples=data.get("n_samples", 100),
        )
        check_parameter_names([*sweep.parameters, *sweep.fixed_params], model_class)
    except ValueError as exc:
        raise ValueError(f"{source}: {exc}") from None
    return Study(
        name=data.get("name"),
        sweep=sweep,
        n_runs_per_config=data.get("n_runs_per_config", 1),
        n_jobs=data.get("n_jobs", 1),
        seed=data.get("seed"),
    )


def load_study(path: str | Path, model_class: type = ElectionModel) -> Study:
    """Read and validate a study file."""
    return study_from_dict(read_study_file(path), str(path), model_class)


def run_study_file(
    config: str | Path,
    output: str | Path,
    summary: str | Path | None = None,
    n_jobs: int | None = None,
    seed: int | None = None,
    verbose: bool = True,
) -> None:
    """``electoral-sim batch``: run a study file, write results (and summary).

    ``n_jobs`` and ``seed`` override the file's values when given.
    """
    from electoral_sim.analysis import BatchRunner
    from electoral_sim.io import table_format

    study = load_study(config)
    for path in (output, summary):
        if path is not None:
            table_format(path)
    try:
        runner = BatchRunner(
            ElectionModel,
            study.sweep,
            n_runs_per_config=study.n_runs_per_config,
            n_jobs=study.n_jobs if n_jobs is None else n_jobs,
            seed=study.seed if seed is None else seed,
            verbose=verbose,
        )
    except ValueError as exc:
        raise ValueError(f"{config}: {exc}") from None
    if study.seed is None and seed is None:
        print(f"base seed {runner.seed} drawn from entropy: pass --seed {runner.seed} to repeat this batch",
              file=sys.stderr)
    runner.run()
    runner.export_results(output)
    if summary is not None:
        runner.export_summary(summary)
