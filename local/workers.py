"""Handler processes and the pool that hands each one a single invocation at a time.

Why processes: Powertools keeps the current event in class-level state, so two invocations in
one interpreter would mix up their requests. Each ``HandlerProcess`` is one Lambda execution
environment (its own secret cache, its own clients); the pool is as many environments as
``--concurrency`` asks for, and a request waits for a free one as it would for a warm container.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Mapping
from time import monotonic
from typing import IO, Any

from local.child import ChildProcess
from local.intrinsics import LocalSetupError

START_TIMEOUT_SECONDS = 60.0
# API Gateway gives up on an integration after 29 s; a request waiting for a free process does.
INTEGRATION_TIMEOUT_SECONDS = 29.0


class InvocationFailed(Exception):
    """No result: the function crashed, raised or timed out (API Gateway answers 502), or no
    process became free within the integration timeout (504)."""

    def __init__(self, reason: str, *, status: int = 502) -> None:
        super().__init__(reason)
        self.status = status


class HandlerProcess(ChildProcess):
    """One ``python -m local.worker`` child; ``invoke`` is not thread-safe (the pool ensures it)."""

    def __init__(self, environment: Mapping[str, str], log: IO[str] | None) -> None:
        super().__init__("local.worker", environment=environment, log=log)
        self._ready = False

    def wait_ready(self, timeout: float = START_TIMEOUT_SECONDS) -> None:
        if not self._ready:
            message = self._answer(timeout)
            if message.get("ready") is not True:
                raise InvocationFailed(f"handler process did not start: {message}")
            self._ready = True

    def invoke(self, event: Mapping[str, Any], context: Mapping[str, str], timeout: float) -> Any:
        """The handler's result; ``InvocationFailed`` if it raised, died or ran out of time."""
        self.wait_ready()
        try:
            self.send({"event": event, "context": context})
            message = self._answer(timeout)
        except OSError as error:
            raise InvocationFailed(f"handler process is gone ({error})") from None
        except ValueError as error:  # half a line: it died while writing
            raise InvocationFailed(
                f"unreadable answer from the handler process ({error})"
            ) from None
        if "response" not in message:
            raise InvocationFailed(f"handler raised {message.get('error', message)}")
        return message["response"]

    def _answer(self, timeout: float) -> dict[str, Any]:
        """The worker's next message; none in time, or none at all, is ``InvocationFailed``.

        Converted here, before ``invoke`` sees it: ``TimeoutError`` is an OSError, which
        ``invoke`` would report as a process that is gone.
        """
        try:
            return self.receive(timeout)
        except TimeoutError:
            raise InvocationFailed(f"no answer within {timeout:.0f} s") from None
        except EOFError:
            raise InvocationFailed(f"handler process exited ({self.returncode})") from None


class HandlerPool:
    """``size`` handler processes; each request borrows one for exactly one invocation."""

    def __init__(
        self,
        *,
        size: int,
        environment: Mapping[str, str],
        timeout_seconds: float,
        log: IO[str] | None,
    ) -> None:
        self._environment = dict(environment)
        self._timeout = timeout_seconds
        self._log = log
        self._idle: queue.Queue[HandlerProcess] = queue.Queue()
        self._lock = threading.Lock()
        self._all: list[HandlerProcess] = []
        self._size = size
        self._starting: list[HandlerProcess] = []
        self._closed = False

    def spawn(self) -> None:
        """Start every process; they import the handler in parallel (see ``wait_ready``)."""
        self._starting = [p for _ in range(self._size) if (p := self._spawn()) is not None]

    def wait_ready(self) -> None:
        """Wait until each started process has imported the handler; then serve with them."""
        deadline = monotonic() + START_TIMEOUT_SECONDS
        try:
            for process in self._starting:
                process.wait_ready(max(0.1, deadline - monotonic()))
                self._idle.put(process)
        except InvocationFailed as failure:  # e.g. the runtime does not import: say where to look
            raise LocalSetupError(
                f"the handler did not start ({failure}); its output is in the handler log"
            ) from None
        self._starting = []

    @property
    def pids(self) -> list[int]:
        with self._lock:
            return [process.pid for process in self._all]

    def invoke(self, event: Mapping[str, Any], context: Mapping[str, str]) -> Any:
        """Run one invocation on a free process; a process that fails is replaced."""
        try:
            process = self._idle.get(timeout=INTEGRATION_TIMEOUT_SECONDS)
        except queue.Empty:
            raise InvocationFailed("no handler process became free", status=504) from None
        try:
            # Lambda stops a function at its timeout; the margin covers the pipe round trip.
            result = process.invoke(event, context, self._timeout + 1.0)
        except InvocationFailed:
            self._retire(process)
            replacement = self._spawn()  # as Lambda would start a new environment
            if replacement is not None:
                self._idle.put(replacement)
            raise
        self._idle.put(process)
        return result

    def stop(self) -> None:
        """Stop every process; from now on a failed one is no longer replaced."""
        with self._lock:
            self._closed = True
            processes, self._all = self._all, []
        for process in processes:
            process.stop()

    def _spawn(self) -> HandlerProcess | None:
        with self._lock:  # so that `stop` cannot miss a process started at the same moment
            if self._closed:
                return None
            process = HandlerProcess(self._environment, self._log)
            self._all.append(process)
            return process

    def _retire(self, process: HandlerProcess) -> None:
        with self._lock:
            if process in self._all:
                self._all.remove(process)
        process.stop(timeout=1.0)
