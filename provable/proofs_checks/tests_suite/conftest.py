"""Registers the hypothesis profiles ``ci`` and ``thorough`` for the shipped suites."""

from provable.proofs_checks.tests_suite import register_profiles

register_profiles()
