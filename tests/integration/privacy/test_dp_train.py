"""POST /v1/train over real HTTP: allowlisted diffprivlib models on dp tables, charged, audited, replayed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import audit
from sandbox.client import Client, connect
from sandbox.client.errors import PolicyError
from tests.integration.gateway_support import Gateway, running_gateway

ACCOUNTS = "SELECT deposit_base, balance, status FROM housing_fund.hpf_account"


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory, tiny_warehouse: Path) -> Iterator[Gateway]:
    with running_gateway(tmp_path_factory.mktemp("gw-train"), tiny_warehouse) as running:
        yield running


@pytest.fixture(scope="module")
def db(gateway: Gateway) -> Iterator[Client]:
    with connect(gateway.url, gateway.tokens["housing_fund"]) as client:
        yield client


def test_each_allowlisted_estimator_returns_parameters_and_is_charged(gateway: Gateway, db: Client) -> None:
    linear = db.train(ACCOUNTS, "LinearRegression", ["deposit_base"], label="balance", epsilon=0.3)
    assert len(linear["params"]["coef"]) == 1 and isinstance(linear["params"]["intercept"], float)
    nb = db.train(ACCOUNTS, "GaussianNB", ["deposit_base", "balance"], label="status", classes=["正常", "封存", "销户"])
    assert sorted(nb["params"]["classes"]) == sorted(["正常", "封存", "销户"]) and len(nb["params"]["theta"]) == 3
    km = db.train(ACCOUNTS, "KMeans", ["deposit_base", "balance"], params={"n_clusters": 4}, epsilon=0.2)
    assert len(km["params"]["cluster_centers"]) == 4
    rf = db.train(
        ACCOUNTS, "RandomForestClassifier", ["deposit_base", "balance"], label="status",
        classes=["正常", "封存", "销户"], params={"n_estimators": 3, "max_depth": 3}, epsilon=0.2,
    )  # fmt: skip
    assert len(rf["params"]["trees"]) == 3
    assert [m["epsilon_spent"] for m in (linear, nb, km, rf)] == [0.3, 0.5, 0.2, 0.2]
    spent = {d["dataset"]: d["epsilon_spent"] for d in db.budget()["datasets"]}
    assert spent["housing_fund.hpf_account"] == pytest.approx(1.2)
    with audit.open_log(gateway.settings.audit_url) as log:
        trained = [e.event for e in log.iter_events() if e.event.type == "model.train"]
        charged = {e.event.detail["charge_id"] for e in log.iter_events() if e.event.type == "budget.charge"}
    assert {e.detail["estimator"] for e in trained if e.outcome == "allowed"} >= {"LinearRegression", "KMeans"}
    assert {m["charge_id"] for m in (linear, nb, km, rf)} <= charged


def test_the_same_training_request_replays_the_same_model_free(db: Client) -> None:
    first = db.train(ACCOUNTS, "KMeans", ["balance"], params={"n_clusters": 2}, epsilon=0.1)
    again = db.train(ACCOUNTS, "KMeans", ["balance"], params={"n_clusters": 2}, epsilon=0.1)
    assert again["params"] == first["params"] and (again["cached"], again["epsilon_spent"]) == (True, 0.0)


@pytest.mark.parametrize(
    ("query", "estimator", "features", "extra", "code"),
    [
        (ACCOUNTS, "SVC", ["balance"], {}, "request.invalid_training"),
        (ACCOUNTS, "KMeans", ["balance"], {"params": {"n_clusters": 500}}, "request.invalid_training"),
        (ACCOUNTS, "KMeans", ["balance"], {"params": {"init": 1}}, "request.invalid_training"),
        (ACCOUNTS, "KMeans", ["status"], {}, "request.invalid_training"),
        (ACCOUNTS, "GaussianNB", ["balance"], {"label": "status"}, "request.invalid_training"),
        ("SELECT person_id_no, balance FROM housing_fund.hpf_account", "KMeans", ["balance"], {}, "policy.dp_query"),
        ("SELECT avg(balance) AS b FROM housing_fund.hpf_account", "KMeans", ["b"], {}, "policy.dp_query"),
        ("SELECT headcount FROM housing_fund.hpf_employer", "KMeans", ["headcount"], {}, "request.invalid_training"),
    ],
)
def test_what_training_refuses(
    db: Client, query: str, estimator: str, features: list[str], extra: dict[str, object], code: str
) -> None:
    with pytest.raises(PolicyError) as caught:
        db.train(query, estimator, features, epsilon=0.1, **extra)  # type: ignore[arg-type]
    assert caught.value.code == code
