"""Regressions: residual degrees of freedom ≥ 10 and parameters ≤ 0.33·N (ACRO's and DataSHIELD's rules).

Recognised outputs: a JSON object with the number of observations (``nobs``/``n_obs``/``n_samples``) and its
parameters (``params``/``coef``/``coefficients`` as a list or mapping), and tables with a ``df_resid`` column.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from sandbox.exports.checks import jsondoc
from sandbox.exports.checks.base import CheckContext, finding, rows_text
from sandbox.exports.model import CheckFinding

NAME = "regression"
_NOBS = ("nobs", "n_obs", "n_samples", "n_observations")
_PARAMS = ("params", "coef", "coef_", "coefficients")


def _param_count(value: Any) -> int | None:
    if isinstance(value, dict):
        return len(value)
    if isinstance(value, list):
        if value and all(isinstance(v, list) for v in value):
            return sum(len(v) for v in value)
        return len(value)
    return None


def _dof_finding(ctx: CheckContext, file: str, where: str, nobs: float, params: int) -> list[CheckFinding]:
    found, limits = [], ctx.limits
    dof = nobs - params
    if dof < limits.min_residual_dof:
        found.append(
            finding(
                NAME, "model.residual_dof", file, where, "block",
                f"Residual degrees of freedom are {dof:g}, below {limits.min_residual_dof} "
                "(rule: regression residual d.o.f.).",
                f"残差自由度为 {dof:g}，低于 {limits.min_residual_dof}（规则：回归残差自由度）。",
            )
        )  # fmt: skip
    elif params > limits.max_params_share * nobs:
        found.append(
            finding(
                NAME, "model.too_many_parameters", file, where, "review",
                f"{params} parameters for {nobs:g} observations exceeds {limits.max_params_share:.0%} of N "
                "(rule: parameters per observation).",
                f"{params} 个参数对 {nobs:g} 个观测，超过 N 的 {limits.max_params_share:.0%}（规则：参数与观测比）。",
            )
        )  # fmt: skip
    return found


def check(ctx: CheckContext) -> list[CheckFinding]:
    found: list[CheckFinding] = []
    for f in ctx.files:
        for where, obj in jsondoc.walk(jsondoc.load(f)):
            nobs = next((obj[k] for k in _NOBS if isinstance(obj.get(k), int | float)), None)
            params = next((_param_count(obj[k]) for k in _PARAMS if k in obj), None)
            if nobs is not None and params is not None:
                found += _dof_finding(ctx, f.name, where, float(nobs), params)
        if f.table is not None and "df_resid" in map(str, f.table.columns):
            dof = pd.to_numeric(f.table["df_resid"], errors="coerce")
            low = [i for i, v in enumerate(dof) if v == v and v < ctx.limits.min_residual_dof]
            if low:
                found.append(
                    finding(
                        NAME, "model.residual_dof", f.name, f"column df_resid, rows {rows_text(low)}", "block",
                        f"Residual degrees of freedom below {ctx.limits.min_residual_dof} in {len(low)} row(s) "
                        "(rule: regression residual d.o.f.).",
                        f"{len(low)} 行的残差自由度低于 {ctx.limits.min_residual_dof}（规则：回归残差自由度）。",
                    )
                )  # fmt: skip
    return found
