"""The agent-based election model: an electorate in regions (:mod:`.regions`,
:mod:`.electorate`), its ballots (:mod:`.ballots`), the behavioural constants
(:mod:`.behaviour`), parameter checks (:mod:`.params`) and
:class:`ElectionModel` (:mod:`.election`)."""
from electoral_sim.model.behaviour import (
    ALIENATION_WEIGHT,
    BASE_TURNOUT,
    CENTRE_SPREAD,
    GROWTH_WEIGHT,
    INDIFFERENCE_WEIGHT,
    VOTER_SPREAD,
)
from electoral_sim.model.election import ElectionModel
from electoral_sim.model.params import DEFAULT_PARTIES, new_seed

__all__ = [
    "ALIENATION_WEIGHT", "BASE_TURNOUT", "CENTRE_SPREAD", "DEFAULT_PARTIES", "ElectionModel",
    "GROWTH_WEIGHT", "INDIFFERENCE_WEIGHT", "VOTER_SPREAD", "new_seed",
]
