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
# next frame, at most TEXTUAL_FPS times a second (60 by default), so a key
# press would wait up to 17 ms for its repaint however fast the debugger
# answers; stepping through a recording needs a shorter frame. A value the
# person set wins.
os.environ.setdefault("TEXTUAL_FPS", "240")
