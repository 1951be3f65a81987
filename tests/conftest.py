"""Hypothesis profiles for the whole suite.

- ``ci`` (the default): derandomized, no example database, no deadline. The
  same examples run on every machine, so a passing suite passes by
  construction, not by luck. A bug it misses stays missed until a test pins it
  with ``@example`` or the ``random`` profile finds it.
- ``random``: fresh random examples, 10 times as many, with the failing
  example printed for replay; run it by hand to hunt for new bugs::

      HYPOTHESIS_PROFILE=random python -m pytest -q tests/test_metrics.py

Tests that pin ``max_examples`` in their own ``@settings`` keep that number
under both profiles; leave it out to let the profile decide.
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, database=None, deadline=None, max_examples=100,
                          print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("random", derandomize=False, deadline=None, max_examples=1_000, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
