"""Runs a Python template check as a CDK validation plugin, beside the cdk-nag packs.

As a plugin, a check runs inside every synth (`cdk synth`, `python app.py`,
the tests) and its findings land in the same validation report as cdk-nag's,
so one synth lists every problem at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import jsii
from aws_cdk import (
    IPolicyValidationContext,
    IPolicyValidationPlugin,
    PolicyValidationPluginReport,
    PolicyViolatingResource,
    PolicyViolation,
)

from stacks.compliance.templates import Finding, SynthesizedStack, read_stack

Check = Callable[[Sequence[SynthesizedStack]], Iterable[Finding]]

# CDK lets `Validations.of(...).acknowledge()` silence any finding except a fatal one.
# The project's own checks have no reviewed exceptions, so nothing may silence them.
SEVERITY = "fatal"


@jsii.implements(IPolicyValidationPlugin)
class TemplateCheckPlugin:
    """A validation plugin named `name` that reports what `check` finds in the templates.

    An exception inside `check` fails synth too: CDK reports it as a failure of
    the plugin, so a broken check can never pass a template by accident.
    """

    def __init__(self, name: str, check: Check, *, rule_ids: Sequence[str]) -> None:
        self._name = name
        self._check = check
        self._rule_ids = list(rule_ids)

    @property
    def name(self) -> str:
        return self._name

    @property
    def rule_ids(self) -> list[str]:
        return self._rule_ids

    @property
    def version(self) -> str:
        return "1.0.0"

    def validate(self, context: IPolicyValidationContext) -> PolicyValidationPluginReport:
        stacks = [
            read_stack(s.template_path, s.stack_construct_path) for s in context.stack_templates
        ]
        violations = [_violation(finding) for finding in self._check(stacks)]
        return PolicyValidationPluginReport(success=not violations, violations=violations)


def _violation(finding: Finding) -> PolicyViolation:
    if finding.logical_id is None:
        resource = PolicyViolatingResource(
            construct_path=finding.stack.construct_path, locations=[finding.location]
        )
    else:
        resource = PolicyViolatingResource(
            resource_logical_id=finding.logical_id,
            template_path=finding.stack.template_path,
            locations=[finding.location],
        )
    return PolicyViolation(
        rule_name=finding.rule,
        description=finding.message,
        severity=SEVERITY,
        violating_resources=[resource],
    )
