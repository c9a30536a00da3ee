"""The sweeper deletes expired short-lived stacks and nothing else, against moto's CloudFormation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from moto import mock_aws

from stacks.config.short_lived import ShortLivedRule
from tools.sweep import sweep

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
RULES = [
    ShortLivedRule(pattern="pr-[0-9]{1,6}", base="test"),
    ShortLivedRule(pattern="dev-[a-z][a-z0-9]{1,15}", base="test"),
]
TEMPLATE = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}})


@pytest.fixture
def cloudformation(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        yield boto3.client("cloudformation", region_name="eu-west-1")


def create(cfn: Any, name: str, **tags: str) -> None:
    cfn.create_stack(
        StackName=name,
        TemplateBody=TEMPLATE,
        Tags=[{"Key": k.replace("_", "-"), "Value": v} for k, v in tags.items()],
    )


def live_stacks(cfn: Any) -> set[str]:
    return {
        s["StackName"]
        for s in cfn.describe_stacks()["Stacks"]
        if s["StackStatus"] != "DELETE_COMPLETE"
    }


def populate(cfn: Any) -> None:
    short = {"service": "items-api", "short_lived": "true"}
    create(cfn, "items-api-pr-1", **short, expires_at="2026-11-26T11:59Z")  # expired
    create(cfn, "items-api-dev-alice", **short, expires_at="2026-11-01T00:00Z")  # expired
    create(cfn, "items-api-pr-2", **short, expires_at="2026-11-26T12:01Z")  # still alive
    # Expired tags, but not a short-lived stack of this service: never touched.
    create(cfn, "items-api-test", service="items-api", expires_at="2026-01-01T00:00Z")
    create(cfn, "items-api-staging", **short, expires_at="2026-01-01T00:00Z")  # name mismatch
    create(
        cfn, "billing-pr-3", service="billing", short_lived="true", expires_at="2026-01-01T00:00Z"
    )
    create(cfn, "items-api-pr-4", **short)  # no expiry tag


def test_only_expired_short_lived_stacks_of_this_service_are_deleted(cloudformation: Any) -> None:
    populate(cloudformation)
    lines: list[str] = []

    deleted = sweep(
        cloudformation, service="items-api", rules=RULES, now=NOW,
        confirm=lambda _: True, out=lines.append,
    )  # fmt: skip

    assert sorted(deleted) == ["items-api-dev-alice", "items-api-pr-1"]
    assert live_stacks(cloudformation) == {
        "items-api-pr-2",
        "items-api-test",
        "items-api-staging",
        "billing-pr-3",
        "items-api-pr-4",
    }
    assert "  items-api-pr-1  (expired 2026-11-26T11:59Z)" in lines


def test_declining_the_confirmation_deletes_nothing(cloudformation: Any) -> None:
    populate(cloudformation)
    before = live_stacks(cloudformation)
    questions: list[str] = []

    def decline(question: str) -> bool:
        questions.append(question)
        return False

    deleted = sweep(
        cloudformation, service="items-api", rules=RULES, now=NOW, confirm=decline, out=print
    )

    assert deleted == []
    assert questions == ["Delete these 2 stack(s)?"]
    assert live_stacks(cloudformation) == before


def test_nothing_expired_asks_nothing(cloudformation: Any) -> None:
    create(cloudformation, "items-api-pr-9", service="items-api", short_lived="true",
           expires_at="2027-01-01T00:00Z")  # fmt: skip

    def never(_: str) -> bool:
        raise AssertionError("must not ask when nothing is due")

    assert sweep(cloudformation, service="items-api", rules=RULES, now=NOW, confirm=never) == []
