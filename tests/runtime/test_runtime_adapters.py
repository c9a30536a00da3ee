"""Adapters turn every AWS failure into a domain error that carries no values."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from service.adapters.dynamodb import MAX_DATA_BYTES, DynamoItemStore
from service.adapters.secretsmanager import SecretsManagerSource
from service.errors import ItemTooLarge, SecretUnavailable, StoreUnavailable
from service.model import Item

from tests.runtime.apigw import invoke, load_event, set_header
from tests.runtime.conftest import API_KEYS, Aws


class FailingClient:
    """Every operation raises ``error``; records what it was asked."""

    def __init__(self, error: Exception | None = None, response: dict | None = None) -> None:
        self.error = error
        self.response = response or {}
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __getattr__(self, operation: str) -> Any:
        def call(**kwargs: Any) -> dict:
            self.calls.append((operation, kwargs))
            if self.error:
                raise self.error
            return self.response

        return call


def client_error(code: str, message: str = "contains-a-value-42") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "Operation")


@pytest.mark.parametrize(
    ("client", "reason"),
    [
        (FailingClient(client_error("ResourceNotFoundException")), "ResourceNotFoundException"),
        (FailingClient(client_error("AccessDeniedException")), "AccessDeniedException"),
        (FailingClient(EndpointConnectionError(endpoint_url="https://x")), "EndpointConnection"),
        (FailingClient(response={"SecretBinary": b"k"}), "no non-empty SecretString"),
        (FailingClient(response={"SecretString": ""}), "no non-empty SecretString"),
    ],
)
def test_secret_failures_become_secret_unavailable(client: FailingClient, reason: str) -> None:
    source = SecretsManagerSource(lambda: client)

    with pytest.raises(SecretUnavailable) as caught:
        source.fetch("arn:aws:secretsmanager:eu-west-1:123456789012:secret:x")

    assert reason in str(caught.value)
    assert "contains-a-value-42" not in str(caught.value)
    assert client.calls[0][0] == "get_secret_value"


@pytest.mark.parametrize(
    "error",
    [
        client_error("ProvisionedThroughputExceededException"),
        client_error("ResourceNotFoundException"),
        EndpointConnectionError(endpoint_url="https://x"),
    ],
)
def test_store_failures_become_store_unavailable(error: Exception) -> None:
    store = DynamoItemStore(lambda: FailingClient(error), "table")

    with pytest.raises(StoreUnavailable) as caught:
        store.get("some-id")

    assert "GetItem" in str(caught.value)
    assert "contains-a-value-42" not in str(caught.value)


def test_oversized_data_is_refused_before_calling_dynamodb() -> None:
    client = FailingClient()
    store = DynamoItemStore(lambda: client, "table")
    item = Item("i", {"blob": "x" * MAX_DATA_BYTES}, 1, "t", "t")

    with pytest.raises(ItemTooLarge):
        store.put_new(item)
    assert client.calls == []


def test_missing_table_is_503(aws: Aws) -> None:
    aws.dynamodb.delete_table(TableName="items-dev")

    result = invoke(load_event("get_item"))

    assert result.status == 503
    assert result.body["error"] == "storage_unavailable"


def test_unreachable_secrets_manager_is_503(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    import service.runtime

    real = service.runtime.client
    unreachable = FailingClient(EndpointConnectionError(endpoint_url="https://secretsmanager"))
    monkeypatch.setattr(
        service.runtime,
        "client",
        lambda name: unreachable if name == "secretsmanager" else real(name),
    )
    event = set_header(load_event("create_item"), "x-api-key", API_KEYS["dev"])

    result = invoke(event)

    assert result.status == 503
    assert result.body["error"] == "secret_unavailable"
    assert aws.count() == 0
