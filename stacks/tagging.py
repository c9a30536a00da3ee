"""Tags every resource carries, so cost reports and IAM conditions can tell environments apart."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Tags
from constructs import IConstruct


def apply_tags(
    scope: IConstruct, *, service: str, environment: str, extra: Mapping[str, str]
) -> None:
    tags = Tags.of(scope)
    for key, value in {**extra, "service": service, "environment": environment}.items():
        tags.add(key, value)
