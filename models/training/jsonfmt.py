"""JSON written the way the repository's Prettier (printWidth 110) prints it, so generated manifests
pass `prettier --check .` without a Node step in the Python pipeline."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

WIDTH = 110


def _scalar(v: Any) -> str:
    if isinstance(v, float):
        if not math.isfinite(v):
            return "null"  # e.g. an AUC on a set without positives: undefined, not a number
        return repr(v).replace("e-0", "e-").replace("e+0", "e+").replace("e+", "e")
    return json.dumps(v, ensure_ascii=False)


def _inline(v: Any) -> str | None:
    """One-line form, or None where Prettier would break (non-empty objects keep their newlines)."""
    if isinstance(v, dict):
        return "{}" if not v else None
    if isinstance(v, (list, tuple)):
        parts = [_inline(x) for x in v]
        if any(p is None for p in parts) or _is_matrix(v):
            return None
        return "[" + ", ".join(parts) + "]"
    return _scalar(v)


def _is_matrix(v) -> bool:
    # Prettier breaks an array of two or more arrays (or objects) that each hold two or more items.
    return len(v) > 1 and all(
        (isinstance(x, (list, tuple)) and len(x) > 1) or (isinstance(x, dict) and len(x) > 1) for x in v
    ) and len({type(x) for x in v}) == 1


def _format(v: Any, indent: str, prefix_len: int) -> str:
    one = _inline(v)
    if one is not None and prefix_len + len(one) + 1 <= WIDTH:
        return one
    inner = indent + "  "
    if isinstance(v, dict):
        items = [f'{inner}{json.dumps(k)}: {_format(x, inner, len(inner) + len(json.dumps(k)) + 2)}' for k, x in v.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(v, (list, tuple)):
        items = [inner + _format(x, inner, len(inner)) for x in v]
        return "[\n" + ",\n".join(items) + "\n" + indent + "]"
    return one


def dumps(v: Any) -> str:
    return _format(v, "", 0) + "\n"


def write_json(path: Path, v: Any) -> None:
    Path(path).write_text(dumps(v))
