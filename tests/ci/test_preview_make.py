"""The Makefile variables the preview pipelines pass: cdk must not stop to ask a question in CI.

`cdk deploy --require-approval broadening` and `cdk destroy` ask for confirmation and, with no
terminal attached, fail instead. `make -n` prints the cdk command line without running it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.ci.conftest import ROOT

MAKEFILE = ROOT / "Makefile"


def cdk_command(target: str, *variables: str, makefile: Path = MAKEFILE) -> str:
    make = shutil.which("make")
    if make is None:
        pytest.fail("make is not installed")
    result = subprocess.run(
        [make, "--dry-run", "--always-make", "-f", str(makefile), target, "ENV=pr-7", *variables],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.replace("\\\n", " ").splitlines()  # join continued recipe lines
    (line,) = [line for line in lines if f"/cdk {target} " in line]
    return line


def test_a_person_is_still_asked_by_default() -> None:
    assert "--require-approval broadening" in cdk_command("deploy")
    assert "--force" not in cdk_command("destroy").split()
    assert "--outputs-file" not in cdk_command("deploy")


def test_ci_can_deploy_without_a_terminal() -> None:
    command = cdk_command("deploy", "APPROVAL=never", "OUTPUTS=preview-outputs.json")
    assert "-c env=pr-7" in command
    assert "--require-approval never" in command
    assert "--outputs-file preview-outputs.json" in command


def test_ci_can_destroy_without_a_terminal() -> None:
    command = cdk_command("destroy", "FORCE=1")
    assert "-c env=pr-7" in command
    assert "--force" in command.split()
