"""Named party systems: stylised real party landscapes for studies.

A study may say ``parties: uk_2019`` (in ``fixed_params``, or swept:
``parties: [uk_2019, germany_2021]``) instead of listing party dicts. The
model resolves the name with :func:`party_system`, and a configuration's
identity (its ``config_id``) hashes the *resolved* list: editing a system's
definition here changes the ids of every configuration that uses it, so cached
runs of the old definition are never reused. The results table keeps the name.

The model's space has two axes (see :class:`~electoral_sim.ElectionModel`):

- ``x``, economic left (-1) to right (+1): ``(lrecon - 5) / 5`` on the
  Chapel Hill Expert Survey's 0-10 economic left-right scale;
- ``y``, green/alternative/libertarian (+1) to traditional/authoritarian/
  nationalist (-1): ``(5 - galtan) / 5`` on the CHES 0-10 GAL-TAN scale.

These are **stylised** systems, not estimates. Positions are our rounded
placements informed by CHES 2019 (Jolly et al. 2022, *Electoral Studies* 75,
102420; chesdata.eu) for the UK and Germany, written without the data file at
hand: check them against CHES before resting a claim on them. CHES covers
Europe only; New Zealand and the US two-party system are placed by us.
``valence`` is calibrated, not measured: with it, the model's first-preference
vote shares at the default voter parameters (``temperature=0.5``, no
incumbency effects), averaged over seeds 0-15 at 50,000 voters in 10
constituencies, match the election's vote shares among the listed parties
(:data:`VOTE_SHARES`, official results; smaller parties and independents are
left out, the shares renormalised) within 0.3 percentage points. One
election varies around that by several points (constituency centres are
random). ``incumbent`` marks the governing party or parties at the election.
"""
from __future__ import annotations

from typing import Any

from electoral_sim.model.regions import scale_counts

#: Each system's parties: name, position [x, y], valence, incumbent.
PARTY_SYSTEMS: dict[str, tuple[dict[str, Any], ...]] = {
    # UK general election, 12 December 2019 (Conservative government).
    "uk_2019": (
        {"name": "Conservative", "position": [0.5, -0.4], "valence": 0.81, "incumbent": True},
        {"name": "Labour", "position": [-0.62, 0.26], "valence": 0.64, "incumbent": False},
        {"name": "Liberal Democrats", "position": [-0.08, 0.54], "valence": 0.04, "incumbent": False},
        {"name": "SNP", "position": [-0.36, 0.42], "valence": -0.46, "incumbent": False},
        {"name": "Green", "position": [-0.7, 0.76], "valence": -0.42, "incumbent": False},
        {"name": "Brexit Party", "position": [0.56, -0.76], "valence": -0.61, "incumbent": False},
    ),
    # German federal election, 26 September 2021, second votes (CDU/CSU-SPD government).
    "germany_2021": (
        {"name": "SPD", "position": [-0.28, 0.22], "valence": 0.24, "incumbent": True},
        {"name": "CDU/CSU", "position": [0.2, -0.3], "valence": 0.22, "incumbent": True},
        {"name": "Greens", "position": [-0.34, 0.72], "valence": 0.09, "incumbent": False},
        {"name": "FDP", "position": [0.66, 0.22], "valence": -0.11, "incumbent": False},
        {"name": "AfD", "position": [0.46, -0.84], "valence": -0.01, "incumbent": False},
        {"name": "Left", "position": [-0.76, 0.46], "valence": -0.43, "incumbent": False},
    ),
    # New Zealand general election, 14 October 2023, party votes (Labour government).
    "new_zealand_2023": (
        {"name": "National", "position": [0.4, -0.2], "valence": 0.59, "incumbent": False},
        {"name": "Labour", "position": [-0.4, 0.2], "valence": 0.39, "incumbent": True},
        {"name": "Green", "position": [-0.7, 0.6], "valence": 0.12, "incumbent": False},
        {"name": "ACT", "position": [0.8, 0.3], "valence": -0.06, "incumbent": False},
        {"name": "NZ First", "position": [0.0, -0.6], "valence": -0.38, "incumbent": False},
        {"name": "Te Pati Maori", "position": [-0.5, 0.2], "valence": -0.67, "incumbent": False},
    ),
    # A US-style two-party system; vote shares of the 2020 presidential popular vote
    # (Republican incumbent).
    "us_two_party": (
        {"name": "Democratic", "position": [-0.35, 0.35], "valence": -0.12, "incumbent": False},
        {"name": "Republican", "position": [0.55, -0.5], "valence": 0.12, "incumbent": True},
    ),
}

#: The election's vote shares (%, of all valid votes) of each system's parties, in order.
#: UK: House of Commons Library, CBP-8749; Germany: Bundeswahlleiter, second votes;
#: New Zealand: Electoral Commission, party votes; US: FEC, 2020 presidential popular vote.
VOTE_SHARES: dict[str, tuple[float, ...]] = {
    "uk_2019": (43.6, 32.1, 11.6, 3.9, 2.7, 2.0),
    "germany_2021": (25.7, 24.1, 14.8, 11.5, 10.3, 4.9),
    "new_zealand_2023": (38.1, 26.9, 11.6, 8.6, 6.1, 3.1),
    "us_two_party": (51.3, 46.9),
}


def party_system(name: str) -> list[dict[str, Any]]:
    """The parties of a named system (a fresh list of dicts), or ``ValueError`` naming the valid names."""
    key = name.strip().lower() if isinstance(name, str) else name
    if key not in PARTY_SYSTEMS:
        raise ValueError(f"parties: unknown party system {name!r}: use one of {', '.join(PARTY_SYSTEMS)} "
                         "or a list of party dicts")
    return [{**p, "position": list(p["position"])} for p in PARTY_SYSTEMS[key]]


#: Each system's regions, as held (constituency counts of the real election); systems without
#: an entry are one region.
REGIONS: dict[str, tuple[dict[str, Any], ...]] = {}


def system_regions(name: str, n_constituencies: int) -> list[dict[str, Any]] | None:
    """A named system's regions with their constituencies scaled to ``n_constituencies``.

    At the real election's size the counts are the real ones; at another size
    each region keeps at least one constituency and the rest go by largest
    remainders of the real counts. None for a system without regions.
    """
    party_system(name)  # the name must be valid
    key = name.strip().lower()
    if key not in REGIONS:
        return None
    regions = [{**r, "centre": list(r["centre"]), "valence": dict(r["valence"])} for r in REGIONS[key]]
    counts = scale_counts([r["constituencies"] for r in regions], n_constituencies, key)
    for region, count in zip(regions, counts):
        region["constituencies"] = count
    return regions
