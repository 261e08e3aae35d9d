"""CN_USCC: GB 32100 check; individual businesses (92…) are personal, organisations only informative."""

from __future__ import annotations

import pytest

from tests.unit.pii._support import USCC_COMPANY, USCC_PERSONAL, detect


def test_when_individual_business_code_then_personal_entity() -> None:
    assert ("CN_USCC", USCC_PERSONAL) in detect(f"统一社会信用代码：{USCC_PERSONAL}")


def test_when_company_code_then_org_entity_not_personal() -> None:
    found = detect(f"税号{USCC_COMPANY}")
    assert ("CN_USCC_ORG", USCC_COMPANY) in found
    assert "CN_USCC" not in {e for e, _ in found}


@pytest.mark.parametrize(
    "value",
    [
        USCC_PERSONAL[:-1] + ("0" if USCC_PERSONAL[-1] != "0" else "1"),  # final check wrong
        USCC_PERSONAL[:8] + USCC_PERSONAL[9] + USCC_PERSONAL[8] + USCC_PERSONAL[10:],  # transposed characters
        "Z2522601MA6DGK1B89",  # unknown authority
        USCC_PERSONAL.replace("M", "I", 1),  # I is not in the alphabet
    ],
)
def test_when_code_fails_validation_then_not_found(value: str) -> None:
    assert not {"CN_USCC", "CN_USCC_ORG"} & {e for e, _ in detect(value)}


def test_when_lowercase_code_then_still_found() -> None:
    assert ("CN_USCC", USCC_PERSONAL.lower()) in detect(USCC_PERSONAL.lower())
