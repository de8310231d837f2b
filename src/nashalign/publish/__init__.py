"""Publishing: the book build, the Markdown/LaTeX rendering of records and tables,
and the main job.

- :mod:`~nashalign.publish.render`: records, tables and cross-checks as Markdown;
  :func:`~nashalign.publish.render.markdown_table` is the one Markdown table writer.
- :mod:`~nashalign.publish.plain`: the same tables as plain text for terminals.
- :mod:`~nashalign.publish.chapters`: what each book chapter shows, one module per
  chapter, so that every cell is one call (a failed check raises and fails the build).
- :mod:`~nashalign.publish.book`: the executed Jupyter Book (MathJax served locally).
- :mod:`~nashalign.publish.demo`: ``nashalign demo``, every stage on the shipped data.

Examples
--------
>>> from nashalign.tables import markdown_table
>>> print(markdown_table(["x"], [[1]]))
| x |
|---|
| 1 |
"""
