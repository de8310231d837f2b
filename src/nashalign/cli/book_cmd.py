"""``nashalign book``: execute and build the Jupyter Book (offline math included).

Examples
--------
>>> from nashalign.cli import build_parser
>>> build_parser().parse_args(["book", "--strict", "--out", "site"]).strict
True
"""

from __future__ import annotations

import argparse
import sys

from nashalign.cli.progress_flags import add_progress_flags

#: One-line help of ``nashalign book`` in the command list.
HELP = "execute every chapter and build the book (HTML, math served offline)"

#: What ``nashalign book --help`` says first.
DESCRIPTION = (
    "Execute every chapter of book/ and build it with Jupyter Book into "
    "OUT/html (default book/_build/html). MathJax 3 is copied into the build "
    "(npm install mathjax@3 on first use, or $NASHALIGN_MATHJAX)."
)

#: Let argparse rewrap the description.
RAW = False


def _add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``nashalign book``."""
    p.add_argument(
        "--strict",
        action="store_true",
        help="warnings are errors (-W -n --keep-going), and no page may load network assets",
    )
    p.add_argument("--out", metavar="DIR", help="output directory (default: book/_build)")
    p.add_argument("--book-dir", metavar="DIR", help="the book source (default: ./book)")
    p.add_argument(
        "--figures",
        metavar="DIR",
        help="show the figures and table of this finished 'nashalign figures' directory "
        "(e.g. out/figures) instead of drawing them again, so the numbers agree "
        "(nashalign demo does this itself)",
    )
    add_progress_flags(p)


def _run(args: argparse.Namespace) -> int:
    from nashalign.publish.book import build_book

    def log(msg: str) -> None:
        print(f"nashalign book: {msg}", file=sys.stderr, flush=True)

    result = build_book(
        args.book_dir,
        args.out,
        strict=args.strict,
        echo=not args.quiet,
        log=log,
        figures=args.figures,
    )
    print(f"book: {result.index} (built in {result.seconds:.0f} s; log {result.log_path})")
    return 0
