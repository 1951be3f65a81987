"""environment.yml (conda, used by the pipeline's rules) agrees with pyproject.toml."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
# conda-forge names that differ from the PyPI name (none are used today)
CONDA_TO_PYPI: dict[str, str] = {}
NOT_PACKAGES = {"python", "pip"}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lower_bound(spec: str, where: str) -> tuple[str, str]:
    """'numpy>=1.26' -> ('numpy', '1.26'); every dependency must have exactly one lower bound."""
    m = re.fullmatch(r"\s*([A-Za-z0-9][A-Za-z0-9_.-]*)\s*(?:\[[^\]]*\])?\s*>=\s*([0-9][0-9A-Za-z.]*)\s*", spec)
    assert m, f"{where}: {spec!r} is not of the form 'name>=version'"
    return _normalise(m.group(1)), m.group(2)


@pytest.fixture(scope="module")
def environment() -> dict:
    return yaml.safe_load((REPO / "environment.yml").read_text())


@pytest.fixture(scope="module")
def pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def _conda_specs(environment: dict) -> list[str]:
    return [d for d in environment["dependencies"] if isinstance(d, str)]


def _pip_specs(environment: dict) -> list[str]:
    pip = [d["pip"] for d in environment["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip) == 1, "environment.yml needs exactly one 'pip:' section"
    return pip[0]


def test_conda_dependencies_match_pyproject(environment, pyproject):
    conda = {}
    for spec in _conda_specs(environment):
        if _normalise(spec) in NOT_PACKAGES:
            continue
        name, bound = _lower_bound(spec, "environment.yml")
        if name in NOT_PACKAGES:
            continue
        conda[CONDA_TO_PYPI.get(name, name)] = bound
    project = pyproject["project"]
    wanted = {}
    for spec in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        name, bound = _lower_bound(spec, "pyproject.toml")
        wanted[name] = bound
    assert conda == wanted


def test_python_version_matches_requires_python(environment, pyproject):
    python = [s for s in _conda_specs(environment) if _normalise(re.split(r"[<>=!~ ]", s)[0]) == "python"]
    assert len(python) == 1
    assert _lower_bound(python[0], "environment.yml") == ("python", "3.11")
    assert re.fullmatch(r">=\s*3\.11", pyproject["project"]["requires-python"].strip())


def test_environment_installs_the_package_with_pip(environment, pyproject):
    assert "pip" in [_normalise(s) for s in _conda_specs(environment)], "pip must be a conda dependency"
    pip = _pip_specs(environment)
    local = [s for s in pip if re.fullmatch(r"(-e\s+)?\.(\[[a-z,]+\])?", s.strip())]
    assert local, f"environment.yml's pip section does not install the package itself: {pip}"
    # the local install is the only pip requirement: everything else comes from conda
    assert pip == local


def test_environment_channels(environment):
    channels = environment["channels"]
    assert channels[0] == "conda-forge"
    assert "defaults" not in channels
