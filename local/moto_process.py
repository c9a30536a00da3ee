"""The moto server as a child process, and the tables and secrets a ``LocalPlan`` needs in it.

This side never imports moto: it starts ``python -m local.moto_server``, reads the URL it
prints, and provisions through ordinary botocore clients, as a developer's tools would.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import IO, Self

from local.child import ChildProcess
from local.fake_aws import child_environment, moto_client
from local.template import LocalPlan, LocalSetupError

START_TIMEOUT_SECONDS = 30.0


class MotoProcess(ChildProcess):
    """``with MotoProcess(plan.account, plan.region, log=...) as moto:`` -> ``moto.url`` serves."""

    def __init__(self, account: str, region: str, *, log: IO[str] | None) -> None:
        super().__init__(
            "local.moto_server",
            "--account",
            account,
            environment=child_environment(region, {}),
            log=log,
        )
        self.url = ""

    def __enter__(self) -> Self:
        """Wait (bounded) for the URL it prints once it listens."""
        try:
            self.url = str(self.receive(START_TIMEOUT_SECONDS)["url"])
        except (TimeoutError, EOFError):
            self.stop()
            raise LocalSetupError("the moto server did not start (see the handler log)") from None
        return self


def development_values(plan: LocalPlan) -> dict[str, dict[str, str]]:
    """A fresh random value for each secret; the console prints them once."""
    return {
        env: {logical: f"dev-{env}-{secrets.token_hex(8)}" for logical in names}
        for env, names in plan.secrets.items()
    }


def provision(plan: LocalPlan, url: str, values: Mapping[str, Mapping[str, str]]) -> None:
    """Create the plan's tables (as the template defines them) and its secrets with ``values``."""
    dynamodb = moto_client("dynamodb", endpoint_url=url, region=plan.region)
    secretsmanager = moto_client("secretsmanager", endpoint_url=url, region=plan.region)
    for table in plan.tables:
        dynamodb.create_table(TableName=table.name, **table.definition)
    for env, names in plan.secrets.items():
        for logical, name in names.items():
            secretsmanager.create_secret(Name=name, SecretString=values[env][logical])
