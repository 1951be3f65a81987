"""electoral_sim: agent-based election simulation and reproducible parameter sweeps."""
from electoral_sim.model import ElectionModel

__version__ = "0.3.0"
__all__ = ["ElectionModel", "__version__"]
