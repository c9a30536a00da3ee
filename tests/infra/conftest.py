"""Variants of the shipped config, synthesised once per session like the main ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.synth import Synthesis, reference_context, synthesize


@pytest.fixture(scope="session")
def multi_with_topic(tmp_path_factory: pytest.TempPathFactory) -> Synthesis:
    """Prod only, with an existing SNS topic named in config."""
    context = reference_context()
    context["environments"]["prod"]["alarms"]["topic_arn"] = (
        "arn:aws:sns:eu-west-1:333333333333:ops-pager"
    )
    return synthesize({**context, "env": "prod"}, Path(tmp_path_factory.mktemp("topic")))
