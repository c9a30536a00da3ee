"""The one structured logger of the runtime.

Powertools reads its service name and level from POWERTOOLS_SERVICE_NAME and
POWERTOOLS_LOG_LEVEL, so the infrastructure controls verbosity without a redeploy of code.
"""

from __future__ import annotations

from aws_lambda_powertools.logging import Logger

logger = Logger(utc=True)
