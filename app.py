#!/usr/bin/env python3
"""CDK entry point: validate the config, then build the stacks it selects.

Synth must not depend on credentials, the network or the checkout: nothing
here calls AWS, reads git, or prints anything but configuration errors.
"""

from __future__ import annotations

import sys

from stacks.app_builder import new_app
from stacks.compliance import ComplianceGateFailed, synthesize
from stacks.config import ConfigError
from stacks.direct_run import direct_run_context


def main() -> int:
    context = direct_run_context(sys.argv[1:])
    try:
        app = new_app(context, outdir="cdk.out" if context is not None else None)
    except ConfigError as err:
        # One readable message instead of a jsii stack trace.
        print(f"Invalid configuration (cdk.json or -c): {err}", file=sys.stderr)
        return 1
    try:
        synthesize(app)
    except ComplianceGateFailed as err:
        # CDK has printed every finding above; this names the way out.
        print(f'Compliance gate failed: {err}\nSee README, "Compliance gate".', file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
