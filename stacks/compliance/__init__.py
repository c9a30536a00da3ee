"""The compliance gate: cdk-nag's AwsSolutions and Serverless packs, prod guardrails and
secrets hygiene, run as validation plugins on every synth (see README, "Compliance gate").
"""

from stacks.compliance.gate import enable_gate
from stacks.compliance.synthesis import ComplianceGateFailed, synthesize

__all__ = ["ComplianceGateFailed", "enable_gate", "synthesize"]
