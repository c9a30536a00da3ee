"""In-memory stand-ins for the ports, so the logic is tested without moto or a network."""

from __future__ import annotations

from dataclasses import replace

from service.errors import (
    ItemAlreadyExists,
    ItemNotFound,
    SecretUnavailable,
    VersionConflict,
)
from service.model import Item, JsonObject, Page


class InMemoryStore:
    """Same contract as DynamoItemStore, ordered by insertion."""

    def __init__(self) -> None:
        self.items: dict[str, Item] = {}

    def get(self, item_id: str) -> Item | None:
        return self.items.get(item_id)

    def put_new(self, item: Item) -> None:
        if item.id in self.items:
            raise ItemAlreadyExists(self.items[item.id])
        self.items[item.id] = item

    def replace(
        self, item_id: str, expected_version: int, data: JsonObject, updated_at: str
    ) -> Item:
        current = self.items.get(item_id)
        if current is None:
            raise ItemNotFound(item_id)
        if current.version != expected_version:
            raise VersionConflict(current.version)
        updated = replace(current, data=data, version=current.version + 1, updated_at=updated_at)
        self.items[item_id] = updated
        return updated

    def delete(self, item_id: str) -> None:
        if self.items.pop(item_id, None) is None:
            raise ItemNotFound(item_id)

    def list_after(self, limit: int, after_id: str | None) -> Page:
        ids = list(self.items)
        start = ids.index(after_id) + 1 if after_id in self.items else 0
        chosen = ids[start : start + limit]
        more = start + limit < len(ids)
        return Page(tuple(self.items[i] for i in chosen), chosen[-1] if more else None)


class FakeSecretSource:
    """Returns ``value``; counts reads; raises when ``value`` is None."""

    def __init__(self, value: str | None) -> None:
        self.value = value
        self.reads = 0

    def fetch(self, secret_id: str) -> str:
        self.reads += 1
        if self.value is None:
            raise SecretUnavailable("GetSecretValue failed with ResourceNotFoundException")
        return self.value


class FakeClock:
    """A monotonic clock that only moves when told to."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
