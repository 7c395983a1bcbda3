"""BibTeX of the registry's sources."""

from __future__ import annotations

from provable import bounds
from provable.bounds import Citation


def test_entry_fields_from_a_known_citation():
    c = Citation("Minimax Regret Bounds for Reinforcement Learning", "Azar, Osband, Munos",
                 2017, arxiv="1703.05449", origin="reference")
    assert c.bibtex() == (
        "@article{azar2017minimax,\n"
        "  title = {{Minimax Regret Bounds for Reinforcement Learning}},\n"
        "  author = {Azar and Osband and Munos},\n"
        "  year = {2017},\n"
        "  eprint = {1703.05449},\n"
        "  archivePrefix = {arXiv},\n"
        "  url = {https://arxiv.org/abs/1703.05449},\n"
        "}")
    assert c.bibtex(key="mine").startswith("@article{mine,\n")


def test_et_al_and_accents_and_missing_year():
    c = Citation("Über die Sache", "Ménard, Valko, et al.", origin="reference")
    assert c.key() == "menarduber"
    assert "  author = {Ménard and Valko and others},\n" in c.bibtex()
    assert "year" not in c.bibtex()


def test_every_registered_source_has_a_balanced_entry_and_keys_name_one_paper():
    papers: dict[str, set] = {}
    for r in bounds.all():
        c = r.citation
        entry = c.bibtex()
        assert entry.count("{") == entry.count("}"), r.id
        assert entry.startswith(("@article{", "@misc{")) and entry.endswith("}"), r.id
        papers.setdefault(c.key(), set()).add((c.title.lower(), c.year))
    clashes = {k: v for k, v in papers.items() if len(v) > 1}
    assert not clashes
