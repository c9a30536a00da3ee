#!/usr/bin/env python3
"""CDK entry point: validate the config, then build the stacks it selects.

Synth must not depend on credentials, the network or the checkout: nothing
here calls AWS, reads git, or prints anything but configuration errors.
"""

from __future__ import annotations

import sys

import aws_cdk as cdk

from stacks.app_builder import build_app
from stacks.config import ConfigError, load_config
from stacks.config.loader import CONTEXT_KEYS
from stacks.direct_run import direct_run_context


def main() -> int:
    direct_context = direct_run_context(sys.argv[1:])
    app = cdk.App(
        # No analytics: keeps templates free of AWS::CDK::Metadata and synth offline.
        analytics_reporting=False,
        context=direct_context,
        outdir="cdk.out" if direct_context is not None else None,
    )
    context = {
        key: value
        for key in CONTEXT_KEYS
        if (value := app.node.try_get_context(key)) is not None
    }
    try:
        config = load_config(context)
    except ConfigError as err:
        print(f"Invalid configuration (cdk.json or -c): {err}", file=sys.stderr)
        return 1
    build_app(app, config)
    app.synth()
    return 0


if __name__ == "__main__":
    sys.exit(main())
