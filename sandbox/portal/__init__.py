"""The web portal: server-rendered pages for auditors, admins, enterprises, reviewers and departments.

``install(app)`` adds the pages under ``/portal`` to the gateway app; the routes call the same services
the JSON API calls, with the user's own bureau token, so every read and change is audited as theirs.
"""

from __future__ import annotations

from sandbox.portal.app import install

__all__ = ["install"]
