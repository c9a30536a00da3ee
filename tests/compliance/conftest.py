"""Fixtures of the compliance tests: the non-compliant app, synthesised once per session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from stacks.compliance import ComplianceGateFailed, synthesize
from tests.compliance.noncompliant import STACK, noncompliant_app
from tests.compliance.support import Reported, report


@dataclass(frozen=True)
class FailedSynth:
    """What a synth that the gate stopped leaves behind."""

    message: str
    reported: list[Reported]
    template: Path


@pytest.fixture(scope="session")
def noncompliant(tmp_path_factory: pytest.TempPathFactory) -> FailedSynth:
    """The non-compliant app's synth, which must fail (shared with the scanner tests)."""
    outdir = Path(tmp_path_factory.mktemp("noncompliant"))
    with pytest.raises(ComplianceGateFailed) as failed:
        synthesize(noncompliant_app(outdir))
    return FailedSynth(
        message=str(failed.value),
        reported=report(outdir),
        template=outdir / f"{STACK}.template.json",
    )
