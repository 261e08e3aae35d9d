"""The enabled recognizers, in one place, and the analyzer built from them (cached per process)."""

from __future__ import annotations

import functools

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

from sandbox.pii.context import FastContextEnhancer
from sandbox.pii.nlp import JiebaNlpEngine
from sandbox.pii.recognizers import (
    address,
    bank_card,
    damaged_id,
    email,
    ip,
    landline,
    masked,
    mobile,
    passport,
    permit,
    person,
    plate,
    resident_id,
    uscc,
)
from sandbox.pii.recognizers.base import LANGUAGE, Rule, RuleRecognizer

# Pattern rules in the order the column fast path runs them (validated identifiers first).
TABLE_RULES: tuple[Rule, ...] = (
    resident_id.RULE,
    uscc.RULE,
    bank_card.RULE,
    mobile.RULE,
    landline.RULE,
    email.RULE,
    ip.RULE,
    plate.RULE,
    passport.RULE,
    permit.RULE,
    address.RULE,
    masked.RULE,
    damaged_id.RULE,
    resident_id.LEGACY_RULE,
)

RECOGNIZERS: tuple[type[RuleRecognizer], ...] = (
    resident_id.CnResidentIdRecognizer,
    resident_id.CnLegacyResidentIdRecognizer,
    uscc.CnUsccRecognizer,
    bank_card.CnBankCardRecognizer,
    mobile.CnMobileRecognizer,
    landline.CnLandlineRecognizer,
    email.CnEmailRecognizer,
    ip.CnIpRecognizer,
    plate.CnPlateRecognizer,
    passport.CnPassportRecognizer,
    permit.CnPermitRecognizer,
    address.CnAddressRecognizer,
    masked.CnMaskedValueRecognizer,
    damaged_id.CnDamagedIdRecognizer,
    person.CnRoleNameRecognizer,
    person.CnJiebaNameRecognizer,
    person.CnSuffixNameRecognizer,
)


def build_registry() -> RecognizerRegistry:
    """A registry with only our recognizers: presidio's defaults are English and would download models."""
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    for cls in RECOGNIZERS:
        registry.add_recognizer(cls())
    return registry


@functools.cache
def analyzer() -> AnalyzerEngine:
    """The process-wide analyzer (building it loads jieba's dictionary once, about a second)."""
    engine = JiebaNlpEngine()
    engine.load()
    return AnalyzerEngine(
        registry=build_registry(),
        nlp_engine=engine,
        supported_languages=[LANGUAGE],
        default_score_threshold=0.0,
        context_aware_enhancer=FastContextEnhancer(),
    )
