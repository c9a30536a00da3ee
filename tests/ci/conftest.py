"""Fixtures for the delivery checks: the CI files as parsed YAML and the project's config."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from stacks.config import AppConfig, load_config
from tests.support.synth import project_context, reference_context

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
BITBUCKET = ROOT / "bitbucket-pipelines.yml"


def read_yaml(path: Path) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text())
    assert isinstance(document, dict), f"{path}: not a YAML mapping"
    if True in document:  # YAML 1.1 reads GitHub's `on:` key as the boolean true
        document["on"] = document.pop(True)
    return document


@pytest.fixture(scope="session")
def config() -> AppConfig:
    """cdk.json: the CI files must deploy the stacks and regions this project defines, so a
    fork that renames its service or moves a region is told which CI lines to change."""
    return load_config(project_context())


@pytest.fixture(scope="session")
def reference_config() -> AppConfig:
    """The frozen reference config, for tests of behaviour rather than of this project's files."""
    return load_config(reference_context())


@pytest.fixture(scope="session")
def deliver() -> dict[str, Any]:
    return read_yaml(WORKFLOWS / "deliver.yml")


@pytest.fixture(scope="session")
def checks() -> dict[str, Any]:
    return read_yaml(WORKFLOWS / "checks.yml")


@pytest.fixture(scope="session")
def bitbucket() -> dict[str, Any]:
    return read_yaml(BITBUCKET)
