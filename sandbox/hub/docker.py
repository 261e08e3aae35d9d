"""Production spawning: DockerSpawner with the isolation list of the deployment guide (docs/hub.md).

Each notebook runs in a throw-away container on an internal network (no egress; it reaches only the
gateway and the hub API), from one pre-loaded image (no user choice, never pulled), as uid 1000 with
no capabilities, no privilege escalation, a read-only root, tmpfs scratch space, memory/CPU/pids limits,
and a named volume per user for its work. The hub talks to Docker through a socket proxy, not the socket.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

IMAGE = "qdn-sandbox/singleuser:1"
NETWORK = "sandbox-internal"
WORK_DIR = "/home/jovyan/work"
SEED = "cp -n /opt/sandbox/notebooks/*.ipynb " + WORK_DIR + "/ 2>/dev/null; exec jupyterhub-singleuser"


def configure_docker(c: Any, env: Mapping[str, str]) -> None:
    hub_host = env.get("SANDBOX_HUB_CONNECT_HOST", "hub")
    api_port = env.get("SANDBOX_HUB_API_PORT", "8081")
    c.JupyterHub.spawner_class = "dockerspawner.DockerSpawner"
    c.JupyterHub.hub_bind_url = f"http://0.0.0.0:{api_port}"  # reachable from the internal network
    c.JupyterHub.hub_connect_url = f"http://{hub_host}:{api_port}"

    spawner = c.DockerSpawner
    spawner.client_kwargs = {"base_url": env.get("DOCKER_HOST", "tcp://docker-proxy:2375")}
    spawner.image = env.get("SANDBOX_SINGLEUSER_IMAGE", IMAGE)
    spawner.allowed_images = {}  # users cannot choose an image
    spawner.pull_policy = "never"  # images are pre-loaded; nothing is fetched at spawn time
    spawner.network_name = env.get("SANDBOX_NOTEBOOK_NETWORK", NETWORK)
    spawner.use_internal_ip = True
    spawner.remove = True  # the container and its server token go when the server stops
    spawner.name_template = "jupyter-{username}"
    spawner.volumes = {"sandbox-work-{username}": WORK_DIR}  # a named volume, never a host path
    spawner.notebook_dir = WORK_DIR
    spawner.cmd = ["sh", "-c", SEED]
    spawner.mem_limit = env.get("SANDBOX_NOTEBOOK_MEM", "4G")
    spawner.cpu_limit = float(env.get("SANDBOX_NOTEBOOK_CPUS", "2"))
    spawner.extra_create_kwargs = {"user": "1000:100"}
    spawner.extra_host_config = host_config(int(env.get("SANDBOX_NOTEBOOK_PIDS", "512")), env.get("SANDBOX_RUNTIME"))
    spawner.environment = {
        "JUPYTER_RUNTIME_DIR": "/tmp/runtime",
        "IPYTHONDIR": "/tmp/ipython",
        "JUPYTER_CONFIG_DIR": "/etc/jupyter",
        "MPLCONFIGDIR": "/tmp/matplotlib",
    }


def host_config(pids: int, runtime: str | None = None) -> dict[str, Any]:
    """Docker HostConfig hardening; ``runtime`` may name gVisor (``runsc``) where it is installed."""
    config: dict[str, Any] = {
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges"],
        "read_only": True,
        "tmpfs": {"/tmp": "rw,nosuid,nodev,size=512m,mode=1777"},
        "pids_limit": pids,
        "ipc_mode": "private",
        "init": True,
    }
    if runtime:
        config["runtime"] = runtime
    return config
