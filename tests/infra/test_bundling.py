"""The Lambda asset: built without Docker, holding the code and its pinned deps, hashed by source."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import stacks.components.function as function_module
from stacks.components.bundling import CACHES
from stacks.components.function import RUNTIME
from stacks.components.precompile import runtime_python
from tests.support.synth import Synthesis, reference_context, synthesize


def asset_dir(synthesis: Synthesis, stack: str) -> Path:
    code = synthesis.only(stack, "AWS::Lambda::Function")["Properties"]["Code"]
    asset_hash = code["S3Key"].removesuffix(".zip")
    return synthesis.outdir / f"asset.{asset_hash}"


def test_bundle_holds_the_service_and_its_pinned_dependencies_but_not_boto3(
    multi: Synthesis,
) -> None:
    bundle = asset_dir(multi, "items-api-test")
    assert (bundle / "service" / "handler.py").is_file()
    assert (bundle / "aws_lambda_powertools").is_dir()
    assert not (bundle / "boto3").exists(), "the Lambda runtime provides boto3"
    assert not (bundle / "requirements.txt").exists()
    assert not (bundle / ".complete").exists()
    tool_caches = [c for c in CACHES if c not in ("__pycache__", "*.pyc")]
    assert [p for pattern in tool_caches for p in bundle.rglob(pattern)] == []


def test_bundle_carries_bytecode_for_the_runtime_python_only(multi: Synthesis) -> None:
    bundle = asset_dir(multi, "items-api-test")
    version = RUNTIME.name.removeprefix("python")  # "3.13"
    tag = f"cpython-{version.replace('.', '')}"
    bytecode = list(bundle.rglob("*.pyc"))
    # Bytecode of any other Python would be dead weight: Lambda ignores it.
    assert [p for p in bytecode if tag not in p.name] == []
    if runtime_python(version) is None:
        assert bytecode == [], "without the runtime's Python the bundle ships no bytecode"
    else:
        names = {p.relative_to(bundle).as_posix() for p in bytecode}
        assert f"service/__pycache__/handler.{tag}.pyc" in names
        assert any(n.startswith("aws_lambda_powertools/event_handler/") for n in names)
    swagger = bundle / "aws_lambda_powertools/event_handler/openapi/swagger_ui"
    assert list(swagger.glob("*.min.*")) == []


def test_every_environment_deploys_the_same_asset(multi: Synthesis) -> None:
    hashes = {
        multi.only(stack, "AWS::Lambda::Function")["Properties"]["Code"]["S3Key"]
        for stack in multi.templates
    }
    assert len(hashes) == 1


def test_asset_hash_ignores_caches_and_follows_real_changes(
    multi: Synthesis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def key_of(synthesis: Synthesis) -> str:
        code = synthesis.only("items-api-test", "AWS::Lambda::Function")["Properties"]["Code"]
        return str(code["S3Key"])

    source = tmp_path / "lambda_src"
    shutil.copytree(function_module.LAMBDA_SOURCE, source, ignore=shutil.ignore_patterns(*CACHES))
    (source / "service" / "__pycache__").mkdir(exist_ok=True)
    (source / "service" / "__pycache__" / "stale.cpython-313.pyc").write_bytes(b"\0")
    (source / ".mypy_cache").mkdir()
    (source / ".mypy_cache" / "cache.db").write_bytes(b"\0")
    monkeypatch.setattr(function_module, "LAMBDA_SOURCE", source)
    context = {**reference_context(), "env": "test"}

    with_caches = synthesize(context, tmp_path / "caches")
    assert key_of(with_caches) == key_of(multi)

    (source / "service" / "handler.py").write_text(
        (source / "service" / "handler.py").read_text() + "\n# changed\n"
    )
    changed = synthesize(context, tmp_path / "changed")
    assert key_of(changed) != key_of(multi)
