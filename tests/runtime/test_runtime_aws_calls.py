"""The runtime needs exactly the IAM actions the stack grants, and no others."""

from __future__ import annotations

from tests.runtime.apigw import invoke, load_event, set_body, set_header, set_path, set_query
from tests.runtime.aws_calls import ALLOWED_CALLS, CallRecorder, iam_actions
from tests.runtime.conftest import API_KEYS, Aws


def test_full_workflow_uses_exactly_the_granted_actions(aws: Aws, aws_calls: CallRecorder) -> None:
    created = invoke(set_header(load_event("create_item"), "x-api-key", API_KEYS["dev"])).body
    path = f"/items/{created['id']}"
    invoke(set_path(load_event("get_item"), path, created["id"]))
    replace = set_path(load_event("replace_item"), path, created["id"])
    set_header(replace, "x-api-key", API_KEYS["dev"])
    invoke(set_body(replace, {"version": 1, "data": {"b": 2}}))
    invoke(set_query(load_event("list_items"), limit="5"))
    delete = set_header(
        set_path(load_event("delete_item"), path, created["id"]), "x-api-key", API_KEYS["dev"]
    )
    assert invoke(delete).status == 204

    assert set(aws_calls.calls) == ALLOWED_CALLS
    assert iam_actions(aws_calls.calls) == {
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:Scan",
        "secretsmanager:GetSecretValue",
    }


def test_recorder_ignores_setup_clients(aws: Aws, aws_calls: CallRecorder) -> None:
    aws.dynamodb.scan(TableName="items-dev")
    aws.secrets.list_secrets()

    assert aws_calls.calls == []
