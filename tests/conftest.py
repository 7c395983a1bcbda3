"""Shared test configuration: hypothesis profiles.

``ci`` (default): derandomised and small, so CI is stable. ``thorough``: many more
examples; run locally with ``pytest --hypothesis-profile=thorough`` (or set
``HYPOTHESIS_PROFILE=thorough``). The profiles are defined once, in
:mod:`provable.proofs_checks.tests_suite`.
"""

import os

from hypothesis import settings

from provable.proofs_checks.tests_suite import register_profiles

register_profiles()
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
