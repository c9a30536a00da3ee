"""`python -m diagrams multi=<cdk.out> single=<cdk.out>`: what `make diagram` runs.

Each argument names a topology and the cloud assembly it was synthesised into;
the Makefile synthesises each topology into its own directory first, because
both write `cdk.out` by default.
"""

from __future__ import annotations

import sys
from pathlib import Path

from diagrams.generate import OUTPUT_DIR, load_templates, write


def main(argv: list[str]) -> int:
    if not argv or any("=" not in arg for arg in argv):
        print(__doc__, file=sys.stderr)
        return 2
    for arg in argv:
        topology, cdk_out = arg.split("=", 1)
        for path in write(topology, load_templates(Path(cdk_out))):
            print(path.relative_to(OUTPUT_DIR.parents[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
