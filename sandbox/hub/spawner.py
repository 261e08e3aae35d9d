"""The demo's local-process spawner: one working directory per user, seeded with the example notebooks.

NOT ISOLATED: every notebook runs as the hub's own OS user on the host and can read what that user
can. It exists for one-laptop demos and CI; production uses DockerSpawner (hub_config, images/).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from jupyterhub.spawner import SimpleLocalProcessSpawner
from traitlets import Unicode


class SandboxLocalSpawner(SimpleLocalProcessSpawner):  # type: ignore[misc]
    examples_dir = Unicode("", config=True, help="Notebooks copied into a new user's working directory.")

    async def start(self) -> Any:
        home = Path(self.home_dir)
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        _seed(home, Path(self.examples_dir) if self.examples_dir else None)
        return await super().start()


def _seed(home: Path, examples: Path | None) -> None:
    """Copy the example notebooks the user does not have yet (their edits are never overwritten)."""
    if examples is None or not examples.is_dir():
        return
    for notebook in sorted(examples.glob("*.ipynb")):
        target = home / notebook.name
        if not target.exists():
            shutil.copyfile(notebook, target)
