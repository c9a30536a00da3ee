"""Runtime cost: the Lambda handler against bare DynamoDB calls, each measured in the same run.

Everything talks to a moto server on 127.0.0.1, so the floor is "what botocore alone pays for
the same call" and a ratio says what the handler adds (Powertools, routing, validation, logs).

- cold start: a fresh interpreter imports the handler and serves one GET /items/{id}, from the
  bundle exactly as the stack builds it (pip --no-compile, so no .pyc, and nothing is cached
  between runs, as on Lambda's read-only /var/task). Floor: a fresh interpreter imports boto3
  and does one get_item (boto3 comes precompiled with the Lambda runtime). The "without
  bytecode" rows show what the bundle costs when no Python 3.13 is there to precompile it.
- warm latency: 1,000 requests in one process, 1 in 10 a PUT (so the API key is needed);
  floor: the same mix as bare get_item / conditional update_item calls.
- Secrets Manager calls during those 1,000 requests (goal: 1).
- zipped asset: the bundle as the stack builds it (and without bytecode), zipped.

Usage: python bench/runtime_bench.py [--runs N] [--requests N]   (run it on python3.13, with
boto3, moto[server] and pip available). Prints figures only; it asserts nothing about timings.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LAMBDA_SRC = ROOT / "lambda_src"
sys.path.insert(0, str(LAMBDA_SRC))
sys.path.insert(0, str(ROOT))  # the bundler's bytecode step: stacks/components/precompile.py

REGION = "eu-west-1"
TABLE = "bench-items"
KEY_NAME = "bench/api-key"  # the Secrets Manager secret holding API_KEY
API_KEY = "bench-key-0123456789"
ITEM = "bench-item"
FLOOR_ITEM = "bench-floor-item"
FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:bench"

COLD_HANDLER = f"""
import json, sys
from service.handler import lambda_handler
ARN = "{FUNCTION_ARN}"
context = type("Context", (), {{"aws_request_id": "cold", "invoked_function_arn": ARN}})
response = lambda_handler(json.loads(sys.argv[1]), context())
assert response["statusCode"] == 200, response
"""
COLD_FLOOR = """
import sys, boto3
response = boto3.client("dynamodb").get_item(TableName=sys.argv[1], Key={"id": {"S": sys.argv[2]}})
assert "Item" in response
"""
# Runs in its own process so the moto server thread in this one never competes for its GIL.
WARM = f"""
import json, sys, time
import boto3
import service.aws
from service.handler import lambda_handler

config = json.loads(sys.argv[1])
calls = []
service.aws.session().register(
    "before-call", lambda model, **_: calls.append(model.service_model.endpoint_prefix)
)
ARN = "{FUNCTION_ARN}"
context = type("Context", (), {{"aws_request_id": "warm", "invoked_function_arn": ARN}})()
get_event, put_event = config["get_event"], config["put_event"]
floor = boto3.client("dynamodb")
key = {{"id": {{"S": config["floor_item"]}}}}  # its own item: the two sides' versions differ
state = {{"ours": config["version"], "floor": config["version"]}}


def ours(i):
    if i % 10 == 9:
        event = dict(put_event, body=json.dumps({{"version": state["ours"], "data": {{"i": i}}}}))
        response = lambda_handler(event, context)
        assert response["statusCode"] == 200, response
        state["ours"] += 1
    else:
        assert lambda_handler(get_event, context)["statusCode"] == 200


def bare(i):
    if i % 10 == 9:
        floor.update_item(
            TableName=config["table"], Key=key,
            UpdateExpression="SET #d = :d, #v = :n, #u = :u",
            ConditionExpression="attribute_exists(id) AND #v = :e",
            ExpressionAttributeNames={{"#d": "data", "#v": "version", "#u": "updated_at"}},
            ExpressionAttributeValues={{
                ":d": {{"S": json.dumps({{"i": i}})}}, ":n": {{"N": str(state["floor"] + 1)}},
                ":e": {{"N": str(state["floor"])}}, ":u": {{"S": "2025-01-01T00:00:00.000Z"}},
            }},
            ReturnValues="ALL_NEW", ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
        state["floor"] += 1
    else:
        assert "Item" in floor.get_item(TableName=config["table"], Key=key, ConsistentRead=True)


for i in range(20):  # connections, lazy imports, first-call caches: not part of "warm"
    assert lambda_handler(get_event, context)["statusCode"] == 200
    floor.get_item(TableName=config["table"], Key=key, ConsistentRead=True)
calls.clear()
samples = {{"ours": [], "floor": []}}
block = 100  # alternate blocks so drift on the machine hits both sides alike
for start in range(0, config["requests"], block):
    for name, call in (("floor", bare), ("ours", ours)):
        for i in range(start, min(start + block, config["requests"])):
            began = time.perf_counter()
            call(i)
            samples[name].append(time.perf_counter() - began)
result = dict(samples, secret_calls=calls.count("secretsmanager"))
with open(sys.argv[2], "w") as out:
    json.dump(result, out)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per cold figure")
    parser.add_argument("--requests", type=int, default=1000, help="requests for warm figures")
    args = parser.parse_args()
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # a line per request otherwise

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        bundles = {
            "as built": build_bundle(work / "bundle", precompiled=True),
            "without bytecode": build_bundle(work / "plain", precompiled=False),
        }
        sizes = {name: zipped_mib(path, work) for name, path in bundles.items()}

        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        try:
            host, port = server.get_host_and_port()
            env = aws_env(f"http://{host}:{port}")
            version = seed(env)
            cold = cold_starts(env, bundles, args.runs)
            warm = warm_latency(env, bundles["as built"], work, args.requests, version)
        finally:
            server.stop()
    report(cold, warm, sizes, args)


def build_bundle(target: Path, *, precompiled: bool) -> Path:
    """What stacks/components/bundling.py ships: pinned deps for arm64 3.13, then the code.

    The bytecode step is the bundler's own (stacks/components/precompile.py), which needs
    no aws_cdk and so runs here, on the runtime's Python, as it does at synth.
    """
    from stacks.components.precompile import compile_sources, precompile_dependencies

    subprocess.run(
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            "--requirement", str(LAMBDA_SRC / "requirements.txt"), "--target", str(target),
            "--platform", "manylinux2014_aarch64", "--python-version", "3.13",
            "--implementation", "cp", "--only-binary=:all:", "--no-compile",
        ],
        check=True,
    )  # fmt: skip
    if precompiled:
        precompile_dependencies(target, source=LAMBDA_SRC, version="3.13")
    shutil.copytree(
        LAMBDA_SRC / "service",
        target / "service",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    if precompiled:
        compile_sources([target / "service"], version="3.13")
    return target


def zipped_mib(directory: Path, work: Path) -> float:
    archive = work / f"{directory.name}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zipped:
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                zipped.write(path, path.relative_to(directory))
    return archive.stat().st_size / 2**20


def aws_env(endpoint: str) -> dict[str, str]:
    environments = {
        "bench": {
            "table_name": TABLE,
            "secret_arns": {
                "api_key": f"arn:aws:secretsmanager:{REGION}:123456789012:secret:{KEY_NAME}"
            },
        }
    }
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "PYTHON", "POWERTOOLS_"))
    } | {
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        "SERVICE_NAME": "bench",
        "POWERTOOLS_SERVICE_NAME": "bench",
        "POWERTOOLS_LOG_LEVEL": "INFO",
        "APP_ENVIRONMENTS": json.dumps(environments),
        "APP_ENVIRONMENT": "bench",
        "MAX_BODY_BYTES": "16384",
        "SECRET_CACHE_TTL_SECONDS": "300",
        "PYTHONDONTWRITEBYTECODE": "1",  # Lambda's /var/task is read-only: no .pyc is ever cached
    }


def seed(env: dict[str, str]) -> int:
    import boto3

    options: dict[str, Any] = {"region_name": REGION, "endpoint_url": env["AWS_ENDPOINT_URL"]}
    options |= {"aws_access_key_id": "bench", "aws_secret_access_key": "bench"}
    dynamodb = boto3.client("dynamodb", **options)
    dynamodb.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    boto3.client("secretsmanager", **options).create_secret(Name=KEY_NAME, SecretString=API_KEY)
    for item_id in (ITEM, FLOOR_ITEM):
        dynamodb.put_item(
            TableName=TABLE,
            Item={
                "id": {"S": item_id},
                "data": {"S": '{"name":"bench"}'},
                "version": {"N": "1"},
                "created_at": {"S": "2025-01-01T00:00:00.000Z"},
                "updated_at": {"S": "2025-01-01T00:00:00.000Z"},
            },
        )
    return 1


def event(method: str, body: str | None = None) -> dict[str, Any]:
    return {
        "resource": "/items/{id}",
        "path": f"/items/{ITEM}",
        "httpMethod": method,
        "headers": {"x-api-key": API_KEY, "Content-Type": "application/json"},
        "multiValueHeaders": {"x-api-key": [API_KEY], "Content-Type": ["application/json"]},
        "queryStringParameters": None,
        "pathParameters": {"id": ITEM},
        "stageVariables": None,
        "requestContext": {"requestId": "bench", "stage": "bench", "path": f"/bench/items/{ITEM}"},
        "body": body,
        "isBase64Encoded": False,
    }


def run_process(argv: list[str], env: dict[str, str]) -> float:
    began = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - began


def cold_starts(env: dict[str, str], bundles: dict[str, Path], runs: int) -> dict[str, list[float]]:
    handler = [sys.executable, "-c", COLD_HANDLER, json.dumps(event("GET"))]
    cases = {"floor": ([sys.executable, "-c", COLD_FLOOR, TABLE, ITEM], env)} | {
        name: (handler, env | {"PYTHONPATH": str(path)}) for name, path in bundles.items()
    }
    for argv, case_env in cases.values():  # warm the OS file cache, not Python's
        run_process(argv, case_env)
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):  # interleaved, so machine noise lands on every case alike
        for name, (argv, case_env) in cases.items():
            samples[name].append(run_process(argv, case_env))
    return samples


def warm_latency(
    env: dict[str, str], bundle: Path, work: Path, requests: int, version: int
) -> dict[str, Any]:
    config = {
        "get_event": event("GET"),
        "put_event": event("PUT"),
        "floor_item": FLOOR_ITEM,
        "table": TABLE,
        "requests": requests,
        "version": version,
    }
    out = work / "warm.json"
    argv = [sys.executable, "-c", WARM, json.dumps(config), str(out)]
    subprocess.run(
        argv, env=env | {"PYTHONPATH": str(bundle)}, check=True, stdout=subprocess.DEVNULL
    )
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def report(
    cold: dict[str, list[float]],
    warm: dict[str, Any],
    sizes: dict[str, float],
    args: argparse.Namespace,
) -> None:
    ms = 1000.0
    floor_cold = statistics.median(cold["floor"]) * ms
    rows = [
        (f"cold start as built, median of {args.runs} (ms)",
         statistics.median(cold["as built"]) * ms, floor_cold, "<= 1.3"),
        ("  without bytecode (ms)", statistics.median(cold["without bytecode"]) * ms,
         floor_cold, "-"),
        (f"warm latency, mean of {args.requests} (ms)", statistics.fmean(warm["ours"]) * ms,
         statistics.fmean(warm["floor"]) * ms, "<= 1.2"),
        ("  median (ms)", statistics.median(warm["ours"]) * ms,
         statistics.median(warm["floor"]) * ms, "-"),
        ("  p99 (ms)", quantile(warm["ours"], 0.99) * ms, quantile(warm["floor"], 0.99) * ms, "-"),
    ]  # fmt: skip
    print(f"Runtime bench: Python {sys.version.split()[0]}, moto server on 127.0.0.1")
    print(f"{'figure':<40} {'ours':>9} {'floor':>9} {'ratio':>7}  goal")
    for label, ours, floor, goal in rows:
        print(f"{label:<40} {ours:9.2f} {floor:9.2f} {ours / floor:7.2f}  {goal}")
    secret_calls = warm["secret_calls"]
    print(f"{f'Secrets Manager calls in {args.requests} requests':<40} {secret_calls:>9}"
          f" {'-':>9} {'-':>7}  1")  # fmt: skip
    labels = {
        "as built": ("zipped asset as built (MiB)", "<= 1.5"),
        "without bytecode": ("  without bytecode (MiB)", "-"),
    }
    for name, (label, goal) in labels.items():
        print(f"{label:<40} {sizes[name]:9.2f} {'-':>9} {'-':>7}  {goal}")


def quantile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


if __name__ == "__main__":
    main()
