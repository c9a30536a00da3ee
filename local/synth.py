"""Synthesise the app for the local stack, through ``python app.py`` like the tests and CI.

Into ``.build/local/<topology>[-<env>]/cdk.out``, never ``./cdk.out``: a running local stack must
not overwrite the assembly someone is about to deploy or diff.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from local.child import ROOT
from local.template import LocalSetupError

BUILD_DIR = ROOT / ".build" / "local"
SYNTH_TIMEOUT_SECONDS = 600


def synthesise(*, environment: str, topology: str | None) -> Path:
    """The cloud assembly for ``environment`` (and ``topology``, else cdk.json's choice).

    The single-stack topology holds every environment in one stack, so it is synthesised
    whole (the config refuses ``-c env`` there) and the runner serves all of its stages.
    """
    topology = topology or _configured_topology()
    workdir = BUILD_DIR / (topology if topology == "single" else f"{topology}-{environment}")
    workdir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, str(ROOT / "app.py"), "-c", f"topology={topology}"]
    if topology != "single":
        command += ["-c", f"env={environment}"]
    # Its own process group, so Ctrl-C during synth stops it through us, without jsii's trace.
    process = subprocess.Popen(  # noqa: S603 - our interpreter and app.py, no shell
        command,
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        process_group=0,
    )
    try:
        output, _ = process.communicate(timeout=SYNTH_TIMEOUT_SECONDS)
    except BaseException:  # KeyboardInterrupt or the timeout: do not leave it running
        process.kill()
        process.wait()
        raise
    if process.returncode != 0:
        raise LocalSetupError(f"synth failed ({' '.join(command[1:])}):\n{output.strip()}")
    return workdir / "cdk.out"


def _configured_topology() -> str:
    topology = json.loads((ROOT / "cdk.json").read_text())["context"].get("topology", "multi")
    return str(topology)
