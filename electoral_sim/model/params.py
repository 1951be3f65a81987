"""Parameter checks of the election model: parties, numbers and their ranges.

Every range is stated in the error message. The bounds on the utility terms
(positions, valence, growth, mood, anti-incumbency) and on the temperature
keep ``u / T`` within float32 with a wide margin, so no accepted input can
overflow the vote kernel into inf or NaN.
"""
from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

#: The default party system: five parties in a 2-D ideological space, one incumbent.
DEFAULT_PARTIES: tuple[dict[str, Any], ...] = (
    {"name": "Left", "position": (-0.6, 0.1), "valence": 0.0, "incumbent": False},
    {"name": "Centre-Left", "position": (-0.2, -0.1), "valence": 0.1, "incumbent": True},
    {"name": "Centre-Right", "position": (0.25, 0.05), "valence": 0.1, "incumbent": False},
    {"name": "Right", "position": (0.65, 0.2), "valence": 0.0, "incumbent": False},
    {"name": "Green", "position": (-0.35, 0.6), "valence": -0.05, "incumbent": False},
)
_PARTY_KEYS = {"name", "position", "valence", "incumbent", "regions"}

#: Accepted ranges (inclusive).
TEMPERATURE_RANGE = (1e-6, 1e6)  #: below 1e-6 choices are deterministic to float32 precision anyway
GROWTH_RANGE = (-100.0, 100.0)  #: growth rate (100 = +10,000 %); GROWTH_WEIGHT * 100 = 1000 utility units
UTILITY_LIMIT = 1000.0  #: |valence|, |national_mood|, anti_incumbency and |position coordinates| at most this


def new_seed() -> int:
    """A fresh seed from OS entropy, in [0, 2**63) so it fits every table format."""
    return int(np.random.SeedSequence().generate_state(1, np.uint64)[0] >> np.uint64(1))


def integer(name: str, value: object, low: int) -> int:
    """``value`` as an int >= ``low`` (integral floats and numpy integers accepted)."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, float)):
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    if value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def real(name: str, value: object, low: float = -math.inf, high: float = math.inf) -> float:
    """``value`` as a finite float in [low, high]."""
    if (isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value)
            or not low <= value <= high):
        rule = "a finite number" if (low, high) == (-math.inf, math.inf) else f"a number in [{low:g}, {high:g}]"
        raise ValueError(f"{name} must be {rule}, got {value!r}")
    return float(value)


def utility_term(name: str, value: object, low: float = -UTILITY_LIMIT) -> float:
    """A term of the utility, in utility units, within +-UTILITY_LIMIT."""
    return real(name, value, low, UTILITY_LIMIT)


def threshold(value: object) -> float:
    """A legal threshold: a vote share in [0, 1)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < 1:
        raise ValueError(f"threshold must be a number in [0, 1), got {value!r}")
    return float(value)


def temperature(value: object) -> float:
    """The logit temperature, a positive number in :data:`TEMPERATURE_RANGE`."""
    low, high = TEMPERATURE_RANGE
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not low <= value <= high:
        raise ValueError(f"temperature must be a positive number in [{low:g}, {high:g}] (at 1e-06 choices are "
                         f"already deterministic to float32 precision), got {value!r}")
    return float(value)


def choice(name: str, value: object, options: tuple[str, ...]) -> str:
    """One of ``options`` (case-insensitive)."""
    if isinstance(value, str) and value.strip().lower() in options:
        return value.strip().lower()
    raise ValueError(f"{name} must be one of {', '.join(options)} (case-insensitive), got {value!r}")


def parties(value: object) -> tuple[dict[str, Any], ...]:
    """Validated party dicts with defaults filled in (None: :data:`DEFAULT_PARTIES`; a name:
    :func:`electoral_sim.party_systems.party_system`)."""
    if value is None:
        return DEFAULT_PARTIES
    if isinstance(value, str):
        from electoral_sim.party_systems import party_system

        value = party_system(value)
    if not isinstance(value, (list, tuple)) or len(value) < 2:
        raise ValueError(f"parties must be a list of at least 2 party dicts, got {value!r}")
    out, names = [], set()
    for i, party in enumerate(value):
        where = f"parties[{i}]"
        if not isinstance(party, dict):
            raise ValueError(f"{where} must be a dict with keys {sorted(_PARTY_KEYS)}, got {party!r}")
        unknown = set(party) - _PARTY_KEYS
        if unknown or "name" not in party or "position" not in party:
            raise ValueError(
                f"{where} must have keys 'name' and 'position' (optional 'valence', "
                f"'incumbent', 'regions'), got {sorted(party)}"
            )
        name = party["name"]
        if not isinstance(name, str) or not name or name in names:
            raise ValueError(f"{where}['name'] must be a unique non-empty string, got {name!r}")
        names.add(name)
        pos = party["position"]
        if not isinstance(pos, (list, tuple)) or len(pos) != 2:
            raise ValueError(f"{where}['position'] must be [x, y], got {pos!r}")
        position = tuple(utility_term(f"{where}['position']", c) for c in pos)
        valence = utility_term(f"{where}['valence']", party.get("valence", 0.0))
        incumbent = party.get("incumbent", False)
        if not isinstance(incumbent, (bool, np.bool_)):
            raise ValueError(f"{where}['incumbent'] must be true or false, got {incumbent!r}")
        out.append({"name": name, "position": position, "valence": valence, "incumbent": bool(incumbent)})
        if party.get("regions") is not None:  # absent unless given, so a party list's identity is unchanged
            out[-1]["regions"] = party_regions(where, party["regions"])
    return tuple(out)


def party_regions(where: str, value: object) -> list[str]:
    """A party's ``regions``: a non-empty list of distinct region names (it stands only there)."""
    if (not isinstance(value, (list, tuple)) or not value
            or not all(isinstance(v, str) and v for v in value) or len(set(value)) != len(value)):
        raise ValueError(f"{where}['regions'] must be a non-empty list of distinct region names, got {value!r}")
    return list(value)
