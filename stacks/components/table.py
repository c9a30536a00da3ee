"""The items table."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

# The runtime's key schema (lambda_src/service): one item per `id`.
PARTITION_KEY = "id"


class ItemsTable(Construct):
    """An on-demand table with point-in-time recovery everywhere.

    PITR is on even where data is disposable: it costs little and lets a test
    environment rehearse a restore. `retain` decides what `cdk destroy` does.
    """

    def __init__(self, scope: Construct, construct_id: str, *, retain: bool) -> None:
        super().__init__(scope, construct_id)
        self.table = dynamodb.Table(
            self,
            "Table",
            partition_key=dynamodb.Attribute(
                name=PARTITION_KEY, type=dynamodb.AttributeType.STRING
            ),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            # RETAIN plus deletion protection: a `cdk destroy` or a replacement
            # caused by a refactor must not drop data that matters.
            removal_policy=RemovalPolicy.RETAIN if retain else RemovalPolicy.DESTROY,
            deletion_protection=retain,
        )


# Exactly the calls the runtime makes (checked by tests/contract against the
# calls recorded in the runtime tests): no Query, no batch operations.
RUNTIME_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:Scan",
)
