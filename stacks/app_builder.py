"""Builds the CDK app from raw context: the one path that app.py and the tests share.

Tests synthesise through `new_app` too, so what they check is what `cdk synth`
produces, gate included.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from aws_cdk import App

from stacks.compliance import enable_gate
from stacks.config import AppConfig, Topology, load_config
from stacks.config.loader import CONTEXT_KEYS
from stacks.config.pipeline import FLAG_KEY, pipeline_enabled
from stacks.service_stack import ServiceStack
from stacks.shared_stack import SharedStack


def new_app(context: Mapping[str, Any] | None = None, *, outdir: str | None = None) -> App:
    """An App with the stacks that the context selects. Raises `ConfigError` on bad config.

    `context=None` means the CDK CLI started the app and already passed it.
    """
    app = App(
        # No analytics: keeps templates free of AWS::CDK::Metadata and synth offline.
        analytics_reporting=False,
        context=dict(context) if context is not None else None,
        outdir=outdir,
    )
    raw = {key: v for key in CONTEXT_KEYS if (v := app.node.try_get_context(key)) is not None}
    config = load_config(raw)
    build_stacks(app, config)
    enable_gate(app, config)
    return app


def build_stacks(app: App, config: AppConfig) -> None:
    """Add the stacks of `config`'s topology for its selected environments."""
    if pipeline_enabled(app.node.try_get_context(FLAG_KEY)):
        # -c pipeline=true: only the pipeline, which deploys the stages. Imported here:
        # CDK Pipelines' modules cost ~0.9 s to load, which no other synth should pay.
        from stacks.pipeline_stack import add_pipeline

        add_pipeline(app, config)
        return
    if config.topology is Topology.MULTI:
        for env in config.selected_environments:
            ServiceStack(
                app, config.stack_name(env), service_name=config.service_name, env_config=env
            )
    else:
        if config.shared_stack is None:  # the loader requires it for this topology
            raise ValueError("single_stack is required with topology=single")
        SharedStack(
            app,
            config.shared_stack_name,
            service_name=config.service_name,
            location=config.shared_stack,
            environments=config.environments,
        )
        names = ", ".join(e.name for e in config.environments)
        print(
            f"WARNING: topology=single: one execution role can read and write every "
            f"environment's table and secrets ({names}). A bug or a bad deploy in one "
            "environment can reach prod's data; use topology=multi once that matters "
            "(README: Choosing a topology).",
            file=sys.stderr,
        )
