"""Delete short-lived stacks whose `expires-at` tag has passed; touch nothing else.

A stack is swept only when all of these hold: its `service` tag is this
service, its `short-lived` tag is "true", its name is `<service>-<env>` with
`<env>` matching a declared short-lived pattern, and its `expires-at` is in
the past. Anything else, including a permanent environment that somehow
carries an old `expires-at`, is left alone.

Usage: python -m tools.sweep [--yes] [--region REGION]   (or: make sweep)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stacks.config.short_lived import (
    EXPIRES_AT_TAG,
    SHORT_LIVED_TAG,
    TIMESTAMP_FORMAT,
    ShortLivedRule,
)

CDK_JSON = Path(__file__).resolve().parents[1] / "cdk.json"


@dataclass(frozen=True)
class Expired:
    stack_name: str
    expires_at: str


def expired_stacks(
    stacks: Iterable[dict[str, Any]],
    *,
    service: str,
    rules: Sequence[ShortLivedRule],
    now: datetime,
) -> list[Expired]:
    """The stacks (CloudFormation describe_stacks entries) that are safe and due to delete."""
    found = []
    prefix = f"{service}-"
    for stack in stacks:
        tags = {t["Key"]: t["Value"] for t in stack.get("Tags", [])}
        name = stack["StackName"]
        if tags.get("service") != service or tags.get(SHORT_LIVED_TAG) != "true":
            continue
        if not name.startswith(prefix) or not any(r.matches(name[len(prefix) :]) for r in rules):
            continue
        if stack.get("StackStatus") == "DELETE_COMPLETE":
            continue
        try:
            expires = datetime.strptime(tags[EXPIRES_AT_TAG], TIMESTAMP_FORMAT).replace(tzinfo=UTC)
        except (KeyError, ValueError):
            continue  # no readable expiry: not ours to judge
        if expires <= now:
            found.append(Expired(name, tags[EXPIRES_AT_TAG]))
    return found


def sweep(
    cloudformation: Any,
    *,
    service: str,
    rules: Sequence[ShortLivedRule],
    now: datetime,
    confirm: Callable[[str], bool],
    out: Callable[[str], None] = print,
) -> list[str]:
    """List expired short-lived stacks, ask once, delete them; return the names deleted."""
    pages = cloudformation.get_paginator("describe_stacks").paginate()
    stacks = [stack for page in pages for stack in page["Stacks"]]
    due = expired_stacks(stacks, service=service, rules=rules, now=now)
    if not due:
        out("No expired short-lived stacks.")
        return []
    for item in due:
        out(f"  {item.stack_name}  (expired {item.expires_at})")
    if not confirm(f"Delete these {len(due)} stack(s)?"):
        out("Nothing deleted.")
        return []
    for item in due:
        cloudformation.delete_stack(StackName=item.stack_name)
        out(f"Deleting {item.stack_name}")
    return [item.stack_name for item in due]


def _ask(question: str) -> bool:
    if not sys.stdin.isatty():
        print(f"{question} Not a terminal: re-run with --yes to delete.", file=sys.stderr)
        return False
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Delete expired short-lived stacks.")
    parser.add_argument("--yes", action="store_true", help="delete without asking")
    parser.add_argument("--region", help="region to sweep (default: the AWS CLI's)")
    args = parser.parse_args(argv)
    context = json.loads(CDK_JSON.read_text())["context"]
    rules = [ShortLivedRule.model_validate(r) for r in context.get("short_lived", [])]
    import boto3  # deferred: only a real sweep needs AWS

    cloudformation = boto3.client("cloudformation", region_name=args.region)
    sweep(
        cloudformation,
        service=context["service_name"],
        rules=rules,
        now=datetime.now(UTC),
        confirm=(lambda _: True) if args.yes else _ask,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
