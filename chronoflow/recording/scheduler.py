"""``chronoflow.recording.SimpleScheduler``: the runtime's one scheduler, kept under this name.

There is one :class:`~chronoflow.runtime.SimpleScheduler`; it records when it
is given ``record=`` a path or a :class:`~chronoflow.recording.Recorder`.
Importing this module (or :mod:`chronoflow.recording.recorder`) is what
lets ``record=`` take a path: the recorder module lends the runtime its
:class:`Recorder` for that (the runtime never imports the recording layer).
"""

from __future__ import annotations

import chronoflow.recording.recorder  # noqa: F401  (lends the runtime record=PATH)
from chronoflow.runtime import SimpleScheduler

__all__ = ["SimpleScheduler"]
