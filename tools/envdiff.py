"""How two environments really differ: resolved config, then synthesised templates.

Templates are compared after normalising what always differs (stack names,
environment names, accounts, regions, asset hashes, logical-ID hashes), so
what remains is a real difference: a retention, a limit, a resource that
exists in one environment only.

Usage: python -m tools.envdiff A B   (or: make envdiff A=staging B=prod)
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from stacks.app_builder import new_app
from stacks.config import ConfigError, EnvironmentConfig, load_config
from stacks.direct_run import direct_run_context

_HASH = re.compile(r"\b[0-9a-f]{64}\b")
Flat = dict[str, Any]


def flatten(value: Any, prefix: str = "") -> Flat:
    """Nested dicts and lists as `a.b[0].c -> leaf`, so differences print one per line.

    CloudFormation tag lists become maps, so a tag shows up by key, not by position.
    """
    if isinstance(value, list) and value and all(_is_tag(v) for v in value):
        value = {tag["Key"]: tag["Value"] for tag in value}
    if isinstance(value, Mapping):
        flat: Flat = {}
        for key, item in value.items():
            flat.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(value, list):
        flat = {}
        for index, item in enumerate(value):
            flat.update(flatten(item, f"{prefix}[{index}]"))
        return flat
    return {prefix: value}


def _is_tag(value: Any) -> bool:
    return isinstance(value, Mapping) and set(value) == {"Key", "Value"}


def config_differences(a: EnvironmentConfig, b: EnvironmentConfig) -> list[tuple[str, Any, Any]]:
    left = flatten(a.model_dump(exclude={"name"}))
    right = flatten(b.model_dump(exclude={"name"}))
    # Secret names embed the environment name: compare them with it masked.
    for flat, env in ((left, a.name), (right, b.name)):
        for key, value in flat.items():
            if key.startswith("secrets.") and isinstance(value, str):
                flat[key] = _mask(value, env)
    return [
        (key, left.get(key, "(unset)"), right.get(key, "(unset)"))
        for key in sorted(left.keys() | right.keys())
        if left.get(key, "(unset)") != right.get(key, "(unset)")
    ]


def normalise(template: Mapping[str, Any], env: EnvironmentConfig, stack_name: str) -> Flat:
    """Resources keyed by construct path, with every environment-specific name masked."""
    paths = {
        logical: resource.get("Metadata", {}).get("aws:cdk:path", logical)
        for logical, resource in template.get("Resources", {}).items()
    }
    # Longest first, so a logical ID that prefixes another is not half-replaced.
    renames = sorted(paths.items(), key=lambda item: -len(item[0]))

    def clean(text: str) -> str:
        for logical, path in renames:
            text = text.replace(logical, _path_key(path, stack_name, env.name))
        text = text.replace(stack_name, "<stack>").replace(env.account, "<account>")
        text = _mask(text.replace(env.region, "<region>"), env.name)
        return _HASH.sub("<hash>", text)

    flat: Flat = {}
    for logical, resource in template.get("Resources", {}).items():
        key = _path_key(paths[logical], stack_name, env.name)
        body = {k: v for k, v in resource.items() if k != "Metadata"}
        for path, value in flatten(body).items():
            flat[f"{key} {path}"] = clean(value) if isinstance(value, str) else value
    for name, output in template.get("Outputs", {}).items():
        for path, value in flatten(output).items():
            flat[f"Outputs.{name} {path}"] = clean(value) if isinstance(value, str) else value
    return flat


def template_differences(left: Flat, right: Flat) -> list[tuple[str, Any, Any]]:
    return [
        (key, left.get(key, "(absent)"), right.get(key, "(absent)"))
        for key in sorted(left.keys() | right.keys())
        if left.get(key, "(absent)") != right.get(key, "(absent)")
    ]


def _path_key(path: str, stack_name: str, env_name: str) -> str:
    return _mask(path.removeprefix(f"{stack_name}/").removesuffix("/Resource"), env_name)


def _mask(text: str, env_name: str) -> str:
    return re.sub(rf"(?<![A-Za-z0-9]){re.escape(env_name)}(?![A-Za-z0-9])", "<env>", text)


def _synth(context: Mapping[str, Any], env: str, outdir: Path) -> tuple[dict[str, Any], str]:
    app = new_app(
        {**context, "env": env, "topology": "multi", "aws:cdk:enable-path-metadata": True},
        outdir=str(outdir),
    )
    (stack,) = app.synth().stacks
    return stack.template, stack.stack_name


def report(a_name: str, b_name: str, context: Mapping[str, Any]) -> list[str]:
    """The lines `make envdiff` prints."""
    config = load_config({**context, "topology": "multi"})
    a = _resolve(config.environments, a_name, context)
    b = _resolve(config.environments, b_name, context)
    lines = [f"Config ({a.name} -> {b.name}):"]
    changes = config_differences(a, b)
    lines += [f"  {key:<40} {left!r} -> {right!r}" for key, left, right in changes] or ["  (same)"]
    with tempfile.TemporaryDirectory() as tmp:
        a_template, a_stack = _synth(context, a.name, Path(tmp, "a"))
        b_template, b_stack = _synth(context, b.name, Path(tmp, "b"))
    lines.append(
        f"Templates ({a_stack} -> {b_stack}; names, accounts, regions and hashes normalised):"
    )
    left, right = normalise(a_template, a, a_stack), normalise(b_template, b, b_stack)
    lines += _describe_templates(left, right, a.name, b.name) or ["  (same)"]
    return lines


def _describe_templates(left: Flat, right: Flat, a_name: str, b_name: str) -> list[str]:
    """One line per resource that exists on one side; property changes for the rest."""
    types = {
        key.partition(" ")[0]: value
        for key, value in {**left, **right}.items()
        if key.endswith(" Type")
    }
    left_only = {k.partition(" ")[0] for k in left} - {k.partition(" ")[0] for k in right}
    right_only = {k.partition(" ")[0] for k in right} - {k.partition(" ")[0] for k in left}
    lines = [f"  - {r} ({types.get(r, 'output')}) only in {a_name}" for r in sorted(left_only)]
    lines += [f"  + {r} ({types.get(r, 'output')}) only in {b_name}" for r in sorted(right_only)]
    current = None
    for key, before, after in template_differences(left, right):
        resource, _, path = key.partition(" ")
        if resource in left_only or resource in right_only:
            continue
        if resource != current:
            lines.append(f"  ~ {resource} ({types.get(resource, 'output')})")
            current = resource
        lines.append(f"      {path}: {before!r} -> {after!r}")
    return lines


def _resolve(
    environments: Sequence[EnvironmentConfig], name: str, context: Mapping[str, Any]
) -> EnvironmentConfig:
    known = {e.name: e for e in environments}
    if name in known:
        return known[name]
    (derived,) = load_config({**context, "topology": "multi", "env": name}).selected_environments
    return derived


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Show how two environments differ.")
    parser.add_argument("a")
    parser.add_argument("b")
    args = parser.parse_args(argv)
    context = direct_run_context([]) or {}
    try:
        print("\n".join(report(args.a, args.b, context)))
    except ConfigError as err:
        print(f"Invalid configuration (cdk.json or -c): {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
