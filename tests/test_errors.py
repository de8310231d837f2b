"""The error types: one sentence each, the CLI's exit codes by type."""

from __future__ import annotations

import pytest

from nashalign.cli import main
from nashalign.errors import DegenerateError, InputError, NashalignError


def test_hierarchy_and_payload():
    exc = DegenerateError("alpha(r) = 0 at r = 2", root=2.0, which="alpha_tilde")
    assert isinstance(exc, InputError) and isinstance(exc, NashalignError)
    assert isinstance(exc, ValueError)  # callers catching ValueError still catch bad input
    assert (exc.root, exc.which, str(exc)) == (2.0, "alpha_tilde", "alpha(r) = 0 at r = 2")


@pytest.mark.parametrize(
    ("raised", "code"), [(InputError("bad input"), 2), (NashalignError("build failed"), 1)]
)
def test_cli_maps_error_types_to_exit_codes(monkeypatch, capsys, raised, code):
    from nashalign.cli import steer_cmd

    def boom(args):
        raise raised

    monkeypatch.setattr(steer_cmd, "_run", boom)
    assert main(["steer", "--instance", "politics", "--beta-a", "1", "--beta-i", "1"]) == code
    err = capsys.readouterr().err
    assert err == f"nashalign steer: error: {raised}\n"
