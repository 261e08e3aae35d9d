"""The catalogue: policies/ loaded, validated and registered.

Public entry points (the CLI and services call these):
    load_catalog(policies_dir, strict=True) -> Catalog
    check_catalog(catalog, registry, warehouse_columns=None) -> list[Problem]
    read_registry(policies_dir) -> Registry;  write_registry(policies_dir, registry) -> None
    register(catalog, registry, today) -> (Registry, tuple[RegistrationChange, ...])
    dataset_names(catalog);  datasets_for_scenario(catalog, scenario)
"""

from sandbox.catalog.check import check_catalog
from sandbox.catalog.loader import load_catalog
from sandbox.catalog.lookup import dataset_names, datasets_for_scenario
from sandbox.catalog.model import (
    AccessMode,
    Catalog,
    Column,
    Dataset,
    Handling,
    HandlingKind,
    Role,
)
from sandbox.catalog.problems import CatalogProblems, Problem
from sandbox.catalog.registry import RegistrationChange, Registry, fingerprint, register, registry_problems
from sandbox.catalog.registry_file import read_registry, write_registry

__all__ = [
    "AccessMode",
    "Catalog",
    "CatalogProblems",
    "Column",
    "Dataset",
    "Handling",
    "HandlingKind",
    "Problem",
    "RegistrationChange",
    "Registry",
    "Role",
    "check_catalog",
    "dataset_names",
    "datasets_for_scenario",
    "fingerprint",
    "load_catalog",
    "read_registry",
    "register",
    "registry_problems",
    "write_registry",
]
