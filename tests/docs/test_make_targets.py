"""Every `make <target>` the README tells people to run exists in the Makefile.

A renamed or removed target otherwise leaves the README sending newcomers to a
command that fails on their first try.
"""

from __future__ import annotations

import re

from tests.docs.markdown import README, ROOT, code

MAKEFILE = ROOT / "Makefile"
# `make` followed by a target name, as written in a command (not `make`'s options).
_MAKE_COMMAND = re.compile(r"(?:^|[\s;&|(`$])make\s+([a-z][a-z0-9_-]*)", re.M)


def makefile_targets() -> set[str]:
    """Rule names: `name:` or `a b:` at the start of a line, not `NAME := value`."""
    targets: set[str] = set()
    for line in MAKEFILE.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.%/ -]+?)\s*::?(?!=)", line)
        if match and not line.startswith((" ", "\t")):
            targets.update(match.group(1).split())
    return targets


def readme_make_targets() -> set[str]:
    return {
        target for snippet in code(README.read_text()) for target in _MAKE_COMMAND.findall(snippet)
    }


def test_readme_names_some_make_targets() -> None:
    """Guards the parser: if it found nothing, the next test would pass vacuously."""
    assert {"synth", "test"} <= readme_make_targets()


def test_every_make_target_in_the_readme_exists() -> None:
    missing = sorted(readme_make_targets() - makefile_targets())
    assert not missing, (
        f"README.md tells people to run {', '.join(f'make {t}' for t in missing)}, "
        "but the Makefile has no such target: add it, or fix the README"
    )
