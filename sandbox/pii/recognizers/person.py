"""Person names: after a role word (申请人, 户主 …), jieba ``nr`` tags in free text, name-headed cells.

Names cannot be gated with full confidence: free-text hits go to review; a name-headed column whose
cells look like names blocks (decided by the column scanner with ``NAME_HEADERS``).
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from sandbox.pii.recognizers.base import Rule, RuleRecognizer, Verdict, make_result
from sandbox.pii.recognizers.surnames import COMPOUND, SINGLE, given_name_length, starts_with_surname

ENTITY = "PERSON"
CONTEXT = ("姓名", "名字", "联系人", "户主", "申请人", "经办人", "name")

ROLE_WORDS = (
    "申请人|户主|经办人|法定代表人|法人代表|负责人|联系人|当事人|承租人|出租人|借款人|缴存人|职工|患者|游客|旅客|乘客|"
    "住户|业主|姓名|被申请人|代理人|监护人|报案人|举报人|投诉人|驾驶员|驾驶人|司机|村民|居民|嫌疑人|死者|员工|学生"
)
# Role word, optional "为/是/colon", then surname + 1-2 Han characters (trimmed in ``_trim``).
_SURNAMES = "".join(sorted(SINGLE))
_COMPOUNDS = "|".join(sorted(COMPOUND))
PATTERN = re.compile(rf"(?:{ROLE_WORDS})(?:为|是|[:： ])? ?((?:{_COMPOUNDS}|[{_SURNAMES}])[\u4e00-\u9fff]{{1,2}})")
# Characters that usually start the next word rather than end a two-character given name.
_FOLLOWERS = frozenset("提交申请在于因已的称向到和与说表等将被把从自为是了先女同所对及")
_NEEDS = re.compile(ROLE_WORDS)

# A whole cell that is a name: surname + 1-2 Han characters (compound surname + 1-2).
CELL_PATTERN = re.compile(rf"^(?:{_COMPOUNDS}|[{_SURNAMES}])[\u4e00-\u9fff·]{{1,3}}$")

NAME_HEADERS = (
    "姓名",
    "名字",
    "联系人",
    "户主",
    "申请人",
    "经办人",
    "法定代表人",
    "法人",
    "负责人",
    "缴存人",
    "借款人",
    "游客",
    "旅客",
    "乘客",
    "业主",
    "收件人",
    "持卡人",
    "name",
)
# Tokens jieba tags nr that are not names: roles, titles, place-like endings.
_TITLES = (
    "先生",
    "女士",
    "老师",
    "书记",
    "主任",
    "局长",
    "县长",
    "村长",
    "经理",
    "师傅",
    "同志",
    "医生",
    "警官",
    "老板",
    "阿姨",
)
_PLACE_ENDINGS = tuple("省市县区镇乡村寨州街路江山河湖桥")
# Function words and time words that jieba sometimes glues to a surname (于本周, 于今).
_NEVER_IN_GIVEN = frozenset("本今周年月日时的了在是和与及或等各该此其这那个们")
_NOT_NAMES = frozenset({"金秋", "孙悟空", "高速", "黄金", "白云", "石桥", "龙舟", "苗年", "方便", "文化", "安全"})


def is_name_token(word: str) -> bool:
    """Filters for jieba ``nr`` tokens: surname first, 2-4 chars, not a title, place or role word."""
    return (
        2 <= len(word) <= 4
        and starts_with_surname(word)
        and 1 <= given_name_length(word) <= 2
        and not word.endswith(_TITLES)
        and not word.endswith(_PLACE_ENDINGS)
        and word not in _NOT_NAMES
        and not (len(word) == 2 and word[0] == word[1])  # 谢谢, 常常: reduplicated words
        and not any(ch in _NEVER_IN_GIVEN for ch in word[1:])
        and _NEEDS.fullmatch(word) is None
    )


def _trim(name: str, after: str) -> str:
    """Drop a trailing character that begins the next word (申请人张三提交 → 张三, 刘洋反映 → 刘洋)."""
    if given_name_length(name) == 2 and (name[-1] in _FOLLOWERS or _is_word(name[-1] + after[:1])):
        return name[:-1]
    return name


def _is_word(pair: str) -> bool:
    """True if jieba's dictionary knows ``pair`` as a word (used only to find a name's right edge)."""
    if len(pair) != 2:
        return False
    from sandbox.pii.nlp import dictionary

    return dictionary().get(pair, 0) > 0


def check(value: str) -> Verdict | None:
    return Verdict(ENTITY, 0.65) if PATTERN.fullmatch(value) else None


RULE = Rule(ENTITY, PATTERN, check, CONTEXT, needs=_NEEDS, numeric=False)


class CnRoleNameRecognizer(RuleRecognizer):
    """Surname + given name right after a role word; the span is the name only."""

    RULE = RULE

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and ENTITY not in entities:
            return []
        if _NEEDS.search(text) is None:
            return []
        verdict = Verdict(ENTITY, 0.65)
        results = []
        for m in PATTERN.finditer(text):
            name = _trim(m.group(1), text[m.end(1) : m.end(1) + 1])
            start = m.start(1)
            results.append(make_result(self, verdict, start, start + len(name)))
        return results


# A name before a word that only people go with (说, 主持, 老人, 同志 …) or in a coordination (X和Y).
_AFTER = "说|表示|主持|记录|负责|老人|同志|先生|女士|师傅|等人|一起|和|与|、|两位"
SUFFIX_PATTERN = re.compile(
    rf"(?:(?<=^)|(?<=[^\u4e00-\u9fff])|(?<=[由和与、被向给对请让把]))"
    rf"((?:{_COMPOUNDS}|[{_SURNAMES}])[\u4e00-\u9fff]{{1,2}}?)(?={_AFTER})"
)


class CnSuffixNameRecognizer(RuleRecognizer):
    """Surname + given name before a person-only word, at a clause start; review-level like jieba names."""

    RULE = Rule(ENTITY, SUFFIX_PATTERN, lambda _v: None, CONTEXT, numeric=False)

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and ENTITY not in entities:
            return []
        verdict = Verdict(ENTITY, 0.55)
        return [
            make_result(self, verdict, m.start(1), m.end(1))
            for m in SUFFIX_PATTERN.finditer(text)
            if is_name_token(m.group(1))
        ]


class CnJiebaNameRecognizer(RuleRecognizer):
    """Names the jieba NLP engine tagged (``nr``) and the filters kept, as ``PERSON`` entities."""

    RULE = Rule(ENTITY, re.compile(r"(?!x)x"), lambda _v: None, CONTEXT, numeric=False)

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if nlp_artifacts is None or (entities and ENTITY not in entities):
            return []
        verdict = Verdict(ENTITY, 0.55)
        return [
            make_result(self, verdict, span.start_char, span.end_char)
            for span in nlp_artifacts.entities
            if span.label_ == ENTITY
        ]
