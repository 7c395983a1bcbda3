"""Property-based suites shipped with provable.

Run them with::

    pytest --pyargs provable.proofs_checks.tests_suite --hypothesis-profile ci
    pytest --pyargs provable.proofs_checks.tests_suite --hypothesis-profile thorough
    PROVABLE_CLAIMS=quick pytest --pyargs provable.proofs_checks.tests_suite

``--hypothesis-profile`` picks ``ci`` (derandomised, few examples) or ``thorough``
(many examples). ``thorough`` is registered by provable's pytest plugin
(:mod:`provable.proofs_checks.pytest_plugin`, loaded through its entry point; with
plugin autoloading disabled pass ``-p provable``), because hypothesis reads the option
before pytest reads the conftest of an installed package. ``PROVABLE_CLAIMS=quick|full`` also runs every catalogue claim at
that budget (its verdict must not be ``violated`` and its negative control must be).
"""

from __future__ import annotations

__all__ = ["register_profiles", "PROFILES"]

#: settings of the hypothesis profiles registered by :func:`register_profiles`
PROFILES: dict[str, dict] = {
    "ci": {"derandomize": True, "max_examples": 25, "deadline": None,
           "print_blob": True},
    "thorough": {"max_examples": 1000, "deadline": None, "print_blob": True},
}


def register_profiles() -> None:
    """Register the hypothesis profiles ``ci`` and ``thorough`` (idempotent).

    Examples
    --------
    >>> register_profiles()
    >>> from hypothesis import settings
    >>> settings.get_profile("ci").derandomize
    True
    """
    from hypothesis import HealthCheck, settings

    for name, kw in PROFILES.items():
        settings.register_profile(name, suppress_health_check=[HealthCheck.too_slow], **kw)
