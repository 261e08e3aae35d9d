"""Recognise an ONNX ModelProto by walking its top-level protobuf fields (no onnx dependency)."""

from __future__ import annotations

# ModelProto fields: ir_version 1, producer_name 2, producer_version 3, domain 4, model_version 5,
# doc_string 6, graph 7, opset_import 8, metadata_props 14, training_info 20, functions 25, configuration 26.
_ONNX_FIELDS = {1: 0, 2: 2, 3: 2, 4: 2, 5: 0, 6: 2, 7: 2, 8: 2, 14: 2, 20: 2, 25: 2, 26: 2}


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError("truncated varint")
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, pos
        shift += 7


def looks_like_onnx(data: bytes) -> bool:
    """True if every top-level field is a known ModelProto field and a graph (7) is present."""
    if not data.startswith(b"\x08"):
        return False
    pos, seen = 0, set()
    try:
        while pos < len(data):
            key, pos = _varint(data, pos)
            field, wire = key >> 3, key & 7
            if _ONNX_FIELDS.get(field) != wire:
                return False
            if wire == 0:
                _, pos = _varint(data, pos)
            else:
                length, pos = _varint(data, pos)
                pos += length
                if pos > len(data):
                    return False
            seen.add(field)
    except ValueError:
        return False
    return 1 in seen and 7 in seen
