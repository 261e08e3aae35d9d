"""Credits over a real gateway: real queries metered from the audit log, releases priced, role checks over
HTTP, signed certificates and statements (verified and tampered), and enterprise self-reports."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from gateway_support import Gateway, running_gateway

import audit
from sandbox.credits import certificates, statements
from sandbox.credits.bootstrap import open_credit_api
from sandbox.credits.errors import CreditError
from sandbox.credits.periods import month
from sandbox.grants.bootstrap import grant_service
from sandbox.grants.keys import load_public_key
from sandbox.services.catalog import dataset_scenarios
from sandbox.settings import Settings

PERIOD = datetime.now(UTC).strftime("%Y-%m")
SPOTS = "SELECT spot_id, name, capacity FROM tourism.tour_scenic_spot"
WEATHER = "SELECT county_code, ts_hour, temp_c FROM tourism.weather_hourly LIMIT 40"


def staff(settings: Settings, role: str, department: str | None = None) -> str:
    with grant_service(settings) as service:
        return service.issue_staff_token(user=f"{role}-x", role=role, department=department, days=1).token


def grant(settings: Settings, enterprise: str, user: str) -> str:
    with grant_service(settings) as service:
        issued = service.issue_grant(
            user=user, enterprise=enterprise, scenario="tourism", known_datasets=dataset_scenarios(settings.policies)
        )
    return issued.token


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory, tiny_warehouse: Path) -> Iterator[Gateway]:
    with running_gateway(tmp_path_factory.mktemp("gw-credits"), tiny_warehouse) as running:
        s = running.settings
        running.tokens |= {
            "admin": staff(s, "admin"),
            "auditor": staff(s, "auditor"),
            "reviewer": staff(s, "reviewer"),
            "D01": staff(s, "department", "D01"),
            "D03": staff(s, "department", "D03"),
            "self": grant(s, "D01", "dept-dev"),  # the supplying department querying its own data
            "other": grant(s, "ent-other", "dev-other"),
        }
        yield running


def ask(gateway: Gateway, sql: str, who: str = "tourism") -> dict[str, Any]:
    response = httpx.post(f"{gateway.url}/v1/query", json={"sql": sql}, headers=gateway.headers(who), timeout=60)
    assert response.status_code == 200, response.text
    return dict(response.json())


def get(gateway: Gateway, path: str, who: str | None, **params: Any) -> httpx.Response:
    headers = gateway.headers(who) if who else {}
    return httpx.get(f"{gateway.url}{path}", params=params, headers=headers, timeout=60)


def release(
    gateway: Gateway, export_id: str, result_ids: list[str], enterprise: str, *, decision: str = "approve", **extra: Any
) -> None:
    """The events the airlock (sandbox/exports/service.py) writes for a reviewed export, in its detail shape."""
    with audit.open_log(gateway.settings.audit_url) as log:
        files = [{"name": "out.csv", "sha256": f"{export_id}-sha"}]
        review = {"role": "reviewer", "action": decision, "decision": decision, "turn": 1, "file_hashes": files}
        log.append(
            audit.AuditEvent(
                "export.review", "reviewer-1", "allowed", target=export_id, enterprise=enterprise, detail=review
            )
        )
        if decision == "approve":
            detail = {"role": "system", "source_result_ids": result_ids, "datasets": [], "files": files, **extra}
            log.append(
                audit.AuditEvent(
                    "export.release", "system", "allowed", target=export_id, enterprise=enterprise, detail=detail
                )
            )


def job(view: dict[str, Any], export_id: str) -> dict[str, Any]:
    [found] = [j for j in view["jobs"] if j["export_id"] == export_id]
    return found


def test_real_queries_are_metered_per_department_with_rows_and_enterprise(gateway: Gateway) -> None:
    spots, weather = ask(gateway, SPOTS), ask(gateway, WEATHER)

    d01 = get(gateway, "/v1/credits", "D01", period=PERIOD)
    d03 = get(gateway, "/v1/credits", "D03", period=PERIOD)

    assert d01.status_code == 200, d01.text
    usage = {u["dataset"]: u for u in d01.json()["usage"]}
    assert usage["tourism.tour_scenic_spot"]["enterprise"] == "ent-test"
    assert usage["tourism.tour_scenic_spot"]["scenario"] == "tourism"
    assert usage["tourism.tour_scenic_spot"]["rows"] >= len(spots["rows"]) > 0
    assert "tourism.weather_hourly" not in usage  # D03's data is not D01's business
    weather_usage = {u["dataset"]: u for u in d03.json()["usage"]}["tourism.weather_hourly"]
    assert weather_usage["rows"] >= len(weather["rows"]) > 0


def test_privacy_budget_spent_on_a_department_s_data_is_metered_from_the_charges(gateway: Gateway) -> None:
    sql = "SELECT type, COUNT(*) AS n FROM housing_fund.hpf_withdrawal GROUP BY type"
    answer = ask(gateway, sql, who="housing_fund")
    spent = answer["privacy"]["epsilon_spent"]

    view = get(gateway, "/v1/credits", "admin", department="D12", period=PERIOD).json()

    [usage] = [u for u in view["usage"] if u["dataset"] == "housing_fund.hpf_withdrawal"]
    assert spent > 0 and usage["epsilon"] == pytest.approx(spent)
    assert usage["queries"] == 1 and usage["scenario"] == "housing_fund"
    assert view["totals"]["epsilon"] == pytest.approx(spent)


def test_a_released_job_credits_each_supplying_department_and_totals_add_up(gateway: Gateway) -> None:
    spots, weather = ask(gateway, SPOTS), ask(gateway, WEATHER)
    release(gateway, "exp-multi", [spots["result_id"], weather["result_id"]], "ent-test")

    d01 = job(get(gateway, "/v1/credits", "D01", period=PERIOD).json(), "exp-multi")
    d03 = job(get(gateway, "/v1/credits", "D03", period=PERIOD).json(), "exp-multi")
    totals = get(gateway, "/v1/credits", "admin", period=PERIOD).json()

    [spot_line] = d01["sources"]
    [weather_line] = d03["sources"]
    assert spot_line["dataset"] == "tourism.tour_scenic_spot" and spot_line["rows"] == len(spots["rows"])
    assert spot_line["columns"] == ["capacity", "name", "spot_id"]
    assert spot_line["credit_micro"] + weather_line["credit_micro"] == d01["pool_micro"] == 1_000_000
    assert spot_line["credit_micro"] > 0 and weather_line["credit_micro"] > 0
    # D01 recomputes its own credit from its job line alone (it never sees D03's line).
    lam, n = d01["params"]["lambda"], d01["source_count"]
    share = lam / n + (1 - lam) * spot_line["weight"] / d01["total_weight"]
    expected = d01["credited_pool_micro"] * share * spot_line["quality"] / d01["quality_norm"]
    assert abs(expected - spot_line["credit_micro"]) <= 1
    by_dept = {d["code"]: d["credits_micro"] for d in totals["departments"]}
    assert by_dept["D01"] >= spot_line["credit_micro"] and by_dept["D03"] >= weather_line["credit_micro"]


def test_rejected_self_use_and_foreign_result_ids_earn_nothing(gateway: Gateway) -> None:
    spots = ask(gateway, SPOTS)
    release(gateway, "exp-rejected", [spots["result_id"]], "ent-test", decision="reject")
    own = ask(gateway, SPOTS, who="self")
    release(gateway, "exp-self", [own["result_id"]], "D01")
    release(gateway, "exp-foreign", [spots["result_id"]], "ent-other")  # another enterprise's result id

    view = get(gateway, "/v1/credits", "D01", period=PERIOD).json()

    assert "exp-rejected" not in {j["export_id"] for j in view["jobs"]}  # no release ever happened
    [line] = job(view, "exp-self")["sources"]
    assert line["self_use"] and line["credit_micro"] == 0
    assert all(j["export_id"] != "exp-foreign" for j in view["jobs"])  # no lineage: no source, no credit


def test_a_near_duplicate_release_earns_a_tenth(gateway: Gateway) -> None:
    sql = "SELECT name FROM tourism.tour_scenic_spot"
    first, again = ask(gateway, sql), ask(gateway, sql)
    release(gateway, "exp-first", [first["result_id"]], "ent-test")
    release(gateway, "exp-again", [again["result_id"]], "ent-test")

    view = get(gateway, "/v1/credits", "D01", period=PERIOD).json()

    assert job(view, "exp-first")["status"] == "credited"
    repeat = job(view, "exp-again")
    assert repeat["status"] == "repeat" and repeat["credited_pool_micro"] == 100_000


@pytest.mark.parametrize(
    ("who", "params", "status", "code"),
    [
        (None, {}, 401, "token.missing"),
        ("D03", {"department": "D01"}, 403, "credits.forbidden"),
        ("reviewer", {}, 403, "credits.forbidden"),
        ("D01", {"period": "2026-13"}, 400, "credits.bad_period"),
        ("admin", {"department": "D99"}, 400, "credits.unknown_department"),
        ("other", {"department": "D01"}, 403, "credits.forbidden"),
    ],
)
def test_who_may_see_which_credits(
    gateway: Gateway, who: str | None, params: dict[str, str], status: int, code: str
) -> None:
    response = get(gateway, "/v1/credits", who, **params)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


def test_an_enterprise_sees_only_its_own_activity(gateway: Gateway) -> None:
    ask(gateway, SPOTS, who="other")
    view = get(gateway, "/v1/credits", "other", period=PERIOD).json()
    assert view["enterprise"] == "ent-other" and view["queries"] >= 1
    assert "usage" not in view and all(
        set(j) <= {"seq", "ts", "export_id", "scenario", "kind", "status", "value", "pool"} for j in view["jobs"]
    )


def test_every_credit_read_is_audited_allowed_or_refused(gateway: Gateway) -> None:
    allowed = get(gateway, "/v1/credits", "D01", period=PERIOD)
    refused = get(gateway, "/v1/credits", "D03", department="D01")
    with audit.open_log(gateway.settings.audit_url) as log:
        events = {e.event.correlation_id: e.event for e in log.iter_events(audit.EventFilter(type="credits.read"))}
    assert events[allowed.headers["x-request-id"]].outcome == "allowed"
    assert events[refused.headers["x-request-id"]].outcome == "refused"


def test_a_certificate_verifies_and_a_tampered_one_fails(gateway: Gateway) -> None:
    ask(gateway, SPOTS)
    response = get(gateway, "/v1/certificates/D01/tourism.tour_scenic_spot", "D01", period=PERIOD)
    assert response.status_code == 200, response.text
    jws = response.json()["jws"]
    key = load_public_key(gateway.settings.public_key_path)

    payload = certificates.verify(jws, key)

    assert payload["dataset"]["registration_code"] == "QDN-TOUR-0001"
    assert payload["dataset"]["registration_version"] >= 1
    assert payload["schema_fingerprint"].startswith("sha256:") and payload["usage"]["queries"] >= 1
    assert payload["classification"]["level"] == 1
    head, body, sig = jws.split(".")
    forged = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    forged["credits"]["micro"] = 10**12
    forged_body = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    with pytest.raises(CreditError, match="signature"):
        certificates.verify(f"{head}.{forged_body}.{sig}", key)


def test_certificates_as_html_and_for_the_whole_department_with_role_checks(gateway: Gateway) -> None:
    page = get(gateway, "/v1/certificates/D01/tourism.tour_scenic_spot", "admin", format="html")
    every = get(gateway, "/v1/certificates/D01", "D01")
    foreign = get(gateway, "/v1/certificates/D01", "D03")
    wrong = get(gateway, "/v1/certificates/D01/tourism.weather_hourly", "admin")

    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "数据要素凭证" in page.text and "Data-Element Certificate" in page.text
    assert {c["payload"]["dataset"]["name"] for c in every.json()["certificates"]} >= {"tourism.tour_scenic_spot"}
    assert foreign.status_code == 403
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "credits.unknown_dataset"


def test_statements_freeze_only_after_the_month_and_then_stay_signed_and_chained(gateway: Gateway) -> None:
    early = httpx.post(f"{gateway.url}/v1/credits/statements/D01/{PERIOD}", headers=gateway.headers("admin"))
    assert early.status_code == 409 and early.json()["error"]["code"] == "credits.period_open"

    later = month(PERIOD).until.replace(day=3)
    with open_credit_api(gateway.settings) as api:
        document, created = statements.freeze(api.service, api.signing_key, "D01", month(PERIOD), later)
        again, created_again = statements.freeze(api.service, api.signing_key, "D01", month(PERIOD), later)
        previous = month("2020-01")
        chained, _ = statements.freeze(api.service, api.signing_key, "D01", previous, later)
    assert created and not created_again and again == document

    fetched = get(gateway, f"/v1/credits/statements/D01/{PERIOD}", "D01").json()
    key = load_public_key(gateway.settings.public_key_path)
    bodies = statements.verify_chain([fetched, chained], key)
    assert bodies[0]["totals"]["credits_micro"] == sum(
        s["credit_micro"] for j in bodies[0]["jobs"] for s in j["sources"]
    )
    assert chained["body"]["prev_hash"] == fetched["hash"]

    tampered = json.loads(json.dumps(fetched))
    tampered["body"]["totals"]["credits_micro"] += 1
    with pytest.raises(CreditError, match="signature"):
        statements.verify_chain([tampered], key)
    with pytest.raises(CreditError, match="chain"):
        statements.verify_chain([chained], key)  # the first link is missing
    assert get(gateway, f"/v1/credits/statements/D03/{PERIOD}", "D01").status_code == 403


def test_self_reports_are_prefilled_submitted_once_and_overdue_listed(gateway: Gateway) -> None:
    ask(gateway, SPOTS, who="other")
    draft = get(gateway, "/v1/reports/security", "other").json()
    assert draft["status"] == "draft" and draft["report"]["queries"] >= 1
    assert draft["report"]["projects"][0]["scenario"] == "tourism" and draft["report"]["incidents"] == ""
    half = draft["report"]["half"]

    def submit(**answers: str) -> httpx.Response:
        body = {"half": half, "incidents": "无", "personnel_changes": "无", "measures": "双人复核", **answers}
        return httpx.post(f"{gateway.url}/v1/reports/security", json=body, headers=gateway.headers("other"))

    empty = submit(incidents="  ")
    done = submit()
    twice = submit()
    by_staff = httpx.post(
        f"{gateway.url}/v1/reports/security",
        json={"half": half, "incidents": "x", "personnel_changes": "x", "measures": "x"},
        headers=gateway.headers("D01"),
    )

    assert empty.status_code == 400 and empty.json()["error"]["code"] == "reports.incomplete"
    assert done.status_code == 200 and done.json()["report"]["measures"] == "双人复核"
    assert twice.status_code == 409
    assert by_staff.status_code == 403
    assert get(gateway, "/v1/reports/security", "other").json()["status"] == "submitted"
    assert get(gateway, "/v1/reports/security", "other", enterprise="ent-test").status_code == 403
    assert get(gateway, "/v1/reports/security/overdue", "D01").status_code == 403

    with open_credit_api(gateway.settings) as api:
        late = replace(api, clock=lambda: datetime(2100, 1, 1, tzinfo=UTC))
        overdue = late.overdue(gateway.tokens["admin"], cid="test")["overdue"]
    listed = {(o["enterprise"], o["half"]) for o in overdue}
    assert ("ent-test", half) in listed and ("ent-other", half) not in listed


def test_metering_is_idempotent(gateway: Gateway) -> None:
    with open_credit_api(gateway.settings) as api:
        api.service.meter()
        last = api.service.store.last_seq()
        assert api.service.meter() == 0
        with audit.open_log(gateway.settings.audit_url) as log:
            seqs = [e.seq for e in log.iter_events(audit.EventFilter(type="query"))]
        assert max(seqs) <= last


def test_a_release_through_the_real_airlock_credits_both_source_departments(gateway: Gateway) -> None:
    sql = (
        "SELECT e.county_code, count(*) AS checkins FROM tourism.lodging_checkin c "
        "JOIN tourism.lodging_establishment e ON c.hotel_id = e.hotel_id GROUP BY e.county_code ORDER BY 1"
    )
    answer = ask(gateway, sql)
    names = [c["name"] for c in answer["columns"]]
    text = "\n".join([",".join(names)] + [",".join(str(v) for v in row) for row in answer["rows"]]) + "\n"
    s = gateway.settings
    with grant_service(s) as service:
        reviewers = [service.issue_staff_token(user=f"rev-{n}", role="reviewer", days=1).token for n in "ab"]
    created = httpx.post(
        f"{gateway.url}/v1/exports",
        files=[("files", ("by_county.csv", text.encode(), "text/csv"))],
        data={"source": [answer["result_id"]], "purpose": "县域住宿量分析", "context": "每县入住人次（聚合）"},
        headers=gateway.headers("tourism"),
        timeout=60,
    )
    assert created.status_code in (200, 201), created.text
    rid = created.json()["id"]
    for token in reviewers:
        decided = httpx.post(
            f"{gateway.url}/v1/exports/{rid}/reviews",
            json={"decision": "approve", "comment": "同意", "turn": 1},
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        assert decided.status_code == 200, decided.text
    assert decided.json()["state"] == "RELEASED"

    d04 = job(get(gateway, "/v1/credits", "admin", department="D04", period=PERIOD).json(), rid)
    d01 = job(get(gateway, "/v1/credits", "D01", period=PERIOD).json(), rid)

    [checkin] = d04["sources"]
    [hotel] = d01["sources"]
    assert checkin["dataset"] == "tourism.lodging_checkin" and hotel["dataset"] == "tourism.lodging_establishment"
    assert checkin["rows"] == hotel["rows"] == len(answer["rows"])
    assert checkin["credit_micro"] + hotel["credit_micro"] == d04["pool_micro"] == 1_000_000
    assert d04["fingerprint_result"] and d04["source_result_ids"] == [answer["result_id"]]


def test_an_absurd_parameter_is_refused_and_still_audited(gateway: Gateway) -> None:
    response = get(gateway, "/v1/credits", "admin", department="D" * 8000)
    assert response.status_code == 400 and response.json()["error"]["code"] == "credits.unknown_department"
    assert "DDDD" not in response.text  # the message names the rule, never the value
    with audit.open_log(gateway.settings.audit_url) as log:
        [event] = [e.event for e in log.iter_events(audit.EventFilter(type="credits.read"))
                   if e.event.correlation_id == response.headers["x-request-id"]]  # fmt: skip
    assert event.outcome == "refused" and len(event.detail["department"]) == 128


def test_concurrent_freezes_of_two_months_chain_one_after_the_other(gateway: Gateway) -> None:
    import threading

    later = datetime(2030, 1, 1, tzinfo=UTC)
    made: list[dict[str, Any]] = []
    with open_credit_api(gateway.settings) as api:

        def freeze(period: str) -> None:
            made.append(statements.freeze(api.service, api.signing_key, "D20", month(period), later)[0])

        threads = [threading.Thread(target=freeze, args=(p,)) for p in ("2019-01", "2019-02")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        chain = [json.loads(s.document) for s in api.service.store.statements("D20")]
    assert len(made) == 2 and [d["body"]["number"] for d in chain] == [1, 2]
    statements.verify_chain(chain, load_public_key(gateway.settings.public_key_path))
