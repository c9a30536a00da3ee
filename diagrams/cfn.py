"""Just enough CloudFormation reading for the diagram: references and joined strings.

CDK writes cross-resource references as `Ref`, `Fn::GetAtt` and `Fn::Join`.
Flattening a value into text with `<<LogicalId>>` tokens lets the extractor use
plain regular expressions on ARNs, URIs and the runtime's JSON config alike.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

TOKEN = re.compile(r"<<([A-Za-z0-9]+)>>")
# CDK's logical IDs end in an 8-character hash of the construct path, and some
# (versions, deployments) in a second hash of their content.
_LOGICAL_ID_HASH = re.compile(r"[0-9A-F]{8}([0-9a-f]{32})?$")


def flatten(value: Any) -> str:
    """Render a template value as text, references as `<<LogicalId>>`.

    Pseudo parameters (`AWS::Region`) stay readable as `${AWS::Region}`; they
    name no resource, so they must not look like one.
    """
    if isinstance(value, Mapping):
        if "Ref" in value:
            name = str(value["Ref"])
            return f"${{{name}}}" if name.startswith("AWS::") else f"<<{name}>>"
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            return f"<<{target[0] if isinstance(target, list) else str(target).split('.')[0]}>>"
        if "Fn::Join" in value:
            separator, parts = value["Fn::Join"]
            return str(separator).join(flatten(part) for part in parts)
        return json.dumps(value, sort_keys=True)
    if isinstance(value, list):
        return ",".join(flatten(item) for item in value)
    return str(value)


def referenced(value: Any) -> list[str]:
    """Logical IDs a value refers to, in order of appearance."""
    return TOKEN.findall(flatten(value))


def first_ref(value: Any) -> str | None:
    """The one resource a value refers to, if any."""
    found = referenced(value)
    return found[0] if found else None


def as_list(value: Any) -> list[Any]:
    """IAM and alarm properties accept one value or a list; treat both as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def stem(logical_id: str) -> str:
    """A logical ID without its hashes: a fallback name where the resource offers no better one."""
    return _LOGICAL_ID_HASH.sub("", logical_id).lower()


def of_type(resources: Mapping[str, Any], resource_type: str) -> Iterator[tuple[str, Any]]:
    """(logical ID, properties) of every resource of one type, in template order."""
    for logical_id, resource in resources.items():
        if resource.get("Type") == resource_type:
            yield logical_id, resource.get("Properties", {})
