"""Secrets hygiene: no secret value in a template, only references to where secrets live.

A template is uploaded to S3, shown in the CloudFormation console and kept in
every stack's history; an environment variable is readable by anyone who may
call GetFunctionConfiguration. The service therefore passes secret ARNs and
reads values at run time (stacks/components/secrets.py), and these rules keep
it that way for whatever is added next.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from stacks.compliance.templates import Finding, SynthesizedStack, render

PLUGIN_NAME = "SecretsHygiene"
PLAINTEXT_IN_ENVIRONMENT = "SecretsHygiene-PlaintextSecretInEnvironment"
LITERAL_CREDENTIAL = "SecretsHygiene-LiteralCredential"
VALUE_REFERENCE = "SecretsHygiene-SecretDynamicReference"
RULE_IDS = (PLAINTEXT_IN_ENVIRONMENT, LITERAL_CREDENTIAL, VALUE_REFERENCE)

# The last word of a variable's name says what it holds: API_KEY and DB_PASSWORD hold
# secrets, SECRET_CACHE_TTL_SECONDS and API_KEY_ARN do not.
SECRET_WORDS = frozenset(
    {"KEY", "APIKEY", "SECRET", "TOKEN", "PASSWORD", "PASSWD", "PWD", "PASS", "PASSPHRASE",
     "CREDENTIAL", "CREDENTIALS", "AUTH"}
)  # fmt: skip
_WORD_BOUNDARY = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")

# Credentials that have a recognisable shape, wherever they appear.
CREDENTIAL_PATTERNS = {
    "an AWS access key ID": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "a private key": re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"),
    "a GitHub token": re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
    "a Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "a Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "a Stripe live key": re.compile(r"\b[rs]k_live_[0-9A-Za-z]{20,}"),
    "a JSON web token": re.compile(r"\beyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}"),
    "a password in a URL": re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s:@]+@"),
}
# Dynamic references that CloudFormation replaces with the secret's value at deploy time:
# in an environment variable, a tag or an output that value is then plain text.
SECRET_REFERENCE = re.compile(r"\{\{resolve:(?:secretsmanager|ssm-secure):")


@dataclass(frozen=True)
class Hit:
    """A secret-looking value: where it is (logical ID, or None outside Resources) and why."""

    rule: str
    logical_id: str | None
    location: str
    message: str


def check_secrets(stacks: Sequence[SynthesizedStack]) -> list[Finding]:
    """The plugin's entry point: every hit in every stack, as findings."""
    return [
        Finding(
            rule=hit.rule,
            message=f"{_subject(stack, hit)}: {hit.message}",
            stack=stack,
            logical_id=hit.logical_id,
            location=hit.location,
        )
        for stack in stacks
        for hit in scan_template(stack.template)
    ]


def scan_template(template: Mapping[str, Any]) -> list[Hit]:
    """Every secret-looking value in one template."""
    hits: list[Hit] = []
    for section, entries in template.items():
        if not isinstance(entries, Mapping):
            continue
        for name, entry in entries.items():
            logical_id = name if section == "Resources" else None
            where = "" if logical_id else f"{section}/{name}/"
            hits += _environment_secrets(entry, logical_id, where)
            hits += _literals(entry, logical_id, where)
    return hits


def looks_secret(name: str) -> bool:
    """Whether a variable named `name` would hold a secret (judged by its last word)."""
    words = [w for w in _WORD_BOUNDARY.split(name) if w]
    return bool(words) and words[-1].upper() in SECRET_WORDS


def _environment_secrets(entry: Any, logical_id: str | None, where: str) -> Iterator[Hit]:
    for location, name, value in _variables(entry, ()):
        rendered = render(value)
        if not looks_secret(name) or not isinstance(rendered, str):
            continue
        if rendered == "" or rendered.startswith("arn:") or "${" in rendered:
            continue  # an ARN or a reference: where the secret lives, not what it is
        if SECRET_REFERENCE.search(rendered):
            continue  # reported by _literals, with the reason that fits
        yield Hit(
            PLAINTEXT_IN_ENVIRONMENT,
            logical_id,
            where + location,
            f"environment variable {name} holds a literal value; pass the secret's ARN "
            "(stacks/components/secrets.py) and read the value at run time",
        )


def _variables(node: Any, path: tuple[str, ...]) -> Iterator[tuple[str, str, Any]]:
    """(location, name, value) of environment variables in Lambda, ECS or CodeBuild shapes."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            here = (*path, str(key))
            if key == "Variables" and path[-1:] == ("Environment",) and isinstance(value, Mapping):
                for name, item in value.items():
                    yield "/".join((*here, str(name))), str(name), item
            elif key in ("Environment", "EnvironmentVariables") and isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, Mapping) and "Name" in item and "Value" in item:
                        yield "/".join((*here, str(index))), str(item["Name"]), item["Value"]
            yield from _variables(value, here)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _variables(item, (*path, str(index)))


def _literals(entry: Any, logical_id: str | None, where: str) -> Iterator[Hit]:
    for location, text in _strings(entry, ()):
        place = where + location
        if SECRET_REFERENCE.search(text):
            yield Hit(
                VALUE_REFERENCE,
                logical_id,
                place,
                f"{place} resolves a secret's value at deploy time (a {{{{resolve:...}}}} "
                "reference), so the value is readable in the resource's configuration; pass "
                "the secret's ARN instead",
            )
        for kind, pattern in CREDENTIAL_PATTERNS.items():
            if pattern.search(text):
                yield Hit(
                    LITERAL_CREDENTIAL,
                    logical_id,
                    place,
                    f"{place} contains what looks like {kind}; keep it in Secrets Manager and "
                    "pass the secret's ARN",
                )


def _strings(node: Any, path: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """Every string, and every Fn::Join rendered whole (a value may be split across parts)."""
    if isinstance(node, str):
        yield "/".join(path), node
    elif isinstance(node, Mapping):
        if set(node) == {"Fn::Join"}:
            joined = render(node)
            if isinstance(joined, str):
                yield "/".join(path), joined
                return
        for key, value in node.items():
            yield from _strings(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _strings(item, (*path, str(index)))


def _subject(stack: SynthesizedStack, hit: Hit) -> str:
    return f"stack {stack.name}" if hit.logical_id is None else stack.describe(hit.logical_id)
