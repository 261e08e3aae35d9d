"""`make test-docker` driver: spawn through DockerSpawner and prove the isolation from inside a container.

Run by images/test-docker.sh with dockerd up, the test images built and the internal network created:
    python -m tests.e2e.docker_isolation --network N --image I --bridge-ip A

Hub and gateway run on the host, listening on the network's bridge address; the host firewall
(images/firewall.sh) allows only their two ports from the bridge. Two users spawn; from alice's
container the gateway must answer, while the internet, DNS, another host port and bob's container
must not; the container must run as uid 1000 with no capabilities, no-new-privileges and a read-only root.
"""

from __future__ import annotations

import argparse
import json
import socketserver
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

from sandbox.warehouse.demo.build import build_demo_warehouse
from tests.e2e.hub_support import Hub, HubSession, free_port, issue_grant, make_home, running_gateway, running_hub

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import json, os, socket
from sandbox.client import connect

def reach(host, port):
    try:
        socket.create_connection((host, port), timeout=3).close()
        return True
    except OSError:
        return False

def resolves(name):
    try:
        socket.getaddrinfo(name, 80)
        return True
    except OSError:
        return False

status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines() if ":" in line)
try:
    open("/usr/probe-write", "w").close()
    root_writable = True
except OSError:
    root_writable = False
frame = connect().sql("SELECT county_code, count(*) AS spots FROM tourism.tour_scenic_spot GROUP BY 1")
print(json.dumps({{
    "gateway_rows": len(frame),
    "internet": reach("1.1.1.1", 443) or reach("151.101.0.204", 80),
    "dns": resolves("deb.debian.org"),
    "host_port": reach({bridge!r}, {decoy}),
    "other_user": reach({other!r}, 8888),
    "uid": os.getuid(),
    "cap_eff": status["CapEff"].strip(),
    "no_new_privs": status["NoNewPrivs"].strip(),
    "root_writable": root_writable,
}}))
"""


def firewall(action: str, network: str, ports: list[int]) -> None:
    subprocess.run(["bash", str(REPO / "images" / "firewall.sh"), action, network, *map(str, ports)], check=True)


def container_ip(name: str, network: str) -> str:
    template = f'{{{{(index .NetworkSettings.Networks "{network}").IPAddress}}}}'
    return subprocess.run(
        ["docker", "inspect", "-f", template, name], check=True, capture_output=True, text=True
    ).stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser()
    for name in ("--network", "--image", "--bridge-ip"):
        parser.add_argument(name, required=True)
    args = parser.parse_args()
    # A decoy service on every host address: reachable from Docker's default bridge (the control),
    # and it must not be from the notebook network.
    decoy = socketserver.TCPServer(("0.0.0.0", 0), socketserver.BaseRequestHandler)
    threading.Thread(target=decoy.serve_forever, daemon=True).start()
    args.decoy_port = decoy.server_address[1]
    with tempfile.TemporaryDirectory() as tmp:
        warehouse = Path(tmp) / "warehouse.duckdb"
        build_demo_warehouse(warehouse, Path(tmp) / "truth.parquet", scale="tiny", seed=1, progress=False)
        settings = make_home(Path(tmp) / "home", warehouse)
        api_port = free_port()
        env = {
            "SANDBOX_HUB_MODE": "docker",
            "SANDBOX_HUB_API_PORT": str(api_port),
            "SANDBOX_HUB_CONNECT_HOST": args.bridge_ip,
            "SANDBOX_SINGLEUSER_IMAGE": args.image,
            "SANDBOX_NOTEBOOK_NETWORK": args.network,
            "SANDBOX_NOTEBOOK_MEM": "1G",
            "SANDBOX_NOTEBOOK_CPUS": "1",
            "DOCKER_HOST": "unix:///var/run/docker.sock",
        }
        with running_gateway(settings, host=args.bridge_ip) as gateway_url:
            gateway_port = urlsplit(gateway_url).port or 80
            firewall("apply", args.network, [api_port, gateway_port])
            try:
                with running_hub(settings, gateway_url, extra_env=env, timeout=90) as hub:
                    results = probe(hub, args)
            finally:
                firewall("remove", args.network, [api_port, gateway_port])
    results["control"] = control(args.image, args.decoy_port)
    print(json.dumps(results, indent=2))
    expected = {"internet": False, "dns": False, "host_port": False, "other_user": False, "uid": 1000,
                "cap_eff": "0000000000000000", "no_new_privs": "1", "root_writable": False}  # fmt: skip
    failures = {key: results.get(key) for key, value in expected.items() if results.get(key) != value}
    if not results["control"]["host_port"]:  # the refusals above mean nothing if the decoy is unreachable anyway
        failures["control.host_port"] = False
    if results.get("gateway_rows", 0) < 1:
        failures["gateway_rows"] = results.get("gateway_rows")
    print("ISOLATION OK" if not failures else f"ISOLATION FAILED: {failures}")
    return 0 if not failures else 1


CONTROL = """
import json, socket, struct
def reach(host, port):
    try:
        socket.create_connection((host, port), timeout=3).close()
        return True
    except OSError:
        return False
# The host as this container sees it: its default route's gateway (docker0's address).
route = [line.split() for line in open("/proc/net/route").read().splitlines()[1:]]
host = socket.inet_ntoa(struct.pack("<L", int(next(r[2] for r in route if r[1] == "00000000"), 16)))
print(json.dumps({{"host_port": reach(host, {decoy}), "internet": reach("1.1.1.1", 443)}}))
"""


def control(image: str, decoy: int) -> dict[str, bool]:
    """The same probes from an ordinary container on Docker's default bridge, without our firewall."""
    code = CONTROL.format(decoy=decoy)
    command = ["docker", "run", "--rm", "--network", "bridge", "--entrypoint", "python3", image, "-c", code]
    answer: dict[str, bool] = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    return answer


def probe(hub: Hub, args: argparse.Namespace) -> dict[str, object]:
    sessions: dict[str, HubSession] = {}
    try:
        for user in ("alice", "bob"):
            token, _ = issue_grant(hub.settings, user)
            session = hub.session()
            sessions[user] = session
            if session.login_form(user, token).status_code != 302:
                raise RuntimeError(f"login refused for {user}")
            session.spawn_and_wait(user, timeout=120)
        other = container_ip("jupyter-bob", args.network)
        alice = sessions["alice"]
        alice.open_server("alice")
        code = PROBE.format(bridge=args.bridge_ip, decoy=args.decoy_port, other=other)
        results: dict[str, object] = json.loads(alice.run_cell("alice", code, timeout=120).strip().splitlines()[-1])
        for user, session in sessions.items():
            session.api("DELETE", f"/users/{user}/server")
        return results
    finally:
        for session in sessions.values():
            session.http.close()


if __name__ == "__main__":
    sys.exit(main())
