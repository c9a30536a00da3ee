"""The CDK Pipelines stack (`-c pipeline=true`), synthesised once for the module, offline.

Assertions read the CodePipeline resource's stages and their actions' RunOrder, so they check
what CodePipeline will actually do, not how the construct was called.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import cx_api

from stacks.app_builder import new_app
from stacks.pipeline_stack import SMOKE_COMMAND, SYNTH_COMMAND, TEST_COMMAND, PipelineStack
from tests.support.synth import ROOT, reference_context

CONNECTION_ARN = (
    "arn:aws:codeconnections:eu-west-1:444444444444:connection/0f1e2d3c-4b5a-4978-8a9b-0c1d2e3f4a5b"
)
SETTINGS = {
    "connection_arn": CONNECTION_ARN,
    "repository": "my-org/items-api",
    "branch": "main",
    "account": "444444444444",
    "region": "eu-west-1",
}
PIPELINE_STACK = "items-api-pipeline"


class Pipeline:
    """The synthesised pipeline app: its template and the stage assemblies."""

    def __init__(self, stack: PipelineStack, assembly: cx_api.CloudAssembly) -> None:
        self.stack = stack
        self.assembly = assembly
        self.template = assembly.get_stack_by_name(PIPELINE_STACK).template
        (self.codepipeline,) = self.resources("AWS::CodePipeline::Pipeline").values()

    def resources(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {
            logical_id: resource
            for logical_id, resource in self.template["Resources"].items()
            if resource["Type"] == resource_type
        }

    @property
    def stages(self) -> list[dict[str, Any]]:
        return list(self.codepipeline["Properties"]["Stages"])

    def stage(self, name: str) -> dict[str, Any]:
        (found,) = [stage for stage in self.stages if stage["Name"] == name]
        return found

    def stage_names(self) -> list[str]:
        return [stage["Name"] for stage in self.stages]

    def build_spec(self, project_ref: dict[str, str]) -> dict[str, Any]:
        project = self.template["Resources"][project_ref["Ref"]]
        spec = project["Properties"]["Source"]["BuildSpec"]
        return dict(json.loads(spec))

    def deployed_stacks(self) -> dict[str, tuple[str, str, str]]:
        """Stage name -> (stack name, account, region) for every stage's stacks."""
        found = {}
        for artifact in self.assembly.nested_assemblies:
            for stack in artifact.nested_assembly.stacks:
                env = stack.environment
                found[artifact.display_name] = (stack.stack_name, env.account, env.region)
        return found


def actions(stage: dict[str, Any], category: str) -> list[dict[str, Any]]:
    return [a for a in stage["Actions"] if a["ActionTypeId"]["Category"] == category]


def run_orders(stage: dict[str, Any], category: str) -> set[int]:
    return {a["RunOrder"] for a in actions(stage, category)}


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    context = {**reference_context(), "pipeline": "true", "pipeline_settings": SETTINGS}
    outdir = Path(tmp_path_factory.mktemp("pipeline"))
    app = new_app(context, outdir=str(outdir))  # with the compliance gate, as `cdk synth`
    stack = app.node.find_child(PIPELINE_STACK)
    assert isinstance(stack, PipelineStack)
    return Pipeline(stack, app.synth())


def test_the_pipeline_app_holds_only_the_pipeline_stack(pipeline: Pipeline) -> None:
    """`cdk deploy --all -c pipeline=true` must not deploy any environment directly."""
    assert [stack.stack_name for stack in pipeline.assembly.stacks] == [PIPELINE_STACK]
    stack = pipeline.assembly.get_stack_by_name(PIPELINE_STACK)
    assert (stack.environment.account, stack.environment.region) == ("444444444444", "eu-west-1")


def test_source_is_the_configured_connection_and_branch(pipeline: Pipeline) -> None:
    (source,) = actions(pipeline.stage("Source"), "Source")
    assert source["ActionTypeId"]["Provider"] == "CodeStarSourceConnection"
    assert source["Configuration"] == {
        "ConnectionArn": CONNECTION_ARN,
        "FullRepositoryId": "my-org/items-api",
        "BranchName": "main",
    }


def test_synth_runs_the_quality_gate_then_synthesises_the_pipeline(pipeline: Pipeline) -> None:
    (synth,) = actions(pipeline.stage("Build"), "Build")
    commands = pipeline.build_spec(synth["Configuration"]["ProjectName"])["phases"]["build"]
    assert commands["commands"] == [TEST_COMMAND, SYNTH_COMMAND]
    assert SYNTH_COMMAND == "make synth PIPELINE=true"


def test_builds_run_on_a_pinned_image_and_runtimes(pipeline: Pipeline) -> None:
    images = {
        logical_id: project["Properties"]["Environment"]["Image"]
        for logical_id, project in pipeline.resources("AWS::CodeBuild::Project").items()
        # ConfirmPermissionsBroadening brings its own project, with an image it chooses.
        if "SecurityCheck" not in logical_id
    }
    assert set(images.values()) == {"aws/codebuild/standard:8.0"}
    assert len(images) == 4  # synth, self-mutation, assets, smoke test
    (synth,) = actions(pipeline.stage("Build"), "Build")
    install = pipeline.build_spec(synth["Configuration"]["ProjectName"])["phases"]["install"]
    assert install["runtime-versions"] == {"python": "3.13", "nodejs": "24"}


def test_the_pipeline_updates_itself_with_the_cli_package_json_pins(pipeline: Pipeline) -> None:
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]["aws-cdk"]
    (mutate,) = actions(pipeline.stage("UpdatePipeline"), "Build")
    install = pipeline.build_spec(mutate["Configuration"]["ProjectName"])["phases"]["install"]
    assert install["commands"] == [f"npm install -g aws-cdk@{pinned}"]


def test_staging_comes_before_production(pipeline: Pipeline) -> None:
    names = pipeline.stage_names()
    assert names[:4] == ["Source", "Build", "UpdatePipeline", "Assets"]
    assert names[4:] == ["staging", "prod"]


def test_each_stage_deploys_its_environment_stack(pipeline: Pipeline) -> None:
    assert pipeline.deployed_stacks() == {
        f"{PIPELINE_STACK}/staging": ("items-api-staging", "222222222222", "eu-west-1"),
        f"{PIPELINE_STACK}/prod": ("items-api-prod", "333333333333", "eu-west-1"),
    }
    for stage in ("staging", "prod"):
        deploys = actions(pipeline.stage(stage), "Deploy")
        assert {a["Configuration"]["StackName"] for a in deploys} == {f"items-api-{stage}"}


def test_staging_is_smoke_tested_after_its_deploy(pipeline: Pipeline) -> None:
    staging = pipeline.stage("staging")
    (smoke,) = actions(staging, "Build")
    assert smoke["Name"] == "SmokeTest"
    assert smoke["RunOrder"] > max(run_orders(staging, "Deploy"))
    assert not actions(staging, "Approval"), "staging deploys without waiting for anyone"

    variables = json.loads(smoke["Configuration"]["EnvironmentVariables"])
    (url,) = [v for v in variables if v["name"] == "SMOKE_API_URL"]
    assert url["value"].startswith("#{"), url  # a CodePipeline variable from the stack outputs
    assert url["value"].endswith(".ApiUrl}"), url
    build = pipeline.build_spec(smoke["Configuration"]["ProjectName"])["phases"]["build"]
    assert build["commands"] == [SMOKE_COMMAND]


def test_production_is_approved_before_any_of_its_deploy_actions(pipeline: Pipeline) -> None:
    prod = pipeline.stage("prod")
    (approval,) = [a for a in actions(prod, "Approval") if a["Name"] == "PromoteToProduction"]
    assert approval["RunOrder"] < min(run_orders(prod, "Deploy"))


def test_broadened_permissions_are_checked_before_the_approval(pipeline: Pipeline) -> None:
    prod = pipeline.stage("prod")
    by_name = {a["Name"]: a for a in prod["Actions"]}
    check, confirm = by_name["CheckBroadening.Check"], by_name["CheckBroadening.Confirm"]
    assert check["ActionTypeId"]["Category"] == "Build"
    assert confirm["ActionTypeId"]["Category"] == "Approval"
    assert check["RunOrder"] < confirm["RunOrder"] < by_name["PromoteToProduction"]["RunOrder"]


def test_artifacts_are_encrypted_with_a_rotating_key(pipeline: Pipeline) -> None:
    """Cross-account deploys need a customer-managed key on the artifact bucket."""
    (key,) = pipeline.resources("AWS::KMS::Key").values()
    assert key["Properties"]["EnableKeyRotation"] is True
    (bucket,) = pipeline.resources("AWS::S3::Bucket").values()
    (rule,) = bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"


def test_artifacts_travel_over_tls_only(pipeline: Pipeline) -> None:
    (policy,) = pipeline.resources("AWS::S3::BucketPolicy").values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    assert {
        "Action": "s3:*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        "Effect": "Deny",
    }.items() <= statements[0].items()


def test_acknowledgements_stay_on_cdk_pipelines_own_resources(pipeline: Pipeline) -> None:
    """Listed here so that a new one shows up in review; none reaches a deployed stage."""
    applied = pipeline.stack.acknowledgements
    owner = f"{PIPELINE_STACK}/Pipeline/"
    assert all(a.path.startswith(owner) for a in applied)
    assert all(len(a.reason) > 40 for a in applied)
    assert {a.finding for a in applied if not a.finding.startswith("AwsSolutions-IAM5[")} == {
        "AwsSolutions-S1",
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
        "AWSLambdaBasicExecutionRole]",
        "Serverless-LambdaDefaultMemorySize",
        "Serverless-LambdaDLQ",
        "Serverless-LambdaTracing",
    }
    wildcard_roles = {a.path.removeprefix(owner) for a in applied if "IAM5" in a.finding}
    assert wildcard_roles == {
        "Pipeline/Role/DefaultPolicy/Resource",
        "Pipeline/Source/my-org_items-api/CodePipelineActionRole/DefaultPolicy/Resource",
        "Pipeline/Build/Synth/CdkBuildProject/Role/DefaultPolicy/Resource",
        "Pipeline/staging/SmokeTest/SmokeTest/Role/DefaultPolicy/Resource",
        "UpdatePipeline/SelfMutation/Role/DefaultPolicy/Resource",
        "Assets/FileRole/DefaultPolicy/Resource",
        "PipelinesSecurityCheck/CDKPipelinesAutoApprove/ServiceRole/DefaultPolicy/Resource",
        "PipelinesSecurityCheck/CDKSecurityCheck/Role/DefaultPolicy/Resource",
    }
