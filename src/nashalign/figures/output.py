"""The figures' outputs: rendering to bytes, CSV text, atomic writes.

Every figure is rendered to bytes in memory (PNG and PDF) and then written with
:func:`nashalign.io.atomic_write_bytes`, so a failure never leaves a partial file.

Examples
--------
>>> print(csv_text(["x"], [[0.5]]), end="")
x
0.5
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nashalign.io import atomic_write_bytes, atomic_write_text


def render(fig: Any) -> dict[str, bytes]:
    """Render a matplotlib figure to ``{"png": bytes, "pdf": bytes}`` (deterministic).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> images = render(Figure(figsize=(1, 1)))
    >>> images["png"][:4], images["pdf"][:5]
    (b'\\x89PNG', b'%PDF-')
    """
    out = {}
    for fmt, meta in (("png", {"Software": None}), ("pdf", {"CreationDate": None})):
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, dpi=150, metadata=meta)
        out[fmt] = buf.getvalue()
        # the layout is settled by the first draw: freeze it (same positions, faster)
        fig.set_layout_engine("none")
    return out


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text (``\\n`` line ends) with floats written to round-trip precision.

    Examples
    --------
    >>> print(csv_text(["x", "ok"], [[0.1, True], [None, False]]), end="")
    x,ok
    0.1,1
    ,0
    """
    buf = io.StringIO()
    wr = csv.writer(buf, lineterminator="\n")
    wr.writerow(list(header))
    for row in rows:
        wr.writerow([_cell(v) for v in row])
    return buf.getvalue()


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, (bool, np.bool_)):
        return "1" if v else "0"
    if isinstance(v, (float, np.floating)):
        return "" if math.isnan(v) else repr(float(v))
    return str(v)


#: Number format of the (large) grid CSVs: 8 significant digits keeps a
#: 200 x 200 grid at a few MB while resolving weights to ~1e-8.
GRID_FMT = "%.8g"


def grid_csv(columns: dict[str, NDArray[Any]], fmt: str = GRID_FMT) -> str:
    """Fast CSV of equally long 1-D numeric columns (booleans as 0/1, NaN as ``nan``).

    Examples
    --------
    >>> import numpy as np
    >>> print(grid_csv({"x": np.array([0.5, 2.0]), "ok": np.array([True, False])}), end="")
    x,ok
    0.5,1
    2,0
    """
    names = list(columns)
    data = np.column_stack([np.asarray(columns[n], dtype=float).ravel() for n in names])
    buf = io.StringIO()
    buf.write(",".join(names) + "\n")
    np.savetxt(buf, data, fmt=fmt, delimiter=",")
    return buf.getvalue()


def write_outputs(
    out_dir: Path, stem: str, images: dict[str, bytes], texts: dict[str, str]
) -> list[Path]:
    """Write ``stem.png``, ``stem.pdf`` and each ``texts`` entry (name -> content) atomically.

    Examples
    --------
    >>> import tempfile
    >>> paths = write_outputs(Path(tempfile.mkdtemp()), "f", {"png": b"x"}, {"f.csv": "a\\n"})
    >>> [p.name for p in paths]
    ['f.png', 'f.csv']
    """
    paths = [atomic_write_bytes(out_dir / f"{stem}.{fmt}", data) for fmt, data in images.items()]
    paths += [atomic_write_text(out_dir / fname, text) for fname, text in texts.items()]
    return paths
