"""API-key checking with a per-container secret cache.

Reading the secret on every write would add a Secrets Manager round trip (and cost) to each
request, so the value is kept for ``ttl_seconds``. Rotation must still work without a redeploy:
when a presented key does not match the cached one, the secret is re-read once and compared
again. Those forced re-reads are rate-limited, otherwise anyone sending wrong keys could make
every request hit Secrets Manager.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from time import monotonic

from service.ports import SecretSource

# At most one forced re-read per this many seconds per container. Worst case: a wrong key
# spends the re-read just before a rotation, and the new key fails for up to this long.
MIN_FORCED_REFRESH_SECONDS = 5.0


class SecretCache:
    """Holds one secret value; time comes from ``clock`` so tests can move it.

    A failed read after the TTL is an error (503), not a reason to keep the stale value:
    serving a possibly revoked key through an outage would defeat rotation.
    """

    def __init__(
        self,
        source: SecretSource,
        secret_id: str,
        ttl_seconds: float,
        *,
        clock: Callable[[], float] | None = None,
        min_forced_refresh_seconds: float = MIN_FORCED_REFRESH_SECONDS,
    ) -> None:
        self._source = source
        self._secret_id = secret_id
        self._ttl = ttl_seconds
        self._clock = clock
        self._min_forced = min_forced_refresh_seconds
        self._value: str | None = None
        self._fetched_at = 0.0
        self._forced_at: float | None = None

    def _now(self) -> float:
        # Looked up at call time so a test can patch ``monotonic`` for a cache it did not build.
        return self._clock() if self._clock is not None else monotonic()

    def get(self) -> str:
        """Return the cached value, reading it first if absent or older than the TTL."""
        value = self._value
        if value is None or self._now() - self._fetched_at >= self._ttl:
            value = self._load()
        return value

    def refresh(self) -> str | None:
        """Re-read the secret now, unless a forced re-read happened too recently (then ``None``)."""
        now = self._now()
        if self._forced_at is not None and now - self._forced_at < self._min_forced:
            return None
        self._forced_at = now
        return self._load()

    def _load(self) -> str:
        value = self._source.fetch(self._secret_id)
        self._value = value
        self._fetched_at = self._now()
        return value


class ApiKeyVerifier:
    """Compares a presented API key with the secret in constant time."""

    def __init__(self, cache: SecretCache) -> None:
        self._cache = cache

    def verify(self, presented: str) -> bool:
        """True if ``presented`` is the current key; re-reads the secret once on a mismatch."""
        if _same(presented, self._cache.get()):
            return True
        fresh = self._cache.refresh()
        return fresh is not None and _same(presented, fresh)


def _same(presented: str, expected: str) -> bool:
    # Bytes, because compare_digest rejects non-ASCII str and the header is client-controlled
    # (JSON can even carry lone surrogates, hence surrogatepass).
    return hmac.compare_digest(
        presented.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )
