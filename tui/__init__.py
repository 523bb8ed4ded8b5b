"""The time-travel debugger: a Textual front end over :mod:`chronoflow.inspect`.

``chronoflow-tui recording.cfl`` opens a recording and lets a person step
through its history, forward and backward, seeing at every seq the process
tree, the selected process's mailbox and the signal timeline. Everything
shown comes from the engine's :class:`~chronoflow.inspect.Timeline`; this
package never reads bytes or folds signals itself.
"""

from __future__ import annotations

import os

# Why before Textual is imported: Textual paints a changed screen on its
# next frame, at most TEXTUAL_FPS times a second (60 by default), and a key
# press waited about 10 ms for that frame however fast the debugger
# answered; stepping through a recording needs a shorter wait (measured in
# benchmarks/tui.py: a step went from 16 ms to 7 ms). The frame rate only
# bounds how often a *changed* screen is painted, and the debugger changes
# it once per key or playback tick. A value the person set wins.
os.environ.setdefault("TEXTUAL_FPS", "500")
