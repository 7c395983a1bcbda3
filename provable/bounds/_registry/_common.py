"""Helpers shared by the registry modules (citations, symbols)."""

from __future__ import annotations

from provable.bounds._citation import Citation
from provable.bounds._variables import syms, variable

__all__ = ["F0", "F1", "F2", "F3", "F4", "seed", "ref", "syms", "variable"]

F0 = "000_ff426cae8431b65b.txt"
F1 = "001_3c307a0568d472da.txt"
F2 = "002_22a27e65939dd0f4.txt"
F3 = "003_a27811acbdfa868d.txt"
F4 = "004_2412af209b8e3d12.txt"


def seed(title: str, files: tuple[str, ...], text: str, *, authors: str = "",
         year: int | None = None, arxiv: str | None = None, restored: str | None = None,
         note: str | None = None) -> Citation:
    """Citation of a seed paper; ``text`` is the verbatim seed string."""
    return Citation(title, authors, year, arxiv, seed_file=",".join(files), seed_text=text,
                    restored=restored, origin="seed", note=note)


def ref(title: str, authors: str, year: int, arxiv: str | None = None,
        note: str | None = None) -> Citation:
    """Citation of a reference result (not in the seeds)."""
    return Citation(title, authors, year, arxiv, origin="reference", note=note)
