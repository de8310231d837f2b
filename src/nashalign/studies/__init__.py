"""Studies: what the commands run on a population, above the solvers they combine.

* :mod:`nashalign.studies.solve`: ``nashalign solve``'s method dispatch over the
  closed form, support enumeration, the iterative solver and the whole NE set.
* :mod:`nashalign.studies.crosscheck`: symbolic vs mpmath vs float solvers on random
  instances (the book's discrepancy table).
* :mod:`nashalign.studies.robust_steering`: the diversity incentive that keeps every
  stable NE exclusion-free.

Layering: studies import the solvers, the exact side and the core; figures,
publishing and the CLI import studies, never the other way round.
"""
