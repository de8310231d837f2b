"""The glossary covers every term the command line prints, and is shown where it is said."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nashalign.publish.glossary import GLOSSARY, glossary_markdown

ROOT = Path(__file__).resolve().parents[2]
#: Jargon in printed output: snake_case names, CamelCase names, and these words.
WORDS = ("cond", "NashConv", "Phi", "CRootOf", "r*", "NE", "tau", "binding", "cited")
#: snake_case that is not jargon (instance names, README cross-references).
PLAIN = {"every_stable"}


def _jargon(text: str, names: list[str]) -> set[str]:
    found = set(re.findall(r"\b[A-Za-z]+_[A-Za-z]+\b", text))
    found |= {w for w in WORDS if re.search(rf"(?<![\w*]){re.escape(w)}(?![\w])", text)}
    return {w for w in found if w not in names} - PLAIN


@pytest.fixture(scope="module")
def printed() -> tuple[str, list[str]]:
    from nashalign.derivations import derive

    from nashalign.instance import Instance
    from nashalign.publish.plain import record_text, solve_text, steer_report, verification_text
    from nashalign.studies.solve import solve_population

    inst = Instance.resolve("politics")
    out = solve_population(["politics"], 1.0, 1.0, 1.0)
    texts = [
        solve_text(out),
        steer_report(inst, "politics", "1", "1", "0.05"),
        verification_text([derive("claim1", K=2)]),
        # derive: the words of its header (the maths below is the record's own notation)
        "\n".join(record_text(derive("theorem1", K=2)).splitlines()[:3]),
    ]
    return "\n".join(texts), list(inst.names)


def test_every_term_the_cli_prints_is_in_the_glossary(printed):
    text, names = printed
    missing = sorted(_jargon(text, names) - set(GLOSSARY))
    assert missing == []


@pytest.mark.parametrize("term", ["alpha_tilde", "cond", "NashConv", "mu_min", "cited", "r*"])
def test_the_terms_of_issue_19_are_explained(term):
    assert len(GLOSSARY[term]) > 20


def test_the_readme_and_the_book_show_the_glossary():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert glossary_markdown() in readme, "README 'Glossary' is stale: paste glossary_markdown()"
    page = (ROOT / "book" / "glossary.md").read_text(encoding="utf-8")
    assert "glossary_markdown" in page
    assert "- file: glossary" in (ROOT / "book" / "_toc.yml").read_text(encoding="utf-8")


def test_the_help_shows_it():
    from nashalign.cli import build_parser

    assert "NashConv" in build_parser().format_help()
