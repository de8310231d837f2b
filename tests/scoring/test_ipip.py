"""The IPIP-NEO-120 item file and the bigfive dataset derived from it."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

import pytest

from nashalign.scoring import ipip

FFM_REASON = "needs the PyPI package ffm: pip install 'nashalign[ffm]' (ffm==0.1.0)"


def test_item_file_is_the_inventory() -> None:
    items = ipip.read_items()
    assert [it["item"] for it in items] == list(range(1, 121))
    assert Counter(it["trait"] for it in items) == {t: 24 for t in ipip.TRAITS}
    # The IPIP-NEO-120 cycles N, E, O, A, C through the item numbers.
    cycle = ["neuroticism", "extraversion", "openness", "agreeableness", "conscientiousness"]
    assert all(it["trait"] == cycle[(it["item"] - 1) % 5] for it in items)
    assert {it["keyed"] for it in items} == {"+", "-"}
    assert len({it["text"] for it in items}) == 120
    assert all(it["text"].startswith("I ") and it["text"].endswith(".") for it in items)
    keyed = {it["text"]: (it["trait"], it["keyed"]) for it in items}
    assert keyed["I avoid crowds."] == ("extraversion", "-")
    assert keyed["I love to help others."] == ("agreeableness", "+")
    assert keyed["I remain calm under pressure."] == ("neuroticism", "-")


def test_bigfive_rows_are_the_positively_keyed_items() -> None:
    items = ipip.read_items()
    rows = ipip.bigfive_rows(items)
    assert [r["group"] for r in rows] == sorted((r["group"] for r in rows), key=ipip.TRAITS.index)
    positive = {(it["trait"], it["text"]) for it in items if it["keyed"] == "+"}
    assert {(r["group"], r["text"]) for r in rows} == positive
    assert len(rows) == 65 and min(Counter(r["group"] for r in rows).values()) == 7


def test_write_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ipip.ITEMS_FILE).write_text(
        (ipip._data_dir() / ipip.ITEMS_FILE).read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert ipip.main(["--check", "--data-dir", str(tmp_path)]) == 1
    assert "drift" in capsys.readouterr().out
    assert ipip.main(["--write", "--data-dir", str(tmp_path)]) == 0
    assert ipip.main(["--check", "--data-dir", str(tmp_path)]) == 0


@pytest.mark.skipif(importlib.util.find_spec("FFM") is None, reason=FFM_REASON)
def test_item_file_is_what_ffm_holds() -> None:
    assert ipip.items_from_ffm() == ipip.read_items()


def test_shipped_bigfive_is_derived_from_the_items() -> None:
    from nashalign.scoring.datasets import load_dataset

    assert ipip.main(["--check"]) == 0
    rows = ipip.bigfive_rows(ipip.read_items())
    ds = load_dataset("bigfive")
    assert [(g, t) for g, ts in ds.subpopulations.items() for t in ts] == [
        (r["group"], r["text"]) for r in rows
    ]
