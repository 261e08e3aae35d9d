"""Builds the hub configuration from the environment; ``hub_config/jupyterhub_config.py`` only calls it.

Environment (all optional): SANDBOX_HOME; SANDBOX_HUB_MODE (``local`` demo, or ``docker``);
SANDBOX_HUB_HOST/SANDBOX_HUB_PORT (public URL, 127.0.0.1:8000); SANDBOX_HUB_API_PORT (8081);
SANDBOX_PROXY_API_PORT (8001); SANDBOX_GATEWAY_HOST/SANDBOX_GATEWAY_PORT (managed gateway,
127.0.0.1:8080) or SANDBOX_GATEWAY_URL (an external gateway); SANDBOX_HUB_SECRET; JUPYTERHUB_CRYPT_KEY;
SANDBOX_PORTAL_OAUTH_SECRET and SANDBOX_PORTAL_URL (registers the portal as an OAuth client).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sandbox.grants.hub_secret import ensure_hub_secret, load_hub_secret
from sandbox.grants.keys import ensure_private_dir, read_private_file, write_new_private
from sandbox.hub import roles
from sandbox.settings import Settings

REPO = Path(__file__).resolve().parents[2]
SINGLEUSER_CONFIG = REPO / "hub_config" / "singleuser"
EXAMPLES = REPO / "examples" / "notebooks"
SERVER_MAX_AGE_S = 8 * 3600  # a server never outlives a session token
IDLE_TIMEOUT_S = 3600


def configure(c: Any, env: Mapping[str, str] | None = None) -> None:
    env = os.environ if env is None else env
    settings = Settings.from_env(env)
    hub_dir = settings.home / "hub"
    ensure_private_dir(hub_dir)
    mode = env.get("SANDBOX_HUB_MODE", "local")

    host = env.get("SANDBOX_HUB_HOST", "127.0.0.1")
    c.JupyterHub.bind_url = f"http://{host}:{env.get('SANDBOX_HUB_PORT', '8000')}"
    c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{env.get('SANDBOX_HUB_API_PORT', '8081')}"
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env.get('SANDBOX_PROXY_API_PORT', '8001')}"
    c.ConfigurableHTTPProxy.pid_file = str(hub_dir / "proxy.pid")
    chp = REPO / "node_modules" / ".bin" / "configurable-http-proxy"
    if chp.exists():
        c.ConfigurableHTTPProxy.command = [str(chp)]
    c.JupyterHub.db_url = f"sqlite:///{hub_dir / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(hub_dir / "jupyterhub_cookie_secret")
    c.CryptKeeper.keys = [_crypt_key(hub_dir, env)]
    c.JupyterHub.cookie_max_age_days = 1
    c.JupyterHub.allow_named_servers = False
    c.JupyterHub.tornado_settings = {"headers": {"Content-Security-Policy": "frame-ancestors 'none'"}}
    c.JupyterHub.template_vars = {"announcement_login": LOGIN_HINT}

    gateway_url, gateway_service = _gateway(env, settings)
    ensure_hub_secret(settings)
    c.JupyterHub.authenticator_class = "sandbox.hub.authenticator.SandboxAuthenticator"
    c.SandboxAuthenticator.gateway_url = gateway_url
    c.SandboxAuthenticator.hub_secret = load_hub_secret(settings) or ""
    c.SandboxAuthenticator.session_env_url = env.get("SANDBOX_SESSION_GATEWAY_URL", gateway_url)

    portal = _portal(env, gateway_url)
    c.JupyterHub.custom_scopes = roles.CUSTOM_SCOPES
    c.JupyterHub.load_roles = roles.roles("portal" if portal else None)
    c.JupyterHub.services = [*gateway_service, *portal, _culler()]

    c.Spawner.disable_user_config = True
    c.Spawner.default_url = "/lab"
    c.Spawner.start_timeout = 60
    c.Spawner.http_timeout = 30
    if mode == "docker":
        from sandbox.hub.docker import configure_docker

        configure_docker(c, env)
    else:
        _local(c, hub_dir)


LOGIN_HINT = (
    "用户名填写您的账号，密码处粘贴局方签发的授权令牌 · "
    "User name: your account; password: paste the authorization token issued by the bureau."
)


def _local(c: Any, hub_dir: Path) -> None:
    """The demo: local processes, a working directory per user. NOT ISOLATED (docs/hub.md)."""
    c.JupyterHub.spawner_class = "sandbox.hub.spawner.SandboxLocalSpawner"
    c.SandboxLocalSpawner.home_dir_template = str(hub_dir / "users" / "{username}")
    c.SandboxLocalSpawner.examples_dir = str(EXAMPLES)
    c.Spawner.cmd = [str(Path(sys.executable).parent / "jupyterhub-singleuser")]
    c.Spawner.environment = {
        "JUPYTER_CONFIG_DIR": str(SINGLEUSER_CONFIG),
        "JUPYTER_CONFIG_PATH": str(SINGLEUSER_CONFIG),
        "PYTHONPATH": str(REPO),
    }


def _gateway(env: Mapping[str, str], settings: Settings) -> tuple[str, list[dict[str, Any]]]:
    """The gateway's URL and, unless it runs elsewhere, the managed service that starts it."""
    if env.get("SANDBOX_GATEWAY_URL"):
        url = env["SANDBOX_GATEWAY_URL"]
        return url, [{"name": "gateway", "url": url, "display": False}]
    host, port = env.get("SANDBOX_GATEWAY_HOST", "127.0.0.1"), env.get("SANDBOX_GATEWAY_PORT", "8080")
    url = f"http://{host}:{port}"
    command = [shutil.which("sandbox", path=str(Path(sys.executable).parent)) or "sandbox", "serve"]
    passed = {key: value for key, value in env.items() if key.startswith("SANDBOX_") or key in ("PATH", "LANG")}
    passed["SANDBOX_HOME"] = str(settings.home)
    service = {
        "name": "gateway",
        "url": url,
        "command": [*command, "--host", host, "--port", port],
        "environment": passed,
        "display": False,
    }
    return url, [service]


def _portal(env: Mapping[str, str], gateway_url: str) -> list[dict[str, Any]]:
    """The portal (served by the gateway under /portal) as an OAuth client of the hub, when configured."""
    secret = env.get("SANDBOX_PORTAL_OAUTH_SECRET")
    if not secret:
        return []
    public = env.get("SANDBOX_PORTAL_URL", gateway_url).rstrip("/")
    return [
        {
            "name": "portal",
            "url": gateway_url,
            "oauth_client_id": "service-portal",
            "oauth_redirect_uri": f"{public}/portal/oauth_callback",
            "api_token": secret,
            "oauth_client_allowed_scopes": ["read:users:name!user", "read:users:groups!user"],
            "oauth_no_confirm": True,
            "display": True,
        }
    ]


def _culler() -> dict[str, Any]:
    return {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={IDLE_TIMEOUT_S}",
            f"--max-age={SERVER_MAX_AGE_S}",
            "--cull-every=300",
        ],
        "display": False,
    }


def _crypt_key(hub_dir: Path, env: Mapping[str, str]) -> bytes:
    """auth_state's encryption key: JUPYTERHUB_CRYPT_KEY (hex) or a key file made once in the hub dir."""
    given = env.get("JUPYTERHUB_CRYPT_KEY", "").split(";")[0]
    if given:
        return bytes.fromhex(given)
    path = hub_dir / "crypt.key"
    write_new_private(path, os.urandom(32).hex().encode())
    return bytes.fromhex(read_private_file(path, "hub auth_state key", "Hub 加密密钥").decode().strip())
