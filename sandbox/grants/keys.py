"""The bureau's Ed25519 signing key: create once, load safely, name it by its JWK thumbprint.

The private key is PKCS8 PEM, mode 0600 from its first byte on disk (created through ``os.open``),
optionally encrypted with ``SANDBOX_KEY_PASSPHRASE``. Loading refuses a key readable by group or
other, so a leaked-permission key is noticed instead of silently used.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sandbox.errors import ConfigError

_INIT_HINT_EN = "run `sandbox init` first"
_INIT_HINT_ZH = "请先运行 `sandbox init`"


@dataclass(frozen=True)
class KeyInfo:
    """Where the signing key lives, its key id, and whether this call created it."""

    path: Path
    public_path: Path
    kid: str
    created: bool


def b64url(data: bytes) -> str:
    """Base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def key_id(public_key: Ed25519PublicKey) -> str:
    """RFC 7638 JWK thumbprint (SHA-256, base64url) of an Ed25519 public key.

    The JWK members are the required ones for OKP keys, in lexicographic order, without whitespace.
    """
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    jwk = {"crv": "Ed25519", "kty": "OKP", "x": b64url(raw)}
    canonical = json.dumps(jwk, separators=(",", ":"), sort_keys=True).encode("ascii")
    return b64url(hashlib.sha256(canonical).digest())


def public_pem(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def create_signing_key(path: Path, public_path: Path, passphrase: bytes | None) -> KeyInfo:
    """Create the signing key unless it exists; always (re)write its public key beside it.

    Idempotent: an existing key is kept and loaded (which checks its permissions and passphrase).
    Two concurrent callers cannot both create a key: the final step is a no-clobber hard link.
    """
    ensure_private_dir(path.parent)
    created = False
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
        )
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
        created = write_new_private(path, pem)
    key = load_signing_key(path, passphrase)
    public = key.public_key()
    pem_public = public_pem(public)
    if not public_path.exists() or public_path.read_bytes() != pem_public:
        _write_atomic(public_path, pem_public, 0o644)
    return KeyInfo(path=path, public_path=public_path, kid=key_id(public), created=created)


def load_signing_key(path: Path, passphrase: bytes | None) -> Ed25519PrivateKey:
    """Load the private key, refusing a missing, exposed, wrongly-locked or non-Ed25519 key."""
    data = read_private_file(path, "bureau signing key", "局签名密钥")
    try:
        key = serialization.load_pem_private_key(data, password=passphrase)
    except TypeError:
        # cryptography raises TypeError for both "password needed" and "password not expected".
        if passphrase is None:
            raise ConfigError(
                f"The signing key {path} is encrypted: set SANDBOX_KEY_PASSPHRASE.",
                f"签名密钥 {path} 已加密：请设置 SANDBOX_KEY_PASSPHRASE。",
                code="key.passphrase_required",
            ) from None
        raise ConfigError(
            f"SANDBOX_KEY_PASSPHRASE is set but the signing key {path} is not encrypted;"
            " unset the variable or re-create the key.",
            f"已设置 SANDBOX_KEY_PASSPHRASE，但签名密钥 {path} 未加密；请取消该变量或重新生成密钥。",
            code="key.passphrase_unexpected",
        ) from None
    except ValueError:
        # Wrong passphrase and a corrupt PEM are indistinguishable here by design of the library.
        if _is_encrypted_pem(data):
            raise ConfigError(
                f"The passphrase in SANDBOX_KEY_PASSPHRASE does not unlock the signing key {path}.",
                f"SANDBOX_KEY_PASSPHRASE 中的口令无法解密签名密钥 {path}。",
                code="key.passphrase_wrong",
            ) from None
        raise _invalid_key(path) from None
    except Exception:
        raise _invalid_key(path) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise _invalid_key(path)
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """Load the bureau's public key (for verifiers that must not hold the private key)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            f"The bureau public key {path} does not exist: {_INIT_HINT_EN}.",
            f"局公钥 {path} 不存在：{_INIT_HINT_ZH}。",
            code="key.missing",
        ) from None
    try:
        key = serialization.load_pem_public_key(data)
    except Exception:
        raise _invalid_key(path) from None
    if not isinstance(key, Ed25519PublicKey):
        raise _invalid_key(path)
    return key


def read_private_file(path: Path, name_en: str, name_zh: str) -> bytes:
    """The bytes of a secret file, refusing one that is missing or readable by group or other."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ConfigError(
            f"The {name_en} {path} does not exist: {_INIT_HINT_EN}.",
            f"{name_zh} {path} 不存在：{_INIT_HINT_ZH}。",
            code="key.missing",
        ) from None
    if info.st_mode & 0o077:
        mode = stat.S_IMODE(info.st_mode)
        raise ConfigError(
            f"The {name_en} {path} is readable by group or other (mode {mode:04o}); run `chmod 600` on it and "
            "consider it exposed.",
            f"{name_zh} {path} 可被同组或其他用户访问（权限 {mode:04o}）；请执行 `chmod 600` 并视其为已泄露。",
            code="key.permissions",
        )
    return path.read_bytes()


def _invalid_key(path: Path) -> ConfigError:
    return ConfigError(
        f"The key file {path} is not an Ed25519 key in PEM format.",
        f"密钥文件 {path} 不是 PEM 格式的 Ed25519 密钥。",
        code="key.invalid",
    )


def _is_encrypted_pem(data: bytes) -> bool:
    return b"-----BEGIN ENCRYPTED PRIVATE KEY-----" in data


def ensure_private_dir(directory: Path) -> None:
    if directory.is_dir():
        return
    directory.mkdir(parents=True, mode=0o700, exist_ok=True)
    os.chmod(directory, 0o700)  # mkdir's mode is filtered by the umask


def write_new_private(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` only if it does not exist yet; return whether we wrote it."""
    tmp = _write_temp(path, data, 0o600)
    try:
        os.link(tmp, path)  # atomic and never replaces a key another process just created
    except FileExistsError:
        return False
    finally:
        tmp.unlink()
    return True


def _write_atomic(path: Path, data: bytes, mode: int) -> None:
    tmp = _write_temp(path, data, mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_temp(path: Path, data: bytes, mode: int) -> Path:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.fchmod(fd, mode)  # the umask may have removed bits we want (never added any)
        with os.fdopen(fd, "wb", closefd=False) as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    finally:
        os.close(fd)
    return tmp
