"""Exception types shared by the library and the CLI.

Every user-facing entry point raises :class:`InputError` (or a subclass) with a
single, self-contained sentence; the CLI prints that sentence on one line and
exits with status 2.

Examples
--------
>>> from nashalign.errors import InputError
>>> str(InputError("K must be at least 2, got 1"))
'K must be at least 2, got 1'
"""

from __future__ import annotations


class NashalignError(Exception):
    """Base class of every error nashalign raises on purpose."""


class InputError(NashalignError, ValueError):
    """Invalid user input: bad shapes, NaN/inf, unknown names, bad paths."""


class DegenerateError(InputError):
    """A degenerate ratio: alpha(r) = 0 or alpha_tilde(r) = 0 (or numerically so).

    Parameters
    ----------
    message : str
        One-line explanation.
    root : float or None
        The offending value of ``r = beta_D / beta_I`` where known.
    which : str
        ``"alpha"`` or ``"alpha_tilde"``.
    """

    def __init__(self, message: str, root: float | None = None, which: str = "alpha"):
        super().__init__(message)
        self.root = root
        self.which = which


class ExecutorError(InputError):
    """A run's workers failed (a worker or actor died past its retries, a cluster went away).

    An :class:`InputError` so that the CLI reports it like any refused run: one line,
    exit status 2, and no partial output (pieces finished before the failure stay
    in their caches, so a rerun resumes from them).
    """
