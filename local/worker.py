"""One simulated Lambda execution environment (``python -m local.worker``), run by ``workers``.

Reads ``{"event": ..., "context": ...}`` JSON lines on stdin, calls the real handler, and writes
``{"response": ...}`` (or ``{"error": ...}`` if it raised) as one JSON line on the original
stdout. The handler's own logs go to stderr, which the runner sends to a file or the console.

A process per environment, not a thread: Powertools keeps the current event in class-level
state, as Lambda only ever runs one invocation per process, so two invocations must not share
an interpreter. End of input ends the process, so a runner that dies leaves no worker behind.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import traceback
from dataclasses import dataclass
from time import monotonic
from typing import Any, BinaryIO


@dataclass
class LambdaContext:
    """The context attributes the handler and Powertools read."""

    function_name: str
    function_version: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    aws_request_id: str
    log_group_name: str
    log_stream_name: str
    deadline: float

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - monotonic()) * 1000))


def main() -> None:
    # Ctrl-C in the terminal reaches the whole process group; the runner decides when we stop
    # (by closing stdin), so a worker never prints a KeyboardInterrupt trace.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints cannot corrupt the protocol
    sys.stdout = sys.stderr  # before Powertools binds its log handler to sys.stdout

    from service.handler import lambda_handler

    timeout = float(os.environ.get("LOCAL_FUNCTION_TIMEOUT", "3"))
    name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "local")
    send(protocol, {"ready": True, "pid": os.getpid()})
    for line in sys.stdin.buffer:
        message = json.loads(line)
        context = LambdaContext(
            function_name=name,
            function_version="$LATEST",
            invoked_function_arn=message["context"]["invoked_function_arn"],
            memory_limit_in_mb=int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")),
            aws_request_id=message["context"]["aws_request_id"],
            log_group_name=f"/aws/lambda/{name}",
            log_stream_name=f"local/{os.getpid()}",
            deadline=monotonic() + timeout,
        )
        try:
            send(protocol, {"response": lambda_handler(message["event"], context)})
        except Exception as error:  # Lambda reports it as a function error; so do we
            traceback.print_exc()
            send(protocol, {"error": type(error).__name__})


def send(protocol: BinaryIO, message: Any) -> None:
    protocol.write(json.dumps(message).encode() + b"\n")
    protocol.flush()


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:  # the runner went away without stopping us: nothing left to tell
        sys.exit(1)
