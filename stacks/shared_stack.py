"""Single-stack topology: one function and one API shared by every environment.

Each environment gets an alias of the function, a stage of the API that
invokes only that alias, and its own table and secrets. It is cheaper and
quicker to run than a stack per environment, at the price of one execution
role that can reach every environment's data (see README, "Choosing a topology").
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import CfnOutput, Environment, Stack
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from stacks.components.alarms import ServiceAlarms, alarm_topic
from stacks.components.api import ServiceApi, StageSpec
from stacks.components.environment_data import EnvironmentData
from stacks.components.function import ServiceFunction
from stacks.components.retention import removal_policy
from stacks.config import EnvironmentConfig, SharedStackConfig
from stacks.runtime_contract import function_environment
from stacks.service_stack import API_PRINCIPAL
from stacks.tagging import apply_tags

# The stage variable that names the alias a stage invokes; the runtime reads it too.
STAGE_VARIABLE = "environment"


class SharedStack(Stack):
    """All environments in one stack, separated by alias, stage and table."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        service_name: str,
        location: SharedStackConfig,
        environments: Sequence[EnvironmentConfig],
    ) -> None:
        # Shared resources hold every environment's traffic and logs, so they
        # are kept if any environment's data is.
        retain_shared = any(e.retain_data for e in environments)
        super().__init__(
            scope,
            construct_id,
            stack_name=construct_id,
            env=Environment(account=location.account, region=location.region),
            termination_protection=retain_shared,
            description=f"{service_name}: one function and API shared by "
            + ", ".join(e.name for e in environments),
        )
        apply_tags(self, service=service_name, environment="shared", extra={})
        data = {
            env.name: EnvironmentData(
                self,
                f"Data-{env.name}",
                retain=env.retain_data,
                secret_names=env.secrets,
                existing_table_name=env.existing_table_name,
            )
            for env in environments
        }
        function_settings = environments[0].function  # identical everywhere (config checks)
        service = ServiceFunction(
            self,
            "Service",
            settings=function_settings,
            removal_policy=removal_policy(retain_shared),
            environment=function_environment(
                self,
                service_name=service_name,
                settings=function_settings,
                bindings={name: d.binding() for name, d in data.items()},
                own_environment=None,
            ),
            description=f"{service_name}, shared by every environment",
        )
        for env_data in data.values():
            env_data.grant_runtime_access(service.function)

        api = ServiceApi(
            self,
            "Api",
            api_name=construct_id,
            target_arn=f"{service.function.function_arn}:${{stageVariables.{STAGE_VARIABLE}}}",
            stages=[
                StageSpec.from_settings(
                    env.name,
                    env.api,
                    removal_policy=removal_policy(env.retain_data),
                    variables={STAGE_VARIABLE: env.name},
                )
                for env in environments
            ],
        )

        current = service.function.current_version
        for env in environments:
            alias = lambda_.Alias(
                self,
                f"Alias-{env.name}",
                alias_name=env.name,
                version=self._version_for(env, service.function, current),
                description=f"What the {env.name} stage invokes",
            )
            # On the first deploy, pinned version 1 is the one this deploy publishes.
            alias.node.add_dependency(current)
            # Only this environment's stage may invoke this alias.
            alias.add_permission(
                "ApiInvoke", principal=API_PRINCIPAL, source_arn=api.execute_arn(env.name)
            )
            for construct in (alias, data[env.name], api.stages[env.name]):
                apply_tags(construct, service=service_name, environment=env.name, extra=env.tags)
            if env.alarms.enabled:
                ServiceAlarms(
                    self,
                    f"Monitoring-{env.name}",
                    target=alias,
                    stage=api.stages[env.name],
                    topic=alarm_topic(
                        self,
                        f"Alarms-{env.name}",
                        settings=env.alarms,
                        removal_policy=removal_policy(env.retain_data),
                    ),
                    settings=env.alarms,
                )
            suffix = "".join(part.capitalize() for part in env.name.split("-"))
            CfnOutput(self, f"ApiUrl{suffix}", value=api.stages[env.name].url_for_path("/"))
            CfnOutput(self, f"TableName{suffix}", value=data[env.name].table.table_name)
        CfnOutput(
            self,
            "CurrentVersion",
            value=current.version,
            description="Version that unprotected aliases serve; promote it via pinned_version",
        )

    def _version_for(
        self, env: EnvironmentConfig, function: lambda_.Function, current: lambda_.Version
    ) -> lambda_.IVersion:
        """The newest version, or for a protected environment the version config pins.

        A pinned alias must not move when a deploy publishes new code: only an
        edit of `pinned_version` in cdk.json, reviewed like any change, does.
        """
        if env.pinned_version is None:
            return current
        return lambda_.Version.from_version_attributes(
            self, f"Pinned-{env.name}", lambda_=function, version=str(env.pinned_version)
        )
