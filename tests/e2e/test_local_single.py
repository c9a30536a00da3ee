"""`make local TOPOLOGY=single`: one function behind three stages, told apart per request.

Each stage is served under its own prefix with its own stage variables and alias qualifier, as
the shared stack's API does, so these tests show that stage-variable routing reaches each
environment's own table and key.
"""

from __future__ import annotations

import os
import signal
from concurrent.futures import ThreadPoolExecutor

from local.fake_aws import moto_client
from local.process import LocalStackProcess
from tests.e2e.client import Reply, call
from tests.e2e.conftest import current_key

ENVIRONMENTS = ("test", "staging", "prod")


def test_every_stage_is_served_under_its_own_prefix(local_single: LocalStackProcess) -> None:
    stages = local_single.info.stages

    for env in ENVIRONMENTS:
        reply = call("GET", stages[env].url + "health")

        assert stages[env].url.endswith(f"/{env}/")
        assert (reply.status, reply.json["environment"]) == (200, env)


def test_each_stage_reaches_its_own_table_and_key(local_single: LocalStackProcess) -> None:
    info = local_single.info
    test, prod = info.stages["test"], info.stages["prod"]
    test_key, prod_key = current_key(local_single, "test"), current_key(local_single, "prod")
    dynamodb = moto_client("dynamodb", endpoint_url=info.moto_url, region=info.region)

    in_test = call("POST", test.url + "items", {"data": {"env": "test"}}, key=test_key).json
    in_prod = call("POST", prod.url + "items", {"data": {"env": "prod"}}, key=prod_key).json
    cross_key = call("POST", prod.url + "items", {"data": {}}, key=test_key)
    cross_read = call("GET", f"{prod.url}items/{in_test['id']}")

    def ids(table: str) -> set[str]:
        return {i["id"]["S"] for i in dynamodb.scan(TableName=table)["Items"]}

    assert test.table != prod.table
    assert in_test["id"] in ids(test.table) - ids(prod.table)
    assert in_prod["id"] in ids(prod.table) - ids(test.table)
    assert cross_key.status == 401
    assert cross_read.status == 404


def test_concurrent_updates_through_two_handler_processes_keep_one_winner(
    local_single: LocalStackProcess,
) -> None:
    """Eight clients update the same version at once: exactly one wins, the rest get 409."""
    staging = local_single.info.stages["staging"]
    key = current_key(local_single, "staging")
    item = call("POST", staging.url + "items", {"data": {"writer": None}}, key=key).json
    url = f"{staging.url}items/{item['id']}"

    def update(writer: int) -> Reply:
        return call("PUT", url, {"version": 1, "data": {"writer": writer}}, key=key)

    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(update, range(8)))

    statuses = sorted(reply.status for reply in replies)
    assert statuses == [200] + [409] * 7, [r.text for r in replies]
    winner = next(reply.json for reply in replies if reply.status == 200)
    assert call("GET", url).json["data"] == winner["data"]
    assert len(local_single.info.handler_pids) == 2


def test_a_crashed_handler_process_is_a_502_then_replaced(local_single: LocalStackProcess) -> None:
    """As in Lambda: the request that meets a dead environment fails, later ones get a new one."""
    health = local_single.info.stages["test"].url + "health"
    os.kill(local_single.info.handler_pids[0], signal.SIGKILL)

    statuses = [call("GET", health).status for _ in range(3)]

    assert sorted(statuses[:2]) == [200, 502]  # the pool hands out both processes in turn
    assert statuses[2] == 200
    assert "function error: handler process" in local_single.console_text()
