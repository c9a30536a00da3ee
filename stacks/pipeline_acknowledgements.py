"""The cdk-nag findings that CDK Pipelines' own resources raise, and why each is accepted.

CDK Pipelines generates the pipeline's roles, artifact bucket and security-check function; the
project cannot change their shape without forking the construct. Rather than one blanket
acknowledgement, each finding is matched against a narrow *shape* with a reason: the policy
statement must grant what the shape describes (this stack's artifact bucket, its CodeBuild log
groups, CDK bootstrap roles under their tag condition, ...). A finding of any other shape is
left alone, so the compliance gate fails and a person reviews it.

The finding ids embed the pipeline's account, region and logical ids, so they are computed
here at synth rather than listed in stacks/compliance/acknowledgements.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast

from aws_cdk import Acknowledgment, CfnResource, Stack, Validations
from aws_cdk import aws_iam as iam
from constructs import IConstruct

Statement = Mapping[str, Any]

BOOTSTRAP_ROLE_TAG = "iam:ResourceTag/aws-cdk:bootstrap-role"
BUCKET_READ_WRITE = re.compile(r"^s3:(Abort|DeleteObject|GetBucket|GetObject|List)\*$")
KEY_USE = re.compile(r"^kms:(GenerateDataKey|ReEncrypt)\*$")

# Paths below the CodePipeline construct.
ARTIFACT_BUCKET = "Pipeline/ArtifactsBucket/Resource"
ARTIFACT_KEY = "Pipeline/ArtifactsBucketEncryptionKey/Resource"
# The security-check function that ConfirmPermissionsBroadening adds.
AUTO_APPROVE_FUNCTION = "PipelinesSecurityCheck/CDKPipelinesAutoApprove/Resource"
AUTO_APPROVE_ROLE = "PipelinesSecurityCheck/CDKPipelinesAutoApprove/ServiceRole/Resource"
AUTO_APPROVE_REASON = (
    "CDK Pipelines' own approval function (ConfirmPermissionsBroadening): it only marks the "
    "broadening check approved, once per release, and its settings are not configurable."
)
FIXED_FINDINGS: dict[str, tuple[tuple[str, str], ...]] = {
    ARTIFACT_BUCKET: (
        (
            "AwsSolutions-S1",
            "Holds only transient build outputs, used by the pipeline's roles and the target "
            "accounts' CDK deploy roles: TLS-only bucket policy, encrypted with the pipeline's "
            "rotating KMS key. Access logs would need a second bucket to record those roles.",
        ),
    ),
    AUTO_APPROVE_ROLE: (
        (
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AWSLambdaBasicExecutionRole]",
            AUTO_APPROVE_REASON + " The managed policy only lets it write its own logs.",
        ),
    ),
    AUTO_APPROVE_FUNCTION: (
        ("Serverless-LambdaDefaultMemorySize", AUTO_APPROVE_REASON),
        (
            "Serverless-LambdaDLQ",
            AUTO_APPROVE_REASON + " If it fails, the broadening approval stays pending for a "
            "person to decide, so a dead-letter queue would keep nothing of value.",
        ),
        ("Serverless-LambdaTracing", AUTO_APPROVE_REASON),
    ),
}


@dataclass(frozen=True)
class Applied:
    """One acknowledgement recorded on a resource."""

    finding: str
    path: str
    reason: str


def acknowledge_pipeline(pipeline: IConstruct) -> list[Applied]:
    """Acknowledge the accepted findings on the resources below the CodePipeline construct."""
    stack = Stack.of(pipeline)
    resources = dict(_resources(pipeline))
    logical_ids = {path: stack.get_logical_id(resource) for path, resource in resources.items()}
    shapes = _wildcard_shapes(stack, logical_ids)
    applied = []
    for path, resource in resources.items():
        findings = list(FIXED_FINDINGS.get(path, ()))
        if isinstance(resource, iam.CfnPolicy):
            document = stack.resolve(resource.policy_document)
            findings += _accepted_wildcards(document, shapes)
        for finding, reason in findings:
            Validations.of(resource).acknowledge(Acknowledgment(id=finding, reason=reason))
            applied.append(Applied(finding, resource.node.path, reason))
    return applied


Shape = Callable[[str, Statement], str | None]


def _wildcard_shapes(stack: Stack, logical_ids: Mapping[str, str]) -> list[Shape]:
    """Each shape returns its reason if a wildcard in a statement is of its kind, else None."""
    own = f"{re.escape(stack.region)}:{re.escape(stack.account)}"
    logs = re.compile(rf"^arn:aws[a-z-]*:logs:{own}:log-group:/aws/codebuild/(<\w+>|\*)(:\*)?$")
    reports = re.compile(rf"^arn:aws[a-z-]*:codebuild:{own}:report-group/(<\w+>-)?\*$")
    bucket = f"<{logical_ids[ARTIFACT_BUCKET]}.Arn>"
    artifacts = {bucket, f"{bucket}/*", f"<{logical_ids[ARTIFACT_KEY]}.Arn>"}
    auto_approve_versions = f"<{logical_ids[AUTO_APPROVE_FUNCTION]}.Arn>:*"
    bootstrap_roles = f"arn:*:iam::{stack.account}:role/*"

    def artifact_grants(wildcard: str, statement: Statement) -> str | None:
        if BUCKET_READ_WRITE.match(wildcard) or KEY_USE.match(wildcard):
            targets = _resources_of(statement)
            if targets and set(targets) <= artifacts:
                return "CDK's read/write grant on the pipeline's own artifact bucket and its key."
        if wildcard == f"{bucket}/*":
            return "Objects of the pipeline's own artifact bucket, which holds only build outputs."
        return None

    def codebuild_logs(wildcard: str, statement: Statement) -> str | None:
        if logs.match(wildcard) or reports.match(wildcard):
            return "CodeBuild's log streams and test reports of this pipeline's projects."
        return None

    def bootstrap(wildcard: str, statement: Statement) -> str | None:
        condition = statement.get("Condition", {}).get("ForAnyValue:StringEquals", {})
        if wildcard in (bootstrap_roles, "*") and BOOTSTRAP_ROLE_TAG in condition:
            return "Only CDK bootstrap roles, by their aws-cdk:bootstrap-role tag condition."
        return None

    def any_resource(wildcard: str, statement: Statement) -> str | None:
        actions = set(_list(statement.get("Action", [])))
        if wildcard != "*":
            return None
        if actions <= {"cloudformation:DescribeStacks", "s3:ListBucket"}:
            return "Self-mutation looks up the bootstrap stack and bucket, read-only."
        if actions <= {"codebuild:BatchGetBuilds", "codebuild:StartBuild", "codebuild:StopBuild"}:
            return "CodePipeline's action role starts the asset projects CDK Pipelines creates."
        condition = statement.get("Condition", {}).get("StringEquals", {})
        if condition.get("aws:ResourceTag/SECURITY_CHECK") == "ALLOW_APPROVE":
            return "Approves only pipelines tagged SECURITY_CHECK=ALLOW_APPROVE."
        return None

    def invoke_versions(wildcard: str, statement: Statement) -> str | None:
        if wildcard == auto_approve_versions:
            return "The security check invokes its own approval function (any version)."
        return None

    return [artifact_grants, codebuild_logs, bootstrap, any_resource, invoke_versions]


def _accepted_wildcards(document: Mapping[str, Any], shapes: list[Shape]) -> list[tuple[str, str]]:
    """IAM5 findings whose every occurrence in the policy fits a shape, with that reason."""
    reasons: dict[str, set[str | None]] = {}
    for statement in document.get("Statement", []):
        wildcards = [("Action", a) for a in _list(statement.get("Action", [])) if "*" in a]
        wildcards += [("Resource", r) for r in _resources_of(statement) if "*" in r]
        for kind, value in wildcards:
            reason = next((r for shape in shapes if (r := shape(value, statement))), None)
            reasons.setdefault(f"AwsSolutions-IAM5[{kind}::{value}]", set()).add(reason)
    accepted = []
    for finding, found in sorted(reasons.items()):
        (reason,) = found if len(found) == 1 else {None}
        if reason is not None:
            accepted.append((finding, reason))
    return accepted


def _resources_of(statement: Statement) -> list[str]:
    return [_render(r) for r in _list(statement.get("Resource", []))]


def _render(value: Any) -> str:
    """A resource as cdk-nag names it in a finding: `<LogicalId>`, `<LogicalId.Attr>`."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        if "Ref" in value:
            return f"<{value['Ref']}>"
        if "Fn::GetAtt" in value:
            attribute = value["Fn::GetAtt"]
            return f"<{'.'.join(attribute) if isinstance(attribute, list) else attribute}>"
        if "Fn::Join" in value:
            separator, parts = value["Fn::Join"]
            return str(separator).join(_render(part) for part in parts)
    return repr(value)  # an intrinsic no shape knows: never matches, so never acknowledged


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _resources(root: IConstruct) -> Iterator[tuple[str, CfnResource]]:
    """(path below `root`, resource) for every CloudFormation resource below `root`."""
    prefix = root.node.path + "/"
    for construct in root.node.find_all():
        if CfnResource.is_cfn_resource(construct):
            resource = cast(CfnResource, construct)
            yield resource.node.path.removeprefix(prefix), resource
