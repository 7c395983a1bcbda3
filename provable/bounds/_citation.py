"""Provenance of a rate or a claim."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from provable.errors import InvalidArgument

__all__ = ["Citation"]

_ORIGINS = ("seed", "reference")


@dataclass(frozen=True)
class Citation:
    """Where a bound or a claim comes from.

    Parameters
    ----------
    title : str
        Paper title.
    authors : str
        Author list as printed ("Azar, Osband, Munos").
    year : int or None
        Publication year.
    arxiv : str or None
        arXiv identifier when known (``"1703.05449"``).
    seed_file : str or None
        The seed document the statement was taken from (``"001_3c307a0568d472da.txt"``);
        several files may be joined by commas.
    seed_text : str or None
        The seed string, verbatim (scrape damage included).
    restored : str or None
        The statement with symbols the scrape lost put back (``√T`` for ``T``), when the
        seed text is damaged.
    origin : {"seed", "reference"}
        ``"seed"`` for claims taken from the seed abstracts, ``"reference"`` for classic
        results that are not in the seeds.
    note : str or None
        Anything a reader must know: constants the paper hides, reconstruction choices,
        stand-ins for algorithms that cannot be reconstructed.

    Examples
    --------
    >>> c = Citation("Finite-time Analysis of the Multiarmed Bandit Problem",
    ...              "Auer, Cesa-Bianchi, Fischer", 2002, origin="reference")
    >>> c.short()
    'Auer, Cesa-Bianchi, Fischer (2002)'
    """

    title: str
    authors: str = ""
    year: int | None = None
    arxiv: str | None = None
    seed_file: str | None = None
    seed_text: str | None = None
    restored: str | None = None
    origin: str = "seed"
    note: str | None = None

    def __post_init__(self) -> None:
        if self.origin not in _ORIGINS:
            raise InvalidArgument(f"origin={self.origin!r}, expected one of {_ORIGINS}")
        if not self.title:
            raise InvalidArgument("title='' , expected a non-empty paper title")
        if self.origin == "seed" and not self.seed_file:
            raise InvalidArgument(
                f"seed_file={self.seed_file!r} for origin='seed' ({self.title!r}), "
                "expected the seed document name")

    def short(self) -> str:
        """``"Authors (year)"`` or the title when authors are unknown."""
        who = self.authors or self.title
        return f"{who} ({self.year})" if self.year else who

    def url(self) -> str | None:
        """arXiv abstract URL when the id is known."""
        return f"https://arxiv.org/abs/{self.arxiv}" if self.arxiv else None

    def key(self) -> str:
        """BibTeX key: first author's surname, year, first word of the title
        (``"auer2002finite"``), ASCII letters and digits only."""
        import unicodedata

        def ascii_word(s: str) -> str:
            s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
            return "".join(ch for ch in s.lower() if ch.isalnum())

        first = (self.authors.split(",")[0].split()[-1:] or [""])[0] if self.authors else ""
        words = [ascii_word(w) for w in self.title.split()]
        word = next((w for w in words if w and w not in ("a", "an", "the", "on", "of")), "")
        return (ascii_word(first) or "anon") + (str(self.year) if self.year else "") + word

    def bibtex(self, key: str | None = None) -> str:
        """A BibTeX entry: ``@article`` with the arXiv id as ``eprint`` when known, else
        ``@misc``. Authors are joined by ``and``; braces protect the title's case.

        Examples
        --------
        >>> c = Citation("Finite-time Analysis of the Multiarmed Bandit Problem",
        ...              "Auer, Cesa-Bianchi, Fischer", 2002, origin="reference")
        >>> print(c.bibtex())
        @misc{auer2002finitetime,
          title = {{Finite-time Analysis of the Multiarmed Bandit Problem}},
          author = {Auer and Cesa-Bianchi and Fischer},
          year = {2002},
        }
        """
        fields = [("title", "{" + self.title + "}")]
        authors = [a.strip() for a in self.authors.split(",") if a.strip()]
        if authors and authors[-1] != "et al.":
            fields.append(("author", " and ".join(authors)))
        elif authors:
            fields.append(("author", " and ".join(authors[:-1]) + " and others"))
        if self.year:
            fields.append(("year", str(self.year)))
        if self.arxiv:
            fields += [("eprint", self.arxiv), ("archivePrefix", "arXiv"),
                       ("url", self.url() or "")]
        kind = "article" if self.arxiv else "misc"
        body = "".join(f"  {k} = {{{v}}},\n" for k, v in fields)
        return f"@{kind}{{{key or self.key()},\n{body}}}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
