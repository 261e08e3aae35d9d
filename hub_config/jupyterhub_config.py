# ruff: noqa: INP001
# JupyterHub for the sandbox. Local demo by default; SANDBOX_HUB_MODE=docker for DockerSpawner.
# All settings are built (and documented) in sandbox/hub/config.py.
from sandbox.hub.config import configure

c = get_config()  # noqa: F821
configure(c)
