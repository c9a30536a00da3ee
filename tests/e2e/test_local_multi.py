"""`make local` (multi-stack, ENV=test) over real HTTP: every route, the errors, rotation.

Only `test_a_rotated_key_is_used_without_a_restart` presents a key that is not the current one:
the runtime re-reads the secret on a failed key at most once per 5 s per environment and
process (lambda_src/service/secret_cache.py), and the test relies on that re-read being free.
"""

from __future__ import annotations

import re
import uuid

from local.fake_aws import moto_client
from local.info import StageInfo
from local.process import LocalStackProcess
from tests.e2e.client import call
from tests.e2e.conftest import current_key
from tests.support.synth import Synthesis


def stage_of(stack: LocalStackProcess) -> StageInfo:
    return stack.info.stages["test"]


def key_of(stack: LocalStackProcess) -> str:
    return current_key(stack, "test")


def test_the_url_carries_the_stage_prefix_like_the_deployed_one(
    local_multi: LocalStackProcess,
) -> None:
    stage = stage_of(local_multi)

    reply = call("GET", stage.url + "health")

    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/test/", stage.url)
    assert reply.status == 200
    assert reply.json == {"status": "ok", "service": "items-api", "environment": "test"}
    assert reply.headers["x-amzn-RequestId"]


def test_every_route_round_trips(local_multi: LocalStackProcess) -> None:
    stage, key = stage_of(local_multi), key_of(local_multi)

    created = call("POST", stage.url + "items", {"data": {"colour": "red"}}, key=key)
    item = created.json
    url = f"{stage.url}items/{item['id']}"
    fetched = call("GET", url)
    listed = call("GET", stage.url + "items?limit=100")
    replaced = call("PUT", url, {"version": 1, "data": {"colour": "blue"}}, key=key)
    deleted = call("DELETE", url, key=key)
    gone = call("GET", url)

    assert created.status == 201, created.text
    assert created.headers["Location"] == f"/items/{item['id']}"
    assert fetched.status == 200
    assert fetched.json == item
    assert listed.status == 200
    assert item["id"] in [i["id"] for i in listed.json["items"]]
    assert replaced.status == 200
    assert (replaced.json["version"], replaced.json["data"]) == (2, {"colour": "blue"})
    assert deleted.status == 204
    assert deleted.text == ""
    assert gone.status == 404


def test_a_stale_update_is_a_409_naming_the_current_version(
    local_multi: LocalStackProcess,
) -> None:
    stage, key = stage_of(local_multi), key_of(local_multi)
    item = call("POST", stage.url + "items", {"data": {"n": 0}}, key=key).json
    url = f"{stage.url}items/{item['id']}"

    first = call("PUT", url, {"version": 1, "data": {"n": 1}}, key=key)
    stale = call("PUT", url, {"version": 1, "data": {"n": 2}}, key=key)

    assert first.status == 200
    assert stale.status == 409
    assert stale.json["error"] == "version_conflict"
    assert stale.json["current_version"] == 2
    assert call("GET", url).json["data"] == {"n": 1}


def test_bad_requests_are_400_with_the_reason(local_multi: LocalStackProcess) -> None:
    stage, key = stage_of(local_multi), key_of(local_multi)

    not_json = call("POST", stage.url + "items", raw=b"{not json", key=key)
    no_data = call("POST", stage.url + "items", {"colour": "red"}, key=key)
    bad_limit = call("GET", stage.url + "items?limit=0")

    assert (not_json.status, not_json.json["error"]) == (400, "invalid_json")
    assert no_data.status == 400
    assert (bad_limit.status, bad_limit.json.get("field")) == (400, "limit")


def test_writes_without_the_api_key_are_401_and_change_nothing(
    local_multi: LocalStackProcess,
) -> None:
    stage, key = stage_of(local_multi), key_of(local_multi)
    item = call("POST", stage.url + "items", {"data": {"n": 0}}, key=key).json
    url = f"{stage.url}items/{item['id']}"

    create = call("POST", stage.url + "items", {"data": {"n": 1}})
    replace = call("PUT", url, {"version": 1, "data": {"n": 1}})
    delete = call("DELETE", url)

    assert [create.status, replace.status, delete.status] == [401, 401, 401]
    assert create.json["error"] == "unauthorized"
    assert call("GET", url).json == item


def test_paths_outside_the_served_stage_get_api_gateways_403(
    local_multi: LocalStackProcess,
) -> None:
    base = stage_of(local_multi).url.removesuffix("test/")

    for path in ("", "prod/health", "staging/items"):
        reply = call("GET", base + path)
        assert (reply.status, reply.json) == (403, {"message": "Forbidden"}), path


def test_the_table_is_created_from_the_template(
    local_multi: LocalStackProcess, multi: Synthesis
) -> None:
    info = local_multi.info
    (table,) = multi.resources("items-api-test", "AWS::DynamoDB::Table").values()
    dynamodb = moto_client("dynamodb", endpoint_url=info.moto_url, region=info.region)

    described = dynamodb.describe_table(TableName=stage_of(local_multi).table)["Table"]

    assert described["KeySchema"] == table["Properties"]["KeySchema"]
    assert described["AttributeDefinitions"] == table["Properties"]["AttributeDefinitions"]
    assert described["BillingModeSummary"]["BillingMode"] == table["Properties"]["BillingMode"]


def test_a_rotated_key_is_used_without_a_restart(local_multi: LocalStackProcess) -> None:
    """Rotate in moto while serving: the failed-auth re-read picks the new key up at once.

    The rotation stays: the other tests read the current key from moto (`key_of`).
    """
    info, stage = local_multi.info, stage_of(local_multi)
    secrets = moto_client("secretsmanager", endpoint_url=info.moto_url, region=info.region)
    old_key, new_key = key_of(local_multi), f"rotated-{uuid.uuid4().hex}"

    before = call("POST", stage.url + "items", {"data": {}}, key=old_key)
    secrets.put_secret_value(SecretId=stage.secret, SecretString=new_key)
    with_new = call("POST", stage.url + "items", {"data": {}}, key=new_key)
    with_old = call("POST", stage.url + "items", {"data": {}}, key=old_key)

    assert before.status == 201
    assert with_new.status == 201, with_new.text
    assert with_old.status == 401  # one handler process, whose cache now holds the new key


def test_each_request_is_one_console_line_and_handler_logs_stay_out(
    local_multi: LocalStackProcess,
) -> None:
    stage = stage_of(local_multi)
    probe = f"console-probe-{uuid.uuid4().hex[:8]}"

    assert call("GET", f"{stage.url}items/{probe}").status == 404

    console = local_multi.console_text()
    assert re.search(rf"^\d\d:\d\d:\d\d GET /test/items/{probe} 404 \d+\.\d ms$", console, re.M)
    assert '"level"' not in console
    assert '"route":"GET /items/{id}"' in local_multi.handler_log.read_text()
