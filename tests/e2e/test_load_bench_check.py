"""The load bench's lost-write check can fail: each kind of loss it claims to find, it finds.

Without this negative control a check that always said 0 would look like a perfect result.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "load_bench.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("load_bench", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


STORED = {"a": {"version": 3, "data": {"client": 1, "seq": 2}}}


def test_writes_that_all_landed_are_not_lost(bench: ModuleType) -> None:
    writes = [{"a": [(2, {"client": 0, "seq": 1})]}, {"a": [(3, {"client": 1, "seq": 2})]}]

    assert bench.lost_writes(writes, STORED) == (0, 2)


@pytest.mark.parametrize(
    ("writes", "lost"),
    [
        # Two clients were both told they made version 3: one overwrote the other unseen.
        ([{"a": [(3, {"client": 0, "seq": 1})]}, {"a": [(3, {"client": 1, "seq": 2})]}], 2),
        # A client's last write is newer than what is stored.
        ([{"a": [(4, {"client": 0, "seq": 1})]}], 1),
        # Same version, other data.
        ([{"a": [(3, {"client": 0, "seq": 9})]}], 1),
    ],
    ids=["version-twice", "newer-than-stored", "other-data"],
)
def test_each_kind_of_lost_write_is_counted(
    bench: ModuleType, writes: list[dict], lost: int
) -> None:
    assert bench.lost_writes(writes, STORED)[0] == lost


def test_an_item_that_cannot_be_read_back_loses_its_writes(bench: ModuleType) -> None:
    writes = [{"a": [(2, {}), (3, {})]}]

    assert bench.lost_writes(writes, {"a": None}) == (2, 2)
