"""The notebook server's authorizer: the hub's scope check, plus refusals that close exfiltration paths.

Cosmetic against a determined analyst (cell output can always be copied), but it removes the one-click
paths: no conversion/"download as" (nbconvert), no reading non-notebook files through the contents API
(the raw files route is switched off in the server config).
"""

from __future__ import annotations

import posixpath
from typing import Any

from jupyterhub.singleuser.extension import JupyterHubAuthorizer

REFUSED_RESOURCES = frozenset({"nbconvert", "terminals"})


class SandboxAuthorizer(JupyterHubAuthorizer):  # type: ignore[misc]
    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        if resource in REFUSED_RESOURCES:
            return False
        if resource == "contents" and action == "read" and reads_file_content(handler):
            return False
        return bool(super().is_authorized(handler, user, action, resource))


def reads_file_content(handler: Any) -> bool:
    """A contents-API GET that would return the bytes of something other than a notebook or folder."""
    if handler.request.method != "GET" or handler.get_argument("content", "1") == "0":
        return False
    path = str(handler.path_kwargs.get("path") or "").strip("/")
    kind = handler.get_argument("type", None)
    if kind == "file":
        return True
    extension = posixpath.splitext(path)[1].lower()
    return extension not in ("", ".ipynb")
