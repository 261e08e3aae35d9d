"""Model files: ONNX (embedded strings), skops (schema.json and every array it stores)."""

from __future__ import annotations

import io
import json
import re
import zipfile

import numpy as np

from sandbox.pii.columns import cell_hits
from sandbox.pii.errors import FileRejected, RejectReason
from sandbox.pii.findings import Finding
from sandbox.pii.kinds import FileLimits
from sandbox.pii.report import column_findings
from sandbox.pii.scanners.jsondoc import scan_json_doc
from sandbox.pii.scanners.text import scan_text
from sandbox.pii.sniff import looks_like_pickle, read_member

# Printable UTF-8 runs of 4+ characters: names, labels, doc strings, metadata embedded in protobuf.
_STRINGS = re.compile(rb"(?:[\x20-\x7e]|[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}){4,}")
_MAX_ARRAY_VALUES = 2_000_000


def scan_onnx(file: str, data: bytes) -> list[Finding]:
    strings = [m.group().decode("utf-8", "replace") for m in _STRINGS.finditer(data)]
    return scan_text(file, "\n".join(strings), "embedded strings, ")


def scan_skops(file: str, data: bytes, limits: FileLimits) -> list[Finding]:
    findings: list[Finding] = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for member in zf.namelist():
            raw = read_member(file, zf, member, limits)
            if member.endswith(".json"):
                try:
                    doc = json.loads(raw)
                except (ValueError, RecursionError):
                    raise FileRejected(file, RejectReason.CORRUPT, f"{member} is not JSON") from None
                findings += scan_json_doc(file, doc, f"{member}, ")
            elif member.endswith(".npy"):
                findings += _scan_array(file, member, raw)
            elif looks_like_pickle(raw):
                raise FileRejected(file, RejectReason.EXECUTABLE_MODEL, f"member {member} is a pickle")
            else:
                findings += scan_text(file, raw.decode("utf-8", "replace"), f"{member}, ")
    return findings


def _scan_array(file: str, member: str, raw: bytes) -> list[Finding]:
    try:
        # allow_pickle=False: object arrays would need unpickling, which is exactly what we refuse.
        array = np.load(io.BytesIO(raw), allow_pickle=False)
    except ValueError as exc:
        if "pickle" in str(exc).lower():
            raise FileRejected(file, RejectReason.EXECUTABLE_MODEL, f"member {member} holds pickled objects") from None
        raise FileRejected(file, RejectReason.CORRUPT, f"member {member} is not a numpy array") from None
    except OSError:
        raise FileRejected(file, RejectReason.CORRUPT, f"member {member} is not a numpy array") from None
    if array.size > _MAX_ARRAY_VALUES:
        raise FileRejected(file, RejectReason.TOO_LARGE, f"member {member} holds {array.size} values")
    flat = array.reshape(-1).tolist()
    values = [repr(v) if isinstance(v, float) else str(v) for v in flat]
    return column_findings(file, f"{member}, ", "values", cell_hits("", values))
