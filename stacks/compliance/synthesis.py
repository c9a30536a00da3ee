"""Synth with the gate's failure as a Python exception, instead of a jsii traceback."""

from __future__ import annotations

from aws_cdk import App, cx_api

# How jsii passes on the error CDK raises when a validation plugin reports a finding.
VALIDATION_FAILED = "ValidationFailed:"


class ComplianceGateFailed(Exception):
    """Synth stopped on findings of the compliance gate.

    The message is CDK's report when the process runs under pytest. Otherwise
    CDK has already printed the report to stderr and the message points to its
    JSON copy (`validation-report.json` in the output directory).
    """


def synthesize(app: App) -> cx_api.CloudAssembly:
    """`app.synth()`, raising `ComplianceGateFailed` when the gate fails."""
    try:
        return app.synth()
    except RuntimeError as err:
        message = str(err)
        if not message.startswith(VALIDATION_FAILED):
            raise
        raise ComplianceGateFailed(message.removeprefix(VALIDATION_FAILED).strip()) from None
