"""Failures raised by the logic and the adapters, free of HTTP so the logic stays plain Python.

``api`` maps each of them to a status code in one table.
"""

from __future__ import annotations

from service.model import Item


class ItemNotFound(Exception):
    """The item does not exist (or was deleted)."""


class VersionConflict(Exception):
    """A conditional write lost: the stored version is not the one the client based its edit on."""

    def __init__(self, current_version: int) -> None:
        super().__init__(f"current version is {current_version}")
        self.current_version = current_version


class ItemAlreadyExists(Exception):
    """A create hit an existing id; carries the stored item so an idempotent replay can use it."""

    def __init__(self, existing: Item) -> None:
        super().__init__(existing.id)
        self.existing = existing


class IdempotencyKeyReused(Exception):
    """The same Idempotency-Key came back with a different body: a client bug, never a replay."""


class ItemTooLarge(Exception):
    """The encoded item would exceed what DynamoDB stores in one item."""


class StoreUnavailable(Exception):
    """DynamoDB could not be reached or refused the call for a reason the client cannot fix."""


class SecretUnavailable(Exception):
    """The API key could not be read (missing secret, no access, endpoint unreachable)."""
