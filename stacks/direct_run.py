"""Lets `python app.py [-c key=value ...]` synthesise exactly like `cdk synth`.

The CDK CLI reads cdk.json and hands the context to the app; a direct run has
to do that itself. Direct runs skip the Node CLI's start-up, which makes them
the fast path for tests and benchmarks.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

CDK_JSON = Path(__file__).resolve().parents[1] / "cdk.json"


def direct_run_context(argv: Sequence[str]) -> dict[str, Any] | None:
    """The context for a direct run, or None when the CDK CLI started the app."""
    if "CDK_OUTDIR" in os.environ:  # set by the CLI, which passes context itself
        return None
    context: dict[str, Any] = dict(json.loads(CDK_JSON.read_text())["context"])
    args = list(argv)
    while args:
        flag = args.pop(0)
        if flag not in ("-c", "--context") or not args or "=" not in args[0]:
            raise SystemExit(f"usage: python app.py [-c key=value ...] (unexpected {flag!r})")
        key, value = args.pop(0).split("=", 1)
        context[key] = value
    return context
