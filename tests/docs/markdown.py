"""Just enough Markdown for the docs checks: a section, its tables, and the code in it.

The README is written by people; these helpers read it the simple way a
reviewer would, so a check fails on what the page says, not on its markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"

_FENCE = re.compile(r"^```.*?^```", re.S | re.M)
_CODE_SPAN = re.compile(r"`([^`\n]+)`")


@dataclass(frozen=True)
class Table:
    """A Markdown table and the line of prose just before it, which says what it lists."""

    intro: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def column(self, name: str) -> int:
        return self.header.index(name)


def section(text: str, heading: str) -> str:
    """The body under `heading` (e.g. "### Config reference") up to the next heading as high."""
    level = len(heading) - len(heading.lstrip("#"))
    lines = text.splitlines()
    start = lines.index(heading) + 1
    for end in range(start, len(lines)):
        match = re.match(r"^(#+) ", lines[end])
        if match and len(match.group(1)) <= level:
            return "\n".join(lines[start:end])
    return "\n".join(lines[start:])


def tables(text: str) -> list[Table]:
    """Every table in `text`: consecutive lines that start with `|`."""
    found: list[Table] = []
    block: list[str] = []
    intro = ""
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            block.append(line)
            continue
        if block:
            cells = [_cells(row) for row in block if not re.fullmatch(r"[|\s:-]+", row)]
            found.append(Table(intro, tuple(cells[0]), tuple(tuple(c) for c in cells[1:])))
            block = []
        if line.strip():
            intro = line.strip()
    return found


def backticked(cell: str) -> str | None:
    """The cell's text if it is exactly one code span (`like_this`), else None."""
    match = re.fullmatch(r"`([^`]+)`", cell.strip())
    return match.group(1) if match else None


def code(text: str) -> list[str]:
    """Everything written as code: fenced blocks and inline spans."""
    fenced = _FENCE.findall(text)
    prose = _FENCE.sub("", text)
    return fenced + _CODE_SPAN.findall(prose)


def _cells(row: str) -> list[str]:
    # `\|` inside a cell is a literal pipe (as in `multi` \| `single`).
    parts = re.split(r"(?<!\\)\|", row.strip().strip("|"))
    return [part.strip().replace("\\|", "|") for part in parts]
