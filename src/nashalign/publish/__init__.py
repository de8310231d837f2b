"""Publishing: the book build, the Markdown/LaTeX rendering of records and tables,
and the main job.

- :mod:`~nashalign.publish.render`: records, tables and cross-checks as Markdown.
- :mod:`~nashalign.publish.book`: the executed Jupyter Book (MathJax served locally).
- :mod:`~nashalign.publish.demo`: ``nashalign demo``, every stage on the shipped data.

Examples
--------
>>> from nashalign.publish.render import markdown_table
>>> print(markdown_table(["x"], [[1]]))
| x |
|---|
| 1 |
"""
