"""Questions other parts of the platform ask of a loaded catalogue."""

from __future__ import annotations

from sandbox.catalog.model import Catalog, Scenario
from sandbox.errors import UsageError


def dataset_names(catalog: Catalog) -> tuple[str, ...]:
    """Every dataset name ("schema.table"), sorted."""
    return tuple(sorted(d.name for d in catalog.datasets))


def datasets_for_scenario(catalog: Catalog, scenario: str, *, include_common: bool = True) -> tuple[str, ...]:
    """Datasets a grant for ``scenario`` may cover: the scenario's own tables plus, by default, the
    shared ``common`` dimensions. Denied datasets are listed too; the gateway refuses them."""
    try:
        wanted = Scenario(scenario)
    except ValueError:
        known = ", ".join(s.value for s in Scenario if s is not Scenario.COMMON)
        raise UsageError(
            f"unknown scenario '{scenario}' (known: {known})",
            f"未知场景 '{scenario}'（可选：{known}）",
            code="catalog.unknown_scenario",
        ) from None
    scenarios = {wanted, Scenario.COMMON} if include_common else {wanted}
    return tuple(sorted(d.name for d in catalog.datasets if d.scenario in scenarios))
