"""SecretCache and ApiKeyVerifier with a fake source and clock."""

from __future__ import annotations

import pytest
from service.errors import SecretUnavailable
from service.secret_cache import ApiKeyVerifier, SecretCache

from tests.runtime.fakes import FakeClock, FakeSecretSource


def verifier(value: str | None = "key-1", ttl: float = 60) -> tuple:
    source, clock = FakeSecretSource(value), FakeClock()
    cache = SecretCache(source, "arn", ttl, clock=clock, min_forced_refresh_seconds=5)
    return ApiKeyVerifier(cache), source, clock


def test_value_is_read_once_within_ttl() -> None:
    check, source, clock = verifier()

    results = [check.verify("key-1") for _ in range(5)]
    clock.advance(59)
    results.append(check.verify("key-1"))

    assert results == [True] * 6
    assert source.reads == 1


def test_value_is_re_read_after_ttl() -> None:
    check, source, clock = verifier()
    check.verify("key-1")
    source.value = "key-2"
    clock.advance(60)

    assert check.verify("key-2") is True
    assert source.reads == 2
    assert check.verify("key-1") is False  # old key: one forced re-read, still wrong


def test_mismatch_forces_one_re_read_so_rotation_needs_no_redeploy() -> None:
    check, source, _ = verifier()
    check.verify("key-1")
    source.value = "key-2"

    assert check.verify("key-2") is True
    assert source.reads == 2
    assert check.verify("key-2") is True
    assert source.reads == 2


def test_forced_re_reads_are_rate_limited() -> None:
    check, source, clock = verifier()

    assert [check.verify(f"guess-{n}") for n in range(4)] == [False] * 4
    assert source.reads == 2
    clock.advance(5)
    assert check.verify("guess") is False
    assert source.reads == 3


def test_zero_ttl_reads_every_time() -> None:
    check, source, _ = verifier(ttl=0)

    for _ in range(3):
        assert check.verify("key-1") is True
    assert source.reads == 3


def test_unavailable_secret_propagates_and_is_retried_next_time() -> None:
    check, source, _ = verifier(value=None)

    with pytest.raises(SecretUnavailable):
        check.verify("key-1")
    source.value = "key-1"
    assert check.verify("key-1") is True


@pytest.mark.parametrize("presented", ["", "key-", "key-1 ", "KEY-1", "ключ", "\ud800"])
def test_near_misses_and_odd_strings_fail_without_error(presented: str) -> None:
    check, _, _ = verifier()

    assert check.verify(presented) is False
