"""DP model training with allowlisted diffprivlib estimators (pure: arrays in, released parameters out).

LogisticRegression is not offered: diffprivlib 0.6.6 passes ``multi_class``, which scikit-learn 1.8
removed. No user code runs: the estimator is chosen by name from ``ESTIMATORS`` and only the hyper-parameters listed
there are accepted. Bounds come from the catalogue (the feature columns are already clamped to them in
SQL), class labels are given by the caller (public), so nothing about the data's range leaks. The fitted
parameters are the release; they are ε-DP by diffprivlib's guarantees, with one row per person.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sandbox.privacy.sensitivity import PrivacyParameterError, check_epsilon


@dataclass(frozen=True)
class EstimatorSpec:
    kind: str  # "classifier", "regressor" or "clusterer"
    params: Mapping[str, type | tuple[type, ...]]  # hyper-parameters a caller may set, with their types
    limits: Mapping[str, tuple[float, float]]


ESTIMATORS: Mapping[str, EstimatorSpec] = {
    "LinearRegression": EstimatorSpec("regressor", {}, {}),
    "GaussianNB": EstimatorSpec("classifier", {}, {}),
    "KMeans": EstimatorSpec("clusterer", {"n_clusters": int}, {"n_clusters": (1, 50)}),
    "RandomForestClassifier": EstimatorSpec(
        "classifier", {"n_estimators": int, "max_depth": int}, {"n_estimators": (1, 100), "max_depth": (1, 15)}
    ),
}


def _fail(en: str, zh: str) -> PrivacyParameterError:
    return PrivacyParameterError(en, zh)


def check_request(estimator: str, params: Mapping[str, Any], classes: Sequence[Any] | None) -> EstimatorSpec:
    spec = ESTIMATORS.get(estimator)
    if spec is None:
        names = ", ".join(ESTIMATORS)
        raise _fail(f"estimator must be one of {names}", f"模型必须是以下之一：{names}")
    for name, value in params.items():
        allowed = spec.params.get(name)
        if allowed is None or isinstance(value, bool) or not isinstance(value, allowed):
            raise _fail(f"parameter '{name}' is not accepted for {estimator}", f"{estimator} 不接受参数“{name}”")
        lo, hi = spec.limits[name]
        if not lo <= float(value) <= hi:  # type: ignore[arg-type]  # int or float, checked above
            raise _fail(f"parameter '{name}' must lie in [{lo:g}, {hi:g}]", f"参数“{name}”须在 [{lo:g}, {hi:g}] 之内")
    if spec.kind == "classifier" and (not classes or len(classes) < 2 or len(set(map(str, classes))) != len(classes)):
        raise _fail(
            "a classifier needs 'classes': the ≥ 2 distinct label values (public)",
            "分类模型需要“classes”：至少 2 个不同的标签取值（公开）",
        )
    return spec


def fit(
    estimator: str,
    features: np.ndarray,
    bounds: Sequence[tuple[float, float]],
    label: np.ndarray | None,
    label_bounds: tuple[float, float] | None,
    classes: Sequence[Any] | None,
    epsilon: float,
    params: Mapping[str, Any],
    random_state: int | None = None,
) -> dict[str, Any]:
    """Fit one estimator under ε-DP and return its parameters as JSON-ready lists."""
    import diffprivlib.models as dp  # imported late: it imports scikit-learn

    epsilon = check_epsilon(epsilon)
    spec = check_request(estimator, params, classes)
    lower = np.array([b[0] for b in bounds], dtype=float)
    upper = np.array([b[1] for b in bounds], dtype=float)
    # The SQL already clamped the features; a NULL becomes the lower bound (a public constant).
    x = np.clip(np.where(np.isnan(features.astype(float)), lower, features.astype(float)), lower, upper)
    kwargs: dict[str, Any] = dict(params)
    y: np.ndarray | None = None
    if spec.kind == "classifier":
        assert classes is not None and label is not None
        wanted = [str(c) for c in classes]
        keep = np.isin(label.astype(str), wanted)  # rows outside the declared classes are dropped
        x, y = x[keep], label.astype(str)[keep]
    elif spec.kind == "regressor":
        if label is None or label_bounds is None:
            raise _fail("a regressor needs a numeric label with catalogue bounds", "回归模型需要有目录边界的数值标签")
        y = np.clip(np.nan_to_num(label.astype(float), nan=label_bounds[0]), *label_bounds)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # diffprivlib warns about bounds we supply on purpose
        if estimator == "LinearRegression":
            assert label_bounds is not None
            model = dp.LinearRegression(
                epsilon=epsilon, bounds_X=(lower, upper), bounds_y=label_bounds, random_state=random_state
            )
        elif estimator == "GaussianNB":
            # diffprivlib 0.6.6 takes the classes from y: one public row per declared class at the bounds'
            # midpoint fixes them, so a class missing from the data cannot show in classes_.
            wanted = [str(c) for c in classes or ()]
            assert y is not None
            x = np.vstack([x, np.tile((lower + upper) / 2, (len(wanted), 1))])
            y = np.concatenate([y, np.array(wanted)])
            model = dp.GaussianNB(epsilon=epsilon, bounds=(lower, upper), random_state=random_state)
        elif estimator == "KMeans":
            model = dp.KMeans(epsilon=epsilon, bounds=(lower, upper), random_state=random_state, **kwargs)
        else:
            model = dp.RandomForestClassifier(
                epsilon=epsilon,
                bounds=(lower, upper),
                classes=[str(c) for c in classes or ()],
                random_state=random_state,
                **kwargs,
            )
        if y is None:
            model.fit(x)
        else:
            model.fit(x, y)
    return _parameters(estimator, model)


def _tolist(value: Any) -> Any:
    return np.asarray(value).tolist()


def _parameters(estimator: str, model: Any) -> dict[str, Any]:
    if estimator == "LinearRegression":
        return {"coef": _tolist(model.coef_), "intercept": _tolist(model.intercept_)}
    if estimator == "GaussianNB":
        return {
            "classes": _tolist(model.classes_),
            "theta": _tolist(model.theta_),
            "var": _tolist(model.var_),
            "class_prior": _tolist(model.class_prior_),
        }
    if estimator == "KMeans":
        return {"cluster_centers": _tolist(model.cluster_centers_)}
    trees = []
    for tree in model.estimators_:
        t = tree.tree_
        trees.append(
            {
                "feature": _tolist(t.feature),
                "threshold": _tolist(t.threshold),
                "children_left": _tolist(t.children_left),
                "children_right": _tolist(t.children_right),
                "value": _tolist(t.value),
            }
        )
    return {"classes": _tolist(model.classes_), "trees": trees}
