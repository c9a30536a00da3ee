"""Run ``python -m local`` as a child process and know when it serves: for tests and the bench.

The end-to-end tests start exactly the command a developer runs, on free ports, and stop it the
way Ctrl-C does, so they also check that shutdown is clean. A child process also keeps moto, the
fake credentials and the runner's threads out of the caller's process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from time import monotonic, sleep
from types import TracebackType

from local.child import ROOT
from local.info import RunningStack

START_TIMEOUT_SECONDS = 120.0
STOP_TIMEOUT_SECONDS = 20.0


class LocalStackProcess:
    """``with LocalStackProcess(workdir, ...) as stack:`` -> ``stack.info`` once it serves."""

    def __init__(
        self,
        workdir: Path,
        *,
        environment: str = "test",
        topology: str | None = None,
        cdk_out: Path | None = None,
        concurrency: int = 1,
        port: int = 0,
    ) -> None:
        self.workdir = workdir
        self.console_log = workdir / "console.log"
        self.handler_log = workdir / "handler.log"
        self._ready_file = workdir / "ready.json"
        self._command = [
            sys.executable, "-m", "local", "--env", environment, "--port", str(port),
            "--concurrency", str(concurrency), "--handler-log", str(self.handler_log),
            "--ready-file", str(self._ready_file),
        ]  # fmt: skip
        if topology:
            self._command += ["--topology", topology]
        if cdk_out is not None:
            self._command += ["--cdk-out", str(cdk_out)]
        self._process: subprocess.Popen[bytes] | None = None
        self._info: RunningStack | None = None
        self.returncode: int | None = None

    @property
    def info(self) -> RunningStack:
        if self._info is None:
            raise RuntimeError("the local stack is not running")
        return self._info

    def start(self, timeout: float = START_TIMEOUT_SECONDS) -> LocalStackProcess:
        """Start it and wait (bounded) for its ready file; raise with its console if it fails."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._ready_file.unlink(missing_ok=True)
        environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        with self.console_log.open("wb") as console:
            self._process = subprocess.Popen(  # noqa: S603 - our interpreter and module
                self._command, cwd=ROOT, env=environment, stdout=console, stderr=subprocess.STDOUT
            )
        deadline = monotonic() + timeout
        while not self._ready_file.exists():
            if self._process.poll() is not None or monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the local stack did not start:\n{self.console_text()}")
            sleep(0.05)
        self._info = RunningStack.read(self._ready_file)
        return self

    def stop(
        self, timeout: float = STOP_TIMEOUT_SECONDS, *, signal_number: int = signal.SIGINT
    ) -> int:
        """Stop it as Ctrl-C (or ``signal_number``) does; kill it if that takes over ``timeout``."""
        process = self._process
        if process is not None and self.returncode is None:
            if process.poll() is None:
                process.send_signal(signal_number)
            try:
                self.returncode = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=timeout)
                self.returncode = -signal.SIGKILL
        return -1 if self.returncode is None else self.returncode

    def console_text(self) -> str:
        return self.console_log.read_text(errors="replace") if self.console_log.exists() else ""

    def __enter__(self) -> LocalStackProcess:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
