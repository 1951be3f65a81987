"""The model's behavioural constants, each in one place with what it stands for.

Utility is in units of squared ideological distance (see
:class:`~electoral_sim.model.ElectionModel`); turnout propensities are
probabilities.
"""
CENTRE_SPREAD = 0.35  #: s.d. of constituency centres around their region's centre, per axis
VOTER_SPREAD = 0.5  #: s.d. of voters around their constituency centre, per axis
GROWTH_WEIGHT = 10.0  #: utility per unit of economic growth (0.02 -> +0.2)
BASE_TURNOUT = 0.9  #: turnout propensity of a satisfied, decided voter
ALIENATION_WEIGHT = 0.3  #: propensity lost per unit of shortfall of the best utility below 0
INDIFFERENCE_WEIGHT = 0.3  #: propensity lost by a fully indifferent voter
