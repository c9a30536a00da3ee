"""The single error type that config validation raises."""

from __future__ import annotations

from collections.abc import Sequence


class ConfigError(Exception):
    """Every problem found in the config, reported together.

    Collecting all problems before failing means one edit of `cdk.json` fixes
    them all, instead of one synth round-trip per typo.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(dict.fromkeys(problems))  # de-duplicated, order kept
        if len(self.problems) == 1:
            super().__init__(self.problems[0])
        else:
            header = f"{len(self.problems)} problems:"
            super().__init__("\n".join([header, *(f"  - {p}" for p in self.problems)]))


def show(value: object) -> str:
    """A bad value as an error message quotes it: its repr, cut short if long."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
