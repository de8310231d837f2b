"""The one set of progress flags shared by every long-running subcommand.

``--progress`` / ``--no-progress`` force progress bars on or off (default: on
when stderr is a terminal); ``--quiet`` is ``--no-progress`` plus no streamed
chatter (only the result and errors are printed).

Examples
--------
>>> import argparse
>>> p = argparse.ArgumentParser()
>>> add_progress_flags(p)
>>> wants_progress(p.parse_args(["--quiet"])), wants_progress(p.parse_args(["--progress"]))
(False, True)
"""

from __future__ import annotations

import argparse
import sys


def add_progress_flags(p: argparse.ArgumentParser) -> None:
    """Add ``--progress/--no-progress`` and ``--quiet`` to a subcommand's parser."""
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bars on stderr (default: when stderr is a terminal)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bars and no streamed output")


def wants_progress(args: argparse.Namespace) -> bool:
    """Whether to draw progress bars for these arguments."""
    if args.quiet:
        return False
    if args.progress is None:
        return bool(getattr(sys.stderr, "isatty", lambda: False)())
    return bool(args.progress)
