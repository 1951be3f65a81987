"""Electoral systems: counting functions by family, and the systems the model counts.

The families (each a module of plain functions over plain data):
:mod:`~electoral_sim.systems.plurality` (FPTP, two-round, SNTV),
:mod:`~electoral_sim.systems.ranked` (IRV, STV, Borda),
:mod:`~electoral_sim.systems.condorcet` (Schulze, ranked pairs, Copeland, minimax),
:mod:`~electoral_sim.systems.cardinal` (approval, score, STAR),
:mod:`~electoral_sim.systems.proportional` (list PR) and
:mod:`~electoral_sim.systems.mixed` (MMP). :func:`elect` counts real ballots by name.

:data:`MODEL_SYSTEMS` says, for each ``electoral_system`` of
:class:`~electoral_sim.model.ElectionModel`, which ballots the voters cast and
how seats are filled. Every tie goes to the candidate with the lower
:func:`tie_order` rank: more first preferences nationally, then listed first.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from electoral_sim.systems import cardinal, condorcet, plurality, ranked
from electoral_sim.systems.elect import elect
from electoral_sim.systems.mixed import allocate_mixed, allocate_parallel, mmp_qualifying
from electoral_sim.systems.plurality import fptp_winners
from electoral_sim.systems.proportional import (
    ALLOCATION_METHODS,
    DIVISOR_METHODS,
    allocate_seats,
    normalize_method,
    qualifying_parties,
    tie_order,
)

__all__ = [
    "ALLOCATION_METHODS", "DIVISOR_METHODS", "ELECTORAL_SYSTEMS", "MODEL_SYSTEMS", "ModelSystem",
    "allocate_mixed", "allocate_parallel", "allocate_seats", "elect", "fptp_winners", "mmp_qualifying",
    "normalize_method", "normalize_system", "qualifying_parties", "tie_order",
]


@dataclass(frozen=True)
class ModelSystem:
    """How :class:`~electoral_sim.model.ElectionModel` counts one electoral system.

    Attributes
    ----------
    ballot : what voters cast beyond their first preference: ``"first"`` (nothing),
        ``"ranking"``, ``"approval"``, ``"score"`` or ``"star"`` (scores and who
        scores whom higher).
    seats : ``"single"`` (one member per constituency), ``"magnitude"``
        (``district_magnitude`` members per constituency), ``"list"`` (list PR,
        nationally or per constituency) or ``"mixed"`` (single-member
        constituencies plus a list tier).
    count : the counting function for one constituency (None for list and mixed).
    """

    ballot: str
    seats: str
    count: Optional[Callable[..., list]]


MODEL_SYSTEMS: dict[str, ModelSystem] = {
    "FPTP": ModelSystem("first", "single", plurality.plurality),
    "TRS": ModelSystem("ranking", "single", plurality.two_round),
    "IRV": ModelSystem("ranking", "single", ranked.irv),
    "STV": ModelSystem("ranking", "magnitude", ranked.stv),
    "PR": ModelSystem("first", "list", None),
    "MMP": ModelSystem("first", "mixed", None),
    "PARALLEL": ModelSystem("first", "mixed", None),
    "BORDA": ModelSystem("ranking", "single", ranked.borda),
    "SCHULZE": ModelSystem("ranking", "single", condorcet.schulze),
    "RANKED_PAIRS": ModelSystem("ranking", "single", condorcet.ranked_pairs),
    "COPELAND": ModelSystem("ranking", "single", condorcet.copeland),
    "MINIMAX": ModelSystem("ranking", "single", condorcet.minimax),
    "APPROVAL": ModelSystem("approval", "single", cardinal.approval),
    "SCORE": ModelSystem("score", "single", cardinal.score),
    "STAR": ModelSystem("star", "single", cardinal.star),
    "SNTV": ModelSystem("first", "magnitude", plurality.sntv),
}
ELECTORAL_SYSTEMS = tuple(MODEL_SYSTEMS)


def normalize_system(name: object) -> str:
    """Return the canonical electoral system name (case-insensitive; '-' and ' ' read as '_')."""
    if isinstance(name, str):
        key = name.strip().upper().replace("-", "_").replace(" ", "_")
        if key in MODEL_SYSTEMS:
            return key
    raise ValueError(
        f"electoral_system must be one of {', '.join(ELECTORAL_SYSTEMS)} (case-insensitive), got {name!r}"
    )
