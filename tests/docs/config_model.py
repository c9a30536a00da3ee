"""The config keys the code accepts, read from the pydantic models and the loader.

Nothing here is a hand-kept list of keys: new fields on the models, new
`CONTEXT_KEYS`, new `*_KEY` constants and new models in `stacks/config/` all
show up by themselves, so the README check fails until they are documented.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

import stacks.config
from stacks.config import AppConfig, EnvironmentConfig, SharedStackConfig
from stacks.config.loader import CONTEXT_KEYS
from stacks.config.pipeline import PipelineSettings
from stacks.config.short_lived import ShortLivedRule
from tests.docs.markdown import ROOT

# Context keys whose value is a model (or a list of them); rows document them as
# `<key>.<field>`. A new model in stacks/config/ must be added here (the check
# says so), because only its author knows which context key holds it.
SECTIONS: dict[str, type[BaseModel]] = {
    "single_stack": SharedStackConfig,
    "short_lived": ShortLivedRule,
    "pipeline_settings": PipelineSettings,
}
# Fields the code sets itself: an environment's name is its key under `environments`.
NOT_SETTABLE = {"name"}
# The resolved app, built by the loader; no context key holds it.
NOT_CONFIG: tuple[type[BaseModel], ...] = (AppConfig,)


@dataclass(frozen=True)
class Key:
    """One settable key: its dotted path and the pydantic field behind it, if any."""

    path: str
    field: FieldInfo | None = None


def context_keys() -> set[str]:
    """Top-level context keys: the loader's, `*_KEY` constants in stacks/config, and cdk.json's."""
    keys = set(CONTEXT_KEYS)
    for module in _config_modules():
        keys |= {
            value
            for name, value in vars(module).items()
            if name.endswith("_KEY") and isinstance(value, str)
        }
    shipped = json.loads((ROOT / "cdk.json").read_text())["context"]
    return keys | {key for key in shipped if not key.startswith("@")}  # `@` keys: CDK flags


def root_keys() -> dict[str, Key]:
    """Top-level keys, with each section's fields as `<key>.<field>`."""
    keys = {key: Key(key) for key in context_keys()}
    for section, model in SECTIONS.items():
        keys.update({k.path: k for k in leaves(model, prefix=f"{section}.")})
    return keys


def environment_keys() -> dict[str, Key]:
    """What `environments.<name>` (and `defaults`) accept, nested models flattened."""
    return {k.path: k for k in leaves(EnvironmentConfig) if k.path not in NOT_SETTABLE}


def parents(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Keys that hold a nested model (`function`, `alarms`): a row for them is allowed too."""
    found: set[str] = set()
    for name, field in model.model_fields.items():
        nested = model_of(field.annotation)
        if nested is not None:
            found |= {f"{prefix}{name}", *parents(nested, prefix=f"{prefix}{name}.")}
    return found


def leaves(model: type[BaseModel], prefix: str = "") -> Iterator[Key]:
    for name, field in model.model_fields.items():
        nested = model_of(field.annotation)
        if nested is None:
            yield Key(f"{prefix}{name}", field)
        else:
            yield from leaves(nested, prefix=f"{prefix}{name}.")


def undocumentable_models() -> list[str]:
    """Config models in stacks/config that no section or environment field reaches."""
    reached: set[type[BaseModel]] = {EnvironmentConfig, *SECTIONS.values(), *NOT_CONFIG}
    for model in list(reached):
        reached |= _nested_models(model)
    return sorted(
        f"{model.__module__}.{model.__name__}"
        for module in _config_modules()
        for _, model in inspect.getmembers(module, inspect.isclass)
        if issubclass(model, BaseModel)
        and model.__module__ == module.__name__
        and not model.__name__.startswith("_")
        and model not in reached
    )


def model_of(annotation: Any) -> type[BaseModel] | None:
    """The model an annotation holds: `M`, `M | None`, `list[M]` or `tuple[M, ...]`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list, tuple, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = model_of(arg)
            if found is not None:
                return found
    return None


def _nested_models(model: type[BaseModel]) -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = set()
    for field in model.model_fields.values():
        nested = model_of(field.annotation)
        if nested is not None:
            found |= {nested, *_nested_models(nested)}
    return found


def _config_modules() -> list[types.ModuleType]:
    return [
        importlib.import_module(f"stacks.config.{info.name}")
        for info in pkgutil.iter_modules(stacks.config.__path__)
    ]
