"""``%%sql`` for notebooks: ``%load_ext sandbox.client`` then a cell ``%%sql [variable]``.

IPython is imported only here, when the extension is loaded, so the client works without it.
"""

from __future__ import annotations

from typing import Any

from sandbox.client.client import Client, connect


def load_ipython_extension(ipython: Any) -> None:
    from IPython.core.magic import register_cell_magic  # noqa: F401  (fails early without IPython)

    state: dict[str, Client] = {}

    def sql(line: str, cell: str) -> Any:
        """Run the cell's SQL through the gateway; ``%%sql name`` also stores the frame as ``name``."""
        if "client" not in state:
            state["client"] = connect()
        frame = state["client"].sql(cell)
        target = line.strip()
        if target:
            if not target.isidentifier():
                raise ValueError(f"%%sql takes an optional variable name, not {target!r}")
            ipython.user_ns[target] = frame
        return frame

    ipython.register_magic_function(sql, magic_kind="cell", magic_name="sql")
