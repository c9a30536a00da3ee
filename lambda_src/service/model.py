"""The stored item and a page of items.

``data`` is deliberately an opaque JSON object: a service forked from this template replaces it
with its own fields while versioning, idempotency and paging stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

JsonObject = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Item:
    """One item. ``fingerprint`` identifies the create request and is never returned to clients."""

    id: str
    data: JsonObject
    version: int
    created_at: str
    updated_at: str
    fingerprint: str | None = None

    def to_json(self) -> JsonObject:
        """Public representation; internal bookkeeping such as ``fingerprint`` stays out."""
        return {
            "id": self.id,
            "data": self.data,
            "version": self.version,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass(frozen=True, slots=True)
class Page:
    """Items plus the id to continue after; ``None`` means there is nothing more."""

    items: tuple[Item, ...]
    last_id: str | None
