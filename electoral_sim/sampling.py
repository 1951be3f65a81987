"""Samplers of a sweep: points of the unit hypercube, mapped onto parameter values.

Every sampler first draws an ``(n_rows, n_params)`` matrix ``u`` in the unit
hypercube, one column per swept parameter, from a seeded
``numpy.random.Generator``; :func:`from_unit` then maps each column onto the
parameter's values. The samplers are the field's libraries:

- ``random``: ``Generator.random`` (independent uniform draws);
- ``latin_hypercube``: ``scipy.stats.qmc.LatinHypercube`` (one draw in each
  of ``n`` equal strata of every parameter);
- ``sobol``: ``SALib.sample.sobol.sample`` (Saltelli's scheme over a
  scrambled Sobol' sequence): ``n`` base points give ``n * (D + 2)`` rows, or
  ``n * (2D + 2)`` with second-order indices;
- ``morris``: ``SALib.sample.morris.sample``: ``n`` trajectories of
  ``D + 1`` rows on a grid of ``num_levels`` levels.

Sobol and Morris samples are *nested*: for one seed, the rows for ``n`` are
the first rows for any larger ``n`` (the first ``n`` points of a seeded
scrambled Sobol' sequence do not depend on how many follow, and Morris
trajectories are drawn one after another from one generator). Growing
``n_samples`` therefore keeps every earlier configuration.

Mapping the unit interval onto values (:func:`from_unit`)
---------------------------------------------------------
- range ``{low, high}``: ``low + u * (high - low)`` (uniform);
- range ``{low, high, log: true}``: log-uniform, ``low * (high / low) ** u``;
- integer bounds: the same on ``[low, high + 1)``, rounded down, so each
  integer of ``low .. high`` gets an equal share (by length, or by log-length);
- a list of ``k`` values (categories): value number ``floor(u * k)``, the
  ``k`` equal sub-intervals of ``[0, 1)`` in list order (``u = 1``, which
  Morris grids reach, is the last value).

The distributions are ``scipy.stats.uniform`` and ``scipy.stats.loguniform``,
applied through their inverse CDF (``ppf``).
"""
from __future__ import annotations

import warnings
from typing import Sequence

import numpy as np

SAMPLERS = ("random", "latin_hypercube", "sobol", "morris")


def unit_problem(names: Sequence[str]) -> dict:
    """The SALib problem of the unit hypercube over ``names``."""
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def n_rows(sampler: str, n_samples: int, n_params: int, calc_second_order: bool = False) -> int:
    """Rows (configurations) a sampler gives for ``n_samples``."""
    if sampler == "sobol":
        return n_samples * ((2 if calc_second_order else 1) * n_params + 2)
    if sampler == "morris":
        return n_samples * (n_params + 1)
    return n_samples


def unit_sample(
    sampler: str,
    n_samples: int,
    names: Sequence[str],
    rng: np.random.Generator,
    *,
    calc_second_order: bool = False,
    num_levels: int = 4,
) -> np.ndarray:
    """Draw the sample in the unit hypercube: ``(n_rows(...), len(names))`` floats.

    Parameters
    ----------
    sampler : one of :data:`SAMPLERS`.
    n_samples : draws (random, latin_hypercube), base points (sobol) or
        trajectories (morris).
    names : the swept parameters, one column each.
    rng : the generator every draw comes from.
    calc_second_order : sobol only: add the rows second-order indices need.
    num_levels : morris only: levels of the grid (even, >= 2).

    Examples
    --------
    >>> u = unit_sample("sobol", 4, ["a", "b"], np.random.default_rng(0))
    >>> u.shape
    (16, 2)
    """
    d = len(names)
    if sampler == "random":
        return rng.random((n_samples, d))
    if sampler == "latin_hypercube":
        from scipy.stats import qmc

        return qmc.LatinHypercube(d, seed=rng).random(n_samples)
    if sampler == "sobol":
        from SALib.sample import sobol

        with warnings.catch_warnings():  # n need not be a power of 2: see ParameterSweep
            warnings.filterwarnings("ignore", message="The balance properties of Sobol")
            return sobol.sample(unit_problem(names), n_samples, calc_second_order=calc_second_order, seed=rng)
    if sampler == "morris":
        from SALib.sample import morris

        return morris.sample(unit_problem(names), n_samples, num_levels=num_levels, seed=rng)
    raise ValueError(f"unknown sampler {sampler!r}: use one of {', '.join(SAMPLERS)}")


def from_unit(spec: list | dict, u: np.ndarray) -> list:
    """Map a column of unit-interval points onto a parameter's values.

    ``spec`` is a list of values (categories) or a checked range dict with
    keys ``low, high, log, integer`` (see the module docstring).
    """
    from scipy import stats

    u = np.asarray(u, dtype=float)
    if isinstance(spec, list):
        index = np.minimum(np.floor(u * len(spec)).astype(np.int64), len(spec) - 1)
        return [spec[i] for i in index]
    low, high = float(spec["low"]), float(spec["high"])
    top = high + 1 if spec["integer"] else high
    dist = stats.loguniform(low, top) if spec["log"] else stats.uniform(low, top - low)
    values = np.clip(dist.ppf(u), low, top)
    if spec["integer"]:
        return [int(v) for v in np.minimum(np.floor(values), high)]
    return [float(v) for v in values]


def grid_subset(sizes: Sequence[int], n: int, rng: np.random.Generator) -> list[tuple[int, ...]]:
    """``n`` distinct cells of a grid of ``sizes`` (value indices), drawn without replacement, in grid order."""
    flat = np.sort(rng.choice(int(np.prod(sizes)), size=n, replace=False))
    return list(zip(*(idx.tolist() for idx in np.unravel_index(flat, sizes))))
