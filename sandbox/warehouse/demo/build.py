"""Build the synthetic 黔东南 demo warehouse: ``build_demo_warehouse``."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sandbox.errors import WarehouseError
from sandbox.warehouse.demo import common, governance, hospitality, housing_fund, tourism, transit, waterways
from sandbox.warehouse.demo.context import BuildContext
from sandbox.warehouse.demo.frame import TableJob
from sandbox.warehouse.demo.scales import get_scale
from sandbox.warehouse.demo.schema import TABLES
from sandbox.warehouse.demo.world import World
from sandbox.warehouse.demo.writer import WarehouseWriter, atomic_target, write_parquet_atomic

DEFAULT_SEED = 20251

# Scenario modules in build order; each returns the jobs of its tables. Shared state is released
# after the scenario that needs it last, to keep peak memory low.
SCENARIOS: tuple[tuple[str, Callable[[World], list[TableJob]], tuple[str, ...]], ...] = (
    ("common", common.jobs, ()),
    ("tourism", tourism.jobs, ()),
    ("hospitality", hospitality.jobs, ()),
    ("governance", governance.jobs, ()),
    ("waterways", waterways.jobs, ()),
    ("transit", transit.jobs, ("transit.network",)),
    ("housing_fund", housing_fund.jobs, ("housing_fund", "transit.cards")),
)


@dataclass
class BuildReport:
    """What was built: rows per table ("schema.table"), wall-clock seconds, the scale and seed."""

    scale: str
    seed: int
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    truth_rows: int = 0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@contextmanager
def _progress(enabled: bool) -> Iterator[Progress | None]:
    if not enabled:
        yield None
        return
    columns = (TextColumn("{task.description:<34}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        yield bar


def _run_job(writer: WarehouseWriter, job: TableJob, bar: Progress | None) -> int:
    task = bar.add_task(job.table, total=job.expected_rows) if bar is not None else None
    done = 0
    for chunk in job.produce():
        writer.append(job.table, chunk)
        done += chunk.num_rows
        if bar is not None and task is not None:
            bar.update(task, completed=done)
    if bar is not None and task is not None:
        bar.update(task, total=done, completed=done)
    return done


def build_demo_warehouse(
    target: Path, truth_path: Path, *, scale: str, seed: int = DEFAULT_SEED, progress: bool = True
) -> BuildReport:
    """Generate every table of ``schema.TABLES`` into the DuckDB file ``target``.

    The 公积金 risk-pattern truth table goes to the Parquet file ``truth_path`` (never into the
    warehouse). Both files are written beside their targets and moved into place only when the whole
    build succeeded; on failure an existing target is left untouched. Raises ``UsageError`` with
    code ``demo.scale`` for an unknown scale.
    """
    sc = get_scale(scale)
    started = time.perf_counter()
    report = BuildReport(scale=sc.name, seed=seed)
    world = World(BuildContext(seed, sc))
    target, truth_path = Path(target), Path(truth_path)
    truth = None
    with atomic_target(target) as tmp_db, _progress(progress) as bar:
        writer = WarehouseWriter(tmp_db)
        try:
            for name, jobs, release in SCENARIOS:
                for job in jobs(world):
                    report.rows[job.table] = _run_job(writer, job, bar)
                if name == "housing_fund":
                    truth = housing_fund.truth_table(world)
                for key in release:
                    world.forget(key)
            missing = set(TABLES) - set(report.rows)
            if missing or truth is None:
                raise WarehouseError(
                    f"the demo generator did not produce every table: {sorted(missing)}",
                    f"演示数据生成器未生成全部数据表：{sorted(missing)}",
                    code="demo.incomplete",
                )
            writer.close()
        except BaseException:
            writer.abort()
            raise
        write_parquet_atomic(truth, truth_path)
        report.truth_rows = truth.num_rows
    report.seconds = time.perf_counter() - started
    return report
