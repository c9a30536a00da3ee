"""Operational commands that sit beside the CDK app (make sweep, make envdiff)."""
