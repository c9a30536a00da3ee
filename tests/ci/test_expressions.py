"""The expression model the preview tests rely on behaves as GitHub documents."""

from __future__ import annotations

import pytest

from tests.ci.expressions import UnsupportedExpression, evaluate, render, truthy

CONTEXT = {"github": {"repository": "acme/api", "event": {"action": "closed", "number": 7}}}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("github.event.action == 'closed'", True),
        ("github.event.action != 'closed'", False),
        ("github.event.action == 'CLOSED'", True),  # string comparison ignores case
        ("github.repository == 'acme/other' && github.event.action", False),
        ("github.repository == 'acme/other' || github.event.action", "closed"),
        ("!(github.event.action == 'closed')", False),
        ("github.event.pull_request.head.repo.full_name == github.repository", False),
        ("github.event.pull_request.head.repo.full_name", None),  # missing: null
        ("${{ github.event.number == 7 }}", True),
        ("'it''s'", "it's"),
    ],
)
def test_evaluates_the_supported_subset(expression: str, expected: object) -> None:
    assert evaluate(expression, CONTEXT) == expected


def test_renders_templates_like_github() -> None:
    assert render("pr-${{ github.event.number }}", CONTEXT) == "pr-7"
    assert render("x-${{ github.event.missing }}", CONTEXT) == "x-"


@pytest.mark.parametrize("value", [None, False, 0, ""])
def test_falsy_values(value: object) -> None:
    assert not truthy(value)


@pytest.mark.parametrize(
    "expression",
    ["contains(github.event.action, 'c')", "github.event.number > 3", "github['event']"],
)
def test_anything_else_is_refused_rather_than_guessed(expression: str) -> None:
    with pytest.raises(UnsupportedExpression):
        evaluate(expression, CONTEXT)
