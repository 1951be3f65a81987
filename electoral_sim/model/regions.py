"""Regions: where constituencies lie, how they lean, and which parties stand there.

An electorate may be a list of regions, each a dict::

    {"name": "Scotland", "constituencies": 59, "centre": [x, y], "spread": 0.35,
     "valence": {"SNP": 1.2, "Labour": -0.1}, "turnout": 0.85}

- ``constituencies``: how many of the model's constituencies lie in the
  region; the regions' counts add up to ``n_constituencies`` (constituencies
  are numbered region by region, in the listed order).
- ``centre`` (default [0, 0]) and ``spread`` (default
  :data:`~electoral_sim.model.behaviour.CENTRE_SPREAD`): the region's
  constituency centres are drawn from ``N(centre, spread^2)`` per axis.
- ``valence``: per-party shifts of utility in the region, added to the
  party's national ``valence`` (utility units; default none).
- ``turnout``: the turnout propensity of a satisfied, decided voter in the
  region, in [0, 1] (default
  :data:`~electoral_sim.model.behaviour.BASE_TURNOUT`).

A party dict may say ``"regions": [names]``: it stands only there (the SNP in
Scotland, the CSU in Bavaria); elsewhere it is on no ballot, wins no vote and
no constituency seat, and it takes part in national list counts with the
votes it won where it stood. Every region needs at least two parties standing.
Without regions the electorate is one region of all constituencies centred at
the origin, as before.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from electoral_sim.model import params as check
from electoral_sim.model.behaviour import BASE_TURNOUT, CENTRE_SPREAD

_KEYS = ("name", "constituencies", "centre", "spread", "valence", "turnout")


@dataclass(frozen=True)
class Geography:
    """Regions resolved for one party list: arrays per region and per constituency."""

    names: tuple[str, ...]
    counts: np.ndarray  #: (R,) constituencies per region
    centres: np.ndarray  #: (R, 2) region centres
    spreads: np.ndarray  #: (R,) s.d. of constituency centres
    valence: np.ndarray  #: (R, P) utility shifts
    standing: np.ndarray  #: (R, P) bool: the party is on the ballot there
    turnout: np.ndarray  #: (R,) base turnout propensity

    @property
    def region_of(self) -> np.ndarray:
        """(C,) the region of each constituency."""
        return np.repeat(np.arange(len(self.names)), self.counts)


def check_regions(value: object, parties: tuple[dict[str, Any], ...], n_constituencies: int
                  ) -> list[dict[str, Any]] | None:
    """Canonical region dicts (defaults filled in), or ``ValueError`` naming the region and the value.

    ``parties`` are the validated party dicts; their ``regions`` must name
    listed regions. The constituency counts must add up to ``n_constituencies``.
    """
    restricted = [p for p in parties if p.get("regions") is not None]
    if value is None:
        if restricted:
            p = restricted[0]
            raise ValueError(f"party {p['name']!r} stands only in regions {p['regions']}, but the model has no "
                             "regions: give regions (a list of region dicts or a party system's name)")
        return None
    if not isinstance(value, (list, tuple)) or not value:
        raise ValueError(f"regions must be a non-empty list of region dicts with keys {', '.join(_KEYS)}, "
                         f"got {value!r}")
    names = {p["name"] for p in parties}
    out: list[dict[str, Any]] = []
    for i, region in enumerate(value):
        if not isinstance(region, dict) or "name" not in region or "constituencies" not in region:
            raise ValueError(f"regions[{i}] must be a dict with keys 'name' and 'constituencies' (optional "
                             f"'centre', 'spread', 'valence', 'turnout'), got {region!r}")
        name = region["name"]
        if not isinstance(name, str) or not name or name in {r["name"] for r in out}:
            raise ValueError(f"regions[{i}]['name'] must be a unique non-empty string, got {name!r}")
        where = f"region {name!r}"
        unknown = set(region) - set(_KEYS)
        if unknown:
            raise ValueError(f"{where}: unknown key {sorted(unknown)[0]!r}; valid keys: {', '.join(_KEYS)}")
        count = check.integer(f"{where}: constituencies", region["constituencies"], 1)
        centre = region.get("centre", (0.0, 0.0))
        if not isinstance(centre, (list, tuple)) or len(centre) != 2:
            raise ValueError(f"{where}: centre must be [x, y], got {centre!r}")
        centre = [check.utility_term(f"{where}: centre", c) for c in centre]
        spread = check.real(f"{where}: spread", region.get("spread", CENTRE_SPREAD), 0.0, check.UTILITY_LIMIT)
        valence = region.get("valence", {})
        if not isinstance(valence, dict):
            raise ValueError(f"{where}: valence must be a dict party name -> utility shift, got {valence!r}")
        for party, shift in valence.items():
            if party not in names:
                raise ValueError(f"{where}: valence names {party!r}, which is not a party; parties: "
                                 f"{', '.join(sorted(names))}")
            check.utility_term(f"{where}: valence[{party!r}]", shift)
        turnout = check.real(f"{where}: turnout", region.get("turnout", BASE_TURNOUT), 0.0, 1.0)
        out.append({"name": name, "constituencies": count, "centre": centre, "spread": spread,
                    "valence": {p: float(valence[p]) for p in sorted(valence)}, "turnout": turnout})
    total = sum(r["constituencies"] for r in out)
    if total != n_constituencies:
        counts = ", ".join(f"{r['name']} {r['constituencies']}" for r in out)
        raise ValueError(f"regions hold {total} constituencies ({counts}), but n_constituencies is "
                         f"{n_constituencies}: the counts must add up")
    region_names = [r["name"] for r in out]
    for p in restricted:
        missing = [r for r in p["regions"] if r not in region_names]
        if missing:
            raise ValueError(f"party {p['name']!r} stands in region {missing[0]!r}, which is not a region; "
                             f"regions: {', '.join(region_names)}")
    for r in out:
        standing = [p["name"] for p in parties if p.get("regions") is None or r["name"] in p["regions"]]
        if len(standing) < 2:
            raise ValueError(f"region {r['name']!r}: {len(standing)} part{'y' if len(standing) == 1 else 'ies'} "
                             f"({', '.join(standing) or 'none'}) stand there; at least 2 must")
    return out


def geography(regions: list[dict[str, Any]] | None, parties: tuple[dict[str, Any], ...],
              n_constituencies: int) -> Geography:
    """Arrays of the canonical ``regions`` (None: one region of every constituency)."""
    if regions is None:
        regions = [{"name": "all", "constituencies": n_constituencies, "centre": [0.0, 0.0],
                    "spread": CENTRE_SPREAD, "valence": {}, "turnout": BASE_TURNOUT}]
    names = [p["name"] for p in parties]
    valence = np.array([[r["valence"].get(n, 0.0) for n in names] for r in regions], dtype=np.float64)
    standing = np.array([[p.get("regions") is None or r["name"] in p["regions"] for p in parties]
                         for r in regions], dtype=bool)
    return Geography(
        names=tuple(r["name"] for r in regions),
        counts=np.array([r["constituencies"] for r in regions], dtype=np.int64),
        centres=np.array([r["centre"] for r in regions], dtype=np.float64),
        spreads=np.array([r["spread"] for r in regions], dtype=np.float64),
        valence=valence,
        standing=standing,
        turnout=np.array([r["turnout"] for r in regions], dtype=np.float64),
    )


def scale_counts(counts: list[int], n_constituencies: int, name: str) -> list[int]:
    """Constituencies per region scaled to ``n_constituencies`` (largest remainders, at least 1 each).

    Used for a named party system's regions at another size than the real one.
    """
    if n_constituencies < len(counts):
        raise ValueError(f"regions {name!r} has {len(counts)} regions: n_constituencies must be at least "
                         f"{len(counts)} ({sum(counts)} as held), got {n_constituencies}")
    total = sum(counts)
    quotas = [c / total * n_constituencies for c in counts]
    out = [int(q) for q in quotas]
    by_remainder = sorted(range(len(counts)), key=lambda i: (-(quotas[i] - out[i]), i))
    for i in by_remainder[: n_constituencies - sum(out)]:
        out[i] += 1
    while 0 in out:  # every region keeps a constituency, taken from the most over-served region
        out[out.index(0)] = 1
        donor = max((i for i in range(len(out)) if out[i] > 1), key=lambda i: (out[i] - quotas[i], -i))
        out[donor] -= 1
    return out
