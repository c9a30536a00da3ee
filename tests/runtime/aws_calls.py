"""Record the AWS API calls the runtime really makes, for the IAM contract test.

A botocore ``before-call`` hook on the runtime's own session sees every operation of every
client the runtime creates (test setup uses separate boto3 clients, so it is not recorded).
``RECORDED_CALLS`` accumulates over the whole pytest session; the infrastructure's contract
test imports it (``from tests.runtime.aws_calls import RECORDED_CALLS``) and compares it with the
IAM policy, so it must run after the runtime tests in the same session.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

RECORDED_CALLS: set[tuple[str, str]] = set()
"""Every (IAM service prefix, operation) pair, e.g. ("dynamodb", "GetItem")."""

ALLOWED_CALLS = frozenset(
    {
        ("dynamodb", "GetItem"),
        ("dynamodb", "PutItem"),
        ("dynamodb", "UpdateItem"),
        ("dynamodb", "DeleteItem"),
        ("dynamodb", "Scan"),
        ("secretsmanager", "GetSecretValue"),
    }
)
"""What the IAM policy grants; the runtime must never need more."""


def iam_actions(calls: Iterable[tuple[str, str]]) -> set[str]:
    """("dynamodb", "GetItem") -> "dynamodb:GetItem"."""
    return {f"{service}:{operation}" for service, operation in calls}


class CallRecorder:
    """Per-test view of the calls; also feeds the session-wide ``RECORDED_CALLS``."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def __call__(self, model: Any, **_: Any) -> None:
        pair = (model.service_model.endpoint_prefix, model.name)
        self.calls.append(pair)
        RECORDED_CALLS.add(pair)

    def attach(self, session: Any) -> None:
        """Hook into a botocore session; clients created from it afterwards are recorded."""
        session.register("before-call", self, unique_id="runtime-call-recorder")

    def reset(self) -> None:
        self.calls.clear()

    def count(self, service: str, operation: str | None = None) -> int:
        counts = Counter(self.calls)
        return sum(n for (s, o), n in counts.items() if s == service and operation in (None, o))
