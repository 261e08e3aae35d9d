"""Verification findings: a stable code, the first affected seq, and bilingual human-readable text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]

# code -> (severity, English template, Chinese template); templates use the finding's named arguments.
MESSAGES: dict[str, tuple[Severity, str, str]] = {
    "log.missing": ("error", "audit log not found at {path}", "未找到审计日志：{path}"),
    "entry.missing": (
        "error",
        "entries {seq}..{last} are missing (deleted rows)",
        "第 {seq}..{last} 条记录缺失（行被删除）",
    ),
    "entry.out_of_order": (
        "error",
        "entry {seq} is stored out of order or twice",
        "第 {seq} 条记录顺序错乱或重复",
    ),
    "entry.edited": (
        "error",
        "entry {seq} was changed: its content no longer matches its leaf hash",
        "第 {seq} 条记录被修改：内容与叶子哈希不符",
    ),
    "entry.reordered": (
        "error",
        "entry {seq} holds the content of entry {body_seq} (rows reordered)",
        "第 {seq} 条位置上存放的是第 {body_seq} 条的内容（记录顺序被调换）",
    ),
    "entry.unreadable": ("error", "entry {seq} is not valid audit JSON", "第 {seq} 条记录不是有效的审计 JSON"),
    "entry.chain_broken": (
        "error",
        "hash chain broken at entry {seq}",
        "哈希链在第 {seq} 条记录处断开",
    ),
    "entry.content_missing": (
        "error",
        "entry {seq} has no content but is not in the pruned prefix",
        "第 {seq} 条记录内容缺失，但不属于已清理的前段",
    ),
    "retention.unrecorded": (
        "error",
        "content of entries {seq}..{last} was removed without a recorded retention event",
        "第 {seq}..{last} 条记录内容被删除，但没有对应的到期清理审计事件",
    ),
    "checkpoint.malformed": (
        "error",
        "stored checkpoint at size {size} is malformed ({reason})",
        "规模为 {size} 的检查点格式错误（{reason}）",
    ),
    "checkpoint.bad_signature": (
        "error",
        "stored checkpoint at size {size} has an invalid signature (forged or replaced)",
        "规模为 {size} 的检查点签名无效（伪造或被替换）",
    ),
    "checkpoint.origin": (
        "error",
        "stored checkpoint at size {size} belongs to another log ({origin})",
        "规模为 {size} 的检查点属于另一个日志（{origin}）",
    ),
    "checkpoint.size_mismatch": (
        "error",
        "stored checkpoint row says size {size} but its signed text says {signed}",
        "检查点记录的规模 {size} 与签名内容中的 {signed} 不一致",
    ),
    "checkpoint.root_mismatch": (
        "error",
        "the tree at size {size} does not match its signed checkpoint: entries from {first} were rewritten",
        "规模 {size} 的默克尔树与已签名检查点不符：自第 {first} 条起的记录被改写",
    ),
    "log.truncated": (
        "error",
        "a signed checkpoint covers {size} entries but the log has only {have}: the tail was deleted",
        "已签名检查点覆盖 {size} 条记录，但日志只有 {have} 条：尾部被删除",
    ),
    "head.mismatch": (
        "error",
        "the stored tree head (size {head}) does not match the recomputed log (size {size})",
        "存储的树头（规模 {head}）与重新计算的日志（规模 {size}）不符",
    ),
    "checkpoint.none": (
        "warning",
        "entries 1..{last} are not covered by any signed checkpoint",
        "第 1..{last} 条记录未被任何已签名检查点覆盖",
    ),
    "checkpoint.unsealed_tail": (
        "warning",
        "entries {seq}..{last} are not yet covered by a signed checkpoint",
        "第 {seq}..{last} 条记录尚未被已签名检查点覆盖",
    ),
    "external.malformed": (
        "error",
        "the saved checkpoint is malformed ({reason})",
        "保存的检查点格式错误（{reason}）",
    ),
    "external.bad_signature": (
        "error",
        "the saved checkpoint (size {size}) is not signed by this key: forged or from another key",
        "保存的检查点（规模 {size}）并非由该密钥签名：伪造或来自其他密钥",
    ),
    "external.origin": (
        "error",
        "the saved checkpoint is from a different log ({origin}, expected {expected})",
        "保存的检查点来自另一个日志（{origin}，应为 {expected}）",
    ),
    "external.inconsistent": (
        "error",
        "the log is not consistent with the saved checkpoint at size {size}: history from entry {first} was rewritten",
        "日志与保存的规模 {size} 检查点不一致：自第 {first} 条起的历史被改写",
    ),
    "external.truncated": (
        "error",
        "the saved checkpoint covers {size} entries but the log has only {have}: entries were deleted",
        "保存的检查点覆盖 {size} 条记录，但日志只有 {have} 条：记录被删除",
    ),
}


@dataclass(frozen=True)
class Finding:
    code: str
    seq: int | None  # first affected sequence number, when there is one
    severity: Severity
    message: str
    message_zh: str

    def text(self, lang: Literal["en", "zh"] = "en") -> str:
        label = (
            ("ERROR" if self.severity == "error" else "WARNING")
            if lang == "en"
            else ("错误" if self.severity == "error" else "警告")
        )
        where = "" if self.seq is None else (f" [seq {self.seq}]" if lang == "en" else f"［序号 {self.seq}］")
        return f"{label}{where} {self.code}: {self.message if lang == 'en' else self.message_zh}"


def finding(code: str, seq: int | None, **args: object) -> Finding:
    severity, en, zh = MESSAGES[code]
    return Finding(code, seq, severity, en.format(seq=seq, **args), zh.format(seq=seq, **args))
