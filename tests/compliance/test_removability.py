"""Environments that do not keep their data are fully removable: `cdk destroy` leaves nothing
behind but what is listed here as kept on purpose.
"""

from __future__ import annotations

from stacks.compliance.guardrails import environment_of
from stacks.compliance.templates import SynthesizedStack
from tests.compliance.support import stacks
from tests.support.synth import Synthesis

# (construct path below the stack, type): why a `cdk destroy` keeps it.
KEPT_ON_PURPOSE = {
    ("Api/Api/CloudWatchRole/Resource", "AWS::IAM::Role"): (
        "API Gateway's logging role is one per account and region, shared by every API there "
        "(cloud_watch_role_removal_policy=RETAIN): deleting it would stop their logs."
    ),
    ("Api/Api/Account", "AWS::ApiGateway::Account"): (
        "The account setting that points API Gateway at that role; it follows the role."
    ),
}
RETAINING = ("Retain", "RetainExceptOnCreate")


def kept(stack: SynthesizedStack, logical_ids: list[str]) -> set[tuple[str, str]]:
    """(path below the stack, type) of every resource that a delete would leave behind."""
    resources = stack.template["Resources"]
    return {
        (stack.path_of(lid).removeprefix(f"{stack.name}/"), resources[lid]["Type"])
        for lid in logical_ids
        if resources[lid].get("DeletionPolicy") in RETAINING
        or resources[lid].get("UpdateReplacePolicy") in RETAINING
    }


def test_non_retained_stacks_keep_only_what_is_listed(multi: Synthesis) -> None:
    for stack in stacks(multi):
        if stack.name in ("items-api-test", "items-api-staging"):
            assert kept(stack, list(stack.template["Resources"])) == set(KEPT_ON_PURPOSE)


def test_the_shared_stack_deletes_what_belongs_to_non_retained_environments(
    single: Synthesis,
) -> None:
    (shared,) = stacks(single)
    names = {"test", "staging", "prod"}
    for env in ("test", "staging"):
        owned = [
            lid for lid in shared.template["Resources"] if environment_of(shared, lid, names) == env
        ]
        assert owned, env  # its table, stage and access logs at least
        assert kept(shared, owned) == set(), env


def test_every_kept_resource_says_why() -> None:
    assert all(len(reason) > 40 for reason in KEPT_ON_PURPOSE.values())
