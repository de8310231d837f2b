"""Figure outputs: CSV text: the numbers behind the figure, its files and bad input."""

from __future__ import annotations

import csv
import io


def test_csv_text_quotes_commas():
    from nashalign.figures.output import csv_text

    text = csv_text(["a", "b"], [["x, y", 1.5]])
    assert list(csv.reader(io.StringIO(text))) == [["a", "b"], ["x, y", "1.5"]]
