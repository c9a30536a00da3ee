"""Fake credentials, and AWS clients that can only ever reach the local moto server.

A developer's shell often has AWS_PROFILE or real keys exported. Nothing started by the local
runner may pick those up: a typo in an endpoint would otherwise send test writes to a real
account. So the runner builds every environment from scratch and every client explicitly.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import botocore.session

FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
# Variables a child process may keep from the runner's environment: nothing AWS-related.
_INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "TERM")


def fake_aws_environment(region: str) -> dict[str, str]:
    """Fake credentials in ``region``: the AWS variables for an SDK that must find no real ones."""
    return {
        **FAKE_CREDENTIALS,
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        # No config or credentials file may add a profile, a role or an endpoint.
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }


def child_environment(region: str, extra: Mapping[str, str]) -> dict[str, str]:
    """A minimal environment for a child process: fake AWS, the region, then ``extra``."""
    base = {name: os.environ[name] for name in _INHERITED if name in os.environ}
    return {**base, **fake_aws_environment(region), **extra}


def moto_client(service_name: str, *, endpoint_url: str, region: str) -> Any:
    """A botocore client for ``service_name`` on the moto server, whatever the shell exports."""
    # No AWS_PROFILE lookup at all (an explicit "default" would fail without a config file).
    session = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
    session.set_config_variable("config_file", os.devnull)
    session.set_config_variable("credentials_file", os.devnull)
    return session.create_client(
        service_name,
        region_name=region,
        endpoint_url=endpoint_url,
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
