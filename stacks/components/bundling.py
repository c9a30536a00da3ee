"""Packages `lambda_src/` for Lambda without Docker, with Docker as the fallback.

The default CDK Python bundling runs pip inside a Docker image, which CI runners
and many laptops do not have. pip can fetch wheels for another platform itself
(`--platform ... --only-binary=:all:`), so a local bundler gives the same zip.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_

from stacks.components.precompile import (
    compile_sources,
    precompile_dependencies,
    runtime_python,
)

# Files that never belong in the zip and must not change the asset hash:
# running the tests and linters writes caches next to the sources.
CACHES = ("__pycache__", "*.pyc", ".pytest_cache", ".mypy_cache", ".ruff_cache", "*.egg-info")
EXCLUDE = [f"**/{pattern}" for pattern in CACHES]

# Where downloaded wheels are kept between synths, keyed by what was asked for.
CACHE_DIR = Path(__file__).resolve().parents[2] / ".build" / "lambda-deps-v2"
COMPLETE = ".complete"


@jsii.implements(ILocalBundling)
class LocalPipBundling:
    """Installs `requirements.txt` for the Lambda platform with the local pip, then copies the code.

    The installed dependencies are cached per (requirements, platform, Python)
    so that synth after the first one costs a copy, not a download. Both the
    dependencies and the code get bytecode for the runtime's Python where one
    is installed (see precompile.py).
    """

    def __init__(self, *, source: Path, platform: str, python_version: str) -> None:
        self._source = source
        self._platform = platform
        self._python_version = python_version

    def try_bundle(self, output_dir: str, *, image: DockerImage, **_: object) -> bool:
        try:
            deps = self._dependencies()
        except (OSError, subprocess.CalledProcessError) as err:
            print(f"Local bundling failed ({err}); falling back to Docker.", file=sys.stderr)
            return False
        shutil.copytree(
            deps, output_dir, dirs_exist_ok=True, ignore=shutil.ignore_patterns(COMPLETE)
        )
        shutil.copytree(
            self._source,
            output_dir,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns(*CACHES, "requirements.txt"),
        )
        own = [Path(output_dir) / p.name for p in self._source.iterdir() if p.is_dir()]
        compile_sources([p for p in own if p.name not in CACHES], version=self._python_version)
        return True

    def _dependencies(self) -> Path:
        requirements = self._source / "requirements.txt"
        # Whether bytecode can be made is part of the key, so installing Python 3.13
        # later does not leave a cached set without it.
        bytecode = runtime_python(self._python_version) is not None
        fingerprint = f"{self._platform}/{self._python_version}/bytecode={bytecode}"
        key = hashlib.sha256(requirements.read_bytes() + fingerprint.encode()).hexdigest()[:16]
        target = CACHE_DIR / key
        if (target / COMPLETE).exists():
            return target
        partial = target.with_suffix(".partial")
        shutil.rmtree(partial, ignore_errors=True)
        subprocess.run(
            [
                sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                "--requirement", str(requirements), "--target", str(partial),
                "--platform", self._platform, "--python-version", self._python_version,
                "--implementation", "cp", "--only-binary=:all:", "--no-compile",
            ],
            check=True,
        )  # fmt: skip
        precompile_dependencies(partial, source=self._source, version=self._python_version)
        shutil.rmtree(target, ignore_errors=True)
        partial.rename(target)
        (target / COMPLETE).touch()
        return target


def python_code(
    source: Path, *, runtime: lambda_.Runtime, architecture: lambda_.Architecture
) -> lambda_.Code:
    """Lambda code for `source`, whose hash follows the source files, not the build output.

    Hashing the source (minus caches) keeps the asset hash, and so the deployed
    version, unchanged when nothing changed.
    """
    platform = (
        "manylinux2014_aarch64"
        if architecture.name == lambda_.Architecture.ARM_64.name
        else "manylinux2014_x86_64"
    )
    python_version = runtime.name.removeprefix("python")
    return lambda_.Code.from_asset(
        str(source),
        asset_hash_type=AssetHashType.SOURCE,
        exclude=EXCLUDE,
        bundling=BundlingOptions(
            image=runtime.bundling_image,
            platform=architecture.docker_platform,
            local=LocalPipBundling(source=source, platform=platform, python_version=python_version),
            command=[
                "bash",
                "-c",
                "pip install --no-cache-dir -r requirements.txt -t /asset-output "
                "&& cp -au . /asset-output && rm -f /asset-output/requirements.txt "
                "&& python -m compileall -q --invalidation-mode unchecked-hash /asset-output",
            ],
        ),
    )
