"""The ``nashalign`` command line.

Each subcommand lives in its own module ``<name>_cmd`` of this package and
declares ``HELP``, ``DESCRIPTION`` (optionally ``EPILOG`` and ``RAW``),
``_add_arguments(parser)`` and ``run``/``_run`` (the parsed namespace in, an exit
code out); :func:`build_parser` registers them all through
:func:`nashalign.cli.common.add_command`. Heavy imports happen inside ``run`` so
that ``nashalign --help`` stays fast.

Bad input raises :class:`nashalign.errors.InputError`; :func:`main` prints it
as one line on stderr and returns 2, with no traceback.

Examples
--------
>>> main(["--version"])
nashalign 0.1.0
0
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from nashalign.cli.common import add_command
from nashalign.errors import InputError, NashalignError
from nashalign.publish.glossary import epilog

SUBCOMMANDS = (
    "verify",
    "derive",
    "solve",
    "estimate",
    "figures",
    "steer",
    "check-solver",
    "book",
    "demo",
)


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors are one line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(f"{self.prog}: error: {message}")


def build_parser() -> argparse.ArgumentParser:
    """Build the top-level parser with every subcommand registered."""
    parser = _Parser(
        prog="nashalign",
        description="Symbolic companion to the game-theoretic model of LLM active alignment.",
        epilog=epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in SUBCOMMANDS:
        module = importlib.import_module(f"nashalign.cli.{name.replace('-', '_')}_cmd")
        add_command(
            sub,
            name,
            getattr(module, "run", None) or module._run,
            help=module.HELP,
            description=module.DESCRIPTION,
            add_arguments=module._add_arguments,
            epilog_text=getattr(module, "EPILOG", None),
            raw=getattr(module, "RAW", True),
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except _UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.version:
        from nashalign.version import __version__

        print(f"nashalign {__version__}")
        return 0
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        print(f"nashalign {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except NashalignError as exc:
        print(f"nashalign {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # Output piped into a closed reader (e.g. `| head`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print(f"nashalign {args.command}: interrupted", file=sys.stderr)
        return 130


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
