"""pytest plugin of provable, loaded automatically through the ``pytest11`` entry point.

It registers the hypothesis profile ``thorough`` (1000 examples, no deadline) as soon as
pytest loads its plugins, before hypothesis reads ``--hypothesis-profile``, so in any
project where provable is installed::

    pytest --hypothesis-profile thorough

works without ``-p`` and without a ``conftest.py``. A profile of the same name that a
project registers in its own ``conftest.py`` replaces this one (conftests load later).
hypothesis's built-in ``ci`` and ``default`` profiles are left as they are.

With plugin autoloading disabled (``PYTEST_DISABLE_PLUGIN_AUTOLOAD=1``) load it with
``-p provable``; turn it off with ``-p no:provable``.

Examples
--------
>>> from hypothesis import settings
>>> settings.get_profile("thorough").deadline is None
True
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

__all__ = ["THOROUGH", "register"]

#: settings of the ``thorough`` profile
THOROUGH: dict = {"max_examples": 1000, "deadline": None, "print_blob": True,
                  "suppress_health_check": [HealthCheck.too_slow]}


def register() -> None:
    """Register the hypothesis profile ``thorough`` (idempotent).

    Examples
    --------
    >>> register()
    >>> from hypothesis import settings
    >>> settings.get_profile("thorough").max_examples
    1000
    """
    settings.register_profile("thorough", **THOROUGH)


register()

