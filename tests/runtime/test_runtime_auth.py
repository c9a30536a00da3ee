"""API key checks against Secrets Manager (moto): caching, rotation, outages, no leaks."""

from __future__ import annotations

import json

import pytest
from service.runtime import reset_runtime

from tests.runtime.apigw import invoke, load_event, set_body, set_header
from tests.runtime.aws_calls import CallRecorder
from tests.runtime.conftest import API_KEYS, Aws, partial_arn, secret_name
from tests.runtime.fakes import FakeClock

NEW_KEY = "rotated-key-5c1d9e7a0b3f2468"


def write(key: str | None, n: int = 0) -> dict:
    event = set_header(load_event("create_item"), "Idempotency-Key", None)
    set_header(event, "x-api-key", key)
    return set_body(event, {"data": {"n": n}})


def secret_reads(calls: CallRecorder) -> int:
    return calls.count("secretsmanager", "GetSecretValue")


def test_missing_key_is_401_without_reading_the_secret(aws: Aws, aws_calls: CallRecorder) -> None:
    result = invoke(write(None))

    assert result.status == 401
    assert result.body["error"] == "unauthorized"
    assert "x-api-key" in result.body["message"]
    assert secret_reads(aws_calls) == 0
    assert aws.count() == 0


@pytest.mark.parametrize("fixture", ["create_item", "replace_item", "delete_item"])
def test_every_write_route_rejects_a_wrong_key(aws: Aws, fixture: str) -> None:
    event = set_header(load_event(fixture), "x-api-key", "wrong-key")

    result = invoke(event)

    assert result.status == 401
    assert aws.count() == 0


def test_header_name_is_case_insensitive(aws: Aws) -> None:
    event = set_header(write(None), "X-API-Key", API_KEYS["dev"])

    assert invoke(event).status == 201


def test_non_ascii_key_is_just_wrong(aws: Aws) -> None:
    assert invoke(write("clé-ünïcode")).status == 401


def test_secret_is_read_once_for_many_writes(aws: Aws, aws_calls: CallRecorder) -> None:
    statuses = [invoke(write(API_KEYS["dev"], n)).status for n in range(20)]

    assert statuses == [201] * 20
    assert secret_reads(aws_calls) == 1
    assert aws.count() == 20


def test_rotation_is_picked_up_after_a_failed_check(aws: Aws, aws_calls: CallRecorder) -> None:
    assert invoke(write(API_KEYS["dev"])).status == 201
    aws.rotate(NEW_KEY)

    with_new = invoke(write(NEW_KEY, 1))
    with_old = invoke(write(API_KEYS["dev"], 2))

    assert with_new.status == 201
    assert with_old.status == 401
    # initial read, one forced re-read for the new key; the old key's failure is rate-limited
    assert secret_reads(aws_calls) == 2
    assert aws.count() == 2


def test_rotation_is_picked_up_after_the_ttl(
    aws: Aws, aws_calls: CallRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    monkeypatch.setattr("service.secret_cache.monotonic", clock)
    assert invoke(write(API_KEYS["dev"])).status == 201
    aws.rotate(NEW_KEY)

    clock.advance(299)
    old_key_within_ttl = invoke(write(API_KEYS["dev"], 1))
    reads_within_ttl = secret_reads(aws_calls)
    clock.advance(2)
    new_key_after_ttl = invoke(write(NEW_KEY, 2))

    assert old_key_within_ttl.status == 201  # the cached key is still trusted inside the TTL
    assert reads_within_ttl == 1
    assert new_key_after_ttl.status == 201
    assert secret_reads(aws_calls) == 2  # the TTL re-read matched: no forced re-read needed


def test_forced_re_reads_are_rate_limited(
    aws: Aws, aws_calls: CallRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    monkeypatch.setattr("service.secret_cache.monotonic", clock)

    statuses = [invoke(write(f"guess-{n}")).status for n in range(10)]
    clock.advance(6)
    invoke(write("one-more-guess"))

    assert statuses == [401] * 10
    assert secret_reads(aws_calls) == 3  # first read, one forced re-read, one more after 5 s


def test_missing_secret_is_503_and_reads_still_work(aws: Aws) -> None:
    aws.secrets.delete_secret(SecretId=secret_name("dev"), ForceDeleteWithoutRecovery=True)

    write_result = invoke(write(API_KEYS["dev"]))
    read_result = invoke(load_event("list_items"))

    assert write_result.status == 503
    assert write_result.body["error"] == "secret_unavailable"
    assert read_result.status == 200
    assert aws.count() == 0


def test_secret_recovers_after_outage(aws: Aws) -> None:
    aws.secrets.delete_secret(SecretId=secret_name("dev"), ForceDeleteWithoutRecovery=True)
    assert invoke(write(API_KEYS["dev"])).status == 503

    aws.secrets.create_secret(Name=secret_name("dev"), SecretString=API_KEYS["dev"])

    assert invoke(write(API_KEYS["dev"])).status == 201


def test_partial_arn_resolves_in_moto(aws: Aws) -> None:
    full_arn = aws.secrets.describe_secret(SecretId=secret_name("dev"))["ARN"]

    assert full_arn != partial_arn("dev")
    assert full_arn.startswith(partial_arn("dev") + "-")
    value = aws.secrets.get_secret_value(SecretId=partial_arn("dev"))["SecretString"]
    assert value == API_KEYS["dev"]


def test_secret_values_never_reach_logs_or_responses(aws: Aws, logs) -> None:
    bodies = [invoke(write(API_KEYS["dev"])).raw["body"]]
    aws.rotate(NEW_KEY)
    bodies.append(invoke(write(NEW_KEY)).raw["body"])
    bodies.append(invoke(write(API_KEYS["dev"])).raw["body"])
    aws.secrets.delete_secret(SecretId=secret_name("dev"), ForceDeleteWithoutRecovery=True)
    reset_runtime()  # a new container: nothing cached
    bodies.append(invoke(write(NEW_KEY)).raw["body"])

    everything = logs.text() + json.dumps(bodies)
    assert [json.loads(b).get("error") for b in bodies] == [
        None,
        None,
        "unauthorized",
        "secret_unavailable",
    ]
    assert API_KEYS["dev"] not in everything
    assert NEW_KEY not in everything
    assert "secret unavailable" in logs.text()
