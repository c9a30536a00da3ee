"""One simulated Lambda container for the concurrency test (run as a subprocess).

Reads API Gateway events as JSON lines on stdin and writes the handler's responses as JSON
lines on the original stdout; the runtime's logs go to stderr. On end of input it writes the AWS
calls it made, so the parent can add them to ``RECORDED_CALLS``.

A process, not a thread, per container: Powertools keeps the current event in class-level state
(as Lambda only ever runs one invocation per process), so two invocations must not share one.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    sys.stdout = sys.stderr  # before Powertools binds its log handler to sys.stdout
    sys.path[:0] = [str(ROOT), str(ROOT / "lambda_src")]

    import service.aws
    from service.handler import lambda_handler

    from tests.runtime.apigw import FakeContext
    from tests.runtime.aws_calls import CallRecorder

    recorder = CallRecorder()
    recorder.attach(service.aws.session())

    def send(message: object) -> None:
        protocol.write(json.dumps(message) + "\n")
        protocol.flush()

    send({"ready": True})
    for line in sys.stdin:
        send(lambda_handler(json.loads(line), FakeContext()))
    send({"calls": sorted(set(recorder.calls))})


if __name__ == "__main__":
    main()
