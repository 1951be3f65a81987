"""Config identity: ``config_id`` is a hash of ALL the canonical parameters.

If the id ignored a parameter, the pipeline would reuse a D'Hondt study's
cached runs for a Hare study (same id, other numbers). These tests walk the
model's signature, so a parameter added to ``ElectionModel`` is covered
without editing this file: numbers get an automatic alternative value; any
other type must be given one in ``ALTERNATIVES`` (the test says so).
"""
from __future__ import annotations

import inspect
import numbers
import random

import pytest

from electoral_sim import ElectionModel
from electoral_sim.model import DEFAULT_PARTIES
from electoral_sim.sweep import ParameterSweep, config_id, expand, model_parameters

PARAMETERS = model_parameters(ElectionModel)
DEFAULTS = {name: p.default for name, p in inspect.signature(ElectionModel).parameters.items() if name in PARAMETERS}
#: a valid value other than the default, for parameters that are not plain numbers
canonical = ElectionModel.canonical_params

#: parameter -> (a valid value other than the default, the other parameters it needs). Numbers
#: valid alone need no entry; any other new parameter must be added here (the test says so).
ALTERNATIVES = {
    "parties": ([{"name": "A", "position": [0.0, 0.0], "incumbent": True}, {"name": "B", "position": [0.5, 0.0]}],
                {}),
    "electoral_system": ("PR", {}),
    "allocation_method": ("hare", {"electoral_system": "PR"}),  # the D'Hondt study vs the Hare study
    "district_magnitude": (2, {"electoral_system": "STV"}),
    "pr_tier": ("constituency", {"electoral_system": "PR"}),
    "list_seats": (5, {"electoral_system": "MMP"}),
    "overhang": ("level", {"electoral_system": "MMP", "allocation_method": "dhondt"}),
    "waiver_seats": (2, {"electoral_system": "MMP"}),
    "uncompensated_overhang": (3, {"electoral_system": "MMP", "overhang": "level", "allocation_method": "dhondt"}),
    "regions": ([{"name": "North", "constituencies": 4, "centre": [0.0, 0.2]}, {"name": "South", "constituencies": 6}],
                {}),
}


def alternative(name: str) -> tuple[object, dict]:
    """A valid value of ``name`` other than the default, and the companion parameters it needs."""
    if name in ALTERNATIVES:
        return ALTERNATIVES[name]
    default = DEFAULTS[name]
    if isinstance(default, numbers.Real) and not isinstance(default, bool):
        for step in (1, -1) if isinstance(default, numbers.Integral) else (0.1, -0.1):
            try:
                canonical(**{name: default + step})
            except ValueError:
                continue
            return default + step, {}
    pytest.fail(f"no valid alternative value for the parameter {name!r}: add one (with the parameters it "
                f"needs) to ALTERNATIVES in {__file__}")


def test_canonical_params_hold_every_parameter():
    # a parameter missing from the canonical dict would be missing from the hash
    assert set(canonical()) == set(PARAMETERS)
    assert len(PARAMETERS) >= 10


@pytest.mark.parametrize("name", PARAMETERS)
def test_changing_one_parameter_changes_the_id(name):
    value, companions = alternative(name)
    base = canonical(**companions)
    changed = canonical(**companions, **{name: value})
    assert changed[name] != base[name]
    assert {k: v for k, v in changed.items() if k != name} == {k: v for k, v in base.items() if k != name}
    assert config_id(changed) != config_id(base), name


@pytest.mark.parametrize("name", [n for n in PARAMETERS if not isinstance(ALTERNATIVES.get(n, (0,))[0], list)])
def test_changing_one_parameter_in_a_sweep_changes_the_id(name):
    # the path the pipeline and BatchRunner take: sweep -> expand -> config_id (scalars only:
    # a sweep value becomes a table column; parties are covered above and below)
    value, companions = alternative(name)
    configs = expand(ParameterSweep({name: [DEFAULTS[name], value]}, fixed_params=companions), base_seed=1)
    assert configs[0]["config_id"] == config_id(canonical(**companions))
    assert configs[0]["config_id"] != configs[1]["config_id"]


@pytest.mark.parametrize("field, value", [
    ("name", "Centre-Left 2"), ("position", [-0.2, -0.11]), ("valence", 0.11), ("incumbent", False)])
def test_changing_one_party_field_changes_the_id(field, value):
    parties = [dict(p) for p in DEFAULT_PARTIES]
    base = config_id(canonical(parties=[dict(p) for p in DEFAULT_PARTIES]))
    parties[1][field] = value
    assert config_id(canonical(parties=parties)) != base


def test_party_order_is_part_of_the_id():
    # the party order is the tie-break order and the order of the per-party lists
    parties = [dict(p) for p in DEFAULT_PARTIES]
    assert config_id(canonical(parties=parties[::-1])) != config_id(canonical(parties=parties))


def test_id_ignores_key_order_and_spelling():
    params = canonical(electoral_system="pr", allocation_method="Sainte-Lague", temperature=1)
    keys = list(params)
    random.Random(0).shuffle(keys)
    assert keys != list(params)
    assert config_id({k: params[k] for k in keys}) == config_id(params)
    spelled = canonical(electoral_system="PR", allocation_method="sainte_lague", temperature=1.0)
    assert config_id(spelled) == config_id(params)


def test_id_names_the_model_class():
    class Other(ElectionModel):
        pass

    params = canonical()
    assert config_id(params, Other) != config_id(params, ElectionModel)
    assert len(config_id(params)) == 12 and int(config_id(params), 16) >= 0
