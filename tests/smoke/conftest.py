"""Smoke-test fixtures: the deployed API named by the environment, or a skip that says how."""

from __future__ import annotations

import os

import pytest

from tests.smoke.client import ApiClient
from tests.smoke.target import SKIP_REASON, SmokeSetupError, SmokeTarget, resolve


@pytest.fixture(scope="session")
def target() -> SmokeTarget:
    try:
        found = resolve(os.environ)
    except SmokeSetupError as err:
        pytest.fail(f"smoke-test target: {err}", pytrace=False)
    if found is None:
        pytest.skip(SKIP_REASON)
    return found


@pytest.fixture(scope="session")
def api(target: SmokeTarget) -> ApiClient:
    """A client for the target, once it answers /health."""
    client = ApiClient(target)
    reply = client.wait_until_healthy()
    if reply.status != 200:
        pytest.fail(f"{target.source}: /health never answered 200; last {reply.describe()}")
    return client


@pytest.fixture(scope="session")
def api_key(target: SmokeTarget) -> str:
    if target.api_key is None:
        pytest.skip(
            "SMOKE_API_KEY is not set: the write round trip needs the environment's API key"
        )
    return target.api_key
