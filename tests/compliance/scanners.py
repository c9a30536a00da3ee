"""Runs cfn-lint (with the cfn-lint-serverless rules) and checkov over templates, offline.

Both run once over every template, at the same time, from the tool venv that
`make setup` builds from scanners/requirements.txt (`.venv-tools`; set
SCANNERS_BIN to use another directory). A missing or wrong-version tool fails
the test with what to do, never skips it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "scanners" / "requirements.txt"
EXCEPTIONS = ROOT / "scanners" / "exceptions.toml"
BIN_ENV = "SCANNERS_BIN"
DEFAULT_BIN = ROOT / ".venv-tools" / "bin"
# Distribution names as pip records them, for the version check.
DISTRIBUTIONS = {"cfn-lint": "cfn_lint", "cfn-lint-serverless": "cfn_lint_serverless",
                 "checkov": "checkov"}  # fmt: skip


@dataclass(frozen=True)
class ScanFinding:
    tool: str
    rule: str
    template: Path
    logical_id: str
    resource_type: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.tool} {self.rule} {self.template.name} {self.logical_id} "
            f"({self.resource_type}): {self.message}"
        )


@dataclass(frozen=True)
class Accepted:
    """An entry of scanners/exceptions.toml."""

    tool: str
    rule: str
    resource_types: tuple[str, ...]
    reason: str

    def covers(self, finding: ScanFinding) -> bool:
        return (finding.tool, finding.rule) == (self.tool, self.rule) and (
            finding.resource_type in self.resource_types
        )


def accepted() -> list[Accepted]:
    document = tomllib.loads(EXCEPTIONS.read_text())
    return [
        Accepted(
            tool=entry["tool"],
            rule=entry["rule"],
            resource_types=tuple(entry["resource_types"]),
            reason=entry["reason"].strip(),
        )
        for entry in document["accepted"]
    ]


def bin_dir() -> Path:
    """Where the scanners are installed, after checking their versions against the pins."""
    directory = Path(os.environ.get(BIN_ENV, DEFAULT_BIN))
    make_it = (
        f"run `make setup` (it builds .venv-tools from {REQUIREMENTS.relative_to(ROOT)}), "
        f"or set {BIN_ENV} to a bin directory of a venv installed from that file"
    )
    for tool in ("cfn-lint", "checkov"):
        if not (directory / tool).exists():
            pytest.fail(f"{tool} is not installed in {directory}: {make_it}")
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", REQUIREMENTS.read_text(), re.M))
    site_packages = list(directory.parent.glob("lib/python*/site-packages"))
    for name, dist in DISTRIBUTIONS.items():
        wanted = pins.get(name) or pins[dist]
        if not any((sp / f"{dist}-{wanted}.dist-info").is_dir() for sp in site_packages):
            pytest.fail(f"{name}=={wanted} is not what {directory} has: {make_it}")
    return directory


def scan(templates: Sequence[Path], workdir: Path) -> list[ScanFinding]:
    """Every finding of both scanners on `templates`, from one run of each."""
    tools = bin_dir()
    paths = [str(t.resolve()) for t in templates]
    runs = {
        "cfn-lint": [str(tools / "cfn-lint"), "--format", "json",
                     "--append-rules", "cfn_lint_serverless.rules", "--", *paths],
        # --skip-download: no calls to Prisma Cloud, so the scan runs offline.
        "checkov": [str(tools / "checkov"), "--framework", "cloudformation", "--skip-download",
                    "--quiet", "--output", "json", "--file", *paths],
    }  # fmt: skip
    processes = {
        tool: subprocess.Popen(
            argv, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for tool, argv in runs.items()
    }
    outputs = {tool: process.communicate(timeout=300) for tool, process in processes.items()}
    by_path = {str(t.resolve()): json.loads(t.read_text()) for t in templates}
    findings = []
    for tool, (stdout, stderr) in outputs.items():
        try:
            document = json.loads(stdout)
        except json.JSONDecodeError:
            pytest.fail(f"{tool} printed no JSON (exit {processes[tool].returncode}):\n{stderr}")
        parse = _cfn_lint if tool == "cfn-lint" else _checkov
        findings += parse(document, by_path, workdir)
    return findings


def _cfn_lint(
    document: list[dict[str, Any]], templates: dict[str, Any], workdir: Path
) -> list[ScanFinding]:
    findings = []
    for match in document:
        path = str((workdir / match["Filename"]).resolve())
        location = match["Location"]["Path"]
        logical_id = location[1] if location[:1] == ["Resources"] else ""
        resource = templates[path].get("Resources", {}).get(logical_id, {})
        rule, kind = match["Rule"]["Id"], resource.get("Type", "")
        findings.append(
            ScanFinding("cfn-lint", rule, Path(path), logical_id, kind, match["Message"])
        )
    return findings


def _checkov(document: Any, templates: dict[str, Any], workdir: Path) -> list[ScanFinding]:
    reports = document if isinstance(document, list) else [document]
    findings = []
    for report in reports:
        for check in report.get("results", {}).get("failed_checks", []):
            resource_type, _, logical_id = check["resource"].partition(".")
            path = (workdir / check["file_abs_path"]).resolve()
            rule, name = check["check_id"], check["check_name"]
            findings.append(ScanFinding("checkov", rule, path, logical_id, resource_type, name))
    return findings
