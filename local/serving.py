"""An HTTP server on 127.0.0.1, served from a thread of its own: the gateway's and moto's.

Each request runs on a thread of the server's (both are threading servers); this thread only
accepts. Stopping is two steps, so that the gateway can let requests in progress finish in
between: stop accepting, then close the socket.
"""

from __future__ import annotations

import threading
from http.server import HTTPServer
from types import TracebackType

LOOPBACK = "127.0.0.1"


class ServerThread:
    """Runs ``server`` (bound to ``LOOPBACK``) until ``stop``; a ``with`` block does both."""

    def __init__(self, server: HTTPServer, *, name: str) -> None:
        self.server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},  # how long `stop` waits for the loop to notice
            name=name,
            daemon=True,
        )

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.server.server_port}"

    def start(self) -> ServerThread:
        self._thread.start()
        return self

    def stop_accepting(self) -> None:
        """End the accept loop; requests already accepted carry on in their own threads."""
        if self._thread.is_alive():
            self.server.shutdown()
            self._thread.join(timeout=10)

    def close(self) -> None:
        self.server.server_close()

    def stop(self) -> None:
        self.stop_accepting()
        self.close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
