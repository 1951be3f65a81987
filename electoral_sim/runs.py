"""One run, its record, and the tables built from records.

Each piece lives here once; :class:`~electoral_sim.analysis.BatchRunner`, the
``electoral-sim batch`` command and the Snakemake pipeline all call them, which
is what makes their tables identical.

Records
-------
``run_election()`` returns a dict. Its numeric scalar entries (int or float,
not bool) are the run's *metrics*, in the dict's order; a string ``winner`` is
kept; the lists ``party_names, vote_counts, vote_shares, seats, seat_shares``
(one entry per party) make the per-party table. Anything else is not stored.
Any model class with this interface works.

Tables
------
Runs of one configuration are kept as an Arrow *block table* (``run_idx``,
``seed``, metrics, ``winner``, per-party list columns): the pipeline writes one
per target as Parquet, BatchRunner builds them in memory, and both assemble the
results, party and summary tables with the same functions below.
"""
from __future__ import annotations

import math
import numbers
from typing import Any, Iterable, Sequence

import numpy as np

from electoral_sim.model import ElectionModel

ID_COLUMNS = ("config_idx", "config_id", "run_idx", "seed")
#: per-party table column -> run_election() key
PARTY_FIELDS = {"party": "party_names", "votes": "vote_counts", "vote_share": "vote_shares",
                "seats": "seats", "seat_share": "seat_shares"}
PARTY_COLUMNS = (*ID_COLUMNS, *PARTY_FIELDS)
_NON_METRICS = {"run_idx", "seed", "winner", *PARTY_FIELDS}


def _is_metric(value: object) -> bool:
    return isinstance(value, (numbers.Real, np.floating, np.integer)) and not isinstance(value, (bool, np.bool_))


def run_record(result: dict[str, Any]) -> dict[str, Any]:
    """The stored part of one ``run_election()`` result (see module docstring)."""
    metrics = {k: float(v) for k, v in result.items() if _is_metric(v) and k not in _NON_METRICS}
    winner = result.get("winner")
    parties = None
    if all(key in result for key in PARTY_FIELDS.values()):
        parties = {col: list(result[key]) for col, key in PARTY_FIELDS.items()}
    return {"metrics": metrics, "winner": winner if isinstance(winner, str) else None, "parties": parties}


def simulate(params: dict[str, Any], seed: int, model_class: type = ElectionModel,
             election_kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
    """One run: build the model with ``seed``, run one election, return its record."""
    result = model_class(**params, seed=seed).run_election(**(election_kwargs or {}))
    if not isinstance(result, dict):
        raise TypeError(f"{model_class.__name__}.run_election() must return a dict, got {type(result).__name__}")
    return run_record(result)


def block_table(records: Sequence[dict[str, Any]], run_indices: Sequence[int], seeds: Sequence[int]):
    """An Arrow table of runs of one configuration, one row per record."""
    import pyarrow as pa

    names: dict[str, None] = {}
    for rec in records:
        names.update(dict.fromkeys(rec["metrics"]))
    columns = {"run_idx": pa.array(run_indices, pa.int64()), "seed": pa.array(seeds, pa.int64())}
    for name in names:
        columns[name] = pa.array([rec["metrics"].get(name, math.nan) for rec in records], pa.float64())
    if any(rec["winner"] is not None for rec in records):
        columns["winner"] = pa.array([rec["winner"] for rec in records], pa.string())
    if records and all(rec["parties"] is not None for rec in records):
        types = {"party": pa.string(), "votes": pa.int64(), "vote_share": pa.float64(),
                 "seats": pa.int64(), "seat_share": pa.float64()}
        for col, typ in types.items():
            columns[col] = pa.array([rec["parties"][col] for rec in records], pa.list_(typ))
    return pa.table(columns)


def _param_array(values: list):
    import json

    import pyarrow as pa

    if any(isinstance(v, (list, tuple, dict)) for v in values):  # a list of parties: its JSON text
        return pa.array([v if v is None or isinstance(v, str) else json.dumps(v, sort_keys=True)
                         for v in values], pa.string())
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed kinds, e.g. 1 and "a": keep them as text
        return pa.array([None if v is None else str(v) for v in values], pa.string())


def assemble(configs: Sequence[dict[str, Any]], blocks: Iterable, param_names: Sequence[str]):
    """Results and per-party DataFrames from one block table per configuration.

    ``blocks`` yields, for each config in order, its runs as one Arrow table
    (see :func:`block_table`) with rows in run order. Returns ``(results,
    parties)``; ``parties`` is None when the model reports no parties.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    tables = [t.replace_schema_metadata(None) for t in blocks]
    body = pa.concat_tables(tables, promote_options="default") if tables else pa.table({})
    lengths = np.array([t.num_rows for t in tables], dtype=np.int64)
    where = pa.array(np.repeat(np.arange(len(tables)), lengths))
    cols = {
        "config_idx": pc.take(pa.array([c["config_idx"] for c in configs], pa.int64()), where),
        "config_id": pc.take(pa.array([c["config_id"] for c in configs], pa.string()), where),
        "run_idx": body["run_idx"] if tables else pa.array([], pa.int64()),
        "seed": body["seed"] if tables else pa.array([], pa.int64()),
    }
    for name in param_names:
        cols[name] = pc.take(_param_array([c["params"].get(name) for c in configs]), where)
    metrics = [n for n in body.column_names if n not in _NON_METRICS]
    for name in metrics:
        cols[name] = pc.fill_null(body[name], math.nan)
    if "winner" in body.column_names:
        cols["winner"] = body["winner"]
    results = pa.table(cols)
    parties = None
    if "party" in body.column_names:
        parent = pc.list_parent_indices(body["party"])
        party_cols = {k: pc.take(results[k], parent) for k in ID_COLUMNS}
        party_cols.update({col: pc.list_flatten(body[col]) for col in PARTY_FIELDS})
        parties = pa.table(party_cols).to_pandas()
    return results.to_pandas(), parties


# -- summaries -------------------------------------------------------------------
def metric_columns(results, param_names: Sequence[str]) -> list[str]:
    """The metric columns of a results table: numeric columns after the ids and parameters."""
    skip = {*ID_COLUMNS, *param_names, "winner"}
    return [c for c in results.columns if c not in skip and results[c].dtype.kind == "f"]


def ci95_half_width(std, n):
    """Half-width of the 95 % t confidence interval for a mean: ``t(0.975, n-1) * std / sqrt(n)``.

    NaN where fewer than two values are defined.
    """
    from scipy.special import stdtrit  # Student t quantile; scipy.stats costs 0.7 s more to import

    n = np.asarray(n, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        quantile = np.where(n > 1, stdtrit(np.maximum(n - 1, 1), 0.975), np.nan)
        return quantile * np.asarray(std, dtype=np.float64) / np.sqrt(n)


def summarize(results, param_names: Sequence[str]):
    """Per-config summary: ids, parameters, ``<metric>_mean/_std/_ci95``, ``n_runs``.

    Every metric column is summarised. NaN runs are skipped: ``_mean`` and
    ``_std`` (ddof=1) are over the runs where the metric is defined, and
    ``_ci95`` is the half-width ``t(0.975, n-1) * std / sqrt(n)`` of a 95 %
    confidence interval for the mean, n counting those runs (NaN for n < 2).
    Rows are in ``config_idx`` order.
    """
    import pandas as pd

    groups = results.groupby("config_idx", sort=True)
    first = groups[["config_id", *param_names]].first()
    stats = {}
    for m in metric_columns(results, param_names):
        mean = groups[m].mean()  # skipna: a NaN run does not make the mean NaN
        std, valid = groups[m].std(ddof=1), groups[m].count()
        stats[f"{m}_mean"], stats[f"{m}_std"] = mean, std
        stats[f"{m}_ci95"] = pd.Series(ci95_half_width(std, valid), index=std.index)
    summary = pd.concat([first, pd.DataFrame(stats), groups.size().rename("n_runs")], axis=1).reset_index()
    return summary.astype({"config_idx": "int64", "n_runs": "int64"})
