"""Study files: one JSON/YAML schema for ``electoral-sim batch`` and the pipeline.

A study has the keys ``name``, ``parameters``, ``fixed_params``,
``sweep_type``, ``n_samples``, ``n_runs_per_config``, ``n_jobs`` and ``seed``
(see ``study.schema.yaml`` beside this module). Every problem is reported as
one line naming the file, before anything runs.
"""
from __future__ import annotations

import difflib
import json
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from electoral_sim import limits
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
    model_class: type = ElectionModel


def resolve_model(spec: str) -> type:
    """The model class named ``"package.module:ClassName"`` (the study key ``model``).

    The module is imported from the Python path or the working directory.
    """
    import importlib
    import os

    module_name, _, class_name = str(spec).partition(":")
    if not module_name or not class_name:
        raise ValueError(f"model must be 'package.module:ClassName', got {spec!r}")
    if os.getcwd() not in sys.path:
        sys.path.append(os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(f"model {spec!r}: cannot import module {module_name!r} ({exc})") from None
    model = getattr(module, class_name, None)
    if not isinstance(model, type) or not callable(getattr(model, "run_election", None)):
        raise ValueError(f"model {spec!r}: {module_name} has no class {class_name!r} with a run_election() method")
    return model


def _schema() -> dict:
    import yaml

    return yaml.safe_load(SCHEMA_PATH.read_text())


#: YAML 1.1 (PyYAML) reads ``1e-6`` and ``1.0e6`` as strings: like YAML 1.2 and
#: JSON, a study reads every number with an exponent as a float
_EXPONENT_FLOAT = re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$")


@lru_cache(maxsize=None)
def _yaml_loader() -> type:
    """A SafeLoader that refuses duplicate keys and reads exponent floats."""
    import yaml

    class StudyLoader(yaml.SafeLoader):
        def construct_mapping(self, node, deep=False):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key, line = self.construct_object(key_node), key_node.start_mark.line + 1
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key!r} (first on line {seen[key]})", key_node.start_mark)
                seen[key] = line
            return super().construct_mapping(node, deep)

    StudyLoader.add_implicit_resolver("tag:yaml.org,2002:float", _EXPONENT_FLOAT, list("-+.0123456789"))
    return StudyLoader


def _refuse_duplicate_keys(text: str):
    """A json ``object_pairs_hook`` that refuses a key given twice in one object."""
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        for key in keys:
            if keys.count(key) > 1:
                # the line of the key's second occurrence in the file (exact when it is unique there)
                places = [m.start() for m in re.finditer(re.escape(json.dumps(key)) + r"\s*:", text)]
                line = text.count("\n", 0, places[1]) + 1 if len(places) > 1 else None
                raise ValueError(f"{f'line {line}: ' if line else ''}duplicate key {key!r}")
        return dict(pairs)
    return hook


def read_study_file(path: str | Path) -> dict[str, Any]:
    """Parse a .json, .yaml or .yml study file; errors name the file and line.

    YAML files are read with PyYAML's safe loader, with two changes: a key
    given twice in one mapping is an error (not "the last one wins"), and a
    number with an exponent (``1e-6``) is a float as in YAML 1.2 and JSON
    (YAML 1.1 reads it as a string).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".json", ".yaml", ".yml"):
        raise ValueError(f"{path}: unsupported study file type {suffix or '(none)'!r}: use .json, .yaml or .yml")
    if path.is_dir():
        raise ValueError(f"{path}: is a directory, not a study file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"{path}: cannot read study file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not a text file (byte {raw[exc.start]:#04x} at offset {exc.start} "
                         "is not UTF-8): a study file is JSON or YAML text") from None
    if suffix == ".json":
        try:
            data = json.loads(text, object_pairs_hook=_refuse_duplicate_keys(text))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: line {exc.lineno}: invalid JSON: {exc.msg}") from None
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None
    else:
        import yaml

        try:
            data = yaml.load(text, Loader=_yaml_loader())
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}: " if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise ValueError(f"{path}: {where}invalid YAML: {problem}") from None
    if not isinstance(data, dict):
        kind = "an empty file" if data is None else f"a {type(data).__name__}"
        raise ValueError(f"{path}: a study must be a mapping of keys to values, got {kind}")
    return data


#: what each study key accepts, in words (schema messages are for machines)
_VALID = {
    "name": "a name of at most 100 letters, digits, '_', '.' or '-', starting with a letter or digit, "
            "and not 'runs' (the pipeline's run cache)",
    "parameters": "a mapping of model parameter names to lists of values",
    "fixed_params": "a mapping of model parameter names to single values",
    "n_samples": "an integer >= 1",
    "calc_second_order": "true or false (sobol sweeps only)",
    "num_levels": "an even integer >= 2 (morris sweeps only)",
    "n_runs_per_config": "an integer >= 1",
    "n_jobs": "an integer >= 1, or -1 for every core",
    "seed": "an integer >= 0, or null to draw one",
}
_SWEPT = ("a list of values such as [0.3, 0.5], or a range such as {low: 0.1, high: 0.9, log: false} "
          "(ranges need a sampled sweep_type)")
_SCALAR = "a string, number, boolean or null"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _valid_from_schema(spec: dict) -> str | None:
    """Words for a key without an entry in :data:`_VALID`, from its schema."""
    if "enum" in spec:
        return "one of " + ", ".join(map(str, spec["enum"]))
    if spec.get("type") == "integer":
        return f"an integer >= {spec['minimum']}" if "minimum" in spec else "an integer"
    if spec.get("type") == "boolean":
        return "true or false"
    return None


def _valid_for(path: list, schema: dict) -> str | None:
    """What the value at ``path`` must be, in words (None: use the schema's message)."""
    top = path[0]
    if len(path) == 1:
        if top in _VALID:
            return _VALID[top]
        return _valid_from_schema(schema["properties"].get(top, {}))
    if top == "parameters" and len(path) == 2:
        return _SWEPT
    if top == "parameters" and len(path) == 3 and path[2] in ("low", "high"):
        return "a number"
    if top == "parameters" and len(path) == 3 and path[2] == "log":
        return "true or false"
    if top == "fixed_params" and len(path) == 2:
        return "a single value: " + _SCALAR
    if top in ("parameters", "fixed_params"):
        return _SCALAR
    return None


def schema_error(data: dict[str, Any]) -> str | None:
    """The first schema violation in ``data`` as one line for people, or None."""
    import jsonschema

    schema = _schema()
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(data))
    if error is None:
        for key, value in data.items():  # JSON Schema counts 2.0 as an integer; Python code would not
            if isinstance(value, float) and "integer" in str(schema["properties"].get(key, {}).get("type")):
                return (f"{key} must be {_valid_for([key], schema)}, got {value!r}: "
                        "write whole numbers without a decimal point or exponent")
        return None
    path = list(error.absolute_path)
    if not path:
        if error.validator == "additionalProperties":
            unknown = sorted(set(error.instance) - set(schema["properties"]))
            close = difflib.get_close_matches(unknown[0], list(schema["properties"]), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (valid keys: {', '.join(schema['properties'])})"
            return f"unknown key {unknown[0]!r}{hint}"
        if error.validator == "required":
            missing = [k for k in error.validator_value if k not in data]
            return f"a study needs the key {missing[0]!r}: {_VALID.get(missing[0], '')}".rstrip(": ")
    where = str(path[0]) + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path[1:])
    valid = _valid_for(path, schema)
    if valid is None:
        message = error.message if len(error.message) < 200 else error.message[:200] + "..."
        return f"{where}: {message}"
    return f"{where} must be {valid}, got {_short(error.instance)}"


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
        if data.get("model") is not None:
            model_class = resolve_model(data["model"])
        sweep = ParameterSweep(
            data["parameters"],
            fixed_params=data.get("fixed_params"),
            sweep_type=data.get("sweep_type", "grid"),
            n_samples=data.get("n_samples", 100),
            calc_second_order=data.get("calc_second_order", False),
            num_levels=data.get("num_levels", 4),
        )
        check_parameter_names([*sweep.parameters, *sweep.fixed_params], model_class)
        limits.check_runs(len(sweep), data.get("n_runs_per_config", 1))
    except ValueError as exc:
        raise ValueError(f"{source}: {exc}") from None
    return Study(
        name=data.get("name"),
        sweep=sweep,
        n_runs_per_config=data.get("n_runs_per_config", 1),
        n_jobs=data.get("n_jobs", 1),
        seed=data.get("seed"),
        model_class=model_class,
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
    parties: str | Path | None = None,
    sensitivity: str | Path | None = None,
) -> list[tuple[str | Path, str]]:
    """``electoral-sim batch``: run a study file, write results (and summary, per-party table).

    Returns the files written, each as ``(path, what it holds)``.

    ``sensitivity`` (sobol and morris studies) receives
    :meth:`BatchRunner.get_sensitivity`; with ``calc_second_order`` the
    second-order table goes beside it, named ``<stem>_second_order<suffix>``.

    ``n_jobs`` and ``seed`` override the file's values when given. Before
    any work: outputs must be distinct from each other and from ``config``,
    and writable.
    """
    from electoral_sim.analysis import BatchRunner

    outputs = {"--output": output, "--summary": summary, "--parties": parties, "--sensitivity": sensitivity}
    check_outputs(config, outputs)
    study = load_study(config)
    second_order = None
    if sensitivity is not None:
        if study.sweep.sweep_type not in ("sobol", "morris"):
            raise ValueError(f"--sensitivity needs a study with sweep_type sobol or morris, "
                             f"{config} has {study.sweep.sweep_type!r}")
        if study.sweep.calc_second_order:
            path = Path(sensitivity)
            second_order = path.with_name(f"{path.stem}_second_order{path.suffix}")
            check_outputs(config, {**outputs, "--sensitivity (second order)": second_order})
    try:
        runner = BatchRunner(
            study.model_class,
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
    results = runner.run()
    runner.export_results(output)
    written = [(output, f"results, {len(results)} runs")]
    if summary is not None:
        runner.export_summary(summary)
        written.append((summary, f"summary, {len(runner.configs)} configurations"))
    if parties is not None:
        runner.export_parties(parties)
        written.append((parties, f"per-party results, {len(runner.party_results)} rows"))
    if sensitivity is not None:
        from electoral_sim.io import write_table

        write_table(runner.get_sensitivity(), sensitivity)
        written.append((sensitivity, "sensitivity indices"))
        if second_order is not None:
            write_table(runner.get_second_order_sensitivity(), second_order)
            written.append((second_order, "second-order sensitivity indices"))
    return written


def _same_file(a: str | Path, b: str | Path) -> bool:
    a, b = Path(a), Path(b)
    if a.resolve() == b.resolve():
        return True
    try:
        return a.samefile(b)  # hard links
    except OSError:
        return False


def check_outputs(config: str | Path, outputs: dict[str, str | Path | None]) -> None:
    """Refuse outputs that would overwrite ``config`` or each other, or cannot be written.

    ``outputs`` maps a flag (for the message) to a path, or None when absent.
    """
    from electoral_sim.io import check_writable, table_format

    taken = {"--config": config}
    for flag, path in outputs.items():
        if path is None:
            continue
        try:
            table_format(path)
        except ValueError as exc:
            raise ValueError(f"{flag}: {exc}") from None
        for other_flag, other in taken.items():
            if _same_file(path, other):
                raise ValueError(f"{flag} {path} is the same file as {other_flag} {other}: "
                                 "writing it would overwrite the " + ("study" if other_flag == "--config" else "other table")
                                 + "; give another file name")
        check_writable(path)
        taken[flag] = path
