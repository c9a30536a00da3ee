"""One local stack per module, started as `make local` starts it, and checked as it stops.

The stacks serve the session's synthesised assemblies (tests/conftest.py), so the end-to-end
tests add no synth of their own. Every stack runs on free ports (port 0) and is stopped by its
fixture with a signal, as a developer stops it: the multi-stack one with SIGTERM (`kill`, a CI
runner cancelling), the single-stack one with SIGINT (Ctrl-C). The teardown fails if stopping
printed a stack trace or left a process or a listening port behind.
"""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from local.fake_aws import moto_client
from local.process import LocalStackProcess
from tests.support.synth import Synthesis


def current_key(stack: LocalStackProcess, stage: str) -> str:
    """The stage's API key as moto holds it now (a test may have rotated it)."""
    info = stack.info
    secrets = moto_client("secretsmanager", endpoint_url=info.moto_url, region=info.region)
    value: str = secrets.get_secret_value(SecretId=info.stages[stage].secret)["SecretString"]
    return value


def assert_stopped_cleanly(stack: LocalStackProcess, signal_number: int = signal.SIGINT) -> None:
    """Exit status 0, no stack trace, no handler process alive, no port still listening."""
    info = stack.info
    code = stack.stop(signal_number=signal_number)
    console = stack.console_text()
    assert code == 0, console
    assert "Traceback" not in console, console
    assert console.rstrip().endswith("Stopped."), console
    if stack.handler_log.exists():
        assert "Traceback" not in stack.handler_log.read_text()
    for pid in info.handler_pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    for url in [info.moto_url, *(stage.url for stage in info.stages.values())]:
        address = urlsplit(url)
        with (
            pytest.raises(ConnectionRefusedError),
            socket.create_connection((address.hostname, address.port), timeout=2),
        ):
            pass


def _running(
    workdir: Path, synthesis: Synthesis, *, concurrency: int = 1, stop_with: int
) -> Iterator[LocalStackProcess]:
    stack = LocalStackProcess(
        workdir, environment="test", cdk_out=synthesis.outdir, concurrency=concurrency
    )
    stack.start()
    try:
        yield stack
    finally:
        if stack.returncode is None:
            assert_stopped_cleanly(stack, stop_with)


@pytest.fixture(scope="module")
def local_multi(
    multi: Synthesis, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalStackProcess]:
    """`make local` (multi-stack, ENV=test) with one handler process."""
    yield from _running(tmp_path_factory.mktemp("local-multi"), multi, stop_with=signal.SIGTERM)


@pytest.fixture(scope="module")
def local_single(
    single: Synthesis, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalStackProcess]:
    """`make local TOPOLOGY=single`: every stage, two handler processes."""
    yield from _running(
        tmp_path_factory.mktemp("local-single"), single, concurrency=2, stop_with=signal.SIGINT
    )
