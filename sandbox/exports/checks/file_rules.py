"""File rules beyond the type allowlist: what a human must look at because no automatic check can."""

from __future__ import annotations

from sandbox.exports.checks.base import CheckContext, finding
from sandbox.exports.model import CheckFinding

NAME = "file_rules"
OPAQUE_MODELS = frozenset({"model_onnx", "model_skops"})


def check(ctx: CheckContext) -> list[CheckFinding]:
    found = []
    for f in ctx.files:
        if f.kind in OPAQUE_MODELS:
            found.append(
                finding(
                    NAME, "file.model_opaque", f.name, "whole file", "review",
                    "Binary model file: its leaves and memorised rows cannot be counted automatically (rule: models).",
                    "二进制模型文件：无法自动统计叶节点与记忆的样本数（规则：模型）。",
                )
            )  # fmt: skip
        elif f.kind == "notebook":
            found.append(
                finding(
                    NAME, "file.notebook", f.name, "whole file", "review",
                    "Notebooks carry code and outputs together: a reviewer reads every output (rule: notebooks).",
                    "笔记本同时含代码与输出：须由审核员逐项查看输出（规则：笔记本）。",
                )
            )  # fmt: skip
    return found
