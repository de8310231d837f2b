"""The reproducing chapter (``book/reproducing.md``): the README's commands, the CLI, versions.

Examples
--------
>>> from nashalign.cli import build_parser
>>> "nashalign verify" in cli_table(build_parser())
True
>>> versions_table(dists=("numpy",)).splitlines()[-1].startswith("| numpy | ")
True
"""

from __future__ import annotations

import argparse
import os
import platform
import re
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from nashalign.tables import markdown_table

__all__ = ["cli_table", "readme_commands", "versions_table"]

#: The libraries behind a build, as the environment table lists them.
DISTRIBUTIONS = (
    "sympy",
    "numpy",
    "scipy",
    "mpmath",
    "matplotlib",
    "torch",
    "sentence-transformers",
    "jupyter-book",
    "myst-nb",
    "sphinx-proof",
)


def readme_commands(readme: str | os.PathLike[str] = Path("..") / "README.md") -> str:
    """The README's two commands (demo and tests), read from the README itself.

    Each sits in a ``bash`` block after a ``<!-- demo-command -->`` or
    ``<!-- test-command -->`` marker; a missing one reads "(see the README)".

    Examples
    --------
    >>> print(readme_commands("/nonexistent/README.md").splitlines()[3])
    (see the README)
    """
    p = Path(readme)
    text = p.read_text(encoding="utf-8") if p.is_file() else ""

    def command(marker: str) -> str:
        m = re.search(rf"<!-- {marker} -->\s*```bash\n(.*?)```", text, flags=re.S)
        return m.group(1).strip() if m else "(see the README)"

    return (
        "Set up and run the main job:\n\n```bash\n" + command("demo-command") + "\n```\n\n"
        "Run the tests:\n\n```bash\n" + command("test-command") + "\n```"
    )


def cli_table(parser: argparse.ArgumentParser) -> str:
    """Every ``nashalign`` subcommand with its one-line help, read from the CLI's parser.

    The book passes ``nashalign.cli.build_parser()`` in (publishing sits below the
    CLI, so it never imports it).
    """
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return markdown_table(
        ["command", "what it does"],
        [[f"`nashalign {a.dest}`", a.help or ""] for a in sub._choices_actions],
    )


def versions_table(dists: Sequence[str] = DISTRIBUTIONS) -> str:
    """Python, platform, nashalign and the versions of the libraries behind this build."""
    from nashalign.version import __version__

    rows = [
        ["python", platform.python_version()],
        ["platform", platform.platform()],
        ["nashalign", __version__],
    ]
    for dist in dists:
        try:
            rows.append([dist, metadata.version(dist)])
        except metadata.PackageNotFoundError:
            rows.append([dist, "not installed"])
    return markdown_table(["component", "version"], rows)
