"""Hypothesis settings for the hostile-input property tests, chosen with HYPOTHESIS_PROFILE.

* ``ci`` (the default): a fixed, derandomized seed and modest example counts, so that every
  run tries the same inputs and the property files finish in seconds;
* ``long``: random seeds, the example database and many more examples, for a local hunt::

      HYPOTHESIS_PROFILE=long python -m pytest -q tests/test_hostile_properties.py

The profiles are applied per test (``settings(PROFILE, ...)``), not loaded globally, so
importing this module does not change other test files' settings.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
          HealthCheck.large_base_example]

settings.register_profile("ci", max_examples=120, derandomize=True, database=None, deadline=None,
                          suppress_health_check=_QUIET, print_blob=True)
settings.register_profile("long", max_examples=5000, deadline=None, suppress_health_check=_QUIET,
                          print_blob=True)

PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def scaled(share: float, **overrides) -> settings:
    """The profile with ``share`` of its examples (for the slower tests)."""
    return settings(PROFILE, max_examples=max(5, int(PROFILE.max_examples * share)), **overrides)
