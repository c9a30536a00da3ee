"""Gradual release: CodeDeploy shifts traffic to a new version and rolls back on alarms."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_codedeploy as codedeploy
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

LIVE_ALIAS = "live"

_CONFIGS = {
    "all_at_once": codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE,
    "canary_10_percent_5_minutes": codedeploy.LambdaDeploymentConfig.CANARY_10_PERCENT_5_MINUTES,
    "canary_10_percent_10_minutes": codedeploy.LambdaDeploymentConfig.CANARY_10_PERCENT_10_MINUTES,
    "canary_10_percent_15_minutes": codedeploy.LambdaDeploymentConfig.CANARY_10_PERCENT_15_MINUTES,
    "canary_10_percent_30_minutes": codedeploy.LambdaDeploymentConfig.CANARY_10_PERCENT_30_MINUTES,
    "linear_10_percent_every_1_minute": (
        codedeploy.LambdaDeploymentConfig.LINEAR_10_PERCENT_EVERY_1_MINUTE
    ),
    "linear_10_percent_every_2_minutes": (
        codedeploy.LambdaDeploymentConfig.LINEAR_10_PERCENT_EVERY_2_MINUTES
    ),
    "linear_10_percent_every_3_minutes": (
        codedeploy.LambdaDeploymentConfig.LINEAR_10_PERCENT_EVERY_3_MINUTES
    ),
    "linear_10_percent_every_10_minutes": (
        codedeploy.LambdaDeploymentConfig.LINEAR_10_PERCENT_EVERY_10_MINUTES
    ),
}


def live_alias(scope: Construct, construct_id: str, *, function: lambda_.Function) -> lambda_.Alias:
    """The alias the API invokes, never `$LATEST`: moving it is CodeDeploy's job."""
    return lambda_.Alias(
        scope,
        construct_id,
        alias_name=LIVE_ALIAS,
        version=function.current_version,
        description="What the API invokes; moved by CodeDeploy",
    )


class GradualRelease(Construct):
    """Moves `alias` to each newly published version with a CodeDeploy strategy.

    All at once, or a canary or linear shift that stops and rolls back by
    itself when one of `rollback_alarms` fires during the shift.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        alias: lambda_.Alias,
        strategy: str,
        rollback_alarms: Sequence[cloudwatch.IAlarm],
    ) -> None:
        super().__init__(scope, construct_id)
        self.deployment_group = codedeploy.LambdaDeploymentGroup(
            self,
            "Deployment",
            alias=alias,
            deployment_config=_CONFIGS[strategy],
            alarms=list(rollback_alarms),
            auto_rollback=codedeploy.AutoRollbackConfig(
                failed_deployment=True,
                stopped_deployment=True,
                deployment_in_alarm=bool(rollback_alarms),
            ),
        )
