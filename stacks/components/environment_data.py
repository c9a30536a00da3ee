"""The stateful side of one environment: its table and the secrets it reads."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

from stacks.components.secrets import SecretRefs
from stacks.components.table import RUNTIME_ACTIONS, ItemsTable


class EnvironmentData(Construct):
    """Everything an environment keeps apart from the others, in one place.

    Both topologies build one of these per environment, which is what keeps
    their data layout identical and a move between them possible.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        retain: bool,
        secret_names: Mapping[str, str],
        existing_table_name: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        # An existing table is referenced, not managed: this stack can neither
        # change nor delete it, which is the point when adopting kept data.
        self.table: dynamodb.ITable = (
            dynamodb.Table.from_table_name(self, "Items", existing_table_name)
            if existing_table_name
            else ItemsTable(self, "Items", retain=retain).table
        )
        self.secrets = SecretRefs(self, "Secrets", names=secret_names)

    def grant_runtime_access(self, grantee: iam.IGrantable) -> None:
        """The least privilege the runtime needs: its item operations and its secrets."""
        self.table.grant(grantee, *RUNTIME_ACTIONS)
        self.secrets.grant_read(grantee)

    def binding(self) -> dict[str, object]:
        """This environment's entry in the runtime's APP_ENVIRONMENTS map."""
        return {"table_name": self.table.table_name, "secret_arns": self.secrets.arns}
