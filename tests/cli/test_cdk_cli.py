"""The pinned CDK CLI drives the app as the CDK docs describe: `npx cdk synth -c env=...`.

Most tests synthesise in-process; these go through the real CLI once, because
the CLI passes its own context to the app (and fails synth on compliance
findings itself), which an in-process synth never sees.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from stacks.config import ConfigError, load_config
from tests.support.synth import project_context

ROOT = Path(__file__).resolve().parents[2]
CDK = ROOT / "node_modules" / ".bin" / "cdk"
# The CLI reads cdk.json, so expected names follow the project's config.
CONFIG = load_config(project_context())
ENVS = {env.name: env for env in CONFIG.environments}


def cdk(*args: str, outdir: Path) -> subprocess.CompletedProcess[str]:
    assert CDK.exists(), "the CDK CLI is not installed: run `make setup`"
    env = {**os.environ, "CDK_DISABLE_CLI_TELEMETRY": "true"}
    return subprocess.run(
        [str(CDK), *args, "--no-notices", "--output", str(outdir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_synth_of_one_environment_writes_only_its_stack(tmp_path: Path) -> None:
    result = cdk("synth", "--quiet", "-c", "env=staging", outdir=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    staging = CONFIG.stack_name(ENVS["staging"])
    assert sorted(p.name for p in tmp_path.glob("*.template.json")) == [f"{staging}.template.json"]


def test_unknown_environment_fails_with_one_line_naming_the_valid_ones(tmp_path: Path) -> None:
    result = cdk("synth", "-c", "env=nope", outdir=tmp_path)
    assert result.returncode != 0
    lines = result.stderr.splitlines()
    (line,) = [text for text in lines if text.startswith("Invalid configuration")]
    assert f"unknown environment 'nope'; valid environments: {', '.join(ENVS)}" in line
    assert "Traceback" not in result.stderr


def test_single_topology_synthesises_the_shared_stack_and_warns_once(tmp_path: Path) -> None:
    try:
        load_config({**project_context(), "topology": "single"})
    except ConfigError as err:
        pytest.skip(f"cdk.json cannot be synthesised as topology=single: {err}")
    result = cdk("synth", "--quiet", "-c", "topology=single", outdir=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    shared = CONFIG.shared_stack_name
    assert [p.name for p in tmp_path.glob("*.template.json")] == [f"{shared}.template.json"]
    assert result.stderr.count("WARNING: topology=single: one execution role") == 1


def test_unknown_topology_fails_cleanly(tmp_path: Path) -> None:
    result = cdk("synth", "-c", "topology=bogus", outdir=tmp_path)
    assert result.returncode != 0
    assert "topology: unknown topology 'bogus'; use one of: multi, single" in result.stderr
    assert "Traceback" not in result.stderr
