"""Credit parameters from policies/credits.yaml, schema-checked, as one immutable value."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sandbox.catalog.problems import CatalogProblems, Problem
from sandbox.catalog.schema_check import schema_problems
from sandbox.catalog.yamltext import parse_yaml

CREDITS_FILE = "credits.yaml"
SCHEMA_FILE = "schema/credits.schema.json"


@dataclass(frozen=True)
class CreditParams:
    """§4.3 parameters; the defaults are the requirement's, so a test can build the worked example."""

    credit_unit_cny: float = 1.0
    public_base_value: float = 1.0
    scenario_multipliers: Mapping[str, float] = field(default_factory=dict)
    operator_share: float = 0.3
    developer_share: float = 0.2
    lam: float = 0.5
    level_weights: Mapping[int, float] = field(
        default_factory=lambda: MappingProxyType({1: 1.0, 2: 1.5, 3: 2.0, 4: 3.0})
    )
    quality_default: float = 1.0
    quality: Mapping[str, float] = field(default_factory=dict)
    repeat_window_hours: float = 24.0
    repeat_factor: float = 0.1
    developer_cap: float = 0.0  # credits per grant per month; 0 = no cap
    affiliations: Mapping[str, str] = field(default_factory=dict)
    issuer: str = "黔东南州大数据管理局 · Qiandongnan Big Data Administration"
    verify_url: str = ""
    report_due_days: int = 30

    def quality_of(self, dataset: str) -> float:
        return self.quality.get(dataset, self.quality_default)

    def multiplier(self, scenario: str | None) -> float:
        return self.scenario_multipliers.get(scenario or "", 1.0)

    def as_detail(self) -> dict[str, Any]:
        """The parameters a job line was computed with (stored with the line)."""
        return {
            "lambda": self.lam,
            "level_weights": {str(k): v for k, v in sorted(self.level_weights.items())},
            "operator_share": self.operator_share,
            "developer_share": self.developer_share,
            "repeat_factor": self.repeat_factor,
            "repeat_window_hours": self.repeat_window_hours,
            "developer_cap_per_month": self.developer_cap,
            "credit_unit_cny": self.credit_unit_cny,
        }


def load_params(policies_dir: Path) -> CreditParams:
    """Read and validate credits.yaml; raises ``CatalogProblems`` (file:line) when it is wrong."""
    path = policies_dir / CREDITS_FILE
    if not path.is_file():
        raise CatalogProblems(
            [
                Problem(
                    str(path), None, "the credit parameters file is missing", "缺少贡献积分参数文件", "credits.missing"
                )
            ]
        )
    parsed = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    problems = list(parsed.problems)
    if parsed.ok:
        schema = json.loads((policies_dir / SCHEMA_FILE).read_text(encoding="utf-8"))
        problems.extend(schema_problems(parsed.data, schema, parsed.lines, str(path)))
    if problems or not isinstance(parsed.data, Mapping):
        raise CatalogProblems(problems)
    return params_from(parsed.data)


def params_from(data: Mapping[str, Any]) -> CreditParams:
    public, commercial = data["public_interest"], data["commercial"]
    return CreditParams(
        credit_unit_cny=float(data["credit_unit_cny"]),
        public_base_value=float(public["base_value"]),
        scenario_multipliers=MappingProxyType({k: float(v) for k, v in public["scenario_multipliers"].items()}),
        operator_share=float(commercial["operator_share"]),
        developer_share=float(commercial["developer_share"]),
        lam=float(data["lambda"]),
        level_weights=MappingProxyType({int(k): float(v) for k, v in data["level_weights"].items()}),
        quality_default=float(data["quality"]["default"]),
        quality=MappingProxyType({k: float(v) for k, v in data["quality"]["datasets"].items()}),
        repeat_window_hours=float(data["anti_gaming"]["repeat_window_hours"]),
        repeat_factor=float(data["anti_gaming"]["repeat_factor"]),
        developer_cap=float(data["anti_gaming"]["developer_cap_per_month"]),
        affiliations=MappingProxyType(dict(data["self_use"]["affiliations"])),
        issuer=str(data["statements"]["issuer"]),
        verify_url=str(data["statements"]["verify_url"]),
        report_due_days=int(data["reports"]["due_days"]),
    )
