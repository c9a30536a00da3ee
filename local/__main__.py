"""``python -m local``: the service on 127.0.0.1, from the synthesised template, until Ctrl-C.

Ctrl-C and SIGTERM stop it the same way: the gateway stops accepting and finishes what it
started, the handler processes see end of input, moto stops; no stack trace.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

from local.info import RunningStack
from local.stack import LocalStack
from local.synth import BUILD_DIR, synthesise
from local.template import LocalPlan, LocalSetupError, load_plan

EXIT_SETUP_FAILED = 2
EXIT_INTERRUPTED = 130  # what a shell reports for SIGINT, when Ctrl-C comes before serving


class Console:
    """Lines on stdout, whole and in order, from any request thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def say(self, text: str = "") -> None:
        with self._lock:
            print(text, flush=True)

    def request(self, text: str) -> None:
        self.say(f"{time.strftime('%H:%M:%S')} {text}")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m local", description=__doc__)
    parser.add_argument("--env", default="test", help="environment (stage) to serve; default test")
    parser.add_argument("--topology", choices=("multi", "single"), help="default: cdk.json's")
    parser.add_argument("--port", type=int, default=8080, help="gateway port; 0 picks a free one")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=1,
        choices=range(1, 33),
        metavar="N",
        help="handler processes (warm Lambda environments); each serves one request at a time",
    )
    parser.add_argument("--verbose", action="store_true", help="print the handler's JSON logs")
    parser.add_argument(
        "--handler-log",
        type=Path,
        default=BUILD_DIR / "handler.log",
        help="where the handler's JSON logs go without --verbose",
    )
    parser.add_argument("--cdk-out", type=Path, help="serve this cloud assembly; skips synth")
    parser.add_argument("--ready-file", type=Path, help="write URLs and keys here as JSON")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # Ctrl-C and SIGTERM both raise KeyboardInterrupt; SIGINT explicitly too, because a shell
    # starts background jobs with SIGINT ignored, and Python then leaves it ignored.
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, signal.default_int_handler)
    try:
        return run(args, Console())
    except KeyboardInterrupt:
        print("\nInterrupted before the local stack was serving.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except LocalSetupError as error:
        print(f"Cannot start the local stack: {error}", file=sys.stderr)
        return EXIT_SETUP_FAILED


def run(args: argparse.Namespace, console: Console) -> int:
    cdk_out: Path | None = args.cdk_out
    if cdk_out is None:
        what = (
            "every environment (single-stack)"
            if args.topology == "single"
            else f"{args.env} ({args.topology or 'topology from cdk.json'})"
        )
        console.say(f"Synthesising {what} into {_shown(BUILD_DIR)} ...")
        cdk_out = synthesise(environment=args.env, topology=args.topology)
    plan = load_plan(cdk_out, environment=args.env)
    with ExitStack() as resources:
        handler_log = None
        if not args.verbose:
            args.handler_log.parent.mkdir(parents=True, exist_ok=True)
            handler_log = resources.enter_context(args.handler_log.open("w"))
        running = resources.enter_context(
            LocalStack(
                plan,
                port=args.port,
                concurrency=args.concurrency,
                handler_log=handler_log,
                request_log=console.request,
            )
        )
        banner(console, plan, running, args)
        if args.ready_file is not None:
            running.write(args.ready_file)
        try:
            threading.Event().wait()  # until SIGINT or SIGTERM raises KeyboardInterrupt here
        except KeyboardInterrupt:
            for signal_number in (signal.SIGINT, signal.SIGTERM):
                signal.signal(signal_number, signal.SIG_IGN)  # a second Ctrl-C cannot cut cleanup
            console.say("\nStopping ...")
    console.say("Stopped.")
    return 0


def banner(
    console: Console, plan: LocalPlan, running: RunningStack, args: argparse.Namespace
) -> None:
    """Everything a developer needs once: URLs, keys (printed only here), where things are."""
    console.say(f"\n{plan.stack_name} is running locally. Ctrl-C stops it.\n")
    for name, stage in running.stages.items():
        alias = plan.stage(name)
        qualifier = alias.invoked_function_arn.rsplit(":", 1)[1] if alias else "?"
        console.say(f"  {stage.url}   ({stage.environment}, invokes alias '{qualifier}')")
        console.say(f"      x-api-key: {stage.api_key}")
    console.say()
    console.say(f"  moto          {running.moto_url}  ({plan.region}, account {plan.account})")
    for stage in running.stages.values():
        console.say(f"  {stage.environment:<13} table {stage.table}, secret {stage.secret}")
    logs = "this console (--verbose)" if args.verbose else f"{_shown(args.handler_log)} (--verbose)"
    console.say(f"  handler logs  {logs}")
    processes = "1 process" if args.concurrency == 1 else f"{args.concurrency} processes"
    console.say(f"  handlers      {processes}, one request at a time each (--concurrency N)")
    first = next(iter(running.stages.values()))
    console.say(f"\nTry: curl -s {first.url}health\n")


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it is below it: shorter to read."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
