"""No lost writes under real concurrency: 8 writers race on one item via a moto server.

Each writer is its own process running the real handler (one Lambda container each), driven by
its own thread; all of them talk to one moto server on 127.0.0.1 over HTTP, so their requests
interleave as concurrent Lambda invocations' would.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

import boto3
import pytest
from moto.server import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from tests.runtime.apigw import load_event, set_body, set_header, set_path
from tests.runtime.aws_calls import RECORDED_CALLS
from tests.runtime.conftest import API_KEYS, BASE_SETTINGS, REGION, create_resources

WRITERS = 8
ROUNDS = 5
ITEM = "contended-item"
WORKER = Path(__file__).with_name("writer_worker.py")


class SerializedMotoServer:
    """moto's server app on 127.0.0.1, handling one request at a time.

    moto applies a conditional write as check-then-set without a lock, so two threads of its
    threaded server can both pass the same check (seen here as two writers getting version 5).
    DynamoDB itself serializes writes to one item; this lock restores that guarantee and nothing
    more. The writers still race for real: eight processes send overlapping requests, and
    which one's condition holds is decided by arrival order, as in DynamoDB.
    """

    def __init__(self) -> None:
        app = DomainDispatcherApplication(create_backend_app)
        lock = threading.Lock()

        def serialized(environ: dict[str, Any], start_response: Any) -> list[bytes]:
            with lock:
                return list(app(environ, start_response))

        self._server = make_server(
            "127.0.0.1", 0, serialized, threaded=True, request_handler=MotoRequestHandler
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = SerializedMotoServer()
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


class Worker:
    """A handler process; ``call`` sends one event and waits for its response."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self._log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=env,
            text=True,
        )

    def _read(self) -> Any:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, f"worker exited early; see {self._log.name}"
        return json.loads(line)

    def wait_ready(self) -> Worker:
        assert self._read() == {"ready": True}
        return self

    def call(self, event: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(event) + "\n")
        self.process.stdin.flush()
        return self._read()

    def finish(self) -> list[tuple[str, str]]:
        """End the process; return the AWS calls its runtime made."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        calls = [(service, operation) for service, operation in self._read()["calls"]]
        self.process.wait(timeout=10)
        return calls

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        for stream in (self.process.stdin, self.process.stdout, self._log):
            if stream is not None and not stream.closed:
                stream.close()


class Outcome(NamedTuple):
    writer: int
    round: int
    sent_version: int
    status: int
    body: dict[str, Any]


def put_event(version: int, data: dict[str, Any]) -> dict[str, Any]:
    event = set_path(load_event("replace_item"), f"/items/{ITEM}", ITEM)
    set_header(event, "x-api-key", API_KEYS["dev"])
    return set_body(event, {"version": version, "data": data})


def race(workers: list[Worker]) -> list[Outcome]:
    """Every writer PUTs ROUNDS times, each time based on the last version it saw."""
    barrier = threading.Barrier(len(workers))
    outcomes: list[Outcome] = []
    lock = threading.Lock()

    def write(writer: int) -> None:
        version = 1
        for round_ in range(ROUNDS):
            barrier.wait(timeout=30)  # every round starts with all writers racing
            data = {"writer": writer, "round": round_}
            response = workers[writer].call(put_event(version, data))
            body = json.loads(response["body"])
            with lock:
                outcomes.append(Outcome(writer, round_, version, response["statusCode"], body))
            if response["statusCode"] == 200:
                version = body["version"]
            elif response["statusCode"] == 409:
                version = body["current_version"]

    with ThreadPoolExecutor(len(workers)) as pool:
        futures = [pool.submit(write, writer) for writer in range(len(workers))]
        for future in futures:
            try:
                future.result(timeout=60)
            except BaseException:
                barrier.abort()  # release the others, then report the first failure
                raise
    return outcomes


def test_parallel_writers_never_lose_a_write(moto_url: str, tmp_path: Path) -> None:
    dynamodb = boto3.client("dynamodb", region_name=REGION, endpoint_url=moto_url)
    secrets = boto3.client("secretsmanager", region_name=REGION, endpoint_url=moto_url)
    create_resources(dynamodb, secrets, envs=("dev",))
    dynamodb.put_item(
        TableName="items-dev",
        Item={
            "id": {"S": ITEM},
            "data": {"S": '{"writer":null}'},
            "version": {"N": "1"},
            "created_at": {"S": "2025-01-01T00:00:00.000Z"},
            "updated_at": {"S": "2025-01-01T00:00:00.000Z"},
        },
    )
    env = os.environ | BASE_SETTINGS | {"AWS_ENDPOINT_URL": moto_url}
    workers = [Worker(env, tmp_path / f"writer-{n}.log") for n in range(WRITERS)]
    try:
        for worker in workers:  # the processes start in parallel; this only waits for them
            worker.wait_ready()
        outcomes = race(workers)
        for worker in workers:
            RECORDED_CALLS.update(worker.finish())
    finally:
        for worker in workers:
            worker.stop()

    assert len(outcomes) == WRITERS * ROUNDS
    assert {o.status for o in outcomes} <= {200, 409}, [o.status for o in outcomes]
    wins = sorted((o for o in outcomes if o.status == 200), key=lambda o: o.body["version"])
    # Every success moved the item exactly one version forward from the version it was based
    # on, and no version was handed out twice: two winners from one base would be a lost write.
    assert [o.body["version"] for o in wins] == list(range(2, 2 + len(wins)))
    assert all(o.body["version"] == o.sent_version + 1 for o in wins)
    assert [o.status for o in outcomes if o.round == 0].count(200) == 1  # all sent version 1
    conflicts = [o for o in outcomes if o.status == 409]
    assert len(conflicts) >= WRITERS - 1
    assert all(o.body["current_version"] > o.sent_version for o in conflicts)

    stored = dynamodb.get_item(TableName="items-dev", Key={"id": {"S": ITEM}}, ConsistentRead=True)
    assert int(stored["Item"]["version"]["N"]) == 1 + len(wins)
    assert json.loads(stored["Item"]["data"]["S"]) == wins[-1].body["data"]
    assert wins[-1].body["data"] == {"writer": wins[-1].writer, "round": wins[-1].round}
