"""The moto server as a child process, and the tables and secrets a ``LocalPlan`` needs in it.

This side never imports moto: it starts ``python -m local.moto_server``, reads the URL it
prints, and provisions through ordinary botocore clients, as a developer's tools would.
"""

from __future__ import annotations

import json
import secrets
import select
import subprocess
import sys
from collections.abc import Mapping
from types import TracebackType
from typing import IO

from local.fake_aws import child_environment, moto_client
from local.template import LocalPlan, LocalSetupError
from local.workers import ROOT

START_TIMEOUT_SECONDS = 30.0


class MotoProcess:
    """``with MotoProcess(plan.account, plan.region) as moto:`` -> ``moto.url`` serves."""

    def __init__(self, account: str, region: str, *, log: IO[str] | None) -> None:
        self._process = subprocess.Popen(  # noqa: S603 - our interpreter and module, no shell
            [sys.executable, "-m", "local.moto_server", "--account", account],
            cwd=ROOT,
            env=child_environment(region, {}),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            process_group=0,  # Ctrl-C reaches the runner only; it stops moto last
        )
        self.url = ""

    def __enter__(self) -> MotoProcess:
        stdout = self._process.stdout
        assert stdout is not None  # noqa: S101 - set by Popen(stdout=PIPE)
        ready, _, _ = select.select([stdout], [], [], START_TIMEOUT_SECONDS)
        line = stdout.readline() if ready else b""
        if not line:
            self.stop()
            raise LocalSetupError("the moto server did not start (see the handler log)")
        self.url = str(json.loads(line)["url"])
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self, timeout: float = 5.0) -> None:
        """End of input stops the server; kill it only if it does not go in time."""
        if self._process.stdin is not None and not self._process.stdin.closed:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=timeout)
        if self._process.stdout is not None:
            self._process.stdout.close()


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
