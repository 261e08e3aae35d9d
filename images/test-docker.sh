#!/usr/bin/env bash
# make test-docker: prove the DockerSpawner isolation on this machine, then clean up.
#  1. installs docker.io (and debootstrap, iptables) if missing and starts dockerd if it is not running;
#  2. builds a minimal base image from Debian packages (debootstrap; no registry is reachable here) and a
#     test notebook image on it from local files and wheels (images/singleuser/test.Dockerfile);
#  3. creates an internal network (ICC off); the driver starts a decoy host service, applies the firewall,
#     spawns two servers through DockerSpawner and checks from inside one of them (tests/e2e/docker_isolation.py);
#  4. removes what it started: containers (remove=True), user volumes, the network, firewall rules,
#     and dockerd if it started it. The base and test images are kept as a build cache.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
WORK=${SANDBOX_DOCKER_WORK:-/tmp/sandbox-docker-test}
NETWORK=sandbox-test-internal
BASE=sandbox-test/debian-base:bookworm
IMAGE=sandbox-test/singleuser:1
mkdir -p "$WORK"
started_dockerd=""

cleanup() {
  set +e
  docker ps -aq --filter "name=jupyter-" | xargs -r docker rm -f >/dev/null
  docker volume ls -q --filter "name=sandbox-work-" | xargs -r docker volume rm >/dev/null
  docker network rm "$NETWORK" >/dev/null 2>&1
  [ -n "$started_dockerd" ] && kill "$started_dockerd" 2>/dev/null
}
trap cleanup EXIT

if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null || ! command -v iptables >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker.io debootstrap iptables
fi
if ! docker info >/dev/null 2>&1; then
  dockerd >"$WORK/dockerd.log" 2>&1 &
  started_dockerd=$!
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
fi
docker info --format 'docker {{.ServerVersion}}'

if ! docker image inspect "$BASE" >/dev/null 2>&1; then
  [ -x "$WORK/rootfs/usr/bin/python3" ] || debootstrap --variant=minbase \
    --include=python3,python3-venv,ca-certificates bookworm "$WORK/rootfs" http://deb.debian.org/debian
  tar -C "$WORK/rootfs" -c . | docker import - "$BASE"
fi

context="$WORK/context"
rm -rf "$context" && mkdir -p "$context/wheels"
# Debian's python3 is 3.11.2: pins that need a later 3.11 (soupsieve) are left to pip to choose.
grep -v '^soupsieve==' constraints.txt >"$context/constraints.txt"
"$REPO/.venv/bin/pip" download -q -d "$context/wheels" -c "$context/constraints.txt" --only-binary=:all: \
  --python-version 3.11.2 jupyterhub jupyterlab jupyter_server ipykernel httpx pandas pyarrow
mkdir -p "$context/lib/sandbox/hub" "$context/notebooks"
cp sandbox/__init__.py "$context/lib/sandbox/"
cp -r sandbox/client "$context/lib/sandbox/"
cp sandbox/hub/__init__.py sandbox/hub/server_auth.py "$context/lib/sandbox/hub/"
cp -r hub_config/singleuser "$context/etc-jupyter"
cp examples/notebooks/*.ipynb "$context/notebooks/"
docker build -q -t "$IMAGE" --build-arg BASE="$BASE" -f images/singleuser/test.Dockerfile "$context"

docker network create --internal -o com.docker.network.bridge.enable_icc=false "$NETWORK" >/dev/null
bridge_ip=$(docker network inspect -f '{{(index .IPAM.Config 0).Gateway}}' "$NETWORK")
.venv/bin/python -m tests.e2e.docker_isolation --network "$NETWORK" --image "$IMAGE" --bridge-ip "$bridge_ip"
