"""The `sandbox` command: thin adapters that parse options, call a service and print."""

import sandbox.cli.credits  # noqa: F401  (registers `credits` and `certificate`)
from sandbox.cli import auditing, exports, grants, home, policy, serve, warehouse  # noqa: F401  (each module registers its commands)
from sandbox.cli.app import cli, main

__all__ = ["cli", "main"]
