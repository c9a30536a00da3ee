"""Bytecode for the Lambda runtime's Python, shipped in the bundle to cut cold starts.

Lambda's `/var/task` is read-only, so a module shipped without a matching
`.pyc` is compiled again on every cold start; the REST resolver alone pulls in
about a megabyte of Powertools source. Bytecode is version-specific, so it has
to come from the runtime's Python (3.13), which may not be the Python that
runs the CDK app. Where no such interpreter is found the bundle ships without
bytecode: it behaves the same and only starts slower.
"""

from __future__ import annotations

import functools
import glob
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

# Only what Powertools' Swagger UI serves (`enable_swagger()`, never called here):
# about 0.45 MiB of the zip, dropped to make room for the bytecode.
UNUSED_ASSETS = "aws_lambda_powertools/event_handler/openapi/swagger_ui/*.min.*"

# Runs inside the runtime's Python: import the handler the way a cold start does, then
# compile exactly the modules that came from `root`. Unchecked-hash .pyc, because a zip
# round trip rounds file times, and a timestamp .pyc that looks stale is recompiled.
_PROBE = """
import py_compile, sys
root = sys.argv[1]
import service.handler, service.runtime
for module in list(sys.modules.values()):
    path = getattr(module, "__file__", None) or ""
    if path.startswith(root) and path.endswith(".py"):
        py_compile.compile(path, doraise=True,
                           invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
"""


@functools.cache
def runtime_python(version: str) -> str | None:
    """An interpreter of the Lambda runtime's version that actually runs (pyenv shims may not)."""
    # pyenv's installs first: its `pythonX.Y` shim takes ~0.1 s just to fail.
    candidates = sorted(
        glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}*/bin/python{version}"))
    )
    candidates.append(f"python{version}")
    for candidate in candidates:
        path = shutil.which(candidate) or candidate
        try:
            ok = subprocess.run([path, "-c", ""], capture_output=True, timeout=30).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            continue
        if ok:
            return path
    return None


def precompile_dependencies(deps: Path, *, source: Path, version: str) -> None:
    """Drop unused assets and add bytecode for the dependency modules a cold start imports.

    Runs once per dependency set (the result is cached with the wheels): the
    handler is imported from `source`, and only modules under `deps` are compiled.
    """
    for asset in deps.glob(UNUSED_ASSETS):
        asset.unlink()
    python = _runtime_python_or_warn(version)
    if python is None:
        return
    # botocore comes with the Lambda runtime, not the bundle; borrow the CDK app's copy
    # (pure Python) so the probe can import the handler.
    path = os.pathsep.join([str(deps), str(source), sysconfig.get_paths()["purelib"]])
    subprocess.run(
        [python, "-c", _PROBE, str(deps)],
        env={**os.environ, "PYTHONPATH": path, "PYTHONDONTWRITEBYTECODE": "1"},
        check=True,
        capture_output=True,
    )


def compile_sources(paths: list[Path], *, version: str) -> None:
    """Bytecode for the service's own modules, which change with every edit."""
    python = _runtime_python_or_warn(version)
    if python is None or not paths:
        return
    subprocess.run(
        [python, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash"]
        + [str(p) for p in paths],
        check=True,
        capture_output=True,
    )


def _runtime_python_or_warn(version: str) -> str | None:
    python = runtime_python(version)
    if python is None and not _warned:
        _warned.append(version)
        print(
            f"No python{version} found: the Lambda bundle ships without bytecode, so cold "
            "starts compile it (README: Performance). Install it to precompile.",
            file=sys.stderr,
        )
    return python


_warned: list[str] = []
