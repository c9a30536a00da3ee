"""Alarms that page someone when the service fails, and the topic they notify."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from constructs import Construct

from stacks.config import AlarmSettings

PERIOD = Duration.minutes(5)


class AlarmTopic(Construct):
    """An encrypted topic for when config names none.

    It uses a customer-managed key because CloudWatch cannot publish to a topic
    encrypted with the AWS-managed `aws/sns` key.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, removal_policy: RemovalPolicy
    ) -> None:
        super().__init__(scope, construct_id)
        key = kms.Key(
            self,
            "Key",
            description="Encrypts the alarm topic; CloudWatch may use it to publish",
            enable_key_rotation=True,
            removal_policy=removal_policy,
        )
        key.grant(
            iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*"
        )
        self.topic = sns.Topic(self, "Topic", master_key=key, enforce_ssl=True)


def alarm_topic(
    scope: Construct, construct_id: str, *, settings: AlarmSettings, removal_policy: RemovalPolicy
) -> sns.ITopic:
    """The topic named in config, or a new encrypted one when config names none."""
    if settings.topic_arn:
        return sns.Topic.from_topic_arn(scope, construct_id, settings.topic_arn)
    return AlarmTopic(scope, construct_id, removal_policy=removal_policy).topic


class ServiceAlarms(Construct):
    """Errors, throttles, p99 latency and API 5XX alarms on one environment's traffic.

    `target` is whatever serves the environment: the function itself, or the
    alias that the environment's stage invokes, so that a shared function's
    alarms still tell environments apart.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        target: lambda_.IFunction,
        stage: apigw.Stage,
        topic: sns.ITopic,
        settings: AlarmSettings,
    ) -> None:
        super().__init__(scope, construct_id)
        at_least = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
        self.errors = self._alarm(
            "Errors",
            target.metric_errors(period=PERIOD, statistic="Sum"),
            "The function raised errors: see its log group.",
            settings.error_threshold,
            at_least,
        )
        self.throttles = self._alarm(
            "Throttles",
            target.metric_throttles(period=PERIOD, statistic="Sum"),
            "Invocations were throttled: concurrency is exhausted.",
            1,
            at_least,
        )
        self.server_errors = self._alarm(
            "ApiServerErrors",
            stage.metric_server_error(period=PERIOD, statistic="Sum"),
            "The API returned 5XX responses to clients.",
            settings.server_error_threshold,
            at_least,
        )
        self.latency = self._alarm(
            "LatencyP99",
            target.metric_duration(period=PERIOD, statistic="p99"),
            "p99 duration is above the configured threshold.",
            settings.latency_p99_ms,
            cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        )
        action = actions.SnsAction(topic)
        for alarm in self.all:
            alarm.add_alarm_action(action)

    def _alarm(
        self,
        construct_id: str,
        metric: cloudwatch.Metric,
        description: str,
        threshold: float,
        comparison: cloudwatch.ComparisonOperator,
    ) -> cloudwatch.Alarm:
        """One evaluation period of five minutes; no data means no traffic, not an outage."""
        return metric.create_alarm(
            self,
            construct_id,
            alarm_description=description,
            threshold=threshold,
            evaluation_periods=1,
            comparison_operator=comparison,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )

    @property
    def all(self) -> list[cloudwatch.Alarm]:
        return [self.errors, self.throttles, self.server_errors, self.latency]

    @property
    def function_alarms(self) -> list[cloudwatch.Alarm]:
        """The alarms that judge a new version of the function: what a canary rolls back on."""
        return [self.errors, self.throttles, self.latency]
