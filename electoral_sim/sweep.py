"""Sweep expansion, config identity, seed derivation, run records and summaries.

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
the grid. Random and Latin-hypercube sweeps draw their samples from
``SeedSequence(seed, spawn_key=(1,))``, with the sweep's own ``seed`` or else
the base seed.
"""
from __future__ import annotations

import difflib
import hashlib
import inspect
import itertools
import json
import math
import numbers
from functools import lru_cache
from typing import Any, Iterable, Sequence

import numpy as np

from electoral_sim.model import ElectionModel, new_seed

METRICS = (
    "turnout",
    "gallagher",
    "enp_votes",
    "enp_seats",
    "vse",
    "incumbent_vote_share",
    "incumbent_seat_share",
)
SWEEP_TYPES = ("grid", "random", "latin_hypercube")
ID_COLUMNS = ("config_idx", "config_id", "run_idx", "seed")
_RANGE_KEYS = {"low", "high", "log"}


# -- seeds ----------------------------------------------------------------------
def _check_seed(seed: object, name: str = "seed") -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"{name} must be a non-negative integer or None, got {seed!r}")
    return int(seed)


def resolve_seed(seed: int | None) -> int:
    """Return ``seed`` checked, or a fresh one from entropy when None."""
    return new_seed() if seed is None else _check_seed(seed)


def run_seeds(base_seed: int, n_runs: int) -> list[int]:
    """The seeds of runs ``0 .. n_runs-1`` (see module docstring)."""
    base = _check_seed(base_seed)
    return [
        int(np.random.SeedSequence(base, spawn_key=(0, r)).generate_state(1, np.uint64)[0] >> np.uint64(1))
        for r in range(n_runs)
    ]


# -- parameters and identity ----------------------------------------------------
def model_parameters(model_class: type) -> list[str]:
    """Names the model's constructor accepts, except ``seed``."""
    names = [p for p in inspect.signature(model_class).parameters if p not in ("self", "seed")]
    return names


def check_parameter_names(names: Iterable[str], model_class: type = ElectionModel) -> None:
    """Raise ``ValueError`` for a name the model does not accept, with a suggestion."""
    valid = model_parameters(model_class)
    for name in names:
        if name not in valid:
            close = difflib.get_close_matches(str(name), valid, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; valid names: {', '.join(valid)}"
            raise ValueError(f"unknown parameter {name!r} for {model_class.__name__}{hint}")


def _check_scalar(name: str, value: object) -> None:
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


def _from_unit(spec: dict, u: np.ndarray) -> list:
    """Map uniform draws in [0, 1) onto a checked range."""
    low, high = float(spec["low"]), float(spec["high"])
    if spec["integer"]:
        if spec["log"]:
            vals = np.floor(np.exp(np.log(low) + u * (np.log(high + 1) - np.log(low))))
        else:
            vals = np.floor(low + u * (high - low + 1))
        return [int(min(max(v, low), high)) for v in vals]
    vals = np.exp(np.log(low) + u * (np.log(high) - np.log(low))) if spec["log"] else low + u * (high - low)
    return [float(min(max(v, low), high)) for v in vals]  # exp/log rounding may step outside


class ParameterSweep:
    """Parameter combinations to explore.

    Parameters
    ----------
    parameters : dict mapping a model parameter to a list of values, or (for
        random and Latin-hypercube sweeps) to a range ``{"low": a, "high": b,
        "log": False}``; integer bounds sample integers (inclusive).
    fixed_params : parameters held constant in every configuration.
    sweep_type : ``grid`` (every combination, ``itertools.product`` order of
        the keys as given), ``random`` (``n_samples`` draws; without
        replacement from the grid when every parameter is a list) or
        ``latin_hypercube`` (``n_samples`` stratified draws).
    n_samples : number of configurations for random and Latin-hypercube sweeps.
    seed : seed of the sampling; None uses the BatchRunner's base seed (or,
        when called directly, draws one from entropy and records it here).

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
                    raise ValueError(f"parameter {name!r} is a range: ranges need sweep_type 'random' or 'latin_hypercube'")
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
        self.n_samples = n_samples
        self.seed = None if seed is None else _check_seed(seed)

    def _grid_size(self) -> int | None:
        if any(_is_range(v) for v in self.parameters.values()):
            return None
        return math.prod(len(v) for v in self.parameters.values())

    def __len__(self) -> int:
        return self._grid_size() if self.sweep_type == "grid" else self.n_samples

    def __repr__(self) -> str:
        return f"ParameterSweep({self.sweep_type}, {len(self)} configs, parameters={list(self.parameters)})"

    def generate_configs(self, seed: int | None = None) -> list[dict[str, Any]]:
        """All configurations, swept parameters first, then the fixed ones.

        ``seed`` is used by random sweeps that have no seed of their own.
        """
        names = list(self.parameters)
        if self.sweep_type == "grid":
            rows = list(itertools.product(*self.parameters.values()))
        else:
            if self.seed is None and seed is None:
                self.seed = new_seed()
            rng = np.random.default_rng(np.random.SeedSequence(
                self.seed if self.seed is not None else _check_seed(seed), spawn_key=(1,)))
            rows = self._sample(rng)
        return [{**dict(zip(names, row)), **self.fixed_params} for row in rows]

    def _sample(self, rng: np.random.Generator) -> list[tuple]:
        n, specs = self.n_samples, list(self.parameters.values())
        grid = self._grid_size()
        if self.sweep_type == "random" and grid is not None:
            flat = np.sort(rng.choice(grid, size=n, replace=False))
            shape = [len(v) for v in specs]
            idx = np.unravel_index(flat, shape)
            return [tuple(specs[k][int(idx[k][i])] for k in range(len(specs))) for i in range(n)]
        columns = []
        for spec in specs:
            if self.sweep_type == "random":
                u = rng.random(n)
            else:  # one draw in each of n equal strata, strata shuffled
                u = (rng.permutation(n) + rng.random(n)) / n
            if _is_range(spec):
                columns.append(_from_unit(spec, u))
            else:
                columns.append([spec[int(i)] for i in np.minimum(np.floor(u * len(spec)), len(spec) - 1)])
        return list(zip(*columns))


# -- expansion, one run, rows, summary ----------------------------------------------
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


def simulate(params: dict[str, Any], seed: int, model_class: type = ElectionModel,
             election_kwargs: dict[str, Any] | None = None) -> dict[str, float]:
    """One run: build the model with ``seed`` and return its metrics."""
    result = model_class(**params, seed=seed).run_election(**(election_kwargs or {}))
    return {m: float(result[m]) for m in METRICS}


def make_row(config: dict[str, Any], run_idx: int, seed: int, metrics: dict[str, float]) -> dict[str, Any]:
    """One results row: ids, parameters as given, then the metrics."""
    return {"config_idx": config["config_idx"], "config_id": config["config_id"], "run_idx": run_idx,
            "seed": seed, **config["params"], **{m: metrics[m] for m in METRICS}}


def results_frame(rows: list[dict[str, Any]], param_names: Sequence[str]):
    """The results DataFrame with its column order fixed and typed ids."""
    import pandas as pd

    columns = [*ID_COLUMNS, *param_names, *METRICS]
    frame = pd.DataFrame.from_records(rows, columns=columns)
    return frame.astype({"config_idx": "int64", "run_idx": "int64", "seed": "int64",
                         **{m: "float64" for m in METRICS}})


@lru_cache(maxsize=None)
def t_quantile_975(df: int) -> float:
    """The 0.975 quantile of Student's t with ``df`` degrees of freedom.

    Newton's method on the CDF, integrated with Simpson's rule: accurate to
    about 1e-9, with no dependency beyond the standard library.
    """
    log_norm = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)

    def pdf(t: float) -> float:
        return math.exp(log_norm - (df + 1) / 2 * math.log1p(t * t / df))

    def cdf(t: float, steps: int = 2000) -> float:
        h = t / steps
        s = pdf(0) + pdf(t) + sum((4 if i % 2 else 2) * pdf(i * h) for i in range(1, steps))
        return 0.5 + s * h / 3

    t = 1.959963984540054
    for _ in range(50):
        step = (cdf(t) - 0.975) / pdf(t)
        t -= step
        if abs(step) < 1e-12:
            break
    return t


def ci95_half_width(std, n):
    """Half-width of the 95 % t confidence interval for a mean: ``t(0.975, n-1) * std / sqrt(n)``."""
    t = n.map(lambda k: t_quantile_975(k - 1) if k > 1 else float("nan"))
    return t * std / np.sqrt(n)


def summarize(results, param_names: Sequence[str]):
    """Per-config summary: ids, parameters, ``<metric>_mean/_std/_ci95``, ``n_runs``.

    ``_std`` uses ddof=1 and ``_ci95`` is the half-width ``t(0.975, n-1) * std
    / sqrt(n)`` of a 95 % confidence interval for the mean, n counting the
    runs where the metric is defined (NaN for n < 2).
    Rows are in ``config_idx`` order.
    """
    import pandas as pd

    groups = results.groupby("config_idx", sort=True)
    first = groups[["config_id", *param_names]].first()
    n = groups.size()
    stats = {}
    for m in METRICS:
        mean, std, valid = groups[m].mean(), groups[m].std(ddof=1), groups[m].count()  # NaN runs skipped
        stats[f"{m}_mean"], stats[f"{m}_std"], stats[f"{m}_ci95"] = mean, std, ci95_half_width(std, valid)
    summary = pd.concat([first, pd.DataFrame(stats), n.rename("n_runs")], axis=1).reset_index()
    return summary.astype({"config_idx": "int64", "n_runs": "int64"})
