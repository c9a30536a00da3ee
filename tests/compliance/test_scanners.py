"""cfn-lint (with cfn-lint-serverless) and checkov: no finding on any synthesised template
except those scanners/exceptions.toml accepts with a reason, and both still catch real problems.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.compliance.conftest import FailedSynth
from tests.compliance.scanners import Accepted, ScanFinding, accepted, scan
from tests.support.synth import Synthesis

Scanned = tuple[list[ScanFinding], list[ScanFinding]]


@pytest.fixture(scope="module")
def scanned(
    multi: Synthesis,
    single: Synthesis,
    noncompliant: FailedSynth,
    tmp_path_factory: pytest.TempPathFactory,
) -> Scanned:
    """(findings on the shipped templates, findings on the non-compliant one), from one scan."""
    shipped = sorted(
        [*multi.outdir.glob("*.template.json"), *single.outdir.glob("*.template.json")]
    )
    assert len(shipped) == 4, shipped  # test, staging, prod and the shared stack
    findings = scan([*shipped, noncompliant.template], Path(tmp_path_factory.mktemp("scan")))
    bad = noncompliant.template.resolve()
    return (
        [f for f in findings if f.template != bad],
        [f for f in findings if f.template == bad],
    )


def unaccepted(findings: list[ScanFinding], entries: list[Accepted]) -> list[str]:
    return [str(f) for f in findings if not any(a.covers(f) for a in entries)]


def test_shipped_templates_have_no_finding_that_is_not_accepted(scanned: Scanned) -> None:
    shipped, _ = scanned
    assert unaccepted(shipped, accepted()) == []


def test_every_accepted_finding_still_occurs(scanned: Scanned) -> None:
    shipped, _ = scanned
    stale = [f"{a.tool} {a.rule}" for a in accepted() if not any(a.covers(f) for f in shipped)]
    assert stale == [], "remove these entries from scanners/exceptions.toml"


def test_scanners_still_catch_what_the_noncompliant_template_does_wrong(scanned: Scanned) -> None:
    _, bad = scanned
    caught = {(f.tool, f.rule, f.resource_type) for f in bad if not any(
        a.covers(f) for a in accepted())}  # fmt: skip
    assert {
        ("checkov", "CKV_AWS_45", "AWS::Lambda::Function"),  # credentials in the environment
        ("checkov", "CKV_AWS_28", "AWS::DynamoDB::Table"),  # no point-in-time recovery
        ("cfn-lint", "ES2003", "AWS::ApiGateway::Stage"),  # no throttling on the stage
        ("cfn-lint", "ES1005", "AWS::Lambda::Function"),  # default memory
        ("cfn-lint", "ES1006", "AWS::Lambda::Function"),  # default timeout
    } <= caught


def test_every_exception_says_why() -> None:
    entries = accepted()
    assert entries
    for entry in entries:
        assert entry.tool in ("cfn-lint", "checkov"), entry
        assert entry.resource_types, entry
        assert len(entry.reason) >= 80, f"{entry.rule}: say why the finding does not apply"
        assert not {"todo", "fixme", "later"} & set(entry.reason.lower().split()), entry.rule


def test_every_function_logs_to_its_own_group_with_retention(
    multi: Synthesis, single: Synthesis
) -> None:
    """The premise of the WS1004 exception: LoggingConfig names a log group with retention."""
    for synthesis in (multi, single):
        for name, template in synthesis.templates.items():
            resources = template["Resources"]
            functions = synthesis.resources(name, "AWS::Lambda::Function")
            assert functions, name
            for logical_id, function in functions.items():
                group = function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
                assert resources[group]["Type"] == "AWS::Logs::LogGroup", logical_id
                assert resources[group]["Properties"]["RetentionInDays"] > 0, logical_id
