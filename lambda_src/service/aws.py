"""botocore clients, created once per container and shared by every environment.

Clients do not depend on the settings (region, credentials and endpoint come from AWS_* vars),
so they outlive a settings reset and are never rebuilt per request.

botocore directly rather than boto3: a boto3 client *is* a botocore client, and skipping boto3
skips importing s3transfer on every cold start. Timeouts are short and retries bounded because an
API Gateway request gives up after 29 seconds; a slow dependency should become a 503 well before.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import botocore.session
from botocore.config import Config

_CONFIG = Config(
    connect_timeout=2,
    read_timeout=5,
    retries={"mode": "standard", "max_attempts": 3},
)


@cache
def session() -> botocore.session.Session:
    """The container's botocore session; region, credentials and endpoint come from AWS_* vars."""
    return botocore.session.get_session()


@cache
def client(service_name: str) -> Any:
    """The container's one client for ``service_name``, with the shared timeouts and retries."""
    return session().create_client(service_name, config=_CONFIG)


def reset_clients() -> None:
    """Drop the clients, as a new container would start without them."""
    client.cache_clear()
