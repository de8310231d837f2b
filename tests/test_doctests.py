"""Every module's docstring examples run (nashalign and nashalign.derivations).

The doctests are collected from the installed package by module name, so the
top-level ``derivations/`` folder runs as ``nashalign.derivations`` (one copy of
each module, as users import it).
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

#: Modules that need the optional scoring extra (torch) to import.
NEEDS_TORCH = ("nashalign.scoring.embedding", "nashalign.scoring.causal_lm")


def _module_names() -> list[str]:
    import nashalign.derivations

    names = {"nashalign", "nashalign.derivations"}
    # nashalign.derivations installs from the top-level derivations/ folder (its own path).
    for package in (nashalign, nashalign.derivations):
        prefix = package.__name__ + "."
        for info in pkgutil.walk_packages(package.__path__, prefix=prefix):
            if not info.name.endswith("__main__"):
                names.add(info.name)
    return sorted(names)


MODULES = _module_names()


def test_the_walk_reaches_every_layer():
    for layer in ("derivations", "symbolic", "exact", "solvers", "publish", "figures", "cli"):
        assert f"nashalign.{layer}" in MODULES, layer
    assert "nashalign.derivations.theorem1_interior_ne" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    if name in NEEDS_TORCH:
        pytest.importorskip("torch")
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, name, globs=vars(module).copy()):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} doctest example(s) failed in {name}"
