"""``python -m chronoflow``: the same as the ``chronoflow`` command."""

from __future__ import annotations

from chronoflow.cli import main

main()
