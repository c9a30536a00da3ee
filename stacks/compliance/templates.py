"""The synthesised stacks as plain data, and the finding type the project's own checks return.

The project's checks read templates, not constructs: a template is what
CloudFormation receives, after aspects, overrides and tags have been applied,
so nothing a construct does late can slip past them. Keeping them to plain
dicts also lets their rules be tested without synthesising anything.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STACK_ARTIFACT = "aws:cloudformation:stack"


@dataclass(frozen=True)
class SynthesizedStack:
    """One stack of the cloud assembly: its template and what the manifest says about it."""

    name: str  # the CloudFormation stack name
    construct_path: str
    template_path: str
    template: Mapping[str, Any]
    termination_protection: bool
    # Logical ID -> construct path, from the assembly's metadata: templates carry
    # `aws:cdk:path` only when the CDK CLI runs the app.
    paths: Mapping[str, str] = field(default_factory=dict)

    def resources(self, *types: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """(logical ID, resource) for every resource of the given CloudFormation types."""
        for logical_id, resource in self.template.get("Resources", {}).items():
            if resource.get("Type") in types:
                yield logical_id, resource

    def path_of(self, logical_id: str) -> str:
        """The construct path of a resource, or `<stack>/<logical ID>` if the assembly has none."""
        return self.paths.get(logical_id, f"{self.name}/{logical_id}")

    def describe(self, logical_id: str) -> str:
        """`AWS::X::Y <construct path>`: how a finding names a resource to a person."""
        return f"{self.template['Resources'][logical_id]['Type']} {self.path_of(logical_id)}"


@dataclass(frozen=True)
class Finding:
    """One problem on one resource, or on the stack itself when `logical_id` is None.

    `message` must name the environment (where there is one), the resource and
    what is missing, because it is all a person reads in the synth output.
    """

    rule: str
    message: str
    stack: SynthesizedStack
    logical_id: str | None = None
    location: str = "Properties"


def read_stack(template_path: str, construct_path: str) -> SynthesizedStack:
    """Load one template and its stack's manifest entry, which sits next to it."""
    path = Path(template_path)
    artifact: Mapping[str, Any] = {}
    artifact_id = path.name.removesuffix(".template.json")
    manifest = json.loads((path.parent / "manifest.json").read_text())
    for candidate_id, candidate in manifest.get("artifacts", {}).items():
        properties = candidate.get("properties", {})
        if candidate.get("type") == STACK_ARTIFACT and properties.get("templateFile") == path.name:
            artifact_id, artifact = candidate_id, candidate
            break
    properties = artifact.get("properties", {})
    return SynthesizedStack(
        name=properties.get("stackName", artifact_id),
        construct_path=construct_path,
        template_path=str(path),
        template=json.loads(path.read_text()),
        termination_protection=bool(properties.get("terminationProtection", False)),
        paths=_construct_paths(artifact, path.parent),
    )


def _construct_paths(artifact: Mapping[str, Any], directory: Path) -> dict[str, str]:
    metadata = artifact.get("metadata")
    if metadata is None and "additionalMetadataFile" in artifact:
        metadata = json.loads((directory / artifact["additionalMetadataFile"]).read_text())
    return {
        entry["data"]: construct_path.lstrip("/")
        for construct_path, entries in (metadata or {}).items()
        for entry in entries
        if entry.get("type") == "aws:cdk:logicalId" and isinstance(entry.get("data"), str)
    }


def render(value: Any) -> Any:
    """Collapse Ref, Fn::GetAtt, Fn::Join and Fn::Sub into strings; `${...}` marks a reference.

    Lets a check ask "is this an ARN?" or "is this a literal?" of values that
    CDK writes as intrinsics. Any other intrinsic renders as `${?}`.
    """
    if isinstance(value, Mapping):
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                return "${" + str(arg) + "}"
            if key == "Fn::GetAtt":
                return "${" + ".".join(map(str, arg if isinstance(arg, list) else [arg])) + "}"
            if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
                separator, parts = arg
                if isinstance(parts, list):
                    return str(separator).join(str(render(part)) for part in parts)
            if key == "Fn::Sub":
                return str(render(arg[0] if isinstance(arg, list) else arg))
            if key.startswith("Fn::") or key == "Condition":
                return "${?}"
        return {key: render(item) for key, item in value.items()}
    if isinstance(value, list):
        return [render(item) for item in value]
    return value


def tags(resource: Mapping[str, Any]) -> dict[str, str]:
    """A resource's literal tags, whichever of CloudFormation's two tag shapes it uses."""
    raw = resource.get("Properties", {}).get("Tags")
    if isinstance(raw, list):
        pairs = [(t.get("Key"), t.get("Value")) for t in raw if isinstance(t, Mapping)]
    elif isinstance(raw, Mapping):
        pairs = list(raw.items())
    else:
        return {}
    return {k: v for k, v in pairs if isinstance(k, str) and isinstance(v, str)}
