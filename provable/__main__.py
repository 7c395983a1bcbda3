"""``python -m provable`` runs the command line (see :mod:`provable.cli`)."""

from provable.cli import app

if __name__ == "__main__":  # pragma: no cover
    app(prog_name="provable")
