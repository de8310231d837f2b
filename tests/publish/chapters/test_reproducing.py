"""nashalign.publish.chapters.reproducing: the README's commands, the CLI, the versions."""

from __future__ import annotations

from pathlib import Path

from nashalign.publish.chapters import reproducing

README = Path(__file__).resolve().parents[3] / "README.md"


def test_readme_commands_are_read_from_the_readme():
    md = reproducing.readme_commands(README)
    assert "nashalign demo" in md and "pytest" in md
    assert "(see the README)" in reproducing.readme_commands("/nonexistent/README.md")


def test_cli_table_lists_every_subcommand():
    from nashalign.cli import build_parser

    md = reproducing.cli_table(build_parser())
    for cmd in ("verify", "derive", "solve", "estimate", "figures", "steer", "book", "demo"):
        assert f"`nashalign {cmd}`" in md


def test_versions_table_marks_missing_distributions():
    md = reproducing.versions_table(dists=("numpy", "no-such-distribution-x"))
    assert "| no-such-distribution-x | not installed |" in md
