"""The real Lambda handler behind a local HTTP server, so the smoke suite can be run before any
deploy. Requests become API Gateway REST proxy events (the `{proxy+}` resource the stack
creates); DynamoDB and Secrets Manager are moto's. Loopback only.

`python -m tests.ci.local_api` serves until it is terminated; tests use `local_api_process()`.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import boto3
from moto import mock_aws

ROOT = Path(__file__).resolve().parents[2]

REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's default account
STAGE = "local"
TABLE = "items-local"
SECRET = "items-api/local/api-key"
API_KEY = "local-smoke-key-5c7e2a9d"
FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:items-api-local"

# What the ServiceStack sets on the function (stacks/runtime_contract.py), for one environment.
FUNCTION_ENV = {
    "SERVICE_NAME": "items-api",
    "APP_ENVIRONMENTS": json.dumps(
        {
            STAGE: {
                "table_name": TABLE,
                "secret_arns": {
                    "api_key": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{SECRET}"
                },
            }
        }
    ),
    "APP_ENVIRONMENT": STAGE,
    "MAX_BODY_BYTES": "16384",
    "SECRET_CACHE_TTL_SECONDS": "300",
    "POWERTOOLS_SERVICE_NAME": "items-api",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
}
FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_CONFIG_FILE": "/nonexistent/aws-config",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
}


@dataclass(frozen=True)
class LocalApi:
    url: str
    api_key: str


@contextmanager
def local_api_process(timeout_seconds: float = 60) -> Iterator[LocalApi]:
    """Run `serve()` in a child process until the block ends.

    A process of its own keeps moto, the fake credentials and the runtime's module-level state
    (its logger, its settings) out of the test process, where the runtime tests need their own.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "lambda_src")])
    with subprocess.Popen(
        [sys.executable, "-m", "tests.ci.local_api"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            ready, _, _ = select.select([process.stdout], [], [], timeout_seconds)
            line = process.stdout.readline() if ready else ""
            if not line:
                raise RuntimeError("the local API did not start")
            yield LocalApi(**json.loads(line))
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def serve() -> None:
    """Serve the handler on a free loopback port; print its URL and key as one JSON line."""
    os.environ.update({**FAKE_AWS, **FUNCTION_ENV})
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)
    with mock_aws():
        _create_resources()
        from service.handler import lambda_handler

        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(lambda_handler))
        url = f"http://127.0.0.1:{server.server_port}/{STAGE}/"
        print(json.dumps({"url": url, "api_key": API_KEY}), flush=True)
        signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
        server.serve_forever()
        server.server_close()


def _create_resources() -> None:
    boto3.client("dynamodb", region_name=REGION).create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    boto3.client("secretsmanager", region_name=REGION).create_secret(
        Name=SECRET, SecretString=API_KEY
    )


class _Context:
    invoked_function_arn = FUNCTION_ARN
    aws_request_id = "local"


def _handler_class(lambda_handler: Any) -> type[BaseHTTPRequestHandler]:
    class Gateway(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            split = urlsplit(self.path)
            prefix = f"/{STAGE}"
            if not split.path.startswith(prefix + "/"):
                self._send(403, {}, json.dumps({"message": "Forbidden"}))  # like API Gateway
                return
            path = split.path[len(prefix) :]
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8") if length else None
            query = dict(parse_qsl(split.query, keep_blank_values=True))
            event = {
                "resource": "/{proxy+}",
                "path": path,
                "httpMethod": self.command,
                "headers": dict(self.headers.items()),
                "multiValueHeaders": {k: [v] for k, v in self.headers.items()},
                "queryStringParameters": query or None,
                "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} or None,
                "pathParameters": {"proxy": path.lstrip("/")},
                "stageVariables": None,
                "requestContext": {
                    "resourcePath": "/{proxy+}",
                    "httpMethod": self.command,
                    "path": split.path,
                    "stage": STAGE,
                    "requestId": "local-request",
                    "accountId": ACCOUNT,
                    "identity": {"sourceIp": "127.0.0.1"},
                },
                "body": body,
                "isBase64Encoded": False,
            }
            response = lambda_handler(event, _Context())
            headers = {**(response.get("headers") or {})}
            for name, values in (response.get("multiValueHeaders") or {}).items():
                headers[name] = ", ".join(values)
            self._send(response["statusCode"], headers, response.get("body") or "")

        def _send(self, status: int, headers: dict[str, str], body: str) -> None:
            data = body.encode("utf-8")
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: pytest shows failures, not every request."""

    return Gateway


if __name__ == "__main__":
    serve()
