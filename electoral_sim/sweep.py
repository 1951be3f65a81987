"""Sweep expansion, config identity and seed derivation.

Each of these lives here once; :class:`~electoral_sim.analysis.BatchRunner`,
the ``electoral-sim batch`` command and the Snakemake pipeline all call them,
which is what makes their numbers identical.

Seeds
-----
A study has one base seed ``S`` (drawn from entropy and recorded when not
given). Run ``r`` of *every* configuration uses the seed
``SeedSequence(S, spawn_key=(0, r)).generate_state(1, uint64)[0] >> 1``, a
63-bit integer stored in the ``seed`` column: configurations share common
random numbers, and a configuration's seeds never depend on its position in
the grid. Random, Latin-hypercube, Sobol and Morris sweeps draw their
samples (see :mod:`electoral_sim.sampling`) from a generator seeded with
``SeedSequence(seed, spawn_key=(1,))``, with the sweep's own ``seed`` or else
the base seed; the sensitivity analysis draws its bootstrap from
``spawn_key=(2,)``.
"""
from __future__ import annotations

import difflib
from functools import lru_cache
import hashlib
import inspect
import itertools
import json
import math
import numbers
from typing import Any, Iterable, Sequence

import numpy as np

from electoral_sim import limits, sampling
from electoral_sim.model import ElectionModel, new_seed

SWEEP_TYPES = ("grid", "random", "latin_hypercube", "sobol", "morris")
_RANGE_KEYS = {"low", "high", "log"}


# -- seeds ----------------------------------------------------------------------
def _check_seed(seed: object, name: str = "seed") -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"{name} must be a non-negative integer or None, got {seed!r}")
    return int(seed)


def resolve_seed(seed: int | None) -> int:
    """Return ``seed`` checked, or a fresh one from entropy when None."""
    return new_seed() if seed is None else _check_seed(seed)


def run_seeds(base_seed: int, n_runs: int, first: int = 0) -> list[int]:
    """The seeds of runs ``first .. n_runs-1`` (see module docstring)."""
    base = _check_seed(base_seed)
    limits.check_runs(1, n_runs)
    return [
        int(np.random.SeedSequence(base, spawn_key=(0, r)).generate_state(1, np.uint64)[0] >> np.uint64(1))
        for r in range(first, n_runs)
    ]


# -- parameters and identity ----------------------------------------------------
@lru_cache(maxsize=None)
def _parameter_names(model_class: type) -> tuple[str, ...]:
    return tuple(p for p in inspect.signature(model_class).parameters if p not in ("self", "seed"))


def model_parameters(model_class: type) -> list[str]:
    """Names the model's constructor accepts, except ``seed``."""
    return list(_parameter_names(model_class))


def check_parameter_names(names: Iterable[str], model_class: type = ElectionModel) -> None:
    """Raise ``ValueError`` for a name the model does not accept, with a suggestion."""
    valid = model_parameters(model_class)
    for name in names:
        if name not in valid:
            close = difflib.get_close_matches(str(name), valid, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; valid names: {', '.join(valid)}"
            raise ValueError(f"unknown parameter {name!r} for {model_class.__name__}{hint}")


def _check_scalar(name: str, value: object) -> None:
    if name == "parties" and isinstance(value, (list, tuple)):
        return  # a list of party dicts: the model checks it, and it is part of the config id
    ok = value is None or isinstance(value, (str, bool, numbers.Integral)) or (
        isinstance(value, numbers.Real) and math.isfinite(value)
    )
    if not ok:
        raise ValueError(
            f"parameter {name!r} has value {value!r}: sweep values must be strings, "
            "booleans, integers or finite numbers (they become table columns)"
        )


def canonical_params(params: dict[str, Any], model_class: type = ElectionModel) -> dict[str, Any]:
    """Validate ``params`` and return the model's full canonical parameter dict.

    Uses ``model_class.canonical_params`` when the class has it (defaults
    filled in, names normalised), else ``params`` itself.
    """
    check_parameter_names(params, model_class)
    for name, value in params.items():
        _check_scalar(name, value)
    canon = getattr(model_class, "canonical_params", None)
    return canon(**params) if canon else dict(params)


def config_id(canonical: dict[str, Any], model_class: type = ElectionModel) -> str:
    """Short stable hash (12 hex digits) of a canonical parameter dict."""
    payload = {"params": canonical}
    if model_class is not ElectionModel:
        payload["model"] = f"{model_class.__module__}.{model_class.__qualname__}"
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


# -- the sweep ------------------------------------------------------------------
def _is_range(spec: object) -> bool:
    return isinstance(spec, dict)


def _check_range(name: str, spec: dict) -> dict:
    unknown = set(spec) - _RANGE_KEYS
    if unknown or "low" not in spec or "high" not in spec:
        raise ValueError(f"range for {name!r} must have keys 'low', 'high' and optional 'log', got {sorted(spec)}")
    low, high, log = spec["low"], spec["high"], spec.get("log", False)
    for v in (low, high):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
            raise ValueError(f"range for {name!r} needs finite numbers, got low={low!r}, high={high!r}")
    if not low < high or (log and low <= 0) or not isinstance(log, bool):
        raise ValueError(f"range for {name!r} needs low < high (and low > 0 with log: true), got {spec!r}")
    integer = isinstance(low, numbers.Integral) and isinstance(high, numbers.Integral)
    return {"low": low, "high": high, "log": log, "integer": integer}


class ParameterSweep:
    """Parameter combinations to explore.

    Parameters
    ----------
    parameters : dict mapping a model parameter to a list of values, or (for
        every sweep but a grid) to a range ``{"low": a, "high": b, "log":
        False}``; integer bounds sample integers (inclusive). How a sampled
        point of [0, 1) becomes a value or a category is documented in
        :mod:`electoral_sim.sampling`.
    fixed_params : parameters held constant in every configuration.
    sweep_type : ``grid`` (every combination, ``itertools.product`` order of
        the keys as given), ``random`` (``n_samples`` draws; without
        replacement from the grid when every parameter is a list),
        ``latin_hypercube`` (``n_samples`` stratified draws), ``sobol``
        (Saltelli's sample for Sobol' indices: ``n_samples`` base points,
        ``n_samples * (D + 2)`` configurations for D swept parameters, or
        ``n_samples * (2D + 2)`` with ``calc_second_order``; a power of 2 keeps
        the Sobol' sequence balanced) or ``morris`` (``n_samples``
        trajectories of ``D + 1`` configurations). Sobol and Morris samples
        are nested and may repeat a configuration (integer and list
        parameters); their row order is the order the analysis needs.
    n_samples : draws, base points or trajectories (see ``sweep_type``).
    seed : seed of the sampling; None uses the BatchRunner's base seed (or,
        when called directly, draws one from entropy and records it here).
    calc_second_order : sobol only: also sample for second-order indices.
    num_levels : morris only: levels of the grid, an even number >= 2.

    Examples
    --------
    >>> sweep = ParameterSweep({"n_voters": [1000, 2000], "temperature": [0.3, 0.5]})
    >>> len(sweep), sweep.generate_configs()[1]
    (4, {'n_voters': 1000, 'temperature': 0.5})
    """

    def __init__(
        self,
        parameters: dict[str, Sequence | dict],
        fixed_params: dict[str, Any] | None = None,
        sweep_type: str = "grid",
        n_samples: int = 100,
        seed: int | None = None,
        calc_second_order: bool = False,
        num_levels: int = 4,
    ) -> None:
        if sweep_type not in SWEEP_TYPES:
            raise ValueError(f"unknown sweep_type {sweep_type!r}: use one of {', '.join(SWEEP_TYPES)}")
        if not isinstance(parameters, dict) or not parameters:
            raise ValueError(f"parameters must be a non-empty dict of name -> list of values, got {parameters!r}")
        fixed_params = dict(fixed_params or {})
        if not isinstance(fixed_params, dict):
            raise ValueError(f"fixed_params must be a dict, got {fixed_params!r}")
        both = set(parameters) & set(fixed_params)
        if both:
            raise ValueError(f"parameter {sorted(both)[0]!r} is both swept and fixed")
        self.parameters: dict[str, list | dict] = {}
        for name, values in parameters.items():
            if _is_range(values):
                if sweep_type == "grid":
                    raise ValueError(f"parameter {name!r} is a range: ranges need sweep_type "
                                     "'random', 'latin_hypercube', 'sobol' or 'morris'")
                self.parameters[name] = _check_range(name, values)
            elif isinstance(values, (list, tuple)) and len(values) > 0:
                for v in values:
                    _check_scalar(name, v)
                self.parameters[name] = list(values)
            else:
                raise ValueError(f"parameter {name!r} needs a non-empty list of values, got {values!r}")
        for name, value in fixed_params.items():
            _check_scalar(name, value)
        self.fixed_params = fixed_params
        self.sweep_type = sweep_type
        if sweep_type != "grid":
            n_samples = _check_seed(n_samples, "n_samples")
            if n_samples < 1:
                raise ValueError(f"n_samples must be >= 1, got {n_samples}")
            grid = self._grid_size()
            if sweep_type == "random" and grid is not None and n_samples > grid:
                raise ValueError(
                    f"n_samples={n_samples} exceeds the {grid} combinations of the grid: "
                    "use sweep_type 'grid' or n_samples <= the grid size"
                )
        if not isinstance(calc_second_order, bool) or (calc_second_order and sweep_type != "sobol"):
            raise ValueError(f"calc_second_order must be true or false, and only a sobol sweep takes it; "
                             f"got {calc_second_order!r} for sweep_type {sweep_type!r}")
        if num_levels != 4 and sweep_type != "morris":
            raise ValueError(f"num_levels={num_levels!r} applies to sweep_type 'morris' only")
        if isinstance(num_levels, bool) or not isinstance(num_levels, numbers.Integral) or \
                num_levels < 2 or num_levels % 2:
            raise ValueError(f"num_levels must be an even integer >= 2, got {num_levels!r}")
        if sweep_type in ("sobol", "morris") and len(self.parameters) < 2:
            raise ValueError(f"a {sweep_type} sweep needs at least 2 swept parameters, got {list(self.parameters)}")
        self.n_samples = n_samples
        self.seed = None if seed is None else _check_seed(seed)
        self.calc_second_order = calc_second_order
        self.num_levels = int(num_levels)
        limits.check_configs(len(self))  # before anything is generated

    def definition(self) -> dict[str, Any]:
        """The sweep as plain data (recorded in the tables' Parquet metadata)."""
        out: dict[str, Any] = {"parameters": self.parameters, "fixed_params": self.fixed_params,
                               "sweep_type": self.sweep_type}
        if self.sweep_type != "grid":
            out.update(n_samples=self.n_samples, sampling_seed=self.seed)
        if self.sweep_type in ("sobol", "morris"):
            out.update(calc_second_order=self.calc_second_order, num_levels=self.num_levels)
        return out

    def _grid_size(self) -> int | None:
        if any(_is_range(v) for v in self.parameters.values()):
            return None
        return math.prod(len(v) for v in self.parameters.values())

    def __len__(self) -> int:
        if self.sweep_type == "grid":
            return self._grid_size()
        return sampling.n_rows(self.sweep_type, self.n_samples, len(self.parameters), self.calc_second_order)

    def __repr__(self) -> str:
        return f"ParameterSweep({self.sweep_type}, {len(self)} configs, parameters={list(self.parameters)})"

    def generate_configs(self, seed: int | None = None) -> list[dict[str, Any]]:
        """All configurations, swept parameters first, then the fixed ones.

        ``seed`` is used by random sweeps that have no seed of their own.
        """
        names, specs = list(self.parameters), list(self.parameters.values())
        if self.sweep_type == "grid":
            rows = list(itertools.product(*specs))
        elif self.sweep_type == "random" and self._grid_size() is not None:
            cells = sampling.grid_subset([len(v) for v in specs], self.n_samples, self._rng(seed))
            rows = [tuple(spec[i] for spec, i in zip(specs, cell)) for cell in cells]
        else:
            u = self.unit_sample(seed)
            rows = list(zip(*(sampling.from_unit(spec, u[:, k]) for k, spec in enumerate(specs))))
        return [{**dict(zip(names, row)), **self.fixed_params} for row in rows]

    def sampling_seed(self, seed: int | None = None) -> int:
        """The seed the sample is drawn from: the sweep's own, else ``seed`` (else a new one, recorded)."""
        if self.seed is None and seed is None:
            self.seed = new_seed()
        return self.seed if self.seed is not None else _check_seed(seed)

    def _rng(self, seed: int | None) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence(self.sampling_seed(seed), spawn_key=(1,)))

    def unit_sample(self, seed: int | None = None) -> np.ndarray:
        """The sample in the unit hypercube, one row per configuration (not for grids)."""
        if self.sweep_type == "grid":
            raise ValueError("a grid sweep has no unit-hypercube sample")
        return sampling.unit_sample(self.sweep_type, self.n_samples, list(self.parameters), self._rng(seed),
                                    calc_second_order=self.calc_second_order, num_levels=self.num_levels)


# -- expansion ----------------------------------------------
def expand(sweep: ParameterSweep, base_seed: int, model_class: type = ElectionModel) -> list[dict[str, Any]]:
    """Expand a sweep into configs: ``[{config_idx, config_id, params, canonical}]``.

    Every configuration is validated here, before anything runs.
    """
    out, seen = [], {}
    for idx, params in enumerate(sweep.generate_configs(seed=base_seed)):
        canonical = canonical_params(params, model_class)
        cid = config_id(canonical, model_class)
        if sweep.sweep_type == "grid" and cid in seen:
            raise ValueError(f"configs {seen[cid]} and {idx} of the grid are the same configuration "
                             f"({params}): remove the duplicate value")
        seen.setdefault(cid, idx)
        out.append({"config_idx": idx, "config_id": cid, "params": params, "canonical": canonical})
    return out
