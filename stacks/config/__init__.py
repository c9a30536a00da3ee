"""Typed, validated configuration: the one place where environments differ.

Everything downstream receives resolved values (`EnvironmentConfig`), never an
environment name to compare against.
"""

from stacks.config.errors import ConfigError
from stacks.config.loader import load_config
from stacks.config.model import (
    AlarmSettings,
    ApiSettings,
    AppConfig,
    DeploymentSettings,
    EnvironmentConfig,
    FunctionSettings,
    SharedStackConfig,
    Topology,
)

__all__ = [
    "AlarmSettings",
    "ApiSettings",
    "AppConfig",
    "ConfigError",
    "DeploymentSettings",
    "EnvironmentConfig",
    "FunctionSettings",
    "SharedStackConfig",
    "Topology",
    "load_config",
]
