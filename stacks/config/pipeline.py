"""Config of the optional CDK Pipelines deployment (`-c pipeline=true`).

The `pipeline_settings` object in cdk.json says where the pipeline lives and which repository
it follows; the environments it deploys come from `environments` like everything else. It is
validated the way the rest of the config is: every problem at once, each saying how to fix it.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from stacks.config.errors import ConfigError, show
from stacks.config.loader import known_regions
from stacks.config.model import AccountId, AppConfig, EnvironmentConfig, Topology

# `-c pipeline=true` switches the app to the pipeline; the settings live under another key, so
# that the flag given on the command line cannot replace the settings object in cdk.json.
FLAG_KEY = "pipeline"
SETTINGS_KEY = "pipeline_settings"

CONNECTION_ARN_PATTERN = re.compile(
    r"^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:"
    r"connection/[0-9a-f-]{36}$"
)
REPOSITORY_PATTERN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
# Enough of git's ref-name rules to catch typos: no spaces, no leading '-', no '..'.
BRANCH_PATTERN = re.compile(r"^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]{1,255}$")
EXACT_VERSION_PATTERN = re.compile(r"^\d+\.\d+\.\d+$")

EXAMPLE = (
    '"pipeline_settings": {"connection_arn": "arn:aws:codeconnections:eu-west-1:444444444444:'
    'connection/<uuid>", "repository": "my-org/items-api", "branch": "main", '
    '"account": "444444444444", "region": "eu-west-1"}'
)


class PipelineSettings(BaseModel):
    """Where the pipeline runs, what it watches, and which environments it promotes through."""

    # Strict like the environment models: a typo or a number written as a string fails synth.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    connection_arn: str = Field(
        description=(
            "ARN of the CodeConnections (CodeStar Connections) connection to GitHub, Bitbucket "
            "or GitLab; create it and finish the handshake in the console first."
        )
    )
    repository: str = Field(description='The repository the pipeline builds, as "owner/repo".')
    branch: str = Field(default="main", description="The branch whose pushes start the pipeline.")
    account: AccountId = Field(description="12-digit AWS account ID of the pipeline (tooling).")
    region: str = Field(description="AWS region of the pipeline.")
    staging_environment: str = Field(
        default="staging",
        description="Environment deployed first and smoke-tested, with no approval.",
    )
    production_environment: str = Field(
        default="prod",
        description="Environment deployed after a manual approval and a permissions check.",
    )

    @field_validator("connection_arn")
    @classmethod
    def _connection_arn(cls, value: str) -> str:
        if not CONNECTION_ARN_PATTERN.match(value):
            raise ValueError(
                "not a CodeConnections connection ARN "
                "(arn:aws:codeconnections:<region>:<account>:connection/<uuid>)"
            )
        return value

    @field_validator("repository")
    @classmethod
    def _repository(cls, value: str) -> str:
        if not REPOSITORY_PATTERN.match(value):
            raise ValueError('not a repository name; write it as "owner/repo"')
        return value

    @field_validator("branch")
    @classmethod
    def _branch(cls, value: str) -> str:
        if not BRANCH_PATTERN.match(value):
            raise ValueError("not a valid branch name")
        return value


def pipeline_enabled(flag: Any) -> bool:
    """Read `-c pipeline=...`: absent or false means the plain app, true means the pipeline."""
    if flag is None or flag is False or flag == "false":
        return False
    if flag is True or flag == "true":
        return True
    raise ConfigError([f"{FLAG_KEY}: expected true or false, got {flag!r}"])


def load_pipeline_settings(raw: Any, config: AppConfig) -> PipelineSettings:
    """Validate `pipeline_settings` against the schema and the app's environments."""
    problems: list[str] = []
    if config.topology is not Topology.MULTI:
        problems.append(
            f"{FLAG_KEY}: the pipeline deploys one stack per environment, so it needs "
            f"topology=multi (got topology={config.topology.value})"
        )
    if raw is None:
        raise ConfigError(
            [*problems, f"{SETTINGS_KEY}: required with -c {FLAG_KEY}=true; {EXAMPLE}"]
        )
    if not isinstance(raw, Mapping):
        raise ConfigError([*problems, f"{SETTINGS_KEY}: expected an object; {EXAMPLE}"])
    settings = None
    try:
        settings = PipelineSettings.model_validate(raw)
    except ValidationError as err:
        problems.extend(_describe(err))
    region = raw.get("region")
    if isinstance(region, str) and region not in known_regions():
        problems.append(f"{SETTINGS_KEY}.region: {region!r} is not an AWS region")
    if settings is not None:
        problems.extend(_environment_problems(settings, config))
    if problems or settings is None:
        raise ConfigError(problems)
    return settings


def pipeline_environments(
    settings: PipelineSettings, config: AppConfig
) -> tuple[EnvironmentConfig, EnvironmentConfig]:
    """The (staging, production) environments the settings name; validated to exist."""
    by_name = {env.name: env for env in config.environments}
    return by_name[settings.staging_environment], by_name[settings.production_environment]


def cli_version(package_json: Path) -> str:
    """The exact `aws-cdk` version package.json pins, so the pipeline runs the CLI we test with."""
    try:
        version = json.loads(package_json.read_text())["devDependencies"]["aws-cdk"]
    except (OSError, ValueError, KeyError, TypeError):
        raise ConfigError(
            [f"{package_json.name}: cannot read devDependencies.aws-cdk (the CDK CLI pin)"]
        ) from None
    if not isinstance(version, str) or not EXACT_VERSION_PATTERN.match(version):
        raise ConfigError(
            [
                f"{package_json.name}: devDependencies.aws-cdk is {version!r}; pin an exact "
                'version such as "2.1148.1" so the pipeline and local runs use the same CLI'
            ]
        )
    return version


def _environment_problems(settings: PipelineSettings, config: AppConfig) -> list[str]:
    names = [env.name for env in config.environments]
    problems = []
    for field in ("staging_environment", "production_environment"):
        name = getattr(settings, field)
        if name not in names:
            problems.append(
                f"{SETTINGS_KEY}.{field}: no environment {name!r}; valid environments: "
                + ", ".join(names)
            )
    if settings.staging_environment == settings.production_environment:
        problems.append(
            f"{SETTINGS_KEY}: staging_environment and production_environment are both "
            f"{settings.staging_environment!r}; production must be promoted from another one"
        )
    return problems


def _describe(err: ValidationError) -> list[str]:
    messages = []
    for error in err.errors(include_url=False):
        where = ".".join([SETTINGS_KEY, *(str(p) for p in error["loc"])])
        if error["type"] == "extra_forbidden":
            key = str(error["loc"][-1])
            fields = list(PipelineSettings.model_fields)
            close = difflib.get_close_matches(key, fields, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"valid keys: {', '.join(fields)}"
            messages.append(f"{where}: unknown key; {hint}")
        elif error["type"] == "missing":
            messages.append(f"{where}: required; {EXAMPLE}")
        else:
            msg = error["msg"].removeprefix("Value error, ")
            messages.append(f"{where}: {msg} (got {show(error.get('input'))})")
    return messages
