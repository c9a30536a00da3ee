"""The smoke suite itself: it skips with a reason when no API is named, and it passes against
the real handler served locally (`make local`'s stack), so a request-format mistake shows up
before the first deploy.

Both run `pytest tests/smoke` in a subprocess, the way `make smoke` and CI run it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from local.info import StageInfo
from local.process import LocalStackProcess
from tests.smoke.target import SKIP_REASON
from tests.support.synth import Synthesis

ROOT = Path(__file__).resolve().parents[2]
SMOKE_TESTS = 6  # test functions x parameters in tests/smoke/test_api.py
SMOKE_PYTEST = [sys.executable, "-m", "pytest", "tests/smoke", "-q", "-rs"]


def run_smoke_suite(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SMOKE_", "AWS_"))}
    return subprocess.run(
        # Only the smoke suite's own conftest and no Hypothesis plugin: ~1 s instead of ~2 s.
        [*SMOKE_PYTEST, "--confcutdir=tests/smoke", "-p", "no:hypothesispytest"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def local_api(multi: Synthesis, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StageInfo]:
    """The test environment's stage of `make local`, serving the session's multi-stack assembly."""
    with LocalStackProcess(tmp_path_factory.mktemp("smoke-local"), cdk_out=multi.outdir) as stack:
        yield stack.info.stages["test"]


def test_without_a_target_every_smoke_test_skips_and_says_how_to_run_it() -> None:
    result = run_smoke_suite()

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{SMOKE_TESTS} skipped" in result.stdout
    assert SKIP_REASON in result.stdout


def test_the_suite_passes_against_the_real_handler(local_api: StageInfo) -> None:
    result = run_smoke_suite(SMOKE_API_URL=local_api.url, SMOKE_API_KEY=local_api.api_key)

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{SMOKE_TESTS} passed" in result.stdout
    assert "skipped" not in result.stdout


def test_without_the_key_only_the_write_round_trip_skips(local_api: StageInfo) -> None:
    result = run_smoke_suite(SMOKE_API_URL=local_api.url)

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{SMOKE_TESTS - 1} passed, 1 skipped" in result.stdout
    assert "SMOKE_API_KEY is not set" in result.stdout


def test_a_wrong_key_fails_the_round_trip(local_api: StageInfo) -> None:
    """The negative control: the suite can fail, it does not just pass whatever it calls."""
    result = run_smoke_suite(SMOKE_API_URL=local_api.url, SMOKE_API_KEY="wrong")

    assert result.returncode == 1
    assert "1 failed" in result.stdout
    assert "test_item_round_trip" in result.stdout
