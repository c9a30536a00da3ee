"""Resolve the CloudFormation intrinsics a synthesised template uses, with local values.

Only what the stacks emit is supported (``Ref``, ``Fn::GetAtt``, ``Fn::Join``); anything else
raises ``LocalSetupError`` naming it, because a silently wrong table name or alias would make the
local stack quietly differ from the deployed one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PARTITION = "aws"
URL_SUFFIX = "amazonaws.com"
_MAX_FUNCTION_NAME = 64


class LocalSetupError(Exception):
    """The assembly cannot be served locally; the message says why."""


class Resolver:
    """Renders template values, mapping each resource to what the local stack calls it."""

    def __init__(
        self,
        *,
        stack_name: str,
        account: str,
        region: str,
        resources: Mapping[str, Mapping[str, Any]],
        table_names: Mapping[str, str],
        api_id: str,
    ) -> None:
        self._stack = stack_name
        self._resources = resources
        self._tables = table_names
        self._api_id = api_id
        self._pseudo = {
            "AWS::Region": region,
            "AWS::AccountId": account,
            "AWS::Partition": PARTITION,
            "AWS::URLSuffix": URL_SUFFIX,
            "AWS::StackName": stack_name,
        }
        self._lambda_prefix = f"arn:{PARTITION}:lambda:{region}:{account}:function:"
        self._dynamodb_prefix = f"arn:{PARTITION}:dynamodb:{region}:{account}:table/"

    def resolve(self, value: Any) -> Any:
        """``value`` with every intrinsic replaced by a plain string."""
        if isinstance(value, Mapping):
            if set(value) == {"Ref"}:
                return self._ref(str(value["Ref"]))
            if set(value) == {"Fn::GetAtt"}:
                logical_id, attribute = value["Fn::GetAtt"]
                return self._get_att(str(logical_id), str(attribute))
            if set(value) == {"Fn::Join"}:
                separator, parts = value["Fn::Join"]
                return str(separator).join(str(self.resolve(part)) for part in parts)
            intrinsics = [key for key in value if str(key).startswith("Fn::")]
            if intrinsics:
                raise LocalSetupError(f"{self._stack}: {intrinsics[0]} is not supported locally")
            return {key: self.resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        return value

    def function_name(self, logical_id: str) -> str:
        """What CloudFormation would name the function, minus its random suffix."""
        name = self._resources[logical_id].get("Properties", {}).get("FunctionName")
        return name if isinstance(name, str) else f"{self._stack}-{logical_id}"[:_MAX_FUNCTION_NAME]

    def function_logical_id(self, function_name: str) -> str:
        """The inverse of ``function_name``."""
        for logical_id, resource in self._resources.items():
            if resource.get("Type") == "AWS::Lambda::Function" and (
                self.function_name(logical_id) == function_name
            ):
                return logical_id
        raise LocalSetupError(f"{self._stack}: no function named {function_name}")

    def _ref(self, name: str) -> str:
        if name in self._pseudo:
            return self._pseudo[name]
        resource_type, properties = self._resource(name)
        if resource_type == "AWS::DynamoDB::Table":
            return self._tables[name]
        if resource_type == "AWS::Lambda::Function":
            return self.function_name(name)
        if resource_type == "AWS::Lambda::Alias":  # Ref of an alias is its ARN
            function = self.resolve(properties["FunctionName"])
            return f"{self._function_arn(str(function))}:{properties['Name']}"
        if resource_type == "AWS::ApiGateway::RestApi":
            return self._api_id
        if resource_type == "AWS::ApiGateway::Stage":
            return str(properties["StageName"])
        raise LocalSetupError(f"{self._stack}: cannot resolve Ref {name} ({resource_type})")

    def _get_att(self, logical_id: str, attribute: str) -> str:
        resource_type, _ = self._resource(logical_id)
        if (resource_type, attribute) == ("AWS::Lambda::Function", "Arn"):
            return self._function_arn(self.function_name(logical_id))
        if (resource_type, attribute) == ("AWS::DynamoDB::Table", "Arn"):
            return self._dynamodb_prefix + self._tables[logical_id]
        raise LocalSetupError(
            f"{self._stack}: cannot resolve Fn::GetAtt {logical_id}.{attribute} ({resource_type})"
        )

    def _function_arn(self, name_or_arn: str) -> str:
        return name_or_arn if name_or_arn.startswith("arn:") else self._lambda_prefix + name_or_arn

    def _resource(self, logical_id: str) -> tuple[str, Mapping[str, Any]]:
        resource = self._resources.get(logical_id)
        if resource is None:
            raise LocalSetupError(f"{self._stack}: no resource {logical_id}")
        return str(resource.get("Type")), resource.get("Properties", {})
