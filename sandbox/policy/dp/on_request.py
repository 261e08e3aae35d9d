"""DP on request: the grant view in which aggregate-mode tables are dp tables, for one opted-in query.

An analyst may ask for differential privacy on ``aggregate`` tables (k-threshold by default). The query is
then planned by the dp pipeline exactly as on a ``dp`` table: contribution bounding over the table's
privacy unit, clamping, noise and partition selection with the table's k as minimum group size, charged
to the grant × dataset ledger. Only tables with a privacy unit switch; open, masked and deny tables keep
their mode, so the dp join rules apply to them unchanged.
"""

from __future__ import annotations

import dataclasses
import threading
from types import MappingProxyType

from sandbox.catalog.model import AccessMode
from sandbox.policy.grantview import GrantedTable, GrantView

_CACHE: dict[int, tuple[GrantView, GrantView]] = {}
_CACHE_LIMIT = 512
_LOCK = threading.Lock()


def switches(table: GrantedTable) -> bool:
    """Whether DP on request applies to this table: aggregate mode with a declared privacy unit."""
    return table.dataset.access_mode is AccessMode.AGGREGATE and table.dataset.privacy_unit is not None


def dp_on_request_view(view: GrantView) -> GrantView:
    """``view`` with its aggregate tables planned as dp. Cached per view object (plans are cached per view
    identity, so the derived view must be the same object each time)."""
    hit = _CACHE.get(id(view))
    if hit is not None and hit[0] is view:
        return hit[1]
    if not any(switches(t) for t in view.tables.values()):
        return view
    tables = {name: dataclasses.replace(t, on_request=True) if switches(t) else t for name, t in view.tables.items()}
    derived = GrantView(MappingProxyType(tables), view.schema, view.full_schema)
    with _LOCK:
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        _CACHE[id(view)] = (view, derived)
    return derived
