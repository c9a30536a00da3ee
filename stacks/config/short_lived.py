"""Short-lived environments: throwaway copies of a base environment, per pull request or developer.

They are not listed under `environments`. A name given with `-c env=<name>`
that matches a declared pattern is derived from that pattern's base
environment, never keeps data, and carries an `expires-at` tag that the
sweeper (`make sweep`) acts on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from stacks.config.model import ENV_NAME_PATTERN, DeploymentSettings, EnvironmentConfig

EXPIRES_AT_TAG = "expires-at"
SHORT_LIVED_TAG = "short-lived"
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%MZ"


class ShortLivedRule(BaseModel):
    """One family of short-lived environment names."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    pattern: str = Field(
        description="Regular expression a name must match in full, e.g. `pr-[0-9]{1,6}`."
    )
    base: str = Field(description="Permanent environment whose settings the copy takes.")
    lifetime_hours: Annotated[int, Field(ge=1, le=24 * 30)] = Field(
        default=72, description="Hours after the last deploy at which the sweeper may delete it."
    )

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as err:
            raise ValueError(f"{value!r} is not a regular expression: {err}") from err
        return value

    def matches(self, name: str) -> bool:
        return re.fullmatch(self.pattern, name) is not None


def parse_rules(
    value: Any, permanent: Sequence[str], problems: list[str]
) -> tuple[ShortLivedRule, ...]:
    """Validate `short_lived`; a pattern may never match a permanent environment's name."""
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(
            f"short_lived: expected a list of rules, got {type(value).__name__}; e.g. "
            '[{"pattern": "pr-[0-9]{1,6}", "base": "test", "lifetime_hours": 72}]'
        )
        return ()
    rules = []
    for index, raw in enumerate(value):
        where = f"short_lived[{index}]"
        try:
            rule = ShortLivedRule.model_validate(raw)
        except ValidationError as err:
            for error in err.errors(include_url=False):
                field = ".".join(str(p) for p in error["loc"])
                msg = error["msg"].removeprefix("Value error, ")
                problems.append(f"{where}.{field}: {msg}" if field else f"{where}: {msg}")
            continue
        if rule.base not in permanent:
            problems.append(
                f"{where}.base: unknown environment {rule.base!r}; "
                f"use one of: {', '.join(permanent)}"
            )
        clashes = [name for name in permanent if rule.matches(name)]
        if clashes:
            problems.append(
                f"{where}.pattern: {rule.pattern!r} matches the permanent environment(s) "
                f"{', '.join(clashes)}; a short-lived name must never collide with one"
            )
        rules.append(rule)
    return tuple(rules)


def derive(
    name: str,
    rules: Sequence[ShortLivedRule],
    bases: Mapping[str, EnvironmentConfig],
    now: datetime,
) -> EnvironmentConfig | None:
    """The environment `name` stands for, or None when no rule matches it."""
    rule = next((r for r in rules if r.matches(name)), None)
    if rule is None or rule.base not in bases or not ENV_NAME_PATTERN.match(name):
        return None
    base = bases[rule.base]
    expires = (now + timedelta(hours=rule.lifetime_hours)).strftime(TIMESTAMP_FORMAT)
    # Keeps the base's secret names: a throwaway environment reads the base's
    # secrets rather than needing its own created first.
    return base.model_copy(
        update={
            "name": name,
            "stack_name": None,
            "retain_data": False,
            "existing_table_name": None,
            "protected": False,
            "pinned_version": None,
            "deployment": DeploymentSettings(),
            "tags": {**base.tags, EXPIRES_AT_TAG: expires, SHORT_LIVED_TAG: "true"},
        }
    )
