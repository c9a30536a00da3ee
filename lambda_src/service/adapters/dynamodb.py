"""``ItemStore`` on one DynamoDB table (partition key ``id``, type S, no sort key).

Uses the low-level client: it is what the Lambda runtime already has loaded, and the resource
layer would add import time on every cold start for a five-attribute schema.

``data`` is stored as one JSON string attribute rather than a DynamoDB map. That keeps any JSON
object storable as-is: floats need no Decimal round trip, and empty keys and nesting deeper than
DynamoDB's 32 levels are not rejected. The cost is that ``data`` cannot be filtered on
server-side, which a generic template does not need.

Only GetItem, PutItem, UpdateItem, DeleteItem and Scan are called; the IAM policy grants
exactly those.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from service.errors import (
    ItemAlreadyExists,
    ItemNotFound,
    ItemTooLarge,
    StoreUnavailable,
    VersionConflict,
)
from service.model import Item, JsonObject, Page

# DynamoDB caps an item at 400 KB including attribute names and the other attributes.
MAX_DATA_BYTES = 380_000
_CONDITION_FAILED = "ConditionalCheckFailedException"
_METHODS = {
    "GetItem": "get_item",
    "PutItem": "put_item",
    "UpdateItem": "update_item",
    "DeleteItem": "delete_item",
    "Scan": "scan",
}


class DynamoItemStore:
    """Items in ``table_name``.

    ``client`` returns the container's shared botocore DynamoDB client; it is a callable so the
    client is only created by the first call that needs it.
    """

    def __init__(self, client: Callable[[], Any], table_name: str) -> None:
        self._client = client
        self._table = table_name

    def get(self, item_id: str) -> Item | None:
        # Strongly consistent: a client reads, then PUTs with the version it saw; a stale read
        # would only earn it a needless 409.
        response = self._call("GetItem", Key=_key(item_id), ConsistentRead=True)
        attributes = response.get("Item")
        return _from_attributes(attributes) if attributes else None

    def put_new(self, item: Item) -> None:
        try:
            self._call(
                "PutItem",
                Item=_to_attributes(item),
                ConditionExpression="attribute_not_exists(id)",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except _ConditionFailed as failed:
            if failed.old is None:
                raise StoreUnavailable("PutItem condition failed without the stored item") from None
            raise ItemAlreadyExists(_from_attributes(failed.old)) from None

    def replace(
        self, item_id: str, expected_version: int, data: JsonObject, updated_at: str
    ) -> Item:
        try:
            response = self._call(
                "UpdateItem",
                Key=_key(item_id),
                UpdateExpression="SET #data = :data, #version = :next, #updated = :updated",
                ConditionExpression="attribute_exists(id) AND #version = :expected",
                ExpressionAttributeNames={
                    "#data": "data",
                    "#version": "version",
                    "#updated": "updated_at",
                },
                ExpressionAttributeValues={
                    ":data": {"S": _encode_data(data)},
                    ":next": {"N": str(expected_version + 1)},
                    ":expected": {"N": str(expected_version)},
                    ":updated": {"S": updated_at},
                },
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except _ConditionFailed as failed:
            if failed.old is None:
                raise ItemNotFound(item_id) from None
            raise VersionConflict(int(failed.old["version"]["N"])) from None
        return _from_attributes(response["Attributes"])

    def delete(self, item_id: str) -> None:
        try:
            self._call("DeleteItem", Key=_key(item_id), ConditionExpression="attribute_exists(id)")
        except _ConditionFailed:
            raise ItemNotFound(item_id) from None

    def list_after(self, limit: int, after_id: str | None) -> Page:
        arguments: dict[str, Any] = {"Limit": limit}
        if after_id is not None:
            arguments["ExclusiveStartKey"] = _key(after_id)
        response = self._call("Scan", **arguments)
        items = tuple(_from_attributes(attributes) for attributes in response.get("Items", []))
        last_key = response.get("LastEvaluatedKey")
        return Page(items=items, last_id=last_key["id"]["S"] if last_key else None)

    def _call(self, operation: str, **arguments: Any) -> dict[str, Any]:
        try:
            method = getattr(self._client(), _METHODS[operation])
            response: dict[str, Any] = method(TableName=self._table, **arguments)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "Unknown")
            if code == _CONDITION_FAILED:
                raise _ConditionFailed(error.response.get("Item")) from None
            # Only the error code: messages can quote key values from the request.
            raise StoreUnavailable(f"{operation} failed with {code}") from None
        except BotoCoreError as error:
            raise StoreUnavailable(f"{operation} failed: {type(error).__name__}") from None
        return response


class _ConditionFailed(Exception):
    """Internal signal carrying the item DynamoDB returned with the failed condition."""

    def __init__(self, old: dict[str, Any] | None) -> None:
        super().__init__("condition failed")
        self.old = old


def _key(item_id: str) -> dict[str, Any]:
    return {"id": {"S": item_id}}


def _encode_data(data: JsonObject) -> str:
    # ASCII-only: escapes keep lone surrogates (valid JSON, invalid UTF-8) storable, and the
    # length in characters is then the length in bytes.
    encoded = json.dumps(data, separators=(",", ":"))
    if len(encoded) > MAX_DATA_BYTES:
        raise ItemTooLarge(f"data is larger than {MAX_DATA_BYTES} bytes once encoded")
    return encoded


def _to_attributes(item: Item) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "id": {"S": item.id},
        "data": {"S": _encode_data(item.data)},
        "version": {"N": str(item.version)},
        "created_at": {"S": item.created_at},
        "updated_at": {"S": item.updated_at},
    }
    if item.fingerprint is not None:
        attributes["fingerprint"] = {"S": item.fingerprint}
    return attributes


def _from_attributes(attributes: dict[str, Any]) -> Item:
    fingerprint = attributes.get("fingerprint")
    return Item(
        id=attributes["id"]["S"],
        data=json.loads(attributes["data"]["S"]),
        version=int(attributes["version"]["N"]),
        created_at=attributes["created_at"]["S"],
        updated_at=attributes["updated_at"]["S"],
        fingerprint=fingerprint["S"] if fingerprint else None,
    )
