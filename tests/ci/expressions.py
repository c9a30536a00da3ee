"""Evaluate the GitHub Actions expressions a workflow uses, against a simulated event.

Only the subset the workflows here need: context properties (`github.event.action`), string,
number, boolean and null literals, `==`, `!=`, `!`, `&&`, `||` and parentheses. Anything else
raises `UnsupportedExpression`, so a workflow that starts using more syntax fails the tests
instead of being judged by a wrong model.

Semantics follow GitHub's documentation: string comparison ignores case, `&&` and `||` return
one of their operands, a missing property is null, and `if:` tests the result for truthiness.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<number>\d+(?:\.\d+)?)"
    r"|(?P<op>==|!=|&&|\|\||!|\(|\)|\.)|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))"
)
TEMPLATE = re.compile(r"\$\{\{(.*?)\}\}")
KEYWORDS: dict[str, Any] = {"true": True, "false": False, "null": None}


class UnsupportedExpression(ValueError):
    """The expression uses syntax this model does not evaluate."""


def tokens(expression: str) -> list[tuple[str, str]]:
    found, position = [], 0
    expression = expression.strip()
    while position < len(expression):
        match = TOKEN.match(expression, position)
        if match is None or match.end() == position:
            raise UnsupportedExpression(f"cannot read {expression[position:]!r} in {expression!r}")
        kind = match.lastgroup
        assert kind is not None
        found.append((kind, match.group(kind)))
        position = match.end()
    return found


class _Parser:
    def __init__(self, expression: str, context: Mapping[str, Any]) -> None:
        self.expression = expression
        self.items = tokens(expression)
        self.index = 0
        self.context = context

    def peek(self) -> tuple[str, str] | None:
        return self.items[self.index] if self.index < len(self.items) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        item = self.peek()
        if item is None or (value is not None and item[1] != value):
            raise UnsupportedExpression(f"expected {value or 'more'} in {self.expression!r}")
        self.index += 1
        return item

    def parse(self) -> Any:
        value = self.or_()
        if self.peek() is not None:
            raise UnsupportedExpression(f"unexpected {self.peek()} in {self.expression!r}")
        return value

    def or_(self) -> Any:
        value = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            right = self.and_()
            value = value if truthy(value) else right
        return value

    def and_(self) -> Any:
        value = self.comparison()
        while self.peek() == ("op", "&&"):
            self.take()
            right = self.comparison()
            value = right if truthy(value) else value
        return value

    def comparison(self) -> Any:
        value = self.unary()
        while self.peek() in (("op", "=="), ("op", "!=")):
            _, operator = self.take()
            equal = equals(value, self.unary())
            value = equal if operator == "==" else not equal
        return value

    def unary(self) -> Any:
        if self.peek() == ("op", "!"):
            self.take()
            return not truthy(self.unary())
        return self.primary()

    def primary(self) -> Any:
        kind, text = self.take()
        if (kind, text) == ("op", "("):
            value = self.or_()
            self.take(")")
            return value
        if kind == "string":
            return text[1:-1].replace("''", "'")
        if kind == "number":
            return float(text)
        if kind == "name" and text in KEYWORDS:
            return KEYWORDS[text]
        if kind == "name" and self.peek() != ("op", "("):
            found: Any = self.context.get(text)
            while self.peek() == ("op", "."):
                self.take()
                _, key = self.take()
                found = found.get(key) if isinstance(found, Mapping) else None
            return found
        raise UnsupportedExpression(f"unsupported {text!r} in {self.expression!r}")


def truthy(value: Any) -> bool:
    return value not in (None, False, 0, 0.0, "")


def equals(left: Any, right: Any) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        return left.casefold() == right.casefold()
    return bool(left == right)


def evaluate(expression: str, context: Mapping[str, Any]) -> Any:
    """The value of one expression, with or without its `${{ }}`."""
    inner = TEMPLATE.fullmatch(expression.strip())
    return _Parser(inner.group(1) if inner else expression, context).parse()


def render(template: str, context: Mapping[str, Any]) -> str:
    """A string with every `${{ expression }}` replaced by its value, as GitHub formats it."""

    def value(match: re.Match[str]) -> str:
        result = evaluate(match.group(1), context)
        if isinstance(result, float) and result.is_integer():
            return str(int(result))
        return "" if result is None else str(result)

    return TEMPLATE.sub(value, template)
