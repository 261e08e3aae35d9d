"""The `sandbox` command: thin adapters that parse options, call a service and print."""

from sandbox.cli import auditing, grants, home, policy, serve, warehouse  # noqa: F401  (each module registers its commands)
from sandbox.cli.app import cli, main

__all__ = ["cli", "main"]
