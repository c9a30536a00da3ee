"""ItemService rules with an in-memory store: no moto, no network."""

from __future__ import annotations

import pytest
from service.errors import IdempotencyKeyReused, ItemNotFound, VersionConflict
from service.logic import ItemService, fingerprint, item_id_for_key, utc_now

from tests.runtime.fakes import InMemoryStore


def service(store: InMemoryStore | None = None) -> tuple[ItemService, InMemoryStore]:
    store = store or InMemoryStore()
    ticks = iter(f"2025-01-01T00:00:{n:02d}.000Z" for n in range(60))
    ids = iter(f"id-{n}" for n in range(60))
    return ItemService(store, clock=lambda: next(ticks), new_id=lambda: next(ids)), store


def test_create_without_key_uses_new_id_and_version_one() -> None:
    items, store = service()

    result = items.create({"a": 1}, None)

    assert result.replayed is False
    assert result.item.id == "id-0"
    assert result.item.version == 1
    assert result.item.created_at == result.item.updated_at == "2025-01-01T00:00:00.000Z"
    assert result.item.fingerprint is None
    assert store.items["id-0"] == result.item


def test_create_with_key_derives_id_and_replays() -> None:
    items, store = service()

    first = items.create({"a": 1, "b": [1, 2]}, "k-1")
    second = items.create({"b": [1, 2], "a": 1}, "k-1")

    assert first.item.id == item_id_for_key("k-1")
    assert second.replayed is True
    assert second.item == first.item
    assert len(store.items) == 1


def test_create_with_reused_key_and_other_body_raises() -> None:
    items, store = service()
    items.create({"a": 1}, "k-1")

    with pytest.raises(IdempotencyKeyReused):
        items.create({"a": 2}, "k-1")
    assert store.items[item_id_for_key("k-1")].data == {"a": 1}


def test_item_id_for_key_is_deterministic_and_distinct() -> None:
    # Pinned: a changed namespace would silently turn retried creates into duplicates.
    assert item_id_for_key("a") == item_id_for_key("a")
    assert item_id_for_key("a") != item_id_for_key("b")
    assert item_id_for_key("a") == "f8f15fe7-7ae3-5ef2-8364-16c51e6a4e5f"


def test_fingerprint_ignores_key_order_but_not_values() -> None:
    assert fingerprint({"a": 1, "b": {"c": 2, "d": 3}}) == fingerprint(
        {"b": {"d": 3, "c": 2}, "a": 1}
    )
    assert fingerprint({"a": 1}) != fingerprint({"a": 1.5})
    assert fingerprint({"a": "\ud800"}) != fingerprint({"a": ""})  # lone surrogate hashes fine


def test_replace_bumps_version_and_keeps_created_at() -> None:
    items, _ = service()
    created = items.create({"a": 1}, None).item

    updated = items.replace(created.id, 1, {"a": 2})

    assert updated.version == 2
    assert updated.data == {"a": 2}
    assert updated.created_at == created.created_at
    assert updated.updated_at > created.updated_at


def test_replace_with_stale_version_raises_conflict_with_current() -> None:
    items, store = service()
    created = items.create({"a": 1}, None).item
    items.replace(created.id, 1, {"a": 2})

    with pytest.raises(VersionConflict) as caught:
        items.replace(created.id, 1, {"a": 3})
    assert caught.value.current_version == 2
    assert store.items[created.id].data == {"a": 2}


def test_get_and_delete_missing_raise_not_found() -> None:
    items, _ = service()

    with pytest.raises(ItemNotFound):
        items.get("nope")
    with pytest.raises(ItemNotFound):
        items.delete("nope")
    with pytest.raises(ItemNotFound):
        items.replace("nope", 1, {})


def test_delete_then_get_is_not_found() -> None:
    items, store = service()
    created = items.create({"a": 1}, None).item

    items.delete(created.id)

    assert created.id not in store.items
    with pytest.raises(ItemNotFound):
        items.get(created.id)


def test_list_page_passes_limit_and_cursor_through() -> None:
    items, _ = service()
    for n in range(5):
        items.create({"n": n}, None)

    first = items.list_page(2, None)
    second = items.list_page(2, first.last_id)
    last = items.list_page(2, second.last_id)

    assert [i.data["n"] for i in first.items + second.items + last.items] == [0, 1, 2, 3, 4]
    assert last.last_id is None


def test_to_json_hides_the_fingerprint() -> None:
    items, _ = service()

    item = items.create({"a": 1}, "key").item

    assert item.fingerprint is not None
    assert set(item.to_json()) == {"id", "data", "version", "created_at", "updated_at"}


def test_utc_now_is_iso_utc_with_milliseconds() -> None:
    now = utc_now()

    assert now.endswith("Z")
    assert len(now) == len("2025-01-01T00:00:00.000Z")
