"""Models that memorise individuals: tree leaves fitted on fewer than k rows, and k-NN-style models.

JSON exports are walked for tree nodes (sklearn ``tree_`` arrays, or nested nodes with a sample count and
no children, as LightGBM/XGBoost/hand-written dumps look) and for nearest-neighbour models, which keep
their training rows: those are refused when they predict from fewer than k neighbours or embed the rows.
"""

from __future__ import annotations

from typing import Any

from sandbox.exports.checks import jsondoc
from sandbox.exports.checks.base import CheckContext, finding
from sandbox.exports.model import CheckFinding

NAME = "models"
_SAMPLES = ("samples", "n_samples", "n_node_samples", "leaf_count", "count")
_CHILDREN = ("children", "left", "right", "left_child", "right_child", "children_left")
_TRAINING_ROWS = ("_fit_X", "fit_X", "X_train", "training_data", "train_X", "support_vectors_", "_tree_data")
_NEIGHBOURS = ("n_neighbors", "k_neighbors", "n_neighbours")


def _sklearn_leaves(obj: dict[str, Any]) -> list[int] | None:
    """Leaf sample counts of an sklearn ``tree_`` dump (``children_left`` is -1 at leaves)."""
    left, samples = obj.get("children_left"), obj.get("n_node_samples")
    if isinstance(left, list) and isinstance(samples, list) and len(left) == len(samples):
        return [int(n) for c, n in zip(left, samples, strict=True) if c == -1 and isinstance(n, int | float)]
    return None


def _nested_leaf(obj: dict[str, Any]) -> int | None:
    if any(key in obj for key in _CHILDREN):
        return None
    value = next((obj[k] for k in _SAMPLES if isinstance(obj.get(k), int | float)), None)
    return None if value is None else int(value)


def check(ctx: CheckContext) -> list[CheckFinding]:
    found: list[CheckFinding] = []
    for f in ctx.files:
        if f.kind != "model_json":
            continue
        doc, small = jsondoc.load(f), []
        for where, obj in jsondoc.walk(doc):
            leaves = _sklearn_leaves(obj)
            counts = leaves if leaves is not None else ([] if (n := _nested_leaf(obj)) is None else [n])
            small += [where for n in counts if n < ctx.k]
            found += _knn(ctx, f.name, where, obj)
        if small:
            found.append(
                finding(
                    NAME, "model.small_leaf", f.name, f"{len(small)} leaf/leaves, first at {small[0]}", "block",
                    f"{len(small)} tree leaf/leaves were fitted on fewer than {ctx.k} rows and can reveal them "
                    "(rule: model leaves).",
                    f"{len(small)} 个树叶节点的训练样本少于 {ctx.k} 条，可能泄露这些样本（规则：模型叶节点）。",
                )
            )  # fmt: skip
    return found


def _knn(ctx: CheckContext, file: str, where: str, obj: dict[str, Any]) -> list[CheckFinding]:
    out = []
    rows = next((k for k in _TRAINING_ROWS if k in obj), None)
    if rows is not None:
        out.append(
            finding(
                NAME, "model.training_rows", file, f"{where}.{rows}", "block",
                "The model embeds its training rows (as nearest-neighbour and kernel models do) "
                "(rule: model memorisation).",
                "模型内嵌了训练样本（如近邻与核方法模型）（规则：模型记忆）。",
            )
        )  # fmt: skip
    neighbours = next((obj[k] for k in _NEIGHBOURS if isinstance(obj.get(k), int)), None)
    if neighbours is not None and neighbours < ctx.k:
        out.append(
            finding(
                NAME, "model.knn_small_k", file, where, "block",
                f"A nearest-neighbour model predicting from {neighbours} neighbours, fewer than {ctx.k}, "
                "memorises individuals (rule: model memorisation).",
                f"近邻模型仅依据 {neighbours} 个近邻预测，少于 {ctx.k}，会记忆个体（规则：模型记忆）。",
            )
        )  # fmt: skip
    return out
