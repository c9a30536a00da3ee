"""Per-container wiring: settings and per-environment services, each built once.

Everything is built lazily on the first request, not at import, so importing the handler never
fails: a broken setting becomes a 500 response with a log line instead of an init crash that
Lambda would retry and report without our message. Clients (``service.aws``) are created on
first use, so ``GET /health`` never pays for them and reads never pay for Secrets Manager's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from service.adapters.dynamodb import DynamoItemStore
from service.adapters.secretsmanager import SecretsManagerSource
from service.aws import client, reset_clients
from service.logic import ItemService
from service.secret_cache import ApiKeyVerifier, SecretCache
from service.settings import Settings, SettingsError, load_settings


@dataclass(frozen=True, slots=True)
class EnvironmentServices:
    """What a request needs once its environment is known."""

    name: str
    items: ItemService
    api_keys: ApiKeyVerifier


class Runtime:
    """The container's long-lived state."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._environments: dict[str, EnvironmentServices] = {}

    def environment(self, name: str) -> EnvironmentServices:
        """Services for ``name`` (a key of ``settings.environments``), built on first use."""
        services = self._environments.get(name)
        if services is None:
            services = self._build(name)
            self._environments[name] = services
        return services

    def _build(self, name: str) -> EnvironmentServices:
        config = self.settings.environments[name]
        store = DynamoItemStore(lambda: client("dynamodb"), config.table_name)
        source = SecretsManagerSource(lambda: client("secretsmanager"))
        ttl = self.settings.secret_cache_ttl_seconds
        cache = SecretCache(source, config.api_key_secret_arn, ttl)
        return EnvironmentServices(
            name=name, items=ItemService(store), api_keys=ApiKeyVerifier(cache)
        )


class _Container:
    """Holds the outcome of the one-time settings validation (a runtime or the error)."""

    state: Runtime | SettingsError | None = None


def get_runtime() -> Runtime:
    """The container's runtime; raises ``SettingsError`` (every time) if settings are invalid."""
    if _Container.state is None:
        try:
            _Container.state = Runtime(load_settings(os.environ))
        except SettingsError as error:
            _Container.state = error
    state = _Container.state
    if isinstance(state, SettingsError):
        raise SettingsError(list(state.problems))
    return state


def reset_runtime() -> None:
    """Forget the container state, clients included, as a new Lambda container would.

    Used by tests: fresh clients also pick up botocore hooks registered on the session since
    (botocore copies the session's hooks into a client when it creates it).
    """
    _Container.state = None
    reset_clients()
