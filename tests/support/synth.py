"""Synthesise through the same path as `app.py` and hand templates to tests as plain dicts."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stacks.app_builder import new_app
from stacks.compliance.templates import render  # the gate's reader: tests see what it sees

__all__ = [
    "ROOT",
    "Synthesis",
    "project_context",
    "reference_context",
    "render",
    "synthesize",
    "walk",
]

ROOT = Path(__file__).resolve().parents[2]
REFERENCE_CONTEXT = ROOT / "tests" / "fixtures" / "reference_context.json"


def reference_context() -> dict[str, Any]:
    """The reference config the behaviour tests are written against, as a fresh copy.

    It is a frozen copy of the context this template ships in cdk.json, so a
    fork can rename its service, change values and add environments in
    cdk.json without rewriting the tests that prove how the template behaves.
    """
    return copy.deepcopy(json.loads(REFERENCE_CONTEXT.read_text()))


def project_context() -> dict[str, Any]:
    """The context in cdk.json: what this project actually deploys (snapshots, diagrams)."""
    return copy.deepcopy(json.loads((ROOT / "cdk.json").read_text())["context"])


@dataclass(frozen=True)
class Synthesis:
    """One synthesised app: its templates by stack name."""

    templates: Mapping[str, dict[str, Any]]
    outdir: Path
    # Stack name -> (account, region, termination protection), from the cloud assembly.
    deployment: Mapping[str, tuple[str, str, bool]]

    def template(self, stack_name: str) -> dict[str, Any]:
        return self.templates[stack_name]

    def resources(self, stack_name: str, resource_type: str) -> dict[str, dict[str, Any]]:
        """Logical ID -> resource, for one CloudFormation type."""
        return {
            logical_id: resource
            for logical_id, resource in self.templates[stack_name]["Resources"].items()
            if resource["Type"] == resource_type
        }

    def only(self, stack_name: str, resource_type: str) -> dict[str, Any]:
        """The single resource of a type; fails loudly if the stack has more or none."""
        found = self.resources(stack_name, resource_type)
        assert len(found) == 1, f"{stack_name}: expected one {resource_type}, got {sorted(found)}"
        return next(iter(found.values()))


def synthesize(context: Mapping[str, Any], outdir: Path) -> Synthesis:
    assembly = new_app(context, outdir=str(outdir)).synth()
    templates = {stack.stack_name: stack.template for stack in assembly.stacks}
    deployment = {
        stack.stack_name: (
            stack.environment.account,
            stack.environment.region,
            bool(stack.termination_protection),
        )
        for stack in assembly.stacks
    }
    return Synthesis(templates=templates, outdir=outdir, deployment=deployment)


def walk(node: Any) -> Iterator[Any]:
    """Every value in a JSON document, depth first: for 'appears nowhere' assertions."""
    yield node
    if isinstance(node, Mapping):
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)
