"""The one error the scanners raise: a file the airlock will not accept."""

from __future__ import annotations

from enum import StrEnum

from sandbox.errors import SandboxError


class RejectReason(StrEnum):
    """Why a file was refused; stable values, programs match on them."""

    UNSUPPORTED_TYPE = "unsupported_type"
    TOO_LARGE = "too_large"
    CORRUPT = "corrupt"
    ZIP_BOMB = "zip_bomb"
    PATH_TRAVERSAL = "path_traversal"
    EXECUTABLE_MODEL = "executable_model"


_HOW_TO_EXPORT_MODEL_EN = (
    "pickle/joblib files run code when loaded and are never released. Export the model instead as "
    "skops (skops.io.dump), ONNX (skl2onnx) or a JSON file of its coefficients/parameters."
)
_HOW_TO_EXPORT_MODEL_ZH = (
    "pickle/joblib 文件在加载时会执行代码，不予导出。请改用 skops（skops.io.dump）、ONNX（skl2onnx）"
    "或保存模型系数/参数的 JSON 文件导出模型。"
)

_DEFAULT_TEXT: dict[RejectReason, tuple[str, str]] = {
    RejectReason.UNSUPPORTED_TYPE: (
        "file type is not allowed (allowed: CSV, TSV, Parquet, JSON, JSONL, XLSX, UTF-8 text, Markdown, "
        ".ipynb, PNG/JPEG/GIF/WebP/TIFF images, JSON/ONNX/skops models)",
        "文件类型不允许导出（允许：CSV、TSV、Parquet、JSON、JSONL、XLSX、UTF-8 文本、Markdown、.ipynb、"
        "PNG/JPEG/GIF/WebP/TIFF 图片、JSON/ONNX/skops 模型）",
    ),
    RejectReason.TOO_LARGE: ("file exceeds the size or row limit", "文件超过大小或行数限制"),
    RejectReason.CORRUPT: ("file is corrupt or cannot be parsed", "文件已损坏或无法解析"),
    RejectReason.ZIP_BOMB: (
        "archive inflates beyond the allowed size or ratio (zip bomb)",
        "压缩包解压后超过允许的大小或压缩比（疑似压缩炸弹）",
    ),
    RejectReason.PATH_TRAVERSAL: (
        "file name is not a plain file name (path separators, '..', control characters)",
        "文件名不合法（含路径分隔符、'..' 或控制字符）",
    ),
    RejectReason.EXECUTABLE_MODEL: (_HOW_TO_EXPORT_MODEL_EN, _HOW_TO_EXPORT_MODEL_ZH),
}


class FileRejected(SandboxError):
    """An exported file is refused before any scanning result is trusted.

    The message names the rule (``reason``) and the file, never the file's content.
    """

    code = "export.file_rejected"

    def __init__(self, file: str, reason: RejectReason, detail_en: str = "", detail_zh: str = "") -> None:
        base_en, base_zh = _DEFAULT_TEXT[reason]
        en = f"[{reason.value}] {file}: {base_en}" + (f" ({detail_en})" if detail_en else "")
        zh = f"[{reason.value}] {file}：{base_zh}" + (f"（{detail_zh or detail_en}）" if detail_en else "")
        super().__init__(en, zh)
        self.file = file
        self.reason = reason
        self.detail_en = detail_en
        self.detail_zh = detail_zh

    def renamed(self, file: str) -> FileRejected:
        """The same refusal naming another file (readers only know a generic name)."""
        return FileRejected(file, self.reason, self.detail_en, self.detail_zh)
