"""Registers the compliance gate on an App: cdk-nag's packs and the project's own checks.

Registered plugins run inside every synth, whichever way it starts (`cdk synth`,
`python app.py`, the tests), and CDK fails the synth on any finding that is
not acknowledged, warnings included. `CDK_VALIDATION=false` turns off only
CDK's built-in template rules (CloudFormationValidatePlugin), never a
registered plugin, so it cannot switch the gate off.
"""

from __future__ import annotations

import os
from functools import partial

from aws_cdk import App, Validations
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from stacks.compliance import guardrails, secrets_hygiene
from stacks.compliance.acknowledgements import acknowledge
from stacks.compliance.plugin import TemplateCheckPlugin
from stacks.config import AppConfig, ConfigError, EnvironmentConfig, Topology

# With this context key false, CDK writes the report but lets synth succeed. The CDK
# CLI always passes it as false and then fails the command itself on any finding
# (checked with CLI 2.1148.1), so only a run without the CLI must refuse it.
FAIL_SYNTH_KEY = "@aws-cdk/core:failSynthOnValidationErrors"


def enable_gate(app: App, config: AppConfig) -> None:
    """Register the gate on `app`, whose stacks must all be built already.

    The acknowledgements are recorded on the constructs that exist now, so a
    stack added after this call would be checked without them. Raises
    `ConfigError` if the context tells CDK not to fail on findings.
    """
    run_by_cli = "CDK_OUTDIR" in os.environ
    if not run_by_cli and app.node.try_get_context(FAIL_SYNTH_KEY) in (False, "false"):
        raise ConfigError(
            [
                f"{FAIL_SYNTH_KEY}: false would let synth pass with compliance findings; "
                "remove it (README: Compliance gate)"
            ]
        )
    Validations.of(app).add_plugins(
        AwsSolutionsChecks(app),
        ServerlessChecks(app),
        TemplateCheckPlugin(
            guardrails.PLUGIN_NAME,
            partial(guardrails.check_guardrails, served=served_environments(config)),
            rule_ids=guardrails.RULE_IDS,
        ),
        TemplateCheckPlugin(
            secrets_hygiene.PLUGIN_NAME,
            secrets_hygiene.check_secrets,
            rule_ids=secrets_hygiene.RULE_IDS,
        ),
    )
    acknowledge(app)


def served_environments(config: AppConfig) -> dict[str, tuple[EnvironmentConfig, ...]]:
    """Stack name -> the environments it serves, for every stack the topology can build."""
    if config.topology is Topology.SINGLE:
        return {config.shared_stack_name: config.environments}
    return {config.stack_name(env): (env,) for env in config.environments}
