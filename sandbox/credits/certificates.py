"""数据要素凭证 (data-element certificates): one signed document per department × dataset × period.

The payload (requirements §1.5 [D]) holds the registration code and version, the schema fingerprint,
the classification summary, the period's usage and credits, and the issuer; it is signed as a compact
JWS (EdDSA) and rendered as a printable bilingual HTML page. It is a platform certificate, not one of
the legally issued registration certificates, and says so.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sandbox.credits.errors import signature_invalid, unknown
from sandbox.credits.periods import Period
from sandbox.credits.signing import canonical, sign_jws, verify_jws

if TYPE_CHECKING:  # verifying a certificate offline needs neither the catalogue nor the service
    from sandbox.catalog import Dataset
    from sandbox.credits.service import CreditService

CERTIFICATE_TYPE = "qdn.data_element_certificate"
NOTICE = "本凭证为平台出具的数据要素使用与贡献凭证，不替代法定数据资源登记证书。"
NOTICE_EN = "Platform certificate of use and contribution; not a statutory data-resource registration certificate."
TEMPLATES = Path(__file__).parent / "templates"


def schema_fingerprint(dataset: Dataset) -> str:
    """SHA-256 over the ordered column names and types: changes exactly when the table's shape does."""
    shape = [[c.name, c.type] for c in dataset.columns]
    return "sha256:" + hashlib.sha256(canonical({"dataset": dataset.name, "columns": shape})).hexdigest()


def classification(dataset: Dataset) -> dict[str, Any]:
    levels = Counter(str(c.level) for c in dataset.columns)
    roles = Counter(c.role.value for c in dataset.columns)
    return {
        "national_level": dataset.national_level.value,
        "level": dataset.level,
        "access_mode": dataset.access_mode.value,
        "columns": len(dataset.columns),
        "columns_by_level": dict(sorted(levels.items())),
        "columns_by_role": dict(sorted(roles.items())),
        "contains_pi": dataset.contains_pi,
        "contains_sensitive_pi": dataset.contains_sensitive_pi,
    }


def build_payload(service: CreditService, department: str, name: str, period: Period, now: datetime) -> dict[str, Any]:
    dataset = service.catalog.dataset(name)
    if dataset is None or dataset.department != department:
        raise unknown("dataset", "数据集")
    registration = service.registry.get(dataset.registration_code)
    view = service.department_view(department, period, dataset=name)
    totals = view["totals"]
    return {
        "type": CERTIFICATE_TYPE,
        "jti": str(uuid.uuid4()),
        "sub": f"{department}/{name}",
        "iat": int(now.timestamp()),
        "certificate_no": f"QDN-CERT-{period.name.replace('-', '')}-{dataset.registration_code}",
        "issuer": service.params.issuer,
        "verify_url": service.params.verify_url,
        "department": dict(view["department"]),
        "dataset": {
            "name": name,
            "name_zh": dataset.name_zh,
            "scenario": dataset.scenario.value,
            "registration_code": dataset.registration_code,
            "registration_version": registration.version if registration else None,
            "registration_fingerprint": registration.current.fingerprint if registration else None,
            "national_code": dataset.national_code,
            "update_frequency": dataset.update_frequency.value,
        },
        "schema_fingerprint": schema_fingerprint(dataset),
        "classification": classification(dataset),
        "period": {"name": period.name, "from": view["from"], "until": view["until"]},
        "usage": {
            "queries": totals["queries"],
            "rows": totals["rows"],
            "epsilon": totals["epsilon"],
            "enterprises": sorted({u["enterprise"] for u in view["usage"]}),
            "released_products": len(view["releases"]),
        },
        "credits": {"micro": totals["credits_micro"], "credits": totals["credits"], "jobs": totals["jobs"]},
        "notice": NOTICE,
        "notice_en": NOTICE_EN,
    }


def issue(
    service: CreditService, key: Ed25519PrivateKey, department: str, dataset: str, period: Period, now: datetime
) -> tuple[str, dict[str, Any]]:
    """(compact JWS, payload) of a new certificate."""
    payload = build_payload(service, department, dataset, period, now)
    return sign_jws(payload, key), payload


def verify(token: str, public_key: Ed25519PublicKey) -> dict[str, Any]:
    """The payload of a genuine certificate, or ``credits.signature_invalid``."""
    payload = verify_jws(token.strip(), public_key)
    if payload.get("type") != CERTIFICATE_TYPE:
        raise signature_invalid("type")
    return payload


def render_html(payload: dict[str, Any], token: str) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    templates = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    return templates.get_template("certificate.html").render(c=payload, token=token)
