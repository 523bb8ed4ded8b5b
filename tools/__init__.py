"""Developer scripts for a checkout of Chronoflow; not installed with the package.

Each module is a script run with the project's environment from the
checkout, e.g. ``.venv/bin/python tools/regenerate_recordings.py``; the
tests import them as ``tools.<name>``. Nothing in ``chronoflow`` or ``tui``
imports this package (``tests/test_layers.py`` checks it).
"""
