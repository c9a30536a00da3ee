"""Builds the CDK app for a validated config: the one place that picks the topology."""

from __future__ import annotations

from aws_cdk import App

from stacks.config import AppConfig, Topology
from stacks.service_stack import ServiceStack


def build_app(app: App, config: AppConfig) -> None:
    """Add the stacks that `config` selects to `app`."""
    if config.topology is Topology.MULTI:
        for env in config.selected_environments:
            ServiceStack(
                app, config.stack_name(env), service_name=config.service_name, env_config=env
            )
    else:
        raise NotImplementedError("topology=single lands with the single-stack issue")
