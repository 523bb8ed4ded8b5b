"""``chronoflow-tui FILE --serve``: the debugger in a web browser, for a classroom.

textual-serve runs a web server; every browser that opens its page gets its
own session of the debugger, run as a command in a child process whose
screen is drawn in the page by xterm.js. That command is built here from
this interpreter (``sys.executable -m tui``) and the options the debugger
was started with, each quoted for the shell textual-serve hands it to, so a
path with spaces or quotes reaches the child as it was typed. The paths are
made absolute, so the child finds them whatever its working folder.

textual-serve is an optional dependency (the ``serve`` extra): it is
imported only when ``--serve`` is given, so neither its absence nor its
import time touches the debugger's first paint.
"""

from __future__ import annotations

import asyncio
import errno
import shlex
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The port ``--serve`` listens on when ``--port`` is not given.
DEFAULT_PORT = 8000
#: The host ``--serve`` listens on by default: this machine only.
DEFAULT_HOST = "localhost"
#: What to install when textual-serve is missing.
INSTALL_HINT = "pip install 'chronoflow[serve]'"


class ServeUnavailable(Exception):
    """``--serve`` cannot run: textual-serve is not installed, or the port is taken."""


@dataclass(frozen=True)
class Session:
    """What every browser session runs: the debugger on one recording."""

    recording: Path
    at: int | None = None
    follow: bool = False
    workflow: Path | None = None
    predict: bool = False

    def argv(self) -> list[str]:
        """The command line of one session, as a list (the recording first)."""
        argv = [sys.executable, "-m", "tui", str(self.recording.absolute())]
        if self.at is not None:
            argv += ["--at", str(self.at)]
        if self.follow:
            argv.append("--follow")
        if self.workflow is not None:
            argv += ["--workflow", str(self.workflow.absolute())]
        if self.predict:
            argv.append("--predict")
        return argv

    def command(self) -> str:
        """The command line of one session, quoted for the shell textual-serve uses."""
        return shlex.join(self.argv())


#: Hosts that mean "every address of this machine".
EVERY_ADDRESS = frozenset({"0.0.0.0", "::", ""})


def this_machine() -> str:
    """This machine's address on its network, for students to type.

    Why a UDP socket: connecting one picks the interface a packet would
    leave by without sending anything, so it works with no network too.
    """
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))
        address: str = probe.getsockname()[0]
    except OSError:
        address = socket.gethostname()
    finally:
        probe.close()
    return address


def url(host: str, port: int) -> str:
    """The address a browser opens: ``http://localhost:8000`` (for a host that
    means every address, this machine's address on its network)."""
    shown = this_machine() if host in EVERY_ADDRESS else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def _server_class() -> type[Any]:
    """textual-serve's ``Server``, or :class:`ServeUnavailable` naming the install."""
    try:
        # Why imported here: textual-serve (and aiohttp with it) is optional
        # and costs start-up time; only --serve needs it.
        from textual_serve.server import Server
    except ImportError:
        raise ServeUnavailable(
            f"--serve needs textual-serve, which is not installed: {INSTALL_HINT}"
        ) from None
    return Server


def serve(
    session: Session,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    say: Callable[[str], None],
) -> None:
    """Serve ``session`` at ``http://host:port`` until Ctrl-C (or SIGTERM).

    ``say`` prints the lines for the person who started it (the address).
    Raises :class:`ServeUnavailable` when textual-serve is missing or the
    address cannot be listened on.
    """
    base = _server_class()
    from aiohttp import web  # textual-serve's own server library

    address = url(host, port)
    name = session.recording.name
    #: The requests of the browsers connected now, by id (a request is unhashable).
    sessions: dict[int, Any] = {}

    class ClassroomServer(base):  # type: ignore[valid-type,misc]
        """textual-serve's server: one line of its own once it listens, the page's
        address taken from the browser's, every session closed at Ctrl-C."""

        def serve(self, debug: bool = False) -> None:
            """textual-serve's ``serve``, saying the address once it listens.

            Why not textual-serve's own: it logs every request to stdout and
            announces itself before the port is bound (a port in use would
            print the address, then fail).
            """
            self.debug = debug
            loop = asyncio.new_event_loop()
            for number in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(number, self.request_exit)
            web.run_app(
                self._make_app(),
                host=self.host,
                port=self.port,
                handle_signals=False,
                loop=loop,
                print=lambda _: say(f"serving {name} at {address} (Ctrl-C stops)"),
            )

        async def on_startup(self, app: Any) -> None:
            """Nothing: the address is said once the port is bound."""

        async def handle_websocket(self, request: Any) -> Any:
            # Why kept: at Ctrl-C the server waits for open connections; each
            # browser's is closed at once, which ends its session cleanly.
            sessions[id(request)] = request
            try:
                return await super().handle_websocket(request)
            finally:
                sessions.pop(id(request), None)

        async def on_shutdown(self, app: Any) -> None:
            """Ctrl-C: close every browser's connection, so its session quits now."""
            for request in list(sessions.values()):
                if request.transport is not None:
                    request.transport.close()

        async def handle_index(self, request: Any) -> Any:
            # Why: the page names the address of its websocket in full; built
            # from the Host the browser asked for, it works from any address
            # the server listens on (localhost, the class network's).
            self.public_url = f"{request.scheme}://{request.host}"
            return await super().handle_index(request)

    server = ClassroomServer(
        session.command(),
        host=host,
        port=port,
        title=f"chronoflow-tui — {name}",
        public_url=address,
    )
    try:
        server.serve()
    except OSError as error:
        reason = "the port is in use (--port chooses another)"
        if error.errno != errno.EADDRINUSE:
            reason = error.strerror or str(error)
        raise ServeUnavailable(f"cannot listen on {host}:{port}: {reason}") from None
