"""nashalign.publish.chapters.common: the check that fails a build, the shipped instances."""

from __future__ import annotations

import pytest

from nashalign.errors import NashalignError
from nashalign.publish.chapters import common


def test_check_raises_a_nashalign_error_with_the_message():
    common.check(True, "unused")
    with pytest.raises(common.ChapterCheckError, match="stated") as info:
        common.check(False, "stated check")
    assert isinstance(info.value, NashalignError)


def test_shipped_instances_in_book_order():
    assert list(common.shipped()) == ["bigfive", "politics", "culture"]


def test_fmt_formats_numpy_scalars():
    import numpy as np

    assert common.fmt(np.float32(2.5), ".2f") == "2.50"
