"""Load on the local stack: throughput, latency, and whether concurrent writes are ever lost.

Starts ``python -m local`` (the stack ``make local`` runs) on free loopback ports with
``--concurrency`` handler processes, then ``--clients`` threads send a mix of requests until
``--requests`` have been sent or ``--duration`` seconds have passed, whichever comes first:

- 50 % ``GET /items/{id}`` and 10 % ``GET /items`` (reads);
- 40 % optimistic updates of one of a few shared items: read it, ``PUT`` it with the version
  read, and on 409 re-read and retry (at most ``--retries`` times). Every client updates the
  same ``--items`` items, so the conflicts are real.

Each client records its successful writes. At the end every item is read back: a client's last
write to an item with a version above the stored one, or at that version with other data, or
two successful writes claiming one version, is a lost write (goal 0). So is any 5xx (goal 0).

Usage: python bench/load_bench.py [--requests 2000] [--duration 60] [--clients 8]
       [--concurrency 4] [--items 16] [--cdk-out DIR]
Prints figures only; nothing about timings is asserted.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from local.process import LocalStackProcess  # noqa: E402 - needs ROOT on sys.path first

# No proxies: an exported http_proxy must not route loopback requests elsewhere.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
# Item id -> (version, data) of each successful write, in the order the client made them.
Writes = dict[str, list[tuple[int, Any]]]


@dataclass
class Budget:
    """Requests left and the deadline, shared by every client."""

    remaining: int
    deadline: float
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self) -> bool:
        with self.lock:
            if self.remaining <= 0 or time.monotonic() >= self.deadline:
                return False
            self.remaining -= 1
            return True


@dataclass
class Client:
    """One client thread's view: what it sent, how long it took, what it wrote."""

    url: str
    key: str
    budget: Budget
    rng: random.Random
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    conflicts: int = 0
    gave_up: int = 0
    writes: Writes = field(default_factory=dict)

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any] | None:
        """One request if the budget allows (else None): status and decoded body."""
        if not self.budget.take():
            return None
        status, payload = send(method, self.url + path, body, self.key)
        self.latencies.append(payload.pop("_ms"))
        self.statuses[status] += 1
        return status, payload

    def run(self, items: list[str], name: int, retries: int) -> None:
        sequence = 0
        while True:
            roll, item = self.rng.random(), self.rng.choice(items)
            if roll < 0.5:
                done = self.request("GET", f"items/{item}") is None
            elif roll < 0.6:
                done = self.request("GET", "items?limit=25") is None
            else:
                sequence += 1
                done = not self.update(item, {"client": name, "seq": sequence}, retries)
            if done:
                return

    def update(self, item: str, data: Any, retries: int) -> bool:
        """Read-modify-write with optimistic versioning; False once the budget is spent."""
        for _ in range(retries + 1):
            read = self.request("GET", f"items/{item}")
            if read is None:
                return False
            if read[0] != 200:
                continue
            written = self.request(
                "PUT", f"items/{item}", {"version": read[1]["version"], "data": data}
            )
            if written is None:
                return False
            if written[0] == 200:
                self.writes.setdefault(item, []).append((written[1]["version"], data))
                return True
            if written[0] == 409:
                self.conflicts += 1
        self.gave_up += 1
        return True


def send(method: str, url: str, body: Any, key: str) -> tuple[int, dict[str, Any]]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - loopback http
    request.add_header("x-api-key", key)
    request.add_header("Content-Type", "application/json")
    started = time.perf_counter()
    try:
        with OPENER.open(request, timeout=30) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            status, text = error.code, error.read().decode()
    except OSError:
        status, text = 599, ""  # no HTTP answer at all: counted with the 5xx
    payload = json.loads(text) if text.startswith("{") else {}
    payload["_ms"] = (time.perf_counter() - started) * 1000
    return status, payload


def read_back(url: str, key: str, items: list[str]) -> dict[str, dict[str, Any] | None]:
    """Every item as stored now (None if it cannot be read)."""
    stored: dict[str, dict[str, Any] | None] = {}
    for item in items:
        status, body = send("GET", f"{url}items/{item}", None, key)
        stored[item] = body if status == 200 else None
    return stored


def lost_writes(writes: list[Writes], stored: dict[str, dict[str, Any] | None]) -> tuple[int, int]:
    """(lost writes, successful writes): each client's writes against the items as stored.

    Lost: two successful writes that claim one version (one overwrote the other unseen); a
    client's last write above the stored version, or at it with other data; every write to an
    item that cannot be read back.
    """
    lost = total = 0
    for item, current in stored.items():
        per_client = [w[item] for w in writes if item in w]
        versions = Counter(version for history in per_client for version, _ in history)
        total += sum(versions.values())
        if current is None:
            lost += sum(versions.values())
            continue
        lost += sum(n - 1 for n in versions.values())
        for version, data in (history[-1] for history in per_client):
            stale = version == current["version"] and data != current["data"]
            lost += version > current["version"] or stale
    return lost, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=4, help="handler processes")
    parser.add_argument("--items", type=int, default=16, help="items every client updates")
    parser.add_argument("--retries", type=int, default=5, help="re-reads after a 409")
    parser.add_argument("--cdk-out", type=Path, help="serve this assembly instead of synthesising")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    print("Starting the local stack (synthesises first unless --cdk-out) ...", flush=True)
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="load-bench-") as workdir,
        LocalStackProcess(
            Path(workdir), cdk_out=args.cdk_out, concurrency=args.concurrency
        ) as stack,
    ):
        stage = stack.info.stages["test"]
        print(f"... serving {stage.url} after {time.monotonic() - started:.1f} s", flush=True)
        items = [
            send("POST", stage.url + "items", {"data": {"seed": n}}, stage.api_key)[1]["id"]
            for n in range(args.items)
        ]
        budget = Budget(args.requests, time.monotonic() + args.duration)
        clients = [
            Client(stage.url, stage.api_key, budget, random.Random(args.seed * 1000 + n))
            for n in range(args.clients)
        ]
        threads = [
            threading.Thread(target=c.run, args=(items, n, args.retries))
            for n, c in enumerate(clients)
        ]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.duration + 60)
        elapsed = time.perf_counter() - began
        stored = read_back(stage.url, stage.api_key, items)
        lost, writes = lost_writes([c.writes for c in clients], stored)
        report(args, clients, elapsed, lost, writes)


def report(
    args: argparse.Namespace, clients: list[Client], elapsed: float, lost: int, writes: int
) -> None:
    latencies = [ms for c in clients for ms in c.latencies]
    statuses: Counter[int] = sum((c.statuses for c in clients), Counter())
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    print(
        f"\nLoad bench: local stack, {args.concurrency} handler processes, {args.clients} "
        f"clients, Python {sys.version.split()[0]}, loopback"
    )
    rows = [
        ("requests", f"{len(latencies)} (limit {args.requests} or {args.duration:.0f} s)"),
        ("elapsed", f"{elapsed:.2f} s"),
        ("requests per second", f"{len(latencies) / elapsed:.1f}"),
        ("latency p50 / p95 / p99", f"{cuts[49]:.1f} / {cuts[94]:.1f} / {cuts[98]:.1f} ms"),
        ("status counts", ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items()))),
        ("5xx responses", f"{server_errors}   (goal 0)"),
        ("lost writes", f"{lost}   (goal 0; {writes} successful writes to {args.items} items)"),
        ("409 conflicts", f"{sum(c.conflicts for c in clients)}, retried by re-reading"),
        ("updates given up", f"{sum(c.gave_up for c in clients)} (after {args.retries} retries)"),
    ]
    for label, value in rows:
        print(f"  {label:<24} {value}")


if __name__ == "__main__":
    main()
