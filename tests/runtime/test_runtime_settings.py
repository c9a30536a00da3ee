"""Settings are validated once; every problem is named, no value is echoed, nothing crashes."""

from __future__ import annotations

import json

import pytest
from service.runtime import get_runtime
from service.settings import ENV_VARS, SettingsError, load_settings

from tests.runtime.apigw import invoke, load_event
from tests.runtime.conftest import BASE_SETTINGS, Aws, partial_arn

SENSITIVE = "s3cr3t-looking-value"


def settings_with(**changes: str | None) -> dict[str, str]:
    environ = dict(BASE_SETTINGS)
    for name, value in changes.items():
        if value is None:
            environ.pop(name, None)
        else:
            environ[name] = value
    return environ


def problems_for(**changes: str | None) -> tuple[str, ...]:
    with pytest.raises(SettingsError) as caught:
        load_settings(settings_with(**changes))
    return caught.value.problems


def test_valid_settings_are_typed_and_frozen() -> None:
    settings = load_settings(BASE_SETTINGS)

    assert settings.service_name == "items-service"
    assert settings.default_environment == "dev"
    assert settings.max_body_bytes == 4096
    assert settings.secret_cache_ttl_seconds == 300
    assert set(settings.environments) == {"dev", "prod"}
    assert settings.environments["prod"].table_name == "items-prod"
    assert settings.environments["prod"].api_key_secret_arn == partial_arn("prod")
    with pytest.raises(AttributeError):
        settings.max_body_bytes = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        settings.environments["x"] = settings.environments["dev"]  # type: ignore[index]


def test_app_environment_is_optional_for_single_stack() -> None:
    settings = load_settings(settings_with(APP_ENVIRONMENT=None))

    assert settings.default_environment is None


def test_only_the_contract_variables_are_read() -> None:
    class Recording(dict[str, str]):
        def __init__(self, data: dict[str, str]) -> None:
            super().__init__(data)
            self.read: set[str] = set()

        def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
            self.read.add(key)
            return super().get(key, default)

        def __getitem__(self, key: str) -> str:
            self.read.add(key)
            return super().__getitem__(key)

    environ = Recording(BASE_SETTINGS | {"UNRELATED": "x"})
    load_settings(environ)

    assert environ.read == set(ENV_VARS)
    assert ENV_VARS == (
        "SERVICE_NAME",
        "APP_ENVIRONMENTS",
        "APP_ENVIRONMENT",
        "MAX_BODY_BYTES",
        "SECRET_CACHE_TTL_SECONDS",
    )


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"SERVICE_NAME": None}, "SERVICE_NAME is missing"),
        ({"SERVICE_NAME": "  "}, "SERVICE_NAME is missing"),
        ({"MAX_BODY_BYTES": None}, "MAX_BODY_BYTES is missing"),
        ({"MAX_BODY_BYTES": "lots"}, "MAX_BODY_BYTES must be an integer"),
        ({"MAX_BODY_BYTES": "0"}, "MAX_BODY_BYTES must be an integer"),
        ({"MAX_BODY_BYTES": "-5"}, "MAX_BODY_BYTES must be an integer"),
        ({"MAX_BODY_BYTES": "99999999"}, "MAX_BODY_BYTES must be an integer"),
        ({"SECRET_CACHE_TTL_SECONDS": None}, "SECRET_CACHE_TTL_SECONDS is missing"),
        ({"SECRET_CACHE_TTL_SECONDS": "1.5"}, "SECRET_CACHE_TTL_SECONDS must be an integer"),
        ({"APP_ENVIRONMENTS": None}, "APP_ENVIRONMENTS is missing"),
        ({"APP_ENVIRONMENTS": "{oops"}, "APP_ENVIRONMENTS is not valid JSON"),
        ({"APP_ENVIRONMENTS": "[]"}, "APP_ENVIRONMENTS must be a non-empty JSON object"),
        ({"APP_ENVIRONMENTS": "{}"}, "APP_ENVIRONMENTS must be a non-empty JSON object"),
        ({"APP_ENVIRONMENT": "staging"}, "APP_ENVIRONMENT is set but is not a key"),
        ({"APP_ENVIRONMENT": ""}, "APP_ENVIRONMENT is set but is not a key"),
    ],
)
def test_each_bad_variable_is_named(changes: dict[str, str | None], expected: str) -> None:
    problems = problems_for(**changes)

    assert len(problems) == 1, problems
    assert problems[0].startswith(expected)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("not-an-object", "APP_ENVIRONMENTS['dev'] must be a JSON object"),
        ({"secret_arns": {"api_key": partial_arn("dev")}}, "['dev'].table_name must be"),
        ({"table_name": "", "secret_arns": {"api_key": partial_arn("dev")}}, ".table_name"),
        ({"table_name": "t"}, "['dev'].secret_arns must be a JSON object"),
        ({"table_name": "t", "secret_arns": {}}, ".secret_arns.api_key must be"),
        ({"table_name": "t", "secret_arns": {"api_key": SENSITIVE}}, ".secret_arns.api_key"),
        (
            {"table_name": "t", "secret_arns": {"api_key": partial_arn("dev")}, "extra": 1},
            "['dev'] has unknown keys ['extra']",
        ),
        (
            {"table_name": "t", "secret_arns": {"api_key": partial_arn("dev"), "db": SENSITIVE}},
            "['dev'].secret_arns.db must be a Secrets Manager ARN",
        ),
    ],
)
def test_bad_environment_entries_are_named(entry: object, expected: str) -> None:
    problems = problems_for(APP_ENVIRONMENTS=json.dumps({"dev": entry}))

    assert any(expected in problem for problem in problems), problems
    assert not any(SENSITIVE in problem for problem in problems)


def test_extra_secrets_are_accepted_for_forks() -> None:
    entry = {
        "table_name": "t",
        "secret_arns": {"api_key": partial_arn("dev"), "db_password": partial_arn("db")},
    }

    settings = load_settings(BASE_SETTINGS | {"APP_ENVIRONMENTS": json.dumps({"dev": entry})})

    assert settings.environments["dev"].api_key_secret_arn == partial_arn("dev")


def test_bad_environment_name_is_reported() -> None:
    entry = {"table_name": "t", "secret_arns": {"api_key": partial_arn("dev")}}

    problems = problems_for(
        APP_ENVIRONMENTS=json.dumps({"dev": entry, "bad name!": entry}), APP_ENVIRONMENT="dev"
    )

    assert problems == (r"APP_ENVIRONMENTS key must match ^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$",)


def test_all_problems_are_reported_together_without_values() -> None:
    problems = problems_for(
        SERVICE_NAME=None, MAX_BODY_BYTES=SENSITIVE, SECRET_CACHE_TTL_SECONDS=SENSITIVE
    )

    assert len(problems) == 3
    assert not any(SENSITIVE in problem for problem in problems)


def test_settings_are_read_once_per_container(settings_env: pytest.MonkeyPatch) -> None:
    first = get_runtime()
    settings_env.setenv("MAX_BODY_BYTES", "not-a-number")

    assert get_runtime() is first
    assert get_runtime().settings.max_body_bytes == 4096


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MAX_BODY_BYTES", None),
        ("MAX_BODY_BYTES", SENSITIVE),
        ("APP_ENVIRONMENTS", "{" + SENSITIVE),
        ("SERVICE_NAME", None),
        ("SECRET_CACHE_TTL_SECONDS", None),
    ],
)
def test_misconfigured_function_answers_500_and_logs_the_variable(
    aws: Aws, settings_env: pytest.MonkeyPatch, logs, name: str, value: str | None
) -> None:
    if value is None:
        settings_env.delenv(name)
    else:
        settings_env.setenv(name, value)

    first = invoke(load_event("get_health"))
    second = invoke(load_event("get_item"))

    for result in (first, second):
        assert result.status == 500
        assert result.body["error"] == "misconfigured"
        assert name not in json.dumps(result.body)
        assert SENSITIVE not in json.dumps(result.body)
    errors = [r for r in logs.records() if r["level"] == "ERROR"]
    assert len(errors) == 2
    assert all(any(name in problem for problem in r["problems"]) for r in errors)
    assert SENSITIVE not in logs.text()
    access = [r for r in logs.records() if r["message"] == "request"]
    assert [r["status"] for r in access] == [500, 500]
