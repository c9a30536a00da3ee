"""The small interfaces the logic depends on, so it can be tested with in-memory fakes."""

from __future__ import annotations

from typing import Protocol

from service.model import Item, JsonObject, Page


class ItemStore(Protocol):
    """Persistence for items; every write is conditional so no update is ever lost."""

    def get(self, item_id: str) -> Item | None:
        """Return the item, or ``None`` if it does not exist."""
        ...

    def put_new(self, item: Item) -> None:
        """Store a new item; raise ``ItemAlreadyExists`` (with the stored one) if the id exists."""
        ...

    def replace(
        self, item_id: str, expected_version: int, data: JsonObject, updated_at: str
    ) -> Item:
        """Write ``data`` as version ``expected_version + 1`` only if the stored version matches.

        Raise ``ItemNotFound`` if the item is missing and ``VersionConflict`` if it moved on.
        """
        ...

    def delete(self, item_id: str) -> None:
        """Delete the item; raise ``ItemNotFound`` if there was nothing to delete."""
        ...

    def list_after(self, limit: int, after_id: str | None) -> Page:
        """Return up to ``limit`` items following ``after_id`` in the store's own order."""
        ...


class SecretSource(Protocol):
    """Reads a secret's current string value; raises ``SecretUnavailable`` when it cannot."""

    def fetch(self, secret_id: str) -> str:
        """Return the current value of the secret; never cached at this level."""
        ...
