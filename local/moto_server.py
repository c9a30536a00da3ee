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
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

from local.serving import LOOPBACK, ServerThread

_StartResponse = Callable[..., Any]
_WsgiApp = Callable[[dict[str, Any], _StartResponse], Iterable[bytes]]


def serialised_app(account: str) -> _WsgiApp:
    """moto's server app, serialised, with every request in ``account``.

    The account comes from the template: the function's secret ARNs are partial ARNs in the
    stack's account, and moto resolves them only when its account matches. A header set here,
    rather than MOTO_ACCOUNT_ID, keeps the choice inside this server.
    """
    app = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def serialised(environ: dict[str, Any], start_response: _StartResponse) -> Iterable[bytes]:
        environ["HTTP_X_MOTO_ACCOUNT_ID"] = account
        with lock:
            return list(app(environ, start_response))

    return serialised


def moto_server(*, account: str, port: int = 0) -> ServerThread:
    """``serialised_app`` on ``port`` (0: any free one) of 127.0.0.1, ready to start."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # else one line per request
    server = make_server(
        LOOPBACK, port, serialised_app(account), threaded=True, request_handler=MotoRequestHandler
    )
    return ServerThread(server, name="moto-server")


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
    with moto_server(account=args.account, port=args.port) as server:
        print(json.dumps({"url": server.url}), flush=True)
        sys.stdin.read()  # returns at end of input: the runner is stopping, or gone


if __name__ == "__main__":
    main()
