"""Stopping a hub we started, and everything it started.

JupyterHub puts the proxy, its managed services and the notebook servers in their own sessions, and
its own shutdown can stall on a service: so its descendants are listed before it is asked to stop,
and whatever outlives the grace period is ended by pid.
"""

from __future__ import annotations

import contextlib
import subprocess

import psutil


def stop_process_tree(process: subprocess.Popen[bytes], grace_s: float = 10.0) -> None:
    if process.poll() is not None:
        return
    try:
        children = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    process.terminate()
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
    alive = [child for child in children if child.is_running()]
    for child in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.terminate()
    _, alive = psutil.wait_procs(alive, timeout=5)
    for child in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()
