"""nashalign.publish.chapters.model: the utility variants as the engine holds them."""

from __future__ import annotations

from nashalign.publish.chapters.model import utility_variants
from nashalign.symbolic.game import VARIANTS


def test_every_variant_with_its_utility_and_hessian():
    md = utility_variants()
    for variant in VARIANTS:
        assert f"**{variant}**" in md
    assert md.count("\\nabla^2_{w_1} u_1") == len(VARIANTS)
    assert "fails" in md or "not" in md  # the distance variant is not concave
