"""How every subcommand is added to the parser: one helper, so each ``*_cmd`` only says what.

Examples
--------
>>> import argparse
>>> sub = argparse.ArgumentParser().add_subparsers()
>>> p = add_command(sub, "noop", lambda args: 0, help="does nothing", description="Nothing.")
>>> p.prog.endswith("noop")
True
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from nashalign.cli.progress_flags import add_progress_flags
from nashalign.publish.glossary import COMMAND_TERMS, epilog

__all__ = ["add_command"]


def add_command(
    sub: argparse._SubParsersAction,
    name: str,
    run: Callable[[argparse.Namespace], int],
    *,
    help: str,
    description: str,
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None,
    epilog_text: str | None = None,
    raw: bool = True,
    progress: bool = False,
) -> argparse.ArgumentParser:
    """Add subcommand ``name``: help, description, glossary epilog, arguments, progress flags.

    The epilog lists the glossary terms the command prints
    (:data:`nashalign.publish.glossary.COMMAND_TERMS`) unless ``epilog_text`` is
    given. ``raw`` keeps the description's own line breaks.
    """
    terms = COMMAND_TERMS.get(name)
    p = sub.add_parser(
        name,
        help=help,
        description=description,
        epilog=epilog_text if epilog_text is not None else (epilog(terms) if terms else None),
        formatter_class=argparse.RawDescriptionHelpFormatter if raw else argparse.HelpFormatter,
    )
    if add_arguments is not None:
        add_arguments(p)
    if progress:
        add_progress_flags(p)
    p.set_defaults(func=run)
    return p
