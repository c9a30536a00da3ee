"""The runner's helper processes: ``python -m local.<module>``, talking JSON lines over pipes.

Moto (``moto_process``) and each handler (``workers``) are one of these. Each runs from the
project root in a process group of its own, so Ctrl-C reaches the runner only, which then stops
them in order; and end of input stops each one, so a runner that dies leaves none behind.
"""

from __future__ import annotations

import contextlib
import json
import select
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

# The project root: the children run from here, and synth finds app.py and cdk.json here.
ROOT = Path(__file__).resolve().parents[1]


class ChildProcess:
    """``python -m module *args``: messages in on stdin, answers out on stdout, a JSON line each.

    Its stderr goes to ``log`` (None: the runner's own). Leaving a ``with`` block stops it.
    """

    def __init__(
        self, module: str, *args: str, environment: Mapping[str, str], log: IO[str] | None
    ) -> None:
        self._process = subprocess.Popen(  # noqa: S603 - our interpreter and module, no shell
            [sys.executable, "-m", module, *args],
            cwd=ROOT,
            env=dict(environment),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            process_group=0,  # Ctrl-C reaches the runner only; it stops its children in order
        )

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def returncode(self) -> int | None:
        return self._process.returncode

    def send(self, message: Any) -> None:
        stdin = self._process.stdin
        assert stdin is not None  # noqa: S101 - set by Popen(stdin=PIPE)
        stdin.write(json.dumps(message).encode() + b"\n")
        stdin.flush()

    def receive(self, timeout: float) -> dict[str, Any]:
        """The next line the child writes, parsed.

        ``TimeoutError`` if none comes within ``timeout``. ``EOFError`` if the child closed its
        output, that is, exited; it is reaped first (briefly), so ``returncode`` says how.
        """
        stdout = self._process.stdout
        assert stdout is not None  # noqa: S101 - set by Popen(stdout=PIPE)
        ready, _, _ = select.select([stdout], [], [], timeout)
        if not ready:
            raise TimeoutError
        line = stdout.readline()
        if not line:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout=1)
            raise EOFError
        result: dict[str, Any] = json.loads(line)
        return result

    def stop(self, timeout: float = 5.0) -> None:
        """End of input ends the child; kill it only if it does not go in time.

        Its stdout stays open until it has gone: a child still starting up writes its first
        line there, and a closed pipe would make that a BrokenPipeError trace in its log.
        """
        stdin = self._process.stdin
        if stdin is not None and not stdin.closed:
            with contextlib.suppress(OSError):  # a dead child's pipe: nothing to flush
                stdin.close()
        try:
            self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=timeout)
        if self._process.stdout is not None:
            self._process.stdout.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
