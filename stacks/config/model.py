"""The config schema: what an environment may set, with types and bounds.

These models are the contract between `cdk.json` and the constructs. They are
frozen so that nothing downstream can quietly change a resolved value, and they
forbid unknown keys so that a typo fails synth instead of being ignored.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

# CloudWatch Logs accepts only these retention periods.
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip

# Environment names end up in stack names, stage names, alias names and tags.
# Lambda alias names may not be all digits and API Gateway stage names allow
# only [A-Za-z0-9_-]; lower-case kebab fits all of them.
ENV_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,23}$")
SERVICE_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
SNS_TOPIC_ARN_PATTERN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$")
SECRET_NAME_PATTERN = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}$")
STACK_NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,127}$")

# The runtime authenticates writes against this secret, so every environment needs it.
REQUIRED_SECRETS = ("api_key",)


def _check_retention(value: int) -> int:
    if value not in LOG_RETENTION_DAYS:
        allowed = ", ".join(map(str, LOG_RETENTION_DAYS))
        raise ValueError(f"{value} is not a CloudWatch Logs retention period; use one of {allowed}")
    return value


RetentionDays = Annotated[int, AfterValidator(_check_retention)]


def _check_account(value: str) -> str:
    if not re.fullmatch(r"\d{12}", value):
        raise ValueError(f"{value!r} is not a 12-digit AWS account ID (write it as a string)")
    return value


AccountId = Annotated[str, AfterValidator(_check_account)]


class Topology(StrEnum):
    """How environments map onto stacks (see README, "Choosing a topology")."""

    MULTI = "multi"
    SINGLE = "single"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class FunctionSettings(_Strict):
    """Settings of the Lambda function.

    In the single-stack topology one function serves every environment, so
    these must agree across environments (checked in the loader).
    """

    memory_mb: Annotated[int, Field(ge=128, le=10240)] = Field(
        default=512, description="Lambda memory in MB; CPU scales with it."
    )
    timeout_seconds: Annotated[int, Field(ge=1, le=29)] = Field(
        default=10,
        description="Lambda timeout. At most 29: API Gateway gives up on the integration then.",
    )
    reserved_concurrency: Annotated[int, Field(ge=1)] | None = Field(
        default=None,
        description="Reserved concurrent executions, or null for the shared account pool.",
    )
    log_retention_days: RetentionDays = Field(
        default=30, description="Retention of the function's log group, in days."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="Log level of the runtime (POWERTOOLS_LOG_LEVEL)."
    )
    secret_cache_ttl_seconds: Annotated[int, Field(ge=0, le=3600)] = Field(
        default=300,
        description="How long the runtime caches secret values before fetching them again.",
    )
    max_body_bytes: Annotated[int, Field(ge=1, le=10_485_760)] = Field(
        default=16_384,
        description="Largest request body the service accepts; larger ones get a 413.",
    )


class ApiSettings(_Strict):
    """Settings of the REST API stage that fronts the environment."""

    throttle_rate_limit: Annotated[float, Field(gt=0, le=10000)] = Field(
        default=50, description="Steady-state requests per second allowed on the stage."
    )
    throttle_burst_limit: Annotated[int, Field(ge=1, le=5000)] = Field(
        default=100, description="Burst of requests allowed on the stage."
    )
    access_log_retention_days: RetentionDays = Field(
        default=30, description="Retention of the stage's access log group, in days."
    )


class AlarmSettings(_Strict):
    """Alarms on the function and API, and where they notify."""

    enabled: bool = Field(default=True, description="Create error and throttle alarms.")
    topic_arn: str | None = Field(
        default=None,
        description=(
            "SNS topic that alarms notify. Null creates an encrypted topic in the stack; "
            "subscribe your on-call tooling to it."
        ),
    )
    error_threshold: Annotated[int, Field(ge=1)] = Field(
        default=1, description="Function errors in 5 minutes that raise the errors alarm."
    )
    server_error_threshold: Annotated[int, Field(ge=1)] = Field(
        default=5, description="API 5XX responses in 5 minutes that raise the API alarm."
    )
    latency_p99_ms: Annotated[int, Field(ge=1, le=29_000)] = Field(
        default=3000, description="p99 function duration (ms) over 5 minutes that raises the alarm."
    )

    @field_validator("topic_arn")
    @classmethod
    def _topic_arn(cls, value: str | None) -> str | None:
        if value is not None and not SNS_TOPIC_ARN_PATTERN.match(value):
            raise ValueError(
                f"{value!r} is not an SNS topic ARN "
                "(arn:aws:sns:<region>:<12-digit account>:<topic name>)"
            )
        return value


# CodeDeploy's predefined Lambda traffic-shifting configurations.
DeploymentStrategy = Literal[
    "all_at_once",
    "canary_10_percent_5_minutes",
    "canary_10_percent_10_minutes",
    "canary_10_percent_15_minutes",
    "canary_10_percent_30_minutes",
    "linear_10_percent_every_1_minute",
    "linear_10_percent_every_2_minutes",
    "linear_10_percent_every_3_minutes",
    "linear_10_percent_every_10_minutes",
]


class DeploymentSettings(_Strict):
    """How new code reaches traffic in the multi-stack topology."""

    strategy: DeploymentStrategy = Field(
        default="all_at_once",
        description=(
            "CodeDeploy traffic shifting to the new version; canary and linear roll back "
            "automatically when an alarm fires."
        ),
    )


class EnvironmentConfig(_Strict):
    """One deployment environment, fully resolved: defaults merged with its overrides."""

    name: str = Field(description="Environment name, from its key under `environments`.")
    account: AccountId = Field(description="12-digit AWS account ID the environment deploys to.")
    region: str = Field(description="AWS region the environment deploys to.")
    stack_name: str | None = Field(
        default=None,
        description="Explicit stack name; null gives `<service_name>-<environment>`.",
    )
    retain_data: bool = Field(
        default=False,
        description=(
            "Keep the table and logs when the stack is deleted, with deletion protection. "
            "Turns on the prod guardrails."
        ),
    )
    existing_table_name: str | None = Field(
        default=None,
        description=(
            "Use this existing table instead of creating one: how a table kept by the "
            "single-stack topology moves to multi-stack (README: Moving to multi-stack)."
        ),
    )
    protected: bool = Field(
        default=False,
        description=(
            "Single-stack only: the environment's alias stays on `pinned_version` "
            "whatever a deploy publishes. Promote by changing `pinned_version`."
        ),
    )
    pinned_version: Annotated[int, Field(ge=1)] | None = Field(
        default=None,
        description=(
            "Single-stack only: the published function version a protected environment "
            "serves. Use 1 before the first deploy."
        ),
    )
    function: FunctionSettings = Field(default_factory=FunctionSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    alarms: AlarmSettings = Field(default_factory=AlarmSettings)
    deployment: DeploymentSettings = Field(default_factory=DeploymentSettings)
    secrets: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "Secrets Manager secret names the service reads, by logical name. "
            "`{service}` and `{env}` are replaced. The secrets must already exist."
        ),
    )
    tags: dict[str, str] = Field(
        default_factory=dict, description="Extra tags on every resource of the environment."
    )

    @field_validator("stack_name")
    @classmethod
    def _stack_name(cls, value: str | None) -> str | None:
        if value is not None and not STACK_NAME_PATTERN.match(value):
            raise ValueError(
                f"{value!r} is not a valid stack name "
                "(a letter, then letters, digits and hyphens, at most 128)"
            )
        return value

    @field_validator("existing_table_name")
    @classmethod
    def _table_name(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_.-]{3,255}", value):
            raise ValueError(f"{value!r} is not a DynamoDB table name")
        return value

    @field_validator("secrets")
    @classmethod
    def _secrets(cls, value: dict[str, str]) -> dict[str, str]:
        missing = [s for s in REQUIRED_SECRETS if s not in value]
        if missing:
            raise ValueError(
                f"missing {', '.join(missing)}: the service authenticates writes with it; "
                'add e.g. "api_key": "{service}/{env}/api-key"'
            )
        for logical, name in value.items():
            if not re.fullmatch(r"[a-z][a-z0-9_]*", logical):
                raise ValueError(f"{logical!r} is not a logical secret name (lower_snake_case)")
            if not SECRET_NAME_PATTERN.match(name):
                raise ValueError(f"{name!r} is not a valid Secrets Manager secret name")
        return value

    @model_validator(mode="after")
    def _protected_needs_a_version(self) -> EnvironmentConfig:
        if self.protected and self.pinned_version is None:
            raise ValueError(
                "protected is true but pinned_version is not set: set pinned_version to 1 "
                "before the first deploy, then to the version you promote (README: Promote)"
            )
        if self.pinned_version is not None and not self.protected:
            raise ValueError(
                "pinned_version is set but protected is false: an unprotected alias follows "
                "the newest version; set protected to true or remove pinned_version"
            )
        return self

    @model_validator(mode="after")
    def _retained_data_needs_alarms(self) -> EnvironmentConfig:
        if self.retain_data and not self.alarms.enabled:
            raise ValueError(
                "retain_data is true but alarms.enabled is false: an environment whose data "
                "matters must page someone; enable alarms"
            )
        return self

    @model_validator(mode="after")
    def _gradual_deployment_needs_alarms(self) -> EnvironmentConfig:
        if self.deployment.strategy != "all_at_once" and not self.alarms.enabled:
            raise ValueError(
                f"deployment.strategy is {self.deployment.strategy} but alarms.enabled is false: "
                "a gradual deployment rolls back on alarms; enable alarms or use all_at_once"
            )
        return self


class SharedStackConfig(_Strict):
    """Where the single-stack topology's one stack lives (multi-stack ignores it)."""

    account: AccountId = Field(description="12-digit AWS account ID of the shared stack.")
    region: str = Field(description="AWS region of the shared stack.")


class AppConfig(BaseModel):
    """The whole app: which environments exist and which of them to synthesise."""

    model_config = ConfigDict(frozen=True)

    service_name: str
    topology: Topology
    environments: tuple[EnvironmentConfig, ...]
    selected: tuple[str, ...]
    shared_stack: SharedStackConfig | None = None

    def stack_name(self, env: EnvironmentConfig) -> str:
        """Stable, explicit stack names, so that a refactor never orphans a deployed stack."""
        return env.stack_name or f"{self.service_name}-{env.name}"

    @property
    def shared_stack_name(self) -> str:
        return f"{self.service_name}-shared"

    @property
    def selected_environments(self) -> tuple[EnvironmentConfig, ...]:
        return tuple(e for e in self.environments if e.name in self.selected)
