"""The `sandbox` command group, its error translation and shared output helpers."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sandbox.errors import SandboxError
from sandbox.settings import Settings

# Piped output (scripts, CI logs) must not be cut at 80 columns: JTIs and tokens are copied from it.
err = Console(stderr=True, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 200)

SCALES = ("tiny", "small", "full")


def _fail(error: SandboxError) -> NoReturn:
    err.print(f"[bold red]错误[/]：{error.message_zh}", highlight=False)
    err.print(f"[bold red]error[/]: {error.message}  [dim]({error.code})[/]", highlight=False)
    sys.exit(error.exit_code)


class SandboxGroup(click.Group):
    """Translates domain errors into one clear bilingual sentence and an exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SandboxError as error:
            _fail(error)


def settings() -> Settings:
    return Settings.from_env()


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[Callable[[str, int, int], None]]:
    """Yields ``advance(label, done, total)``; draws a bar on stderr when it is a terminal or enabled."""
    bar = Progress(
        TextColumn("{task.description:<36}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not enabled,
    )
    tasks: dict[str, Any] = {}

    def advance(label: str, done: int, total: int) -> None:
        if label not in tasks:
            tasks[label] = bar.add_task(label, total=total)
        bar.update(tasks[label], completed=done, total=total)

    with bar:
        yield advance


@click.group(cls=SandboxGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """黔东南州公共数据授权运营平台 · Qiandongnan public-data sandbox.

    Environment: SANDBOX_HOME (default ./var), SANDBOX_WAREHOUSE, SANDBOX_STATE_URL,
    SANDBOX_KEY_PASSPHRASE, SANDBOX_POLICIES.
    """


def main() -> None:
    try:
        cli.main(prog_name="sandbox")
    except Exception as exc:  # the last line of defence: no traceback for users
        if os.environ.get("SANDBOX_DEBUG"):
            raise
        err.print(
            f"[bold red]内部错误 internal error[/] ({type(exc).__name__}); rerun with SANDBOX_DEBUG=1 for details."
        )
        sys.exit(70)
