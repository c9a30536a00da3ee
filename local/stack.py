"""Start the local stack's pieces in order and stop them in reverse: moto, handlers, gateway.

Each piece but the gateway is a process of its own (moto, one per handler), so a burst of
requests spreads over the machine's cores instead of queueing for one interpreter lock.

Used by ``python -m local`` and nothing else, so the end-to-end tests (which start that command)
exercise exactly what a developer runs.
"""

from __future__ import annotations

import json
import os
from contextlib import ExitStack
from types import TracebackType
from typing import IO, Any

from local.child import ROOT
from local.fake_aws import child_environment
from local.gateway import Gateway, RequestLog
from local.info import RunningStack, StageInfo
from local.moto_process import MotoProcess, development_values, provision
from local.template import LocalPlan, StageSpec
from local.workers import HandlerPool


class LocalStack:
    """Context manager: entering starts everything for ``plan``, leaving stops it all."""

    def __init__(
        self,
        plan: LocalPlan,
        *,
        port: int,
        concurrency: int,
        handler_log: IO[str] | None,
        request_log: RequestLog,
    ) -> None:
        self._plan = plan
        self._port = port
        self._concurrency = concurrency
        self._handler_log = handler_log
        self._request_log = request_log
        self._exit = ExitStack()

    def __enter__(self) -> RunningStack:
        plan = self._plan
        with ExitStack() as starting:
            moto = starting.enter_context(
                MotoProcess(plan.account, plan.region, log=self._handler_log)
            )
            pool = HandlerPool(
                size=self._concurrency,
                environment=self._handler_environment(moto.url),
                timeout_seconds=plan.timeout_seconds,
                log=self._handler_log,
            )
            starting.callback(pool.stop)
            pool.spawn()  # the handlers import while moto is provisioned
            values = development_values(plan)
            provision(plan, moto.url, values)
            pool.wait_ready()
            gateway = Gateway(plan, pool, port=self._port, log=self._request_log).start()
            starting.callback(gateway.stop)
            self._exit = starting.pop_all()  # started: from now on, __exit__ stops them
        bindings = json.loads(plan.function_environment["APP_ENVIRONMENTS"])
        stages = {}
        for stage in plan.stages:
            env = _environment_of(stage, plan)
            stages[stage.name] = StageInfo(
                url=gateway.stage_url(stage.name),
                environment=env,
                api_key=values[env]["api_key"],
                table=bindings[env]["table_name"],
                secret=plan.secrets[env]["api_key"],
            )
        return RunningStack(
            stack_name=plan.stack_name,
            region=plan.region,
            account=plan.account,
            moto_url=moto.url,
            stages=stages,
            handler_pids=pool.pids,
        )

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._exit.close()

    def _handler_environment(self, moto_url: str) -> dict[str, str]:
        """The template's variables for the function, plus what Lambda itself would set."""
        plan = self._plan
        lambda_variables = {
            "AWS_ENDPOINT_URL": moto_url,
            "AWS_LAMBDA_FUNCTION_NAME": plan.function_name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(plan.memory_mb),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "LOCAL_FUNCTION_TIMEOUT": str(plan.timeout_seconds),
            # The runtime imports as its own package, as in the Lambda zip.
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "lambda_src")]),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        return child_environment(plan.region, {**lambda_variables, **plan.function_environment})


def _environment_of(stage: StageSpec, plan: LocalPlan) -> str:
    """The environment the runtime resolves for ``stage``, by the runtime's own rules.

    Alias qualifier first, then the ``environment`` stage variable, then APP_ENVIRONMENT
    (``service.environment``); repeated here so the runner need not import the runtime.
    """
    environments: dict[str, Any] = json.loads(plan.function_environment["APP_ENVIRONMENTS"])
    qualifier = stage.invoked_function_arn.split(":")[7:]
    candidates = [*qualifier, (stage.variables or {}).get("environment")]
    for candidate in candidates:
        if candidate in environments:
            return str(candidate)
    return plan.function_environment["APP_ENVIRONMENT"]
