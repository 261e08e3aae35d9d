"""Release bundles: a zip of the files, ``manifest.json`` and ``manifest.sig`` (detached Ed25519 over the
manifest bytes), and the signed revocation list; verification needs only the bureau public key.

Pure: bytes in, bytes or a report out. The manifest lists every file with its SHA-256, so a verified
signature over the manifest covers the files too; any member the manifest does not name is an error.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
FILES_DIR = "files/"
FORMAT = "qdn-sandbox-export-bundle/1"
REVOCATION_FORMAT = "qdn-sandbox-export-revocations/1"
_FIXED_TIME = (2026, 1, 1, 0, 0, 0)  # constant member times: the same release gives the same bytes
MAX_MEMBER_BYTES = 512 * 1024 * 1024


def canonical(doc: Mapping[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sign(data: bytes, key: Ed25519PrivateKey) -> str:
    return base64.b64encode(key.sign(data)).decode("ascii")


def build_bundle(manifest: Mapping[str, Any], files: Sequence[tuple[str, bytes]], key: Ed25519PrivateKey) -> bytes:
    """The zip bytes; ``manifest`` must already list ``files`` with their hashes (checked here)."""
    listed = {f["name"]: f["sha256"] for f in manifest["files"]}
    if listed != {name: hashlib.sha256(data).hexdigest() for name, data in files}:
        raise ValueError("manifest does not match the files")
    body = canonical({**manifest, "format": FORMAT})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in [(MANIFEST, body), (SIGNATURE, sign(body, key).encode())] + [
            (FILES_DIR + n, d) for n, d in sorted(files)
        ]:
            zf.writestr(zipfile.ZipInfo(name, _FIXED_TIME), data)
    return out.getvalue()


def revocation_list(entries: Sequence[Mapping[str, Any]], issued_at: str, key: Ed25519PrivateKey) -> dict[str, Any]:
    body = {"format": REVOCATION_FORMAT, "issued_at": issued_at, "entries": list(entries)}
    return {"revocations": body, "signature": sign(canonical(body), key)}


@dataclass(frozen=True)
class Problem:
    code: str
    message_en: str
    message_zh: str


@dataclass
class BundleReport:
    problems: list[Problem] = field(default_factory=list)
    manifest: dict[str, Any] | None = None
    revocation_checked: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, code: str, en: str, zh: str) -> None:
        self.problems.append(Problem(code, en, zh))


def verify_bundle(
    data: bytes, public_key: Ed25519PublicKey, revocations: Mapping[str, Any] | None = None
) -> BundleReport:
    report = BundleReport()
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        members = {info.filename: info for info in zf.infolist()}
    except (zipfile.BadZipFile, ValueError, OSError):
        report.add("bundle.corrupt", "The bundle is not a readable zip file.", "发布包不是可读取的 zip 文件。")
        return report
    with zf:
        if MANIFEST not in members or SIGNATURE not in members:
            report.add(
                "bundle.incomplete", "manifest.json or manifest.sig is missing.", "缺少 manifest.json 或 manifest.sig。"
            )
            return report
        body = _read(zf, members[MANIFEST])
        if body is None or not _signed(body, _read(zf, members[SIGNATURE]), public_key):
            report.add(
                "bundle.bad_signature",
                "The manifest signature does not verify against the bureau public key.",
                "清单签名无法用数据局公钥验证。",
            )
            return report
        manifest = json.loads(body)
        report.manifest = manifest
        _check_files(zf, members, manifest, report)
    if revocations is not None:
        _check_revoked(manifest, revocations, public_key, report)
    return report


def _check_files(zf: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], manifest: Any, report: BundleReport) -> None:
    listed = {FILES_DIR + f["name"]: f["sha256"] for f in manifest.get("files", [])}
    for name in sorted(set(members) - set(listed) - {MANIFEST, SIGNATURE}):
        report.add("bundle.extra_file", f"Member {name} is not in the manifest.", f"文件 {name} 不在清单中。")
    for name, digest in sorted(listed.items()):
        info = members.get(name)
        content = None if info is None else _read(zf, info)
        if content is None:
            report.add("bundle.missing_file", f"File {name} is missing or unreadable.", f"文件 {name} 缺失或无法读取。")
        elif hashlib.sha256(content).hexdigest() != digest:
            report.add(
                "bundle.hash_mismatch",
                f"File {name} does not match its SHA-256 in the manifest.",
                f"文件 {name} 与清单中的 SHA-256 不符。",
            )


def _check_revoked(
    manifest: Mapping[str, Any], revocations: Mapping[str, Any], key: Ed25519PublicKey, report: BundleReport
) -> None:
    body = revocations.get("revocations")
    if not isinstance(body, dict) or not _signed(canonical(body), str(revocations.get("signature", "")).encode(), key):
        report.add(
            "bundle.revocations_unsigned",
            "The revocation list's signature does not verify; it cannot be trusted.",
            "撤销列表签名无法验证，不可信。",
        )
        return
    report.revocation_checked = True
    request_id = manifest.get("request", {}).get("id")
    for entry in body.get("entries", []):
        if entry.get("request_id") == request_id:
            report.add(
                "bundle.revoked",
                f"The bureau revoked this release on {entry.get('revoked_at')} (reason: {entry.get('reason')}).",
                f"数据局已于 {entry.get('revoked_at')} 撤销此发布（原因：{entry.get('reason')}）。",
            )


def _read(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    if info.file_size > MAX_MEMBER_BYTES:
        return None
    try:
        with zf.open(info) as handle:
            data = handle.read(MAX_MEMBER_BYTES + 1)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return None
    return data if len(data) <= MAX_MEMBER_BYTES else None


def _signed(body: bytes, signature: bytes | None, key: Ed25519PublicKey) -> bool:
    try:
        key.verify(base64.b64decode(signature or b"", validate=True), body)
    except (InvalidSignature, ValueError):
        return False
    return True
