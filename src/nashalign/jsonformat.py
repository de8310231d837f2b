"""One versioned JSON record format for every machine-readable output.

Every ``--json`` output of the CLI (``verify``, ``derive``, ``solve``, ``steer``,
``figures``) and every JSON file ``nashalign demo`` writes (``verify.json``,
``crosscheck.json``, ``demo-summary.json``), every request ``nashalign
check-solver`` sends a solver (``solve-request``), its report (``check-solver``) and
the frozen cases of :mod:`nashalign.testing` (``solver-cases``) is one JSON object,
a *record*, that starts with the same envelope:

``format``
    ``"nashalign.<kind>"``: what the record is (:data:`KINDS`).
``format_version``
    :data:`FORMAT_VERSION` (an integer). Keys may be added within a version;
    renaming, removing or retyping a key increments it.
``nashalign_version``
    The version of nashalign that wrote the record.

followed by the payload of that kind, at the top level. Exact numbers are
strings: rationals and SymPy expressions in ``sympy.sympify``-parseable form,
and real algebraic numbers as ``{"exact", "decimal", "interval"}`` objects (the
exact form, a 30-digit decimal and a rational isolating interval ``[lo, hi]``
of width below 1e-30, ``lo == hi`` for a rational; see ``nashalign steer``).
Floats never are NaN or infinite in a record (``crosscheck`` writes
non-finite values as the strings ``"inf"``, ``"-inf"``, ``"nan"``).

Each kind has a JSON Schema (draft 2020-12) shipped in the package as
``nashalign/schemas/<kind>.schema.json`` (:func:`schema_path`); shared pieces
are in ``common.schema.json``. :func:`validate` checks a record against its
schema (it needs the ``jsonschema`` package).

``verify --json`` and ``OUT/verify.json`` are the same record
(:func:`verify_record`); ``derive --json`` is the envelope plus the fields of
one derivation record (the same objects as the items of ``verify``'s
``records``).

Examples
--------
>>> rec = envelope("steer", {"s": 2.0})
>>> rec["format"], rec["format_version"], sorted(rec)
('nashalign.steer', 1, ['format', 'format_version', 'nashalign_version', 's'])
>>> kind_of(rec)
'steer'
>>> schema_path("steer").name
'steer.schema.json'
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from nashalign.version import __version__

#: Version of the record format (the envelope and every payload).
FORMAT_VERSION = 1
#: The record kinds; ``format`` is ``"nashalign." + kind``.
KINDS = (
    "verify",
    "derive",
    "solve",
    "steer",
    "figures",
    "crosscheck",
    "demo-summary",
    "solve-request",
    "check-solver",
    "solver-cases",
)
#: The envelope's keys, in order.
ENVELOPE_KEYS = ("format", "format_version", "nashalign_version")
#: Base URI of the schemas' ``$id`` (a reserved, never-resolving domain: nothing is fetched).
SCHEMA_BASE = "https://nashalign.invalid/schemas/"


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown record kind {kind!r}; the kinds are {', '.join(KINDS)}")
    return kind


def envelope(kind: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The record of ``kind``: the envelope followed by ``payload``'s keys.

    Raises
    ------
    ValueError
        Unknown kind, or a payload that uses an envelope key.
    """
    _check_kind(kind)
    clash = [k for k in ENVELOPE_KEYS if k in payload]
    if clash:
        raise ValueError(f"payload uses the envelope key {clash[0]!r}")
    head: dict[str, Any] = {
        "format": f"nashalign.{kind}",
        "format_version": FORMAT_VERSION,
        "nashalign_version": __version__,
    }
    return {**head, **payload}


def finite(obj: Any) -> Any:
    """``obj`` with numpy scalars made Python and non-finite floats made ``None`` (JSON null).

    Examples
    --------
    >>> finite({"x": [1.0, float("nan")], "y": float("inf")})
    {'x': [1.0, None], 'y': None}
    """
    if isinstance(obj, Mapping):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite(v) for v in obj]
    if hasattr(obj, "item") and callable(obj.item) and getattr(obj, "shape", None) == ():
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def dumps(record: Mapping[str, Any]) -> str:
    """The record as indented JSON (no NaN or infinity allowed).

    A :class:`Streamed` array is written out in full here; :func:`write_json`
    writes the same text without holding it.
    """
    return json.dumps(record, indent=2, allow_nan=False, default=_materialise)


def _materialise(obj: Any) -> Any:
    if isinstance(obj, Streamed):
        return list(obj)
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


class Streamed(Sequence[Any]):
    """A JSON array whose items are converted one at a time, as they are written.

    ``Streamed(items, convert)`` stands for ``[convert(x) for x in items]``:
    :func:`write_json` converts and writes one item at a time, so a record with
    tens of thousands of large items never exists as JSON all at once;
    :func:`dumps` and ``list()`` give the whole list.

    Examples
    --------
    >>> arr = Streamed(range(3), lambda i: {"i": i})
    >>> len(arr), arr[2], list(arr)[0]
    (3, {'i': 2}, {'i': 0})
    """

    def __init__(self, items: Sequence[Any], convert: Any) -> None:
        self._items = items
        self._convert = convert

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self._convert(x) for x in self._items[i]]
        return self._convert(self._items[i])

    def __iter__(self) -> Any:
        return (self._convert(x) for x in self._items)


def write_json(record: Mapping[str, Any], stream: Any) -> None:
    """Write ``record`` to the text ``stream`` exactly as :func:`dumps` would, streaming.

    Mappings are written key by key and :class:`Streamed` arrays item by item (each
    item converted only when it is written); anything else is one ``json.dumps``.
    Nothing but the item being written is held as text.

    Examples
    --------
    >>> import io
    >>> rec = {"a": 1, "items": Streamed([1, 2], lambda i: {"x": [i, i]})}
    >>> buf = io.StringIO()
    >>> write_json(rec, buf)
    >>> buf.getvalue() == dumps(rec)
    True
    """
    _write(record, stream, 0)


def _write(obj: Any, stream: Any, level: int) -> None:
    pad, inner = "\n" + "  " * level, "\n" + "  " * (level + 1)
    if isinstance(obj, Mapping) and obj:
        stream.write("{")
        for i, (key, value) in enumerate(obj.items()):
            name = key if isinstance(key, str) else json.dumps(key)
            stream.write(("," if i else "") + inner + json.dumps(name) + ": ")
            _write(value, stream, level + 1)
        stream.write(pad + "}")
    elif isinstance(obj, Streamed) and len(obj):
        stream.write("[")
        for i, item in enumerate(obj):
            stream.write(("," if i else "") + inner)
            _write(item, stream, level + 1)
        stream.write(pad + "]")
    else:
        # A JSON string never holds a raw newline, so re-indenting is a replace.
        text = json.dumps(obj, indent=2, allow_nan=False, default=_materialise)
        stream.write(text.replace("\n", pad) if level else text)


def kind_of(record: Mapping[str, Any]) -> str:
    """The kind named by a record's ``format``; ValueError when it is not a record."""
    fmt = record.get("format") if isinstance(record, Mapping) else None
    if not isinstance(fmt, str) or not fmt.startswith("nashalign."):
        raise ValueError("not a nashalign record: no 'format' of the form 'nashalign.<kind>'")
    return _check_kind(fmt.removeprefix("nashalign."))


def verify_record(
    records: Sequence[Any], seconds: float, max_k: int | None = None
) -> dict[str, Any]:
    """The ``nashalign.verify`` record of a list of derivation records.

    ``records`` (each the JSON of
    :meth:`~nashalign.symbolic.records.DerivationRecord.to_json`), ``seconds``
    (total wall time), ``failed`` (how many are not proved), ``statuses`` (count
    per status, the explicit-K ones pooled as ``"proved at explicit K"``) and
    ``max_k``.
    """
    by_status: dict[str, int] = {}
    for r in records:
        key = "proved at explicit K" if r.status.startswith("proved at explicit") else r.status
        by_status[key] = by_status.get(key, 0) + 1
    return envelope(
        "verify",
        {
            "max_k": max_k,
            "seconds": round(float(seconds), 3),
            "failed": sum(1 for r in records if not r.verified),
            "statuses": by_status,
            "records": [r.to_json() for r in records],
        },
    )


def schema_path(kind: str) -> Path:
    """Path of the JSON Schema of ``kind`` inside the installed package."""
    name = "common" if kind == "common" else _check_kind(kind)
    return Path(str(resources.files("nashalign") / "schemas" / f"{name}.schema.json"))


@cache
def schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``kind`` as a dict."""
    return json.loads(schema_path(kind).read_text(encoding="utf-8"))


def validate(record: Mapping[str, Any], kind: str | None = None) -> None:
    """Validate ``record`` against the schema of its kind (default: its ``format``).

    Raises
    ------
    jsonschema.ValidationError
        The record does not conform (ImportError without ``jsonschema``).
    ValueError
        Not a nashalign record, or of another kind than ``kind``.
    """
    import jsonschema
    from referencing import Registry, Resource

    found = kind_of(record)
    if kind is not None and found != _check_kind(kind):
        raise ValueError(f"expected a nashalign.{kind} record, got nashalign.{found}")
    registry: Registry = Registry().with_resources(
        (SCHEMA_BASE + f"{k}.schema.json", Resource.from_contents(schema(k)))
        for k in ("common", *KINDS)
    )
    validator = jsonschema.Draft202012Validator(schema(found), registry=registry)
    jsonschema.Draft202012Validator.check_schema(schema(found))
    validator.validate(record)


def help_text(kind: str) -> str:
    """One sentence for a command's ``--json`` help."""
    return (
        f"print one JSON record of format nashalign.{_check_kind(kind)} (format_version "
        f"{FORMAT_VERSION}; JSON Schema nashalign/schemas/{kind}.schema.json; see README "
        "'JSON output')"
    )
