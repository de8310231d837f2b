r"""Scoring datasets: subpopulations (with statements) and contexts.

A dataset has two parts:

- ``subpopulations``: an ordered mapping ``{name: [statement, ...]}``, K >= 2
  human subpopulations, each described by first-person statements that express
  it ("I plan my week every Sunday evening." for *conscientiousness*);
- ``contexts``: a list of ``(topic, text)`` pairs, the n short social-media
  posts a base model responds to.

A scorer turns a dataset into the n x K score matrix ``S`` (see
:mod:`nashalign.scoring.base`), and ``a`` and ``C`` are its row mean and
sample covariance (:class:`nashalign.instance.Instance`).

File formats (for a user's own dataset)
---------------------------------------
**JSON Lines** (``.jsonl``) or **CSV** (``.csv``, UTF-8, with a header row):
one record per row with the three fields ``kind``, ``group`` and ``text``::

    {"kind": "statement", "group": "left", "text": "Healthcare is a human right."}
    {"kind": "context", "group": "health", "text": "Waited five hours in the ER."}

    kind,group,text
    statement,left,Healthcare is a human right.
    context,health,Waited five hours in the ER.

``kind`` is ``statement`` (``group`` = subpopulation name) or ``context``
(``group`` = topic; may be empty, then ``"general"``). Subpopulations keep the
order of their first appearance. Other fields/columns are ignored.

**JSON** (``.json``): one object::

    {"name": "mine", "description": "...",
     "subpopulations": {"left": ["...", "..."], "right": ["..."]},
     "contexts": [{"topic": "health", "text": "..."}, ...]}

(a context may also be a ``[topic, text]`` pair or a bare string).

Validation (each failure is one :class:`~nashalign.errors.InputError` line):
unreadable or malformed file (with the line number), unknown ``kind``, empty
text, fewer than 2 subpopulations, an empty subpopulation, duplicate
subpopulation names (also up to case and surrounding blanks), and too few
contexts: at least ``max(3, K + 1)``, so that the K x K sample covariance can
have full rank.

The :attr:`Dataset.checksum` is the SHA-256 of a canonical JSON encoding of
the content (subpopulations in order, contexts in order), so the same content
has the same checksum whatever file format it came from.

Shipped datasets (package data): ``bigfive`` (K = 5 traits, the positively
keyed IPIP-NEO-120 items, public domain, 7 to 18 per trait; see
:mod:`nashalign.scoring.ipip`), ``politics`` (K = 4 leanings) and ``culture``
(K = 4 cultural orientations), 12 hand-written statements (CC0) per
subpopulation; all share 120 contexts (CC0) over 12 topics.

Examples
--------
>>> ds = load_dataset("politics")
>>> ds.names
['left', 'centre', 'right', 'libertarian']
>>> ds.n, len(ds.topics)
(120, 12)
>>> ds.checksum.startswith("sha256:")
True
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from nashalign.errors import InputError
from nashalign.instance import shipped_instance_paths  # noqa: F401 (re-exported beside the datasets)
from nashalign.validation import MAX_JSON_DEPTH, json_depth

#: Shipped datasets, in book order, with one-line descriptions.
SHIPPED_DATASETS: dict[str, str] = {
    "bigfive": "Big Five personality traits (K = 5), the positively keyed IPIP-NEO-120 items",
    "politics": "political leanings (K = 4), stand-in for the POLITICS data",
    "culture": "cultural orientations (K = 4), stand-in for the CultureBank data",
}

#: Row fields of the JSONL/CSV format.
ROW_FIELDS = ("kind", "group", "text")
#: Topic given to a context without one.
DEFAULT_TOPIC = "general"
#: Absolute minimum number of contexts (the covariance needs n >= 2; we ask for more).
MIN_CONTEXTS = 3

_SHIPPED_CONTEXTS = "contexts.jsonl"


@dataclass(frozen=True)
class Dataset:
    """Subpopulations with their statements, and the contexts to score.

    Construction validates the content (see the module docstring); texts are
    stripped of surrounding whitespace.

    Parameters
    ----------
    name : str
        Short name (the shipped name, or the file stem).
    subpopulations : mapping of str to sequence of str
        Ordered ``{name: [statements]}``, K >= 2 non-empty subpopulations.
    contexts : sequence of (str, str)
        ``(topic, text)`` pairs, at least ``max(3, K + 1)``.
    source : str
        Where it came from (``"shipped"`` or a path), used in error messages.
    description : str
        Free text.

    Examples
    --------
    >>> ds = Dataset("toy", {"a": ["I like tea."], "b": ["I like coffee."]},
    ...              [("t", "Tea or coffee?"), ("t", "Morning drink?"), ("t", "Cafe?")])
    >>> ds.K, ds.n, ds.names
    (2, 3, ['a', 'b'])
    >>> ds.checksum == Dataset("other", dict(ds.subpopulations), ds.contexts).checksum
    True
    """

    name: str
    subpopulations: Mapping[str, Sequence[str]]
    contexts: Sequence[tuple[str, str]]
    source: str = ""
    description: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        where = f"dataset {self.source or self.name}"
        subs = _validate_subpopulations(self.subpopulations, where)
        ctx = _validate_contexts(self.contexts, where, K=len(subs))
        object.__setattr__(self, "subpopulations", subs)
        object.__setattr__(self, "contexts", ctx)

    @property
    def names(self) -> list[str]:
        """The K subpopulation names, in order."""
        return list(self.subpopulations)

    @property
    def K(self) -> int:
        """Number of subpopulations."""
        return len(self.subpopulations)

    @property
    def n(self) -> int:
        """Number of contexts."""
        return len(self.contexts)

    @property
    def context_texts(self) -> list[str]:
        """The n context texts, in order."""
        return [text for _, text in self.contexts]

    @property
    def topics(self) -> list[str]:
        """Distinct topics in order of first appearance."""
        return list(dict.fromkeys(topic for topic, _ in self.contexts))

    @property
    def n_statements(self) -> dict[str, int]:
        """Number of statements per subpopulation."""
        return {k: len(v) for k, v in self.subpopulations.items()}

    @property
    def checksum(self) -> str:
        """``"sha256:<hex>"`` of the canonical JSON of the content (not the name)."""
        canonical = {
            "subpopulations": [[k, list(v)] for k, v in self.subpopulations.items()],
            "contexts": [[t, x] for t, x in self.contexts],
        }
        blob = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"))
        return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def subsample(self, per_topic: int) -> Dataset:
        """The first ``per_topic`` contexts of each topic, in dataset order (same subpopulations).

        A deterministic, topic-balanced subsample for slow scorers (a causal LM
        on CPU scores contexts x statements pairs). Its checksum is that of its
        own content.

        Examples
        --------
        >>> ds = load_dataset("politics").subsample(2)
        >>> ds.n, len(ds.topics), ds.contexts[0] == load_dataset("politics").contexts[0]
        (24, 12, True)
        """
        if isinstance(per_topic, bool) or not isinstance(per_topic, int) or per_topic < 1:
            raise InputError(f"contexts per topic must be a positive integer, got {per_topic!r}")
        seen: dict[str, int] = {}
        keep = []
        for topic, text in self.contexts:
            seen[topic] = seen.get(topic, 0) + 1
            if seen[topic] <= per_topic:
                keep.append((topic, text))
        return Dataset(
            self.name, self.subpopulations, keep, source=self.source, description=self.description
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object form (loadable again from a ``.json`` file)."""
        return {
            "name": self.name,
            "description": self.description,
            "subpopulations": {k: list(v) for k, v in self.subpopulations.items()},
            "contexts": [{"topic": t, "text": x} for t, x in self.contexts],
        }


def _clean_text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"{what} must be a string, got {type(value).__name__}")
    text = value.strip()
    if not text:
        raise InputError(f"{what} is empty")
    return text


def _validate_subpopulations(subs: Any, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(subs, Mapping):
        raise InputError(f"{where}: subpopulations must be a mapping of name to statements")
    out: dict[str, tuple[str, ...]] = {}
    folded: dict[str, str] = {}
    for raw_name, statements in subs.items():
        name = _clean_text(raw_name, f"{where}: a subpopulation name")
        key = name.casefold()
        if key in folded:
            other = folded[key]
            also = "" if other == name else f" (also given as {other!r})"
            raise InputError(f"{where}: duplicate subpopulation name {name!r}{also}")
        folded[key] = name
        if isinstance(statements, str) or not isinstance(statements, Sequence):
            raise InputError(f"{where}: subpopulation {name!r} must be a list of statements")
        if len(statements) == 0:
            raise InputError(f"{where}: subpopulation {name!r} is empty (no statements)")
        out[name] = tuple(
            _clean_text(s, f"{where}: statement {j + 1} of subpopulation {name!r}")
            for j, s in enumerate(statements)
        )
    if len(out) < 2:
        raise InputError(f"{where}: needs at least 2 subpopulations, got {len(out)}")
    return out


def _validate_contexts(contexts: Any, where: str, K: int) -> tuple[tuple[str, str], ...]:
    if isinstance(contexts, (str, bytes)) or not isinstance(contexts, Sequence):
        raise InputError(f"{where}: contexts must be a list of (topic, text) pairs")
    out = []
    for i, item in enumerate(contexts):
        if isinstance(item, str) or not isinstance(item, Sequence) or len(item) != 2:
            raise InputError(f"{where}: context {i + 1} must be a (topic, text) pair")
        topic = item[0]
        if topic is None or (isinstance(topic, str) and not topic.strip()):
            topic = DEFAULT_TOPIC
        topic = _clean_text(topic, f"{where}: topic of context {i + 1}")
        out.append((topic, _clean_text(item[1], f"{where}: context {i + 1}")))
    need = max(MIN_CONTEXTS, K + 1)
    if len(out) < need:
        raise InputError(
            f"{where}: too few contexts ({len(out)}); need at least {need} "
            f"(K + 1 = {K + 1}) to estimate a full-rank {K}x{K} covariance"
        )
    return tuple(out)


def _from_rows(rows: Iterable[tuple[int, Mapping[str, Any]]], name: str, source: str) -> Dataset:
    """Build a dataset from ``(line_number, {kind, group, text})`` rows."""
    subs: dict[str, list[str]] = {}
    folded: dict[str, str] = {}
    contexts: list[tuple[str, str]] = []
    where = f"dataset {source}"
    for line, row in rows:
        at = f"{where}, line {line}"
        kind = row.get("kind")
        if not isinstance(kind, str):
            raise InputError(f"{at}: missing or non-string field 'kind'")
        kind = kind.strip().lower()
        text = _clean_text(row.get("text"), f"{at}: field 'text'")
        group = row.get("group")
        if group is not None and not isinstance(group, str):
            raise InputError(f"{at}: field 'group' must be a string")
        group = (group or "").strip()
        if kind == "statement":
            if not group:
                raise InputError(f"{at}: a statement needs a subpopulation name in 'group'")
            canonical = folded.setdefault(group.casefold(), group)
            if canonical != group:
                raise InputError(
                    f"{at}: duplicate subpopulation name {group!r} (also given as {canonical!r})"
                )
            subs.setdefault(group, []).append(text)
        elif kind == "context":
            contexts.append((group or DEFAULT_TOPIC, text))
        else:
            raise InputError(f"{at}: unknown kind {kind!r} (expected 'statement' or 'context')")
    if not subs and not contexts:
        raise InputError(f"{where}: no rows (empty dataset)")
    return Dataset(name, subs, contexts, source=source)


def _jsonl_rows(text: str, source: str) -> Iterable[tuple[int, Mapping[str, Any]]]:
    # Split on "\n" only: JSON strings may hold raw U+2028 etc., which splitlines() would cut.
    for line_no, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if json_depth(line) > MAX_JSON_DEPTH:
            raise InputError(
                f"dataset {source}, line {line_no}: nests deeper than {MAX_JSON_DEPTH} levels"
            )
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"dataset {source}, line {line_no}: not valid JSON ({exc.msg})"
            ) from None
        if not isinstance(obj, dict):
            raise InputError(f"dataset {source}, line {line_no}: expected a JSON object")
        yield line_no, obj


def _csv_rows(text: str, source: str) -> Iterable[tuple[int, Mapping[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames
    except csv.Error as exc:
        raise InputError(f"dataset {source}: malformed CSV header ({exc})") from None
    if not header:
        raise InputError(f"dataset {source}: empty CSV file (expected header kind,group,text)")
    header = [h.strip().lower() if isinstance(h, str) else h for h in header]
    reader.fieldnames = header
    missing = [f for f in ROW_FIELDS if f not in header]
    if missing:
        raise InputError(
            f"dataset {source}: CSV header lacks column(s) {', '.join(missing)} "
            "(expected kind,group,text)"
        )
    try:
        for row in reader:
            line = reader.line_num
            if None in row:
                raise InputError(f"dataset {source}, line {line}: too many fields")
            if any(row.get(f) is None for f in ROW_FIELDS):
                raise InputError(f"dataset {source}, line {line}: too few fields")
            if not any((v or "").strip() for v in row.values()):
                continue
            yield line, row
    except csv.Error as exc:
        raise InputError(
            f"dataset {source}, line {reader.line_num}: malformed CSV ({exc})"
        ) from None


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _DuplicateKey(k)
        out[k] = v
    return out


class _DuplicateKey(Exception):
    pass


def _from_json_object(text: str, name: str, source: str) -> Dataset:
    where = f"dataset {source}"
    if json_depth(text) > MAX_JSON_DEPTH:
        raise InputError(f"{where}: nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        obj = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except _DuplicateKey as exc:
        raise InputError(
            f"{where}: duplicate key {exc.args[0]!r} (duplicate subpopulation?)"
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object with 'subpopulations' and 'contexts'")
    missing = [k for k in ("subpopulations", "contexts") if k not in obj]
    if missing:
        raise InputError(f"{where}: missing field(s) {', '.join(missing)}")
    contexts = obj["contexts"]
    if isinstance(contexts, list):
        pairs: list[Any] = []
        for i, c in enumerate(contexts):
            if isinstance(c, str):
                pairs.append((DEFAULT_TOPIC, c))
            elif isinstance(c, dict):
                if "text" not in c:
                    raise InputError(f"{where}: context {i + 1} has no 'text'")
                pairs.append((c.get("topic") or DEFAULT_TOPIC, c["text"]))
            else:
                pairs.append(c)
        contexts = pairs
    description = obj.get("description", "")
    return Dataset(
        str(obj.get("name") or name),
        obj["subpopulations"],
        contexts,
        source=source,
        description=description if isinstance(description, str) else "",
    )


def read_dataset_file(path: str | os.PathLike[str]) -> Dataset:
    """Load a user's dataset from a ``.jsonl``, ``.csv`` or ``.json`` file.

    Parameters
    ----------
    path : path-like
        The file; its format is chosen by its extension (see the module docstring).

    Returns
    -------
    Dataset
        Named after the file stem (or the JSON ``name`` field).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "mine.csv"
    >>> _ = p.write_text("kind,group,text\\nstatement,cats,I love cats.\\n"
    ...                  "statement,dogs,I love dogs.\\ncontext,pets,Best pet?\\n"
    ...                  "context,pets,Adopted a kitten!\\ncontext,pets,Walkies time.\\n")
    >>> read_dataset_file(p).names
    ['cats', 'dogs']
    """
    p = Path(path)
    source = str(p)
    if not p.exists():
        raise InputError(f"dataset file {p} not found")
    if not p.is_file():
        raise InputError(f"dataset path {p} is not a file")
    suffix = p.suffix.lower()
    if suffix not in (".jsonl", ".csv", ".json"):
        raise InputError(
            f"dataset file {p} has unsupported extension {p.suffix!r} (use .jsonl, .csv or .json)"
        )
    try:
        # Decode without newline translation: a quoted CSV field may hold a lone "\r".
        text = p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"dataset file {p} is not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"cannot read dataset file {p}: {exc.strerror or exc}") from None
    if not text.strip():
        raise InputError(f"dataset file {p} is empty")
    if suffix == ".json":
        return _from_json_object(text, p.stem, source)
    rows = _jsonl_rows(text, source) if suffix == ".jsonl" else _csv_rows(text, source)
    return _from_rows(rows, p.stem, source)


def _data_dir() -> Any:
    return resources.files("nashalign.scoring").joinpath("data")


def list_datasets() -> list[str]:
    """Names of the shipped datasets, in book order.

    Examples
    --------
    >>> list_datasets()
    ['bigfive', 'politics', 'culture']
    """
    return list(SHIPPED_DATASETS)


def load_shipped(name: str) -> Dataset:
    """Load a shipped dataset: its statements file plus the shared contexts.

    Examples
    --------
    >>> load_shipped("bigfive").K
    5
    """
    if name not in SHIPPED_DATASETS:
        raise InputError(
            f"unknown dataset {name!r}; shipped datasets: {', '.join(SHIPPED_DATASETS)}"
        )
    data = _data_dir()
    rows: list[tuple[int, Mapping[str, Any]]] = []
    for fname in (f"{name}.jsonl", _SHIPPED_CONTEXTS):
        text = data.joinpath(fname).read_text(encoding="utf-8")
        rows.extend(_jsonl_rows(text, f"shipped:{fname}"))
    ds = _from_rows(rows, name, source=f"shipped:{name}")
    return Dataset(
        name, ds.subpopulations, ds.contexts, source="shipped", description=SHIPPED_DATASETS[name]
    )


def load_dataset(name_or_path: str | os.PathLike[str] | Dataset) -> Dataset:
    """Load a shipped dataset by name, or a user's dataset file by path.

    Parameters
    ----------
    name_or_path : str, path-like or Dataset
        A name from :func:`list_datasets`, or a path to a ``.jsonl``, ``.csv``
        or ``.json`` file (see the module docstring). A :class:`Dataset` is
        returned unchanged.

    Examples
    --------
    >>> load_dataset("culture").names
    ['individualist', 'collectivist', 'traditionalist', 'cosmopolitan']
    >>> load_dataset("nope")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: unknown dataset 'nope'; shipped datasets: bigfive, politics, ...
    """
    if isinstance(name_or_path, Dataset):
        return name_or_path
    if isinstance(name_or_path, str) and name_or_path in SHIPPED_DATASETS:
        return load_shipped(name_or_path)
    p = Path(name_or_path)
    if not p.exists() and isinstance(name_or_path, str) and p.suffix == "" and len(p.parts) == 1:
        raise InputError(
            f"unknown dataset {name_or_path!r}; shipped datasets: {', '.join(SHIPPED_DATASETS)} "
            "(or give the path of a .jsonl, .csv or .json file)"
        )
    return read_dataset_file(p)
