"""PII scanning benchmarks (issue 6).

1. Structured CSV: a generated, labelled table (default 100,000 rows) with PII columns and
   look-alike decoy columns; throughput of ``scan_file`` on one core, and cell-level precision and
   recall of the column fast path. Targets: >= 5 MB/s, P and R >= 0.99.
2. Person names in free text: the labelled sentence set in ``tests/unit/pii/fixtures/names_zh.txt``
   (names marked 【like this】); target P and R >= 0.8.
3. Optionally (``--stock``) stock presidio on a sample of the same table, for comparison.

Run: ``.venv/bin/python bench/bench_pii.py [--rows 100000] [--seed 7] [--stock]``.
Synthetic recall is optimistic (the generator and the recognizers share format knowledge).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from sandbox.identifiers.checks import (
    luhn_check_digit,
    org_code_check_char,
    resident_id_check_char,
    uscc_check_char,
)

ROOT = Path(__file__).resolve().parents[1]
NAMES_FILE = ROOT / "tests/unit/pii/fixtures/names_zh.txt"
HELDOUT_FILE = ROOT / "tests/unit/pii/fixtures/names_zh_heldout.txt"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗郑梁谢宋唐韩冯邓曹彭曾肖田董潘蒋蔡余杜叶程苏魏吕丁沈姚卢龙石韦蒙莫陆邰滚粟冉"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红梅文斌鹏飞宇浩然晓东海燕春林波辉金凤银花"
COUNTIES = ["522601", "522622", "522623", "522624", "522625", "522626", "522627", "522628", "522629", "522630"]
PLACES = ["凯里市", "黄平县", "施秉县", "三穗县", "镇远县", "岑巩县", "天柱县", "锦屏县", "剑河县", "台江县", "黎平县"]
ROADS = ["北京东路", "韶山南路", "文化北路", "永丰路", "宁波路", "清江路", "迎宾大道", "开元大道", "营盘坡村", "大塘村"]
SPOTS = ["西江千户苗寨", "肇兴侗寨", "镇远古城", "云台山", "杉木河", "下司古镇", "岜沙苗寨", "榕江村超球场"]
DOMAINS = ["qq.com", "163.com", "126.com", "gzqdn.gov.cn", "example.cn", "sina.com"]
PROVINCE_CHARS = "贵贵贵贵湘川渝滇"


def _resident_id(rng: random.Random) -> str:
    born = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 70))
    body = f"{rng.choice(COUNTIES)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + resident_id_check_char(body)


def _bank_card(rng: random.Random) -> str:
    prefix = rng.choice(["622848", "621700", "622202", "623668", "436742", "524094"])
    length = 16 if prefix[0] in "45" else rng.choice([16, 19])
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    return body + luhn_check_digit(body)


def _uscc(rng: random.Random, individual: bool) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    while True:
        org = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
        org += org_code_check_char(org)
        if all(c in alphabet for c in org):
            break
    body = ("92" if individual else "91") + rng.choice(COUNTIES) + org
    return body + uscc_check_char(body)


def _plate(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    if rng.random() < 0.3:
        return f"贵H{rng.choice('DF')}{rng.choice(letters + '0123456789')}{rng.randrange(10000):04d}"
    tail = f"{rng.randrange(100000):05d}"
    if rng.random() < 0.5:
        i = rng.randrange(5)
        tail = tail[:i] + rng.choice(letters) + tail[i + 1 :]
    return f"贵{rng.choice('ABCDEFGHJ')}{tail}"


def _mobile(rng: random.Random) -> str:
    seg = rng.choice(["138", "139", "150", "151", "158", "182", "187", "135", "177", "199", "166"])
    number = seg + f"{rng.randrange(10**8):08d}"
    style = rng.random()
    if style < 0.1:
        return f"+86 {number[:3]} {number[3:7]} {number[7:]}"
    if style < 0.2:
        return f"{number[:3]}-{number[3:7]}-{number[7:]}"
    return number


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2])))


def _address(rng: random.Random) -> str:
    street = f"{rng.choice(PLACES)}{rng.choice(ROADS)}{rng.randrange(1, 300)}号"
    return f"{street}{rng.randrange(1, 9)}单元{rng.randrange(101, 1802)}室"


def _ip(rng: random.Random) -> str:
    first = rng.choice([10, 172, 192, 58, 106, 220])
    return f"{first}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


def _email(rng: random.Random) -> str:
    local = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(rng.randrange(5, 12)))
    return f"{local}@{rng.choice(DOMAINS)}"


def _ean13(rng: random.Random) -> str:
    body = "69" + "".join(rng.choice("0123456789") for _ in range(10))
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


# column -> (entity label or None, generator). Decoy columns have the label None.
def _columns(rng: random.Random) -> dict[str, tuple[str | None, object]]:
    return {
        "姓名": ("PERSON", lambda: _name(rng)),
        "身份证号": ("CN_RESIDENT_ID", lambda: _resident_id(rng)),
        "手机号": ("CN_MOBILE", lambda: _mobile(rng)),
        "联系电话": ("CN_LANDLINE", lambda: f"0855-{rng.randrange(2, 10)}{rng.randrange(10**6):06d}"),
        "银行卡号": ("CN_BANK_CARD", lambda: _bank_card(rng)),
        "车牌号": ("CN_LICENSE_PLATE", lambda: _plate(rng)),
        "电子邮箱": ("EMAIL_ADDRESS", lambda: _email(rng)),
        "家庭住址": ("CN_ADDRESS", lambda: _address(rng)),
        "个体户信用代码": ("CN_USCC", lambda: _uscc(rng, True)),
        "登录IP": ("IP_ADDRESS", lambda: _ip(rng)),
        # Decoys: same shapes as identifiers, but not personal or failing validation.
        "订单编号": (None, lambda: f"{rng.randrange(10**17, 10**18)}"),
        "商品条码": (None, lambda: _ean13(rng)),
        "档案编号": (None, lambda: f"15{rng.randrange(10**9):09d}"),
        "交易流水号": (None, lambda: f"2024{rng.randrange(10**15):015d}"),
        "企业信用代码": (None, lambda: _uscc(rng, False)),
        "金额": (None, lambda: f"{rng.randrange(1, 10**6) / 100:.2f}"),
        "交易时间": (
            None,
            lambda: f"2024-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d} {rng.randrange(24):02d}:00",
        ),
        "景区": (None, lambda: rng.choice(SPOTS)),
        "县市": (None, lambda: rng.choice(PLACES)),
        "人数": (None, lambda: str(rng.randrange(1, 5000))),
    }


def make_table(rows: int, seed: int) -> tuple[bytes, dict[str, str | None]]:
    """CSV bytes and the label of each column (cell labels equal the column's label)."""
    rng = random.Random(seed)
    cols = _columns(rng)
    out = io.StringIO()
    out.write(",".join(cols) + "\n")
    gens = [g for _, g in cols.values()]
    for _ in range(rows):
        out.write(",".join(g() for g in gens) + "\n")  # type: ignore[operator]
    return out.getvalue().encode(), {c: label for c, (label, _) in cols.items()}


def structured(rows: int, seed: int) -> dict[str, object]:
    from sandbox.pii import FileKind, read_table, scan_file
    from sandbox.pii.columns import cell_hits
    from sandbox.pii.policy import INFO_ENTITIES
    from sandbox.pii.registry import analyzer
    from sandbox.pii.tables import column_values

    data, labels = make_table(rows, seed)
    analyzer()  # jieba's dictionary load is start-up cost, not per-file cost
    t0, c0 = time.perf_counter(), time.process_time()
    findings = scan_file("bench.csv", data)
    wall, elapsed = time.perf_counter() - t0, time.process_time() - c0  # CPU time: the machine is shared
    frame = read_table(FileKind.CSV, data)
    tp = fp = fn = demoted = 0
    per_entity: Counter[str] = Counter()
    for col, label in labels.items():
        hits = [h for h in cell_hits(col, column_values(frame[col])) if h.entity not in INFO_ENTITIES]
        flagged = {h.row: h.entity for h in hits if not h.demoted}
        demoted += sum(1 for h in hits if h.demoted)
        for row in range(len(frame)):
            got = flagged.get(row)
            if label is None:
                fp += got is not None
            elif got == label:
                tp += 1
            else:
                fn += 1
                fp += got is not None
                per_entity[label] += 1
    return {
        "rows": rows,
        "mb": round(len(data) / 1e6, 2),
        "cpu_seconds": round(elapsed, 2),
        "wall_seconds": round(wall, 2),
        "mb_per_s": round(len(data) / 1e6 / elapsed, 2),
        "rows_per_s": round(rows / elapsed),
        "precision": round(tp / max(tp + fp, 1), 4),
        "recall": round(tp / max(tp + fn, 1), 4),
        "false_positive_cells": fp,
        "missed_by_entity": dict(per_entity),
        "demoted_to_review_cells": demoted,
        "findings": len(findings),
    }


_MARK = re.compile(r"【([^】]+)】")


def load_sentences(path: Path = NAMES_FILE) -> list[tuple[str, set[tuple[int, int]]]]:
    """Sentences with gold name spans (markers removed)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, spans, pos = "", set(), 0
        for m in _MARK.finditer(line):
            text += line[pos : m.start()]
            spans.add((len(text), len(text) + len(m.group(1))))
            text += m.group(1)
            pos = m.end()
        text += line[pos:]
        out.append((text, spans))
    return out


def names(sentences: list[tuple[str, set[tuple[int, int]]]] | None = None) -> dict[str, float]:
    from sandbox.pii.text import text_spans

    sentences = sentences if sentences is not None else load_sentences()
    tp = fp = fn = 0
    for text, gold in sentences:
        found = {(s.start, s.end) for s in text_spans(text) if s.entity == "PERSON"}
        tp += len(found & gold)
        fp += len(found - gold)
        fn += len(gold - found)
    return {
        "sentences": len(sentences),
        "names": tp + fn,
        "precision": round(tp / max(tp + fp, 1), 3),
        "recall": round(tp / max(tp + fn, 1), 3),
    }


def stock(rows: int, seed: int) -> dict[str, object]:
    """Stock presidio (default English recognizers re-targeted to zh, no NLP model) on the same CSV."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine.no_op_nlp_engine import NoOpNlpEngine

    data, labels = make_table(rows, seed)
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(languages=["en"])
    registry.recognizers = [r for r in registry.recognizers if type(r).__name__ != "SpacyRecognizer"]
    for r in registry.recognizers:
        r.supported_language = "zh"
    registry.supported_languages = ["zh"]
    nlp = NoOpNlpEngine(models=[{"lang_code": "zh", "model_name": "none"}])
    nlp.load()
    engine = AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=["zh"])
    lines = data.decode().splitlines()
    header = lines[0].split(",")
    t0 = time.perf_counter()
    tp = fp = fn = 0
    for line in lines[1:]:
        for col, cell in zip(header, line.split(","), strict=True):
            found = [r for r in engine.analyze(cell, language="zh") if r.score >= 0.5]
            if labels[col] is None:
                fp += bool(found)
            elif found:
                tp += 1
            else:
                fn += 1
    elapsed = time.perf_counter() - t0
    return {
        "rows": rows,
        "mb_per_s": round(len(data) / 1e6 / elapsed, 3),
        "precision_any_type": round(tp / max(tp + fp, 1), 3),
        "recall_any_type": round(tp / max(tp + fn, 1), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--stock", action="store_true", help="also run stock presidio on 2,000 rows")
    args = parser.parse_args()
    report: dict[str, object] = {
        "structured_csv": structured(args.rows, args.seed),
        "names_free_text_tuning_set": names(load_sentences(NAMES_FILE)),
        "names_free_text_heldout_set": names(load_sentences(HELDOUT_FILE)),
    }
    if args.stock:
        report["stock_presidio"] = stock(2_000, args.seed)
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
