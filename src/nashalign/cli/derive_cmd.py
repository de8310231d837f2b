"""``nashalign derive``: placeholder until its issue lands (see the module owner)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``derive`` subcommand."""
    p = sub.add_parser("derive", help="(not yet implemented)")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    raise NotImplementedError("derive")
