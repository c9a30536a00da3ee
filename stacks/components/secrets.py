"""References to secrets that already exist in Secrets Manager."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import aws_iam as iam
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

# The only call the runtime makes; DescribeSecret and the rest are not needed.
READ_ACTIONS = ("secretsmanager:GetSecretValue",)


class SecretRefs(Construct):
    """Secrets by name, never by value.

    The template holds only the ARN; the value is created once out of band
    (README: "Add a secret") and read by the function at run time.
    """

    def __init__(self, scope: Construct, construct_id: str, *, names: Mapping[str, str]) -> None:
        super().__init__(scope, construct_id)
        self.secrets = {
            logical: secretsmanager.Secret.from_secret_name_v2(self, logical, name)
            for logical, name in names.items()
        }

    @property
    def arns(self) -> dict[str, str]:
        """Partial ARNs (no random suffix): what the runtime passes to GetSecretValue."""
        return {logical: s.secret_arn for logical, s in self.secrets.items()}

    def grant_read(self, grantee: iam.IGrantable) -> None:
        """Allow GetSecretValue on exactly these secrets.

        `-??????` matches the six random characters Secrets Manager appends,
        and nothing longer, so a secret named `<name>-extra` is not granted.
        """
        iam.Grant.add_to_principal(
            grantee=grantee,
            actions=list(READ_ACTIONS),
            resource_arns=[f"{arn}-??????" for arn in self.arns.values()],
        )
