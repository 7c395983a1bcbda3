from provable.proofs_checks.claims import sequence_models  # noqa: F401 - registers its claims
