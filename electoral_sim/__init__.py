"""electoral_sim: agent-based election simulation and reproducible parameter sweeps.

``ElectionModel`` is imported on first use, so that ``import electoral_sim``
and ``electoral-sim --help`` stay light.
"""
__version__ = "0.3.0"
__all__ = ["ElectionModel", "__version__"]


def __getattr__(name: str):
    if name == "ElectionModel":
        from electoral_sim.model import ElectionModel

        return ElectionModel
    raise AttributeError(f"module 'electoral_sim' has no attribute {name!r}")
