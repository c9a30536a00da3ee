"""moto on 127.0.0.1, one request at a time, in a process of its own (see ``moto_process``).

Same approach as ``tests/runtime/test_runtime_concurrency.py``: moto applies a conditional write
as check-then-set without a lock, so two threads of its threaded server can both pass the same
check. DynamoDB serialises writes to one item; one lock around moto's app restores that and
nothing more. Handler processes still race for real, decided by arrival order.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

_StartResponse = Callable[..., Any]


class SerializedMotoServer:
    """moto's server app, serialised, with every request in ``account``.

    The account comes from the template: the function's secret ARNs are partial ARNs in the
    stack's account, and moto resolves them only when its account matches. A header set here,
    rather than MOTO_ACCOUNT_ID, keeps the choice inside this server.
    """

    def __init__(self, *, account: str, host: str = "127.0.0.1", port: int = 0) -> None:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # else one line per request
        app = DomainDispatcherApplication(create_backend_app)
        lock = threading.Lock()

        def serialised(environ: dict[str, Any], start_response: _StartResponse) -> Iterable[bytes]:
            environ["HTTP_X_MOTO_ACCOUNT_ID"] = account
            with lock:
                return list(app(environ, start_response))

        self._server = make_server(
            host, port, serialised, threaded=True, request_handler=MotoRequestHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},  # how long `stop` waits for the loop to notice
            name="moto-server",
            daemon=True,
        )

    @property
    def url(self) -> str:
        return f"http://{self._server.host}:{self._server.port}"

    def start(self) -> SerializedMotoServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=10)
        self._server.server_close()

    def __enter__(self) -> SerializedMotoServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def main() -> None:
    """``python -m local.moto_server --account ID``: serve until stdin closes.

    Prints ``{"url": ...}`` once listening. A process of its own, so that moto's request
    parsing does not compete with the gateway for one interpreter lock under load.
    """
    parser = argparse.ArgumentParser(prog="python -m local.moto_server")
    parser.add_argument("--account", required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the runner stops us, by closing stdin
    with SerializedMotoServer(account=args.account, port=args.port) as server:
        print(json.dumps({"url": server.url}), flush=True)
        sys.stdin.read()  # returns at end of input: the runner is stopping, or gone


if __name__ == "__main__":
    main()
