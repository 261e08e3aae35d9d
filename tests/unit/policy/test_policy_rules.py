"""The rule registry: one rule per module, one ordered tuple, parsed-stage rules first."""

from __future__ import annotations

import importlib
import pkgutil

import sandbox.policy.rules as rules_package
from sandbox.policy.rules import RULES, Rule

HELPERS = {"base"}


def test_every_rule_module_defines_one_rule_and_it_is_registered() -> None:
    modules = [m.name for m in pkgutil.iter_modules(rules_package.__path__) if m.name not in HELPERS]
    registered = {rule.check for rule in RULES}
    for name in modules:
        module = importlib.import_module(f"sandbox.policy.rules.{name}")
        defined = [value for value in vars(module).values() if isinstance(value, Rule)]
        assert len(defined) == 1, name
        assert defined[0].check in registered, name
    assert len(RULES) == len(modules)


def test_rule_names_are_unique_and_parsed_rules_run_first() -> None:
    assert len({rule.name for rule in RULES}) == len(RULES)
    stages = [rule.stage for rule in RULES]
    assert stages == sorted(stages, key=["parsed", "qualified"].index)


def test_statement_rule_runs_before_anything_reads_tables() -> None:
    names = [rule.name for rule in RULES]
    assert names.index("statement") < names.index("node_allowlist") < names.index("table_not_granted")
    assert names.index("table_not_granted") < names.index("access_mode") < names.index("function_allowlist")
