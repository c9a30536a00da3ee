"""Every CI system calls the Makefile targets that people run, and those targets exist."""

from __future__ import annotations

import re

from stacks.pipeline_stack import SMOKE_COMMAND, SYNTH_COMMAND, TEST_COMMAND
from tests.ci.conftest import BITBUCKET, ROOT, WORKFLOWS

MAKE_CALL = re.compile(r"\bmake\s+([a-z][a-z-]*)")


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([a-z][a-z-]*):", text, flags=re.MULTILINE))


def called_targets() -> dict[str, set[str]]:
    """Make targets called by each CI system: GitHub, Bitbucket and the CDK pipeline."""
    files = {path.name: path.read_text() for path in sorted(WORKFLOWS.glob("*.yml"))}
    files[BITBUCKET.name] = BITBUCKET.read_text()
    files["pipeline_stack.py"] = "\n".join([TEST_COMMAND, SYNTH_COMMAND, SMOKE_COMMAND])
    return {name: set(MAKE_CALL.findall(_code(text))) for name, text in files.items()}


def _code(text: str) -> str:
    """The text without comment lines, whose prose may say "make"."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def test_ci_calls_only_targets_the_makefile_defines() -> None:
    defined = makefile_targets()
    missing = {name: sorted(t - defined) for name, t in called_targets().items() if t - defined}
    assert not missing, f"the Makefile lacks targets that CI calls: {missing}"


def test_every_ci_system_runs_the_quality_gate() -> None:
    assert TEST_COMMAND == "make test"
    assert TEST_COMMAND in (ROOT / ".ci" / "run").read_text()
    for name, targets in called_targets().items():
        assert "test" in targets, f"{name} never runs {TEST_COMMAND}"
