"""pytest plugin registering the hypothesis profiles ``ci`` and ``thorough`` early.

Hypothesis loads ``--hypothesis-profile`` while pytest configures itself, before the
conftest of an installed package is read, so a profile that only that conftest
registers (``thorough``) is unknown at that moment. Load this plugin first::

    pytest -p provable.proofs_checks.tests_suite.plugin \\
        --pyargs provable.proofs_checks.tests_suite --hypothesis-profile thorough

(``ci`` also works without ``-p``: hypothesis has a built-in ``ci`` profile that the
suite's conftest then refines.)
"""

from provable.proofs_checks.tests_suite import register_profiles

register_profiles()
