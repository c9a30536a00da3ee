"""``SecretSource`` on Secrets Manager (GetSecretValue only).

The infrastructure passes a *partial* ARN (no random six-character suffix) because CDK refers to
an existing secret by name. GetSecretValue resolves partial ARNs (moto 5.2.5 does too; a test
pins that), so the ARN is passed through unchanged and cross-account secrets keep working.

Not Powertools' ``parameters.get_secret``: it would import boto3 on every cold start, and its
max_age/force_fetch cache cannot express "re-read once on a mismatch, rate-limited", which
``service.secret_cache`` needs for rotation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from service.errors import SecretUnavailable


class SecretsManagerSource:
    """Reads ``SecretString``; every failure becomes ``SecretUnavailable`` with no value in it.

    ``client`` returns the shared botocore client, created on first use: read-only containers
    never create it.
    """

    def __init__(self, client: Callable[[], Any]) -> None:
        self._client = client

    def fetch(self, secret_id: str) -> str:
        try:
            response = self._client().get_secret_value(SecretId=secret_id)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "Unknown")
            raise SecretUnavailable(f"GetSecretValue failed with {code}") from None
        except BotoCoreError as error:
            raise SecretUnavailable(f"GetSecretValue failed: {type(error).__name__}") from None
        value = response.get("SecretString")
        if not isinstance(value, str) or not value:
            # A binary or empty secret would make every key comparison fail with a misleading 401.
            raise SecretUnavailable("secret has no non-empty SecretString")
        return value
