"""nashalign's version, in the core layer so that records can stamp it.

Examples
--------
>>> __version__.count(".") >= 1
True
"""

__version__ = "0.1.0"
