"""The gate is part of every synth: registered by `new_app`, clean for every environment and
topology, and not switched off by CDK_VALIDATION=false.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stacks.app_builder import new_app
from stacks.config import ConfigError
from tests.compliance.late_resource import GATE_FAILED
from tests.compliance.support import recorded_acknowledgements, report
from tests.support.synth import Synthesis, reference_context

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("topology", ["multi", "single"])
def test_every_environment_and_topology_passes_with_nothing_left_open(
    request: pytest.FixtureRequest, topology: str
) -> None:
    synthesis: Synthesis = request.getfixturevalue(topology)
    document = json.loads((synthesis.outdir / "validation-report.json").read_text())
    assert report(synthesis.outdir) == []
    assert [p for p in document["pluginReports"] if p.get("conclusion") == "failure"] == []
    # The gate ran on this synth: its acknowledgements are recorded on the resources.
    assert recorded_acknowledgements(synthesis)


def test_new_app_registers_the_gate_and_cdk_validation_false_keeps_it(
    tmp_path: Path,
) -> None:
    """CDK_VALIDATION=false turns off CDK's built-in template check only, not the plugins."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.compliance.late_resource", str(tmp_path)],
        cwd=ROOT,
        env={**os.environ, "CDK_VALIDATION": "false"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == GATE_FAILED, result.stderr
    assert "items-api-prod/LateTable/Resource" in result.stdout
    assert "ProdGuardrails::ProdGuardrails-Retain" in result.stdout
    assert "AwsSolutions::AwsSolutions-DDB3" in result.stdout
    assert {"AwsSolutions", "ProdGuardrails"} <= {r.plugin for r in report(tmp_path)}


def test_context_cannot_turn_failing_on_findings_off() -> None:
    context = {
        **reference_context(),
        "env": "test",
        "@aws-cdk/core:failSynthOnValidationErrors": "false",
    }
    with pytest.raises(ConfigError, match="failSynthOnValidationErrors: false would let synth"):
        new_app(context)
