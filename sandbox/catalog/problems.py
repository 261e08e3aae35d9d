"""A problem found in policies/: where it is (file:line) and what is wrong, in English and Chinese."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sandbox.errors import CatalogError


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None  # 1-based; None when the problem is about a file that does not exist
    message: str
    message_zh: str
    code: str = "catalog.invalid"

    def where(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"

    def __str__(self) -> str:
        return f"{self.where()}: {self.message}"

    def format_zh(self) -> str:
        return f"{self.where()}: {self.message_zh}"


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """File order, then line order (problems without a line first)."""
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.message))


class CatalogProblems(CatalogError):
    """Raised when policies/ cannot be used; ``problems`` lists every finding."""

    code = "catalog.invalid"

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(sort_problems(problems))
        head = self.problems[:20]
        more = len(self.problems) - len(head)
        tail_en = f"\n… and {more} more" if more else ""
        tail_zh = f"\n…… 另有 {more} 项" if more else ""
        super().__init__(
            f"{len(self.problems)} problem(s) in the catalogue:\n" + "\n".join(str(p) for p in head) + tail_en,
            f"目录存在 {len(self.problems)} 个问题：\n" + "\n".join(p.format_zh() for p in head) + tail_zh,
        )
