"""Item rules in plain Python: ids, versions, timestamps and idempotent creates.

Nothing here knows about HTTP or AWS; the store is injected, so the rules are unit-tested with an
in-memory fake and the same code runs against DynamoDB.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from service.errors import IdempotencyKeyReused, ItemAlreadyExists, ItemNotFound
from service.model import Item, JsonObject, Page
from service.ports import ItemStore

# Fixed namespace so that one Idempotency-Key always maps to the same item id, in every container
# and after every deploy. Changing it would turn old keys into new items.
IDEMPOTENCY_NAMESPACE = uuid.UUID("6f1d2a4e-63c4-4c47-9a53-1f0b7f6b8e11")


def utc_now() -> str:
    """ISO-8601 UTC timestamp with milliseconds, sortable as a string."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def item_id_for_key(idempotency_key: str) -> str:
    """Derive the item id from the key, so a retried create lands on the same item."""
    return str(uuid.uuid5(IDEMPOTENCY_NAMESPACE, idempotency_key))


def fingerprint(data: JsonObject) -> str:
    """Hash of the create body, key order ignored, to tell a true replay from a reused key."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


@dataclass(frozen=True, slots=True)
class CreateResult:
    """The created item, and whether it already existed from an earlier identical request."""

    item: Item
    replayed: bool


class ItemService:
    """Use cases of the items API."""

    def __init__(
        self,
        store: ItemStore,
        *,
        clock: Callable[[], str] = utc_now,
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self._store = store
        self._clock = clock
        self._new_id = new_id

    def create(self, data: JsonObject, idempotency_key: str | None) -> CreateResult:
        """Create an item at version 1.

        With an idempotency key the id is derived from the key and the write is conditional, so
        a retry returns the stored item instead of a duplicate; the same key with another body
        raises ``IdempotencyKeyReused``.
        """
        now = self._clock()
        item_id = item_id_for_key(idempotency_key) if idempotency_key else self._new_id()
        item = Item(
            id=item_id,
            data=data,
            version=1,
            created_at=now,
            updated_at=now,
            fingerprint=fingerprint(data) if idempotency_key else None,
        )
        try:
            self._store.put_new(item)
        except ItemAlreadyExists as exists:
            if idempotency_key is None:
                raise  # a random uuid4 collided: impossible in practice, so surface it loudly
            if exists.existing.fingerprint != item.fingerprint:
                raise IdempotencyKeyReused(
                    "Idempotency-Key was already used with a different request body"
                ) from None
            return CreateResult(item=exists.existing, replayed=True)
        return CreateResult(item=item, replayed=False)

    def get(self, item_id: str) -> Item:
        """Return the item or raise ``ItemNotFound``."""
        item = self._store.get(item_id)
        if item is None:
            raise ItemNotFound(item_id)
        return item

    def replace(self, item_id: str, expected_version: int, data: JsonObject) -> Item:
        """Replace ``data`` if the client saw the latest version; the store checks atomically."""
        return self._store.replace(item_id, expected_version, data, self._clock())

    def delete(self, item_id: str) -> None:
        """Delete the item or raise ``ItemNotFound``."""
        self._store.delete(item_id)

    def list_page(self, limit: int, after_id: str | None) -> Page:
        """One page of items; the caller turns ``Page.last_id`` into an opaque cursor."""
        return self._store.list_after(limit, after_id)
