"""Reading what the gate left in a cloud assembly: its report and the acknowledgements."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stacks.compliance.templates import STACK_ARTIFACT, SynthesizedStack, read_stack
from tests.support.synth import Synthesis

# How CDK records an acknowledgement given without a plugin prefix (cdk-nag strips it).
ACK_PREFIX = "Annotation::"


@dataclass(frozen=True)
class Reported:
    """One violating resource in CDK's validation report."""

    plugin: str
    rule: str
    severity: str
    path: str
    description: str


def report(outdir: Path) -> list[Reported]:
    """Every unacknowledged violation in `validation-report.json`, one entry per resource."""
    document = json.loads((outdir / "validation-report.json").read_text())
    return [
        Reported(
            plugin=plugin["pluginName"],
            rule=violation["ruleName"],
            severity=violation["severity"],
            path=construct["constructPath"],
            description=violation["description"],
        )
        for plugin in document["pluginReports"]
        for violation in plugin.get("violations", [])
        for construct in violation["violatingConstructs"]
    ]


def stacks(synthesis: Synthesis) -> list[SynthesizedStack]:
    """The assembly's stacks as the gate's own checks see them."""
    manifest = json.loads((synthesis.outdir / "manifest.json").read_text())
    return [
        read_stack(str(synthesis.outdir / artifact["properties"]["templateFile"]), artifact_id)
        for artifact_id, artifact in manifest["artifacts"].items()
        if artifact["type"] == STACK_ARTIFACT
    ]


def recorded_acknowledgements(synthesis: Synthesis) -> list[dict[str, Any]]:
    """Every acknowledgement recorded in the assembly: finding, construct path and reason."""
    manifest = json.loads((synthesis.outdir / "manifest.json").read_text())
    found = []
    for artifact in manifest["artifacts"].values():
        if artifact["type"] != STACK_ARTIFACT:
            continue
        metadata = artifact.get("metadata") or json.loads(
            (synthesis.outdir / artifact["additionalMetadataFile"]).read_text()
        )
        for path, entries in metadata.items():
            for entry in entries:
                if entry["type"] == "aws:cdk:acknowledged-rules":
                    for finding, reason in entry["data"].items():
                        found.append(
                            {
                                "finding": finding.removeprefix(ACK_PREFIX),
                                "path": path.lstrip("/"),
                                "reason": reason,
                            }
                        )
    return found
