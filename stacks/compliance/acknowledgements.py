"""Every cdk-nag finding this project accepts, with the reason: review changes here like code.

Each entry names one finding (the exact id cdk-nag prints) on one kind of
resource, found by its construct path below its stack and its CloudFormation
type, so it acknowledges that resource's L1 construct and nothing around it.
There is no stack-wide acknowledgement, and none for the project's own checks
(they report "fatal" findings, which CDK lets nobody acknowledge).

Adding an entry: fix the finding if you reasonably can. If not, add an entry
whose reason says why the finding does not apply or what covers the risk
instead, run `make snapshots`, and let review see the new line in
tests/compliance/__snapshots__/acknowledgements.json.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import cast

from aws_cdk import Acknowledgment, CfnResource, Stack, Validations
from constructs import IConstruct


@dataclass(frozen=True)
class Acknowledgement:
    """One accepted finding on the resources at `paths` (below their stack) of `resource_type`.

    A path segment may use shell wildcards (`Stage-*`); a wildcard never spans
    a `/`, so a pattern cannot reach into children of what it names.
    """

    finding: str
    resource_type: str
    paths: tuple[str, ...]
    reason: str

    def applies_to(self, resource_type: str, path_in_stack: str) -> bool:
        if resource_type != self.resource_type:
            return False
        segments = path_in_stack.split("/")
        return any(_match(segments, pattern.split("/")) for pattern in self.paths)


def _match(segments: list[str], pattern: list[str]) -> bool:
    return len(segments) == len(pattern) and all(map(fnmatchcase, segments, pattern))


FUNCTION = ("Service/Function/Resource",)
API_METHODS = ("Api/Api/Default/ANY/Resource", "Api/Api/Default/{proxy+}/ANY/Resource")
RUNTIME_PINNED = (
    "The runtime is pinned on purpose (stacks/components/function.py RUNTIME): the bundled "
    "dependencies and the bench/ figures are for that version, and moving it is a change of "
    "its own, benchmarked and reviewed, not a side effect of a cdk-nag upgrade."
)
PUBLIC_READS = (
    "By design reads are public and writes are authenticated: the handler checks the x-api-key "
    "header of every write against the environment's Secrets Manager secret (lambda_src/service"
    "/api.py) and answers 401 otherwise. The routes share one proxy method, so an API Gateway "
    "authorizer would also have to guard the public reads; stage throttling bounds abuse."
)

ACKNOWLEDGEMENTS: tuple[Acknowledgement, ...] = (
    Acknowledgement(
        finding="AwsSolutions-IAM5[Resource::*]",
        resource_type="AWS::IAM::Policy",
        paths=("Service/ExecutionRole/DefaultPolicy/Resource",),
        reason=(
            "Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no "
            "resource-level permissions, so AWS requires Resource '*' for them. Every other "
            "statement of this policy names its table, secret or log group (tests/compliance "
            "fails if any other action gets Resource '*')."
        ),
    ),
    Acknowledgement(
        finding="AwsSolutions-L1",
        resource_type="AWS::Lambda::Function",
        paths=FUNCTION,
        reason=RUNTIME_PINNED,
    ),
    Acknowledgement(
        finding="Serverless-LambdaLatestVersion",
        resource_type="AWS::Lambda::Function",
        paths=FUNCTION,
        reason=RUNTIME_PINNED,
    ),
    Acknowledgement(
        finding="Serverless-LambdaDLQ",
        resource_type="AWS::Lambda::Function",
        paths=FUNCTION,
        reason=(
            "Invoked only synchronously, by API Gateway's AWS_PROXY integration: a failed call "
            "returns an error to the client and raises the Errors alarm, and a dead-letter queue "
            "or on-failure destination only ever receives failed asynchronous invocations "
            "(tests/compliance fails if anything may invoke the function asynchronously)."
        ),
    ),
    Acknowledgement(
        finding="AwsSolutions-APIG2",
        resource_type="AWS::ApiGateway::RestApi",
        paths=("Api/Api/Resource",),
        reason=(
            "Request parameters are validated by API Gateway (ParameterValidator). Bodies are "
            "validated by the handler, with field-level messages and the max_body_bytes limit: "
            "one ANY {proxy+} method serves every route and cannot carry a per-route model, and "
            "validateRequestBody without a model would pass this rule while validating nothing."
        ),
    ),
    Acknowledgement(
        finding="AwsSolutions-APIG3",
        resource_type="AWS::ApiGateway::Stage",
        paths=("Api/Stage-*/Resource",),
        reason=(
            "No WAF web ACL: stage throttling (config api.throttle_*) already bounds request "
            "rates; a web ACL costs about USD 5 a month plus USD 1 per rule per environment; and "
            "AWS's common rule set blocks bodies over 8 KB, below the service's max_body_bytes. "
            "Add an AWS::WAFv2::WebACLAssociation per stage once the API faces hostile traffic."
        ),
    ),
    Acknowledgement(
        finding="AwsSolutions-APIG4",
        resource_type="AWS::ApiGateway::Method",
        paths=API_METHODS,
        reason=PUBLIC_READS,
    ),
    Acknowledgement(
        finding="AwsSolutions-COG4",
        resource_type="AWS::ApiGateway::Method",
        paths=API_METHODS,
        reason=(
            "No Cognito user pool: callers are services holding an API key, not users who sign "
            "in, so there is no user pool to authorise against. " + PUBLIC_READS
        ),
    ),
    Acknowledgement(
        finding=(
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AmazonAPIGatewayPushToCloudWatchLogs]"
        ),
        resource_type="AWS::IAM::Role",
        paths=("Api/Api/CloudWatchRole/Resource",),
        reason=(
            "API Gateway's account-wide logging role (cloud_watch_role=True): it writes the "
            "execution logs of every API in the account and region, whose log groups API Gateway "
            "names and creates itself, so an inline policy would need Resource '*' as well. The "
            "AWS-managed policy is the one AWS documents for this role and keeps it current."
        ),
    ),
    Acknowledgement(
        finding=(
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AWSCodeDeployRoleForLambdaLimited]"
        ),
        resource_type="AWS::IAM::Role",
        paths=("Release/Deployment/ServiceRole/Resource",),
        reason=(
            "CodeDeploy's service role for shifting the live alias: "
            "AWSCodeDeployRoleForLambdaLimited is AWS's least-privilege policy for Lambda "
            "deployments (alias updates, alarm reads, CodeDeployHook_* hooks only), maintained "
            "by AWS as CodeDeploy changes; an inline copy would drift from what CodeDeploy needs."
        ),
    ),
)


@dataclass(frozen=True)
class Applied:
    """An acknowledgement as recorded on one resource."""

    finding: str
    path: str
    reason: str


def acknowledge(root: IConstruct) -> list[Applied]:
    """Record every matching acknowledgement on the resources below `root`; return them."""
    applied = []
    for resource, path_in_stack in _resources(root):
        for ack in ACKNOWLEDGEMENTS:
            if ack.applies_to(resource.cfn_resource_type, path_in_stack):
                Validations.of(resource).acknowledge(
                    Acknowledgment(id=ack.finding, reason=ack.reason)
                )
                applied.append(Applied(ack.finding, resource.node.path, ack.reason))
    return applied


def _resources(root: IConstruct) -> Iterator[tuple[CfnResource, str]]:
    for construct in root.node.find_all():
        if CfnResource.is_cfn_resource(construct):
            resource = cast(CfnResource, construct)
            stack_path = Stack.of(resource).node.path
            yield resource, resource.node.path.removeprefix(stack_path + "/")
