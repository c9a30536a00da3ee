"""Opaque pagination cursors.

The cursor is base64url of a small JSON document rather than the raw id so that clients treat it
as opaque and the format can change (``v``) without breaking links they kept.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

_VERSION = 1
_MAX_CURSOR_CHARS = 2048
# The decoder would silently skip characters outside the alphabet; reject them instead.
_ALPHABET = re.compile(r"^[A-Za-z0-9_-]+$")


class InvalidCursor(ValueError):
    """The cursor was not produced by ``encode_cursor``."""


def encode_cursor(last_id: str) -> str:
    """Return the cursor that continues after ``last_id``."""
    raw = json.dumps({"v": _VERSION, "after": last_id}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> str:
    """Return the id to continue after, or raise ``InvalidCursor``."""
    if len(cursor) > _MAX_CURSOR_CHARS or not _ALPHABET.match(cursor):
        raise InvalidCursor("cursor is empty, too long or not base64url")
    padded = cursor + "=" * (-len(cursor) % 4)
    try:
        raw = base64.urlsafe_b64decode(padded.encode("ascii"))
        document: Any = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError) as error:
        raise InvalidCursor("cursor is not valid base64url JSON") from error
    if (
        not isinstance(document, dict)
        or document.keys() != {"v", "after"}
        or document["v"] != _VERSION
        or not isinstance(document["after"], str)
        or not document["after"]
    ):
        raise InvalidCursor("cursor has an unexpected shape")
    return document["after"]
