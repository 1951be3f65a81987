"""Fit a party system's free parameters to a real election's vote shares and turnout.

The free parameters are each party's national ``valence``, each region's
per-party valence shifts, base turnout and constituency ``spread``; party
positions, the temperature and everything else are held. The targets are
the real election's vote shares and turnout in each region and, where
constituency results are at hand, the spread of the parties' vote shares
across the region's constituencies (the s.d. in points). Seats are never a
target: they are what the fitted model predicts (see ``bench/validate.py``).

The objective is deterministic and smooth: the model's *expected* votes
(:func:`electoral_sim.model.electorate.expected_votes`: each voter's logit
probabilities times their turnout propensity, no draws) over electorates
drawn once from ``seeds`` at the real number of constituencies, with the
constituency centres and voter positions held as common random numbers while
the spreads move. It is minimised by :func:`scipy.optimize.least_squares`
(trust-region reflective) with the Jacobian's sparsity given (a region's
residuals depend only on its own shifts, turnout and spread and on the
national valences), so its finite differences take a few dozen evaluations
instead of one per parameter. Regional shifts carry a small ridge penalty
(:data:`RIDGE`): where the shares leave them free (their level within a
region), the fit takes the smallest shifts, so the national valence carries
what is common to the country.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from electoral_sim.model import ElectionModel
from electoral_sim.model.behaviour import VOTER_SPREAD
from electoral_sim.model.electorate import Electorate, PartyTerms, expected_votes

RIDGE = 0.02  #: residual (points) per utility unit of regional shift: small, it only settles what the targets leave free
DIFF_STEP = 1e-3  #: relative finite-difference step: the expectation is computed in float32, as the model votes
SD_WEIGHT = 0.5  #: weight of a share-spread residual against a share residual (both in points)


@dataclass(frozen=True)
class Targets:
    """A real election's facts per region, in the model's party and region order.

    Attributes
    ----------
    shares : (R, P) vote shares among the modelled parties (fractions summing
        to 1 over the parties standing in the region; 0 where a party does not stand).
    turnout : (R,) turnout (votes cast / electorate).
    share_sd : (R, P) s.d. of the parties' constituency vote shares (fractions), NaN where unknown.
    """

    shares: np.ndarray
    turnout: np.ndarray
    share_sd: np.ndarray | None = None


@dataclass(frozen=True)
class Fit:
    """The fitted parameters and how well they meet the targets."""

    parties: list[dict[str, Any]]  #: party dicts with fitted ``valence``
    regions: list[dict[str, Any]]  #: region dicts with fitted ``valence``, ``turnout`` and ``spread``
    shares: np.ndarray  #: (R, P) the model's expected shares at the fit
    turnout: np.ndarray  #: (R,) its expected turnout
    share_sd: np.ndarray  #: (R, P) its constituency share s.d.
    cost: float  #: least-squares cost at the fit
    evaluations: int  #: objective evaluations


class _Problem:
    """The electorates and the map from the parameter vector to the residuals."""

    def __init__(self, parties, regions, targets: Targets, temperature: float, voters: int, seeds) -> None:
        self.model = ElectionModel(n_voters=voters * sum(r["constituencies"] for r in regions),
                                   n_constituencies=sum(r["constituencies"] for r in regions),
                                   parties=parties, regions=regions, temperature=temperature, seed=0)
        g = self.model.geography
        self.g, self.targets, self.t = g, targets, temperature
        self.region = g.region_of
        self.n_regions, self.n_parties = g.standing.shape
        self.cells = np.argwhere(g.standing)  # (region, party) of each shift
        self.pos, self.national = self.model._national_terms()
        self.national = self.national - np.array([p["valence"] for p in self.model.parties])  # without valence
        c, n = len(self.region), self.model.n_voters
        self.draws = []
        for seed in seeds:  # common random numbers: held while the parameters move
            rng = np.random.default_rng(seed)
            z = rng.standard_normal((c, 2))
            noise = rng.standard_normal((2, n), dtype=np.float32) * np.float32(VOTER_SPREAD)
            self.draws.append((z, noise))
        e = self.model.electorate
        self.sizes, self.constituency = e.sizes, e.constituency
        self.sd_rows = (np.argwhere(np.isfinite(targets.share_sd) & g.standing)
                        if targets.share_sd is not None else np.zeros((0, 2), dtype=int))
        self.evaluations = 0

    # parameter vector: valence (P), shifts (one per standing cell), turnout (R), log spread (R)
    def split(self, theta: np.ndarray):
        p, k, r = self.n_parties, len(self.cells), self.n_regions
        valence, shifts, turnout, log_spread = theta[:p], theta[p:p + k], theta[p + k:p + k + r], theta[p + k + r:]
        shift = np.zeros((r, p))
        shift[self.cells[:, 0], self.cells[:, 1]] = shifts
        return valence, shift, turnout, np.exp(log_spread)

    def start(self) -> np.ndarray:
        valence = np.array([p["valence"] for p in self.model.parties])
        shifts = self.g.valence[self.cells[:, 0], self.cells[:, 1]]
        return np.concatenate([valence, shifts, self.g.turnout, np.log(np.maximum(self.g.spreads, 1e-3))])

    def bounds(self):
        p, k, r = self.n_parties, len(self.cells), self.n_regions
        low = np.concatenate([np.full(p + k, -50.0), np.zeros(r), np.full(r, np.log(1e-3))])
        high = np.concatenate([np.full(p + k, 50.0), np.ones(r), np.full(r, np.log(5.0))])
        return low, high

    def expected(self, theta: np.ndarray):
        """Per region: expected shares (R, P), turnout (R,), constituency share s.d. (R, P)."""
        self.evaluations += 1
        valence, shift, turnout, spread = self.split(theta)
        const = np.where(self.g.standing, self.national + valence + shift, -np.inf)[self.region]
        terms = PartyTerms(self.pos, const, turnout[self.region])
        per_constituency = []
        for z, noise in self.draws:
            centres = self.g.centres[self.region] + spread[self.region, None] * z
            xy = noise + np.repeat(centres.T.astype(np.float32), self.sizes, axis=1)
            electorate = Electorate(centres, self.sizes, xy, self.constituency, self.region)
            per_constituency.append(expected_votes(electorate, terms, self.t))
        votes = np.concatenate(per_constituency)  # (seeds * C, P)
        region = np.tile(self.region, len(self.draws))
        by_region = np.zeros((self.n_regions, self.n_parties))
        np.add.at(by_region, region, votes)
        cast = by_region.sum(axis=1)
        electorate = np.bincount(region, weights=np.tile(self.sizes, len(self.draws)), minlength=self.n_regions)
        shares = by_region / cast[:, None]
        constituency_shares = votes / votes.sum(axis=1, keepdims=True)
        sd = np.array([[constituency_shares[region == r, j].std() for j in range(self.n_parties)]
                       for r in range(self.n_regions)])
        return shares, cast / electorate, sd

    def residuals(self, theta: np.ndarray) -> np.ndarray:
        shares, turnout, sd = self.expected(theta)
        tg = self.targets
        _, shift, _, _ = self.split(theta)
        share_rows = 100 * (shares - tg.shares)[self.cells[:, 0], self.cells[:, 1]]
        sd_rows = SD_WEIGHT * 100 * (sd - tg.share_sd)[self.sd_rows[:, 0], self.sd_rows[:, 1]] if len(self.sd_rows) \
            else np.zeros(0)
        return np.concatenate([share_rows, 100 * (turnout - tg.turnout), sd_rows,
                               RIDGE * shift[self.cells[:, 0], self.cells[:, 1]]])

    def sparsity(self):
        """Which residuals each parameter can move."""
        from scipy.sparse import lil_matrix

        p, k, r = self.n_parties, len(self.cells), self.n_regions
        row_region = np.concatenate([self.cells[:, 0], np.arange(r), self.sd_rows[:, 0]])
        n_rows = len(row_region) + k
        m = lil_matrix((n_rows, p + k + 2 * r), dtype=np.int8)
        for i, region in enumerate(row_region):
            m[i, :p] = 1  # national valences move every region
            m[i, p + np.flatnonzero(self.cells[:, 0] == region)] = 1
            m[i, p + k + region] = 1
            m[i, p + k + r + region] = 1
        for q in range(k):  # ridge rows
            m[len(row_region) + q, p + q] = 1
        return m


def calibrate(parties: list[dict[str, Any]], regions: list[dict[str, Any]], targets: Targets, *,
              temperature: float = 0.5, voters_per_constituency: int = 400, seeds=(0, 1, 2, 3),
              fit_spread: bool = True) -> Fit:
    """Fit valences, regional shifts, turnout and spreads of ``parties`` and ``regions`` to ``targets``.

    Parameters
    ----------
    parties, regions : the model's party and region dicts (positions, standing,
        constituency counts as held); their valences, turnouts and spreads are
        the starting point.
    targets : the facts to meet (see :class:`Targets`).
    temperature : the logit temperature the system is fitted at.
    voters_per_constituency, seeds : size and draws of the electorates the
        expectation is taken over (deterministic for given seeds).
    fit_spread : fit the regions' constituency spreads (needs ``targets.share_sd``);
        otherwise they are held.

    Returns
    -------
    Fit

    Examples
    --------
    >>> import numpy as np
    >>> parties = [{"name": "A", "position": [-0.3, 0.0]}, {"name": "B", "position": [0.3, 0.0]}]
    >>> regions = [{"name": "N", "constituencies": 2}, {"name": "S", "constituencies": 2}]
    >>> fit = calibrate(parties, regions, Targets(np.array([[0.6, 0.4], [0.3, 0.7]]), np.array([0.7, 0.6])),
    ...                 voters_per_constituency=200, seeds=(0,), fit_spread=False)
    >>> bool(np.abs(fit.shares - [[0.6, 0.4], [0.3, 0.7]]).max() < 1e-4)
    True
    """
    from scipy.optimize import least_squares

    problem = _Problem(parties, regions, targets, temperature, voters_per_constituency, seeds)
    theta0 = problem.start()
    low, high = problem.bounds()
    r = problem.n_regions
    if not fit_spread or targets.share_sd is None:  # hold the spreads: pin them with equal bounds
        held = theta0[-r:]
        low[-r:], high[-r:] = held - 1e-12, held + 1e-12
    theta0 = np.clip(theta0, low, high)
    result = least_squares(problem.residuals, theta0, jac_sparsity=problem.sparsity(), bounds=(low, high),
                           method="trf", x_scale="jac", diff_step=DIFF_STEP, xtol=1e-10, ftol=1e-10)
    valence, shift, turnout, spread = problem.split(result.x)
    shares, cast, sd = problem.expected(result.x)
    fitted_parties = [{**p, "valence": round(float(v), 6)} for p, v in zip(parties, valence)]
    names = [p["name"] for p in parties]
    fitted_regions = []
    for i, region in enumerate(regions):
        shifts = {n: round(float(shift[i, j]), 6) for j, n in enumerate(names) if problem.g.standing[i, j]}
        fitted_regions.append({**region, "valence": shifts, "turnout": round(float(turnout[i]), 6),
                               "spread": round(float(spread[i]), 6)})
    return Fit(fitted_parties, fitted_regions, shares, cast, sd, float(result.cost), problem.evaluations)
