"""AWS-native continuous delivery: a self-mutating CDK Pipelines stack (`-c pipeline=true`).

The pipeline runs in its own (tooling) account and follows one branch through CodeConnections:

    Source -> Build (`make test`, then `make synth`) -> UpdatePipeline (self-mutation) -> Assets
      -> staging: deploy its ServiceStack, then smoke-test the API it outputs
      -> production: check for broadened permissions, wait for a manual approval, deploy

Each stage deploys the same ServiceStack, under the same stack name, as `make deploy` and the
GitHub and Bitbucket workflows do, so switching between them never orphans a stack.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aws_cdk import App, CfnOutput, Environment, Stack, Stage, pipelines
from aws_cdk import aws_codebuild as codebuild
from constructs import Construct

from stacks.config import AppConfig, EnvironmentConfig
from stacks.config.pipeline import (
    SETTINGS_KEY,
    PipelineSettings,
    cli_version,
    load_pipeline_settings,
    pipeline_environments,
)
from stacks.pipeline_acknowledgements import acknowledge_pipeline
from stacks.service_stack import ServiceStack
from stacks.tagging import apply_tags

PACKAGE_JSON = Path(__file__).resolve().parents[1] / "package.json"

# The README's quality gate runs before anything is synthesised, as it does locally and in CI.
TEST_COMMAND = "make test"
SYNTH_COMMAND = "make synth PIPELINE=true"
SMOKE_COMMAND = "make smoke"
# Ubuntu 24.04 CodeBuild image; its runtimes are pinned so that an image update cannot move
# them: Python as in Lambda and CI, Node as the Makefile's (which runs the CDK CLI in our steps;
# this one runs CDK Pipelines' own self-mutation and asset steps).
BUILD_IMAGE = codebuild.LinuxBuildImage.STANDARD_8_0
RUNTIME_VERSIONS = {"python": "3.13", "nodejs": "24"}


def add_pipeline(app: App, config: AppConfig) -> PipelineStack:
    """Add the pipeline stack that `pipeline_settings` describes. Raises `ConfigError`."""
    settings = load_pipeline_settings(app.node.try_get_context(SETTINGS_KEY), config)
    staging, production = pipeline_environments(settings, config)
    return PipelineStack(
        app,
        f"{config.service_name}-pipeline",
        settings=settings,
        stages=(
            ServiceStageSpec(config.service_name, staging, config.stack_name(staging)),
            ServiceStageSpec(config.service_name, production, config.stack_name(production)),
        ),
        cli_version=cli_version(PACKAGE_JSON),
    )


@dataclass(frozen=True)
class ServiceStageSpec:
    """What one pipeline stage deploys: an environment's ServiceStack under its stack name."""

    service_name: str
    env_config: EnvironmentConfig
    stack_name: str


class ServiceStage(Stage):
    """One environment's ServiceStack as a unit the pipeline deploys."""

    def __init__(self, scope: Construct, construct_id: str, *, spec: ServiceStageSpec) -> None:
        env = spec.env_config
        super().__init__(
            scope, construct_id, env=Environment(account=env.account, region=env.region)
        )
        self.service = ServiceStack(
            self, spec.stack_name, service_name=spec.service_name, env_config=env
        )

    @property
    def api_url(self) -> CfnOutput:
        """The stack's `ApiUrl` output, for steps that run after the deploy."""
        output = self.service.node.find_child("ApiUrl")
        if not isinstance(output, CfnOutput):  # pragma: no cover - ServiceStack's contract
            raise TypeError(f"{self.service.stack_name}: ApiUrl is not a CfnOutput")
        return output


class PipelineStack(Stack):
    """CodePipeline that tests, synthesises, updates itself, and promotes staging to prod."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: PipelineSettings,
        stages: tuple[ServiceStageSpec, ServiceStageSpec],
        cli_version: str,
    ) -> None:
        staging_spec, production_spec = stages
        super().__init__(
            scope,
            construct_id,
            stack_name=construct_id,
            env=Environment(account=settings.account, region=settings.region),
            description=(
                f"{staging_spec.service_name}: pipeline from {settings.repository}@"
                f"{settings.branch} to {staging_spec.env_config.name}, then "
                f"{production_spec.env_config.name}"
            ),
        )
        apply_tags(self, service=staging_spec.service_name, environment="pipeline", extra={})

        source = pipelines.CodePipelineSource.connection(
            settings.repository, settings.branch, connection_arn=settings.connection_arn
        )
        self.pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            pipeline_name=construct_id,
            synth=pipelines.ShellStep(
                "Synth",
                input=source,
                commands=[TEST_COMMAND, SYNTH_COMMAND],
                primary_output_directory="cdk.out",
            ),
            # The CLI that package.json pins, so the pipeline deploys with what we test with.
            cli_version=cli_version,
            # The environments live in other accounts: the artifact bucket needs a KMS key
            # that their deploy roles may use (and rotating it costs nothing).
            cross_account_keys=True,
            enable_key_rotation=True,
            code_build_defaults=pipelines.CodeBuildOptions(
                build_environment=codebuild.BuildEnvironment(build_image=BUILD_IMAGE),
                partial_build_spec=codebuild.BuildSpec.from_object(
                    {"phases": {"install": {"runtime-versions": RUNTIME_VERSIONS}}}
                ),
            ),
        )

        staging = ServiceStage(self, staging_spec.env_config.name, spec=staging_spec)
        self.pipeline.add_stage(
            staging,
            post=[
                pipelines.ShellStep(
                    "SmokeTest",
                    input=source,
                    env_from_cfn_outputs={"SMOKE_API_URL": staging.api_url},
                    commands=[SMOKE_COMMAND],
                )
            ],
        )

        production = ServiceStage(self, production_spec.env_config.name, spec=production_spec)
        # Broadened IAM or security-group changes need their own approval; the person who then
        # promotes the release sees that check's result before they approve.
        broadening = pipelines.ConfirmPermissionsBroadening("CheckBroadening", stage=production)
        approval = pipelines.ManualApprovalStep(
            "PromoteToProduction",
            comment=(
                f"Deploy to {production_spec.env_config.name} what "
                f"{staging_spec.env_config.name} runs and passed its smoke test with?"
            ),
        )
        approval.add_step_dependency(broadening)
        self.pipeline.add_stage(production, pre=[broadening, approval])

        # Build now, so that the generated roles and buckets exist to be acknowledged.
        self.pipeline.build_pipeline()
        self.acknowledgements = acknowledge_pipeline(self.pipeline)
