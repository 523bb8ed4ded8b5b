"""The time-travel debugger: a Textual front end over :mod:`chronoflow.inspect`.

``chronoflow-tui recording.cfl`` opens a recording and lets a person step
through its history, forward and backward, seeing at every seq the process
tree, the selected process's mailbox and the signal timeline. Everything
shown comes from the engine's :class:`~chronoflow.inspect.Timeline`; this
package never reads bytes or folds signals itself.
"""

from __future__ import annotations
