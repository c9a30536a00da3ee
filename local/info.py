"""What a running local stack tells its clients, as JSON: the ``--ready-file`` format.

Kept apart from ``stack`` so that clients (the end-to-end and smoke-suite tests, the load bench)
read it without importing moto or the gateway.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class StageInfo:
    """What a client of one stage needs."""

    url: str
    environment: str
    api_key: str
    table: str
    secret: str


@dataclass(frozen=True, slots=True)
class RunningStack:
    """Where everything is."""

    stack_name: str
    region: str
    account: str
    moto_url: str
    stages: dict[str, StageInfo]
    handler_pids: list[int]

    def write(self, path: Path) -> None:
        """Atomically, so a reader polling for the file never sees half of it."""
        partial = path.with_name(path.name + ".partial")
        partial.write_text(json.dumps(asdict(self), indent=2))
        partial.replace(path)

    @classmethod
    def read(cls, path: Path) -> RunningStack:
        raw = json.loads(path.read_text())
        stages = {name: StageInfo(**stage) for name, stage in raw.pop("stages").items()}
        return cls(stages=stages, **raw)
