"""`sandbox bundle verify BUNDLE`: offline verification of an export release bundle."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sandbox.cli.app import cli, err, out, settings
from sandbox.exports.paths import revocations_path
from sandbox.exports.verification import verify_bundle_file


@cli.group("bundle")
def bundle_group() -> None:
    """Signed export release bundles · 导出发布包."""


@bundle_group.command("verify")
@click.argument("bundle", type=click.Path(path_type=Path))
@click.option("--key", "key", type=click.Path(path_type=Path), help="Bureau public key PEM (default: the home's).")
@click.option(
    "--revocations", type=click.Path(path_type=Path), help="Signed revocation list (default: the home's published one)."
)
@click.option("--no-revocation-check", is_flag=True, help="Skip the revocation list (says so in the output).")
def verify(bundle: Path, key: Path | None, revocations: Path | None, no_revocation_check: bool) -> None:
    """Verify signature, file hashes and revocation · 校验签名、文件哈希与撤销状态 (exit 1 on any problem)."""
    home = settings()
    listing = None if no_revocation_check else revocations or revocations_path(home)
    if listing is not None and not listing.is_file():
        err.print(
            f"错误：找不到撤销列表 {listing}；请用 --revocations 指定，或用 --no-revocation-check 跳过。\n"
            f"error: no revocation list at {listing}; pass --revocations FILE or --no-revocation-check.",
            highlight=False,
        )
        sys.exit(2)
    report = verify_bundle_file(bundle, key or home.public_key_path, listing)
    for problem in report.problems:
        err.print(
            f"[bold red]✗[/] {problem.message_zh}\n  {problem.message_en}  [dim]({problem.code})[/]", highlight=False
        )
    if not report.ok:
        err.print("[bold red]校验失败 verification FAILED[/]", highlight=False)
        sys.exit(1)
    manifest = report.manifest or {}
    files = manifest.get("files", [])
    out.print(
        f"校验通过 verified: request {manifest.get('request', {}).get('id')} · "
        f"enterprise {manifest.get('enterprise')} · "
        f"{len(files)} file(s) · released {manifest.get('released_at')}",
        highlight=False,
    )
    if no_revocation_check:
        out.print("未检查撤销列表 revocation list NOT checked", highlight=False)
