"""The HTTP server that plays API Gateway for each stage of a ``LocalPlan``, on loopback.

``/<stage>/...`` is routed to the stage of that name, as on the execute-api domain: its stage
variables go into the event and the invocation uses the ARN its integration names (``live`` in
the multi-stack topology, the environment's alias in the single-stack one). Anything else is
API Gateway's 403. One console line per request; the handler's own logs stay in its processes.
"""

from __future__ import annotations

import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from time import monotonic, perf_counter
from typing import Any

from local.events import (
    BAD_GATEWAY,
    FORBIDDEN,
    TIMED_OUT,
    HttpRequest,
    HttpResponse,
    error_response,
    http_response,
    proxy_event,
    split_stage,
)
from local.serving import LOOPBACK, ServerThread
from local.template import LocalPlan
from local.workers import HandlerPool, InvocationFailed

# API Gateway's payload limit; anything larger never reaches the function.
MAX_PAYLOAD_BYTES = 10 * 1024 * 1024
RequestLog = Callable[[str], None]


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # `stop` drains requests itself, with a deadline
    request_queue_size = 128  # the load bench opens many short connections at once
    log: RequestLog = print

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line instead of socketserver's traceback (a client hung up, a bad request)."""
        error = sys.exc_info()[1]
        self.log(f"  connection from {client_address[0]} failed: {error!r}")


class Gateway:
    """Serves every stage of ``plan`` on ``port`` (0: any free port) of 127.0.0.1."""

    def __init__(self, plan: LocalPlan, pool: HandlerPool, *, port: int, log: RequestLog) -> None:
        self._plan = plan
        self._pool = pool
        self._log = log
        self._in_flight = 0
        self._idle = threading.Condition()
        server = _Server((LOOPBACK, port), self._handler_class())
        server.log = log
        self._serving = ServerThread(server, name="local-gateway")

    @property
    def base_url(self) -> str:
        return self._serving.url

    def stage_url(self, stage: str) -> str:
        return f"{self.base_url}/{stage}/"

    def start(self) -> Gateway:
        self._serving.start()
        return self

    def stop(self, grace_seconds: float = 5.0) -> None:
        """Stop accepting, let requests in progress finish (bounded), then close the socket."""
        self._serving.stop_accepting()
        deadline = monotonic() + grace_seconds
        with self._idle:
            while self._in_flight and (left := deadline - monotonic()) > 0:
                self._idle.wait(timeout=left)
        self._serving.close()

    @contextmanager
    def in_flight(self) -> Iterator[None]:
        """Counts a request as in progress, so that ``stop`` can wait for it."""
        with self._idle:
            self._in_flight += 1
        try:
            yield
        finally:
            with self._idle:
                self._in_flight -= 1
                self._idle.notify_all()

    def log(self, line: str) -> None:
        self._log(line)

    def handle(self, request: HttpRequest) -> HttpResponse:
        """The response API Gateway and the function together give ``request``."""
        request_id = str(uuid.uuid4())
        stage = self._plan.stage(split_stage(request.path)[0])
        if stage is None:
            return error_response(403, FORBIDDEN, request_id=request_id)
        event = proxy_event(
            request, plan=self._plan, stage=stage, request_id=request_id, now=datetime.now(UTC)
        )
        context = {
            "invoked_function_arn": stage.invoked_function_arn,
            "aws_request_id": str(uuid.uuid4()),
        }
        try:
            result = self._pool.invoke(event, context)
        except InvocationFailed as failure:
            self._log(f"  function error: {failure}")
            body = TIMED_OUT if failure.status == 504 else BAD_GATEWAY
            return error_response(failure.status, body, request_id=request_id)
        return http_response(result, request_id=request_id)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            timeout = 30  # a client that connects and sends nothing cannot hold a thread forever
            server_version = "local-apigateway"

            def _serve(self) -> None:
                started = perf_counter()
                with gateway.in_flight():
                    response = self._respond()
                    elapsed = (perf_counter() - started) * 1000
                    # Logged before the client has its answer, so a line is never missing yet.
                    gateway.log(f"{self.command} {self.path} {response.status} {elapsed:.1f} ms")
                    self._write(response)

            def _respond(self) -> HttpResponse:
                rid = str(uuid.uuid4())
                if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                    return error_response(411, {"message": "Length Required"}, request_id=rid)
                path, _, query = self.path.partition("?")
                length_header = self.headers.get("Content-Length") or "0"
                if not length_header.isdigit():
                    return error_response(400, {"message": "Bad Request"}, request_id=rid)
                length = int(length_header)
                if length > MAX_PAYLOAD_BYTES:  # refused before reading it, as API Gateway does
                    return error_response(413, {"message": "Request Too Long"}, request_id=rid)
                request = HttpRequest(
                    method=self.command,
                    path=path,
                    query=query,
                    headers=list(self.headers.items()),
                    body=self.rfile.read(length) if length > 0 else b"",
                    source_ip=self.client_address[0],
                    host=self.headers.get("Host") or gateway.base_url.removeprefix("http://"),
                )
                return gateway.handle(request)

            def _write(self, response: HttpResponse) -> None:
                self.send_response(response.status)
                for name, value in response.headers:
                    if name.lower() not in ("content-length", "connection"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(response.body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

            def log_message(self, format: str, *args: Any) -> None:
                """Silenced: ``_serve`` writes the one line per request that the console shows."""

        return Handler
