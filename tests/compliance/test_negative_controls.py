"""The gate can fail: a deliberately non-compliant app fails each check that should catch it.

The app is registered through `enable_gate`, as `new_app` registers the real
one; each test names the rule and the resource it expects, so a check that
silently stops working shows up here and not in production.
"""

from __future__ import annotations

import pytest

from stacks.compliance import guardrails, secrets_hygiene
from tests.compliance.conftest import FailedSynth
from tests.compliance.noncompliant import RESERVED_CONCURRENCY, STACK

TABLE = f"{STACK}/Table/Resource"
FUNCTION = f"{STACK}/Function/Resource"
POLICY = f"{STACK}/Function/ServiceRole/DefaultPolicy/Resource"
STAGE = f"{STACK}/Api/DeploymentStage.prod/Resource"


def found(run: FailedSynth) -> set[tuple[str, str, str]]:
    return {(r.plugin, r.rule, r.path) for r in run.reported}


def descriptions(run: FailedSynth, rule: str, path: str) -> list[str]:
    return [r.description for r in run.reported if (r.rule, r.path) == (rule, path)]


def test_wildcard_action_fails_cdk_nag(noncompliant: FailedSynth) -> None:
    assert ("AwsSolutions", "AwsSolutions-IAM5[Action::dynamodb:*]", POLICY) in found(noncompliant)


@pytest.mark.parametrize(
    ("rule", "path"),
    [
        (guardrails.TERMINATION_PROTECTION, STACK),
        (guardrails.RETAIN, TABLE),
        (guardrails.DELETION_PROTECTION, TABLE),
        (guardrails.POINT_IN_TIME_RECOVERY, TABLE),
        (guardrails.ALARM_ACTION, STACK),
        (guardrails.STAGE_THROTTLING, STAGE),
        (guardrails.RESERVED_CONCURRENCY, FUNCTION),
    ],
)
def test_each_missing_protection_fails_the_prod_guardrails(
    noncompliant: FailedSynth, rule: str, path: str
) -> None:
    assert ("ProdGuardrails", rule, path) in found(noncompliant)


def test_a_guardrail_message_names_environment_resource_and_protection(
    noncompliant: FailedSynth,
) -> None:
    assert descriptions(noncompliant, guardrails.RETAIN, TABLE) == [
        f"environment 'prod' keeps its data (retain_data: true) but AWS::DynamoDB::Table "
        f"{TABLE} has {attribute} Delete; use RemovalPolicy.RETAIN"
        for attribute in ("DeletionPolicy", "UpdateReplacePolicy")
    ]
    (concurrency,) = descriptions(noncompliant, guardrails.RESERVED_CONCURRENCY, FUNCTION)
    assert f"function.reserved_concurrency to {RESERVED_CONCURRENCY}" in concurrency
    # And the text a person sees at synth carries the same, with the rule to look up.
    assert f"{TABLE} has DeletionPolicy Delete" in noncompliant.message
    assert "ProdGuardrails::ProdGuardrails-TerminationProtection" in noncompliant.message


@pytest.mark.parametrize(
    ("rule", "variable"),
    [
        (secrets_hygiene.PLAINTEXT_IN_ENVIRONMENT, "API_KEY"),
        (secrets_hygiene.LITERAL_CREDENTIAL, "LEGACY_ACCESS_KEY_ID"),
        (secrets_hygiene.VALUE_REFERENCE, "DB_PASSWORD"),
    ],
)
def test_secrets_in_the_environment_fail_secrets_hygiene(
    noncompliant: FailedSynth, rule: str, variable: str
) -> None:
    (description,) = descriptions(noncompliant, rule, FUNCTION)
    assert variable in description


def test_the_gate_findings_cannot_be_acknowledged(noncompliant: FailedSynth) -> None:
    """Guardrail and hygiene findings are fatal: CDK lets no acknowledgement silence them."""
    own = [r for r in noncompliant.reported if r.plugin in ("ProdGuardrails", "SecretsHygiene")]
    assert own
    assert {r.severity for r in own} == {"fatal"}
