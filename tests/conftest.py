"""Shared test configuration: hypothesis profiles.

``ci`` (default, also selected when CI=true): derandomised and small, so CI is stable.
``thorough``: many more examples; run locally with ``--hypothesis-profile=thorough``.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, max_examples=25, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=500, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
