"""Establish a file's kind from its bytes; anything not positively recognised is refused."""

from __future__ import annotations

import io
import json
import os
import pickletools
import zipfile

from sandbox.pii.errors import FileRejected, RejectReason
from sandbox.pii.kinds import FileKind, FileLimits
from sandbox.pii.protobuf import looks_like_onnx

_IMAGE_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",
    b"MM\x00*",
)
# Compressed containers joblib writes (zlib, gzip, bz2, xz, lz4); never accepted as data.
_COMPRESSED_MAGIC = (b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"\x04\x22\x4d\x18", b"\x78\x9c", b"\x78\x01", b"\x78\xda")
_PICKLE_NAMES = (".pkl", ".pickle", ".joblib", ".pt", ".pth", ".sav", ".dill")
_MODEL_KEYS = frozenset(
    {
        "coef_",
        "coef",
        "coefficients",
        "intercept_",
        "intercept",
        "weights",
        "learner",
        "tree_info",
        "trees",
        "booster",
        "feature_names",
        "model_type",
        "estimator",
        "params",
    }
)


def sniff(name: str, data: bytes, limits: FileLimits = FileLimits()) -> FileKind:  # noqa: B008 - frozen default
    """Return the kind of ``data`` judged by content; raise ``FileRejected`` when it is not allowed."""
    if len(data) > limits.max_bytes:
        raise FileRejected(name, RejectReason.TOO_LARGE, f"{len(data)} bytes > {limits.max_bytes}")
    if not data:
        raise FileRejected(name, RejectReason.CORRUPT, "empty file", "空文件")
    ext = os.path.splitext(name)[1].lower()
    if looks_like_pickle(data) or (ext in _PICKLE_NAMES and data.startswith(_COMPRESSED_MAGIC)):
        raise FileRejected(name, RejectReason.EXECUTABLE_MODEL)
    if data.startswith(b"PAR1"):
        if not data.endswith(b"PAR1") or len(data) < 12:
            raise FileRejected(name, RejectReason.CORRUPT, "truncated Parquet", "Parquet 文件不完整")
        return FileKind.PARQUET
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _sniff_zip(name, data, limits)
    if data.startswith(_IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return FileKind.IMAGE
    if looks_like_onnx(data):
        return FileKind.MODEL_ONNX
    text = decode_text(name, data)
    return _sniff_text(name, ext, text, limits)


def decode_text(name: str, data: bytes) -> str:
    """Decode UTF-8 (optional BOM) text; binary or other encodings are refused."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRejected(name, RejectReason.UNSUPPORTED_TYPE, "not UTF-8 text", "不是 UTF-8 文本") from None
    if "\x00" in text:
        raise FileRejected(name, RejectReason.UNSUPPORTED_TYPE, "binary content", "二进制内容")
    return text


def looks_like_pickle(data: bytes) -> bool:
    """True if ``data`` is one complete pickle stream (parsed with pickletools: nothing is executed)."""
    if not data.rstrip().endswith(b".") or data[:1] not in _PICKLE_FIRST_OPS:
        return False
    try:
        last: tuple[str, int] | None = None
        for op, _arg, pos in pickletools.genops(io.BytesIO(data)):
            last = (op.name, pos or 0)
    except Exception:  # any parse failure means "not a pickle"
        return False
    return last is not None and last[0] == "STOP" and data[last[1] + 1 :].strip() == b""


# Opcodes a pickle can start with (protocol 2+ PROTO, or protocol 0/1 MARK, GLOBAL, EMPTY_*, NONE, INT...).
_PICKLE_FIRST_OPS = frozenset(bytes([c]) for c in b"\x80(c]}NIFLSVa)")


def _sniff_zip(name: str, data: bytes, limits: FileLimits) -> FileKind:
    names = check_zip(name, data, limits)
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return FileKind.XLSX
    if "schema.json" in names:
        return FileKind.MODEL_SKOPS
    raise FileRejected(name, RejectReason.UNSUPPORTED_TYPE, "zip archive that is neither XLSX nor skops")


def check_zip(name: str, data: bytes, limits: FileLimits) -> set[str]:
    """Validate an archive's directory without inflating it: member names, count, sizes, ratios.

    Declared sizes can lie; readers must still cap what they inflate (see ``read_member``).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise FileRejected(name, RejectReason.CORRUPT, "bad zip archive", "zip 压缩包损坏") from None
    if len(infos) > limits.max_zip_members:
        raise FileRejected(name, RejectReason.ZIP_BOMB, f"{len(infos)} members")
    total = 0
    for info in infos:
        member = info.filename
        if member.startswith(("/", "\\")) or ".." in member.replace("\\", "/").split("/") or ":" in member:
            raise FileRejected(name, RejectReason.PATH_TRAVERSAL, "archive member path escapes", "压缩包成员路径越界")
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > limits.max_zip_ratio * max(info.compress_size, 1):
            raise FileRejected(name, RejectReason.ZIP_BOMB, "compression ratio too high", "压缩比过高")
    if total > limits.max_unzipped_bytes:
        raise FileRejected(name, RejectReason.ZIP_BOMB, f"inflates to {total} bytes", f"解压后 {total} 字节")
    return {i.filename for i in infos}


def read_member(name: str, zf: zipfile.ZipFile, member: str, limits: FileLimits) -> bytes:
    """Read one archive member, stopping at the inflated-size cap whatever the header claims."""
    with zf.open(member) as fh:
        out = fh.read(limits.max_unzipped_bytes + 1)
    if len(out) > limits.max_unzipped_bytes:
        raise FileRejected(name, RejectReason.ZIP_BOMB, "member inflates beyond the limit", "成员解压后超限")
    return out


def _sniff_text(name: str, ext: str, text: str, limits: FileLimits) -> FileKind:
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype html", "<html", "<?xml", "<svg")):
        raise FileRejected(name, RejectReason.UNSUPPORTED_TYPE, "HTML/XML/SVG", "HTML/XML/SVG 文件")
    if head.startswith(("{", "[")):
        kind = _sniff_json(text, limits)
        if kind is not None:
            return kind
        if ext in {".json", ".ipynb", ".jsonl", ".ndjson"}:
            raise FileRejected(name, RejectReason.CORRUPT, "invalid JSON", "JSON 无法解析")
    elif ext in {".json", ".ipynb", ".jsonl", ".ndjson"}:
        raise FileRejected(name, RejectReason.CORRUPT, "invalid JSON", "JSON 无法解析")
    if ext in {".md", ".markdown"}:
        return FileKind.MARKDOWN
    # Among text kinds the extension may choose the parser; a parse failure then rejects the file.
    if ext == ".tsv" or (ext != ".csv" and _is_delimited(text, "\t")):
        return FileKind.TSV
    if ext == ".csv" or _is_delimited(text, ","):
        return FileKind.CSV
    return FileKind.TEXT


def _sniff_json(text: str, limits: FileLimits) -> FileKind | None:
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return FileKind.JSONL if _is_jsonl(text) else None
    if json_depth(doc) > limits.max_json_depth:
        return None
    if isinstance(doc, dict) and "cells" in doc and "nbformat" in doc:
        return FileKind.NOTEBOOK
    if isinstance(doc, dict) and _MODEL_KEYS & set(doc):
        return FileKind.MODEL_JSON
    return FileKind.JSON


def _is_jsonl(text: str) -> bool:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) < 2:
        return False
    for ln in lines[:50]:
        try:
            if not isinstance(json.loads(ln), dict | list):
                return False
        except ValueError:
            return False
    return True


def json_depth(doc: object) -> int:
    """Nesting depth of a parsed JSON document (iterative: a deep document cannot blow the stack)."""
    depth, stack = 0, [(doc, 1)]
    while stack:
        node, d = stack.pop()
        if isinstance(node, dict):
            depth = max(depth, d)
            stack.extend((v, d + 1) for v in node.values())
        elif isinstance(node, list):
            depth = max(depth, d)
            stack.extend((v, d + 1) for v in node)
    return depth


def _is_delimited(text: str, sep: str) -> bool:
    lines = [ln for ln in text[:65536].splitlines()[:20] if ln.strip()]
    if len(lines) < 1 or sep not in lines[0]:
        return False
    counts = {ln.count(sep) for ln in lines[:-1] or lines}
    return len(counts) <= 2 and min(counts) >= 1
