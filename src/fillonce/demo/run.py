"""`fillonce demo`: a fresh demo city in the configured database, then the web app."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table
from sqlalchemy.engine import make_url

from fillonce.core.config import load_settings
from fillonce.core.errors import DatabaseError
from fillonce.core.runtime import open_runtime
from fillonce.demo.build import DEMO_PASSWORD, build_demo
from fillonce.demo.witnesses import start_demo_witnesses
from fillonce.ledger import log
from fillonce.ledger import service as ledger
from fillonce.orgunits.models import LEVEL_NAMES

STEPS = {"departments": "部门 departments", "org_units": "单位 org units", "elements": "数据元 elements",
         "accounts": "用户 accounts", "specs": "已发布报表 published specs", "values": "首月数据 values of the first month", "submitted": "上月已报送的村（社区） villages submitted last month"}
STEPS["indicators"] = "指标（不报统计） indicators"  # indicators


def _fresh_database(url: str) -> None:
    """The demo rebuilds its SQLite file; it never wipes a server database."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.database + suffix).unlink(missing_ok=True)


def run_demo(console: Console, serve_after: bool, host: str, port: int) -> None:
    settings = load_settings()
    _fresh_database(settings.database_url)
    runtime = open_runtime(settings, upgrade=True)
    runtime.settings = start_demo_witnesses(runtime.settings)
    with runtime.session() as db:
        if log.current_size(db) > 0:
            raise DatabaseError("the demo needs an empty database; this one already has data")
        with Progress(TextColumn("{task.description}"), BarColumn(), console=console) as progress:
            task = progress.add_task("建立演示城市 building the demo city", total=len(STEPS))

            def step(name: str, count: int) -> None:
                progress.console.print(f"  {STEPS[name]}: {count}")
                progress.advance(task)

            summary = build_demo(db, step)
        size = log.current_size(db)
        checkpoint = ledger.make_checkpoint(db, runtime.settings)
        failures = ledger.collect_cosignatures(db, runtime.settings, checkpoint)
        cosigned = ledger.cosigned_note(db, checkpoint)
    _print_summary(console, summary, size)
    _print_ledger(console, cosigned, failures)
    if serve_after:
        import uvicorn

        from fillonce.web.app import create_app

        console.print(f"\n打开 / open  http://{host}:{port}/   (Ctrl+C 结束 / to stop)")
        uvicorn.run(create_app(runtime), host=host, port=port, log_level="warning")


def _print_ledger(console: Console, cosigned: str, failures: list[str]) -> None:
    console.print("\n账本检查点（已由民政局、卫健委两个见证方联署）/ ledger checkpoint, cosigned by two witnesses:")
    console.print(cosigned, highlight=False, markup=False)
    for failure in failures:
        console.print(f"[yellow]见证失败 / witness failed:[/yellow] {failure}")
    console.print("核验账本 / verify the ledger:  fillonce ledger verify\n"
                  "某条目的证明 / prove an entry:  fillonce ledger prove 0 -o proof.json && "
                  "python tools/verify_proof.py proof.json")


def _print_summary(console: Console, summary, ledger_size: int) -> None:
    made = Table("层级 level", "数量 count", title="演示城市 / the demo city")
    for level, count in sorted(summary.org_units_by_level.items()):
        made.add_row(LEVEL_NAMES.get(level, (str(level),))[0], str(count))
    made.add_row("部门 departments", str(summary.departments))
    made.add_row("数据元 catalogue elements", str(summary.elements))
    made.add_row("用户 accounts", str(summary.accounts))
    made.add_row("已发布报表 published specs", str(summary.specs))
    made.add_row("上月已报送 submitted last month", f"{summary.submitted}（未报 missing {summary.missing}）")
    made.add_row("账本条目 ledger entries", str(ledger_size))
    console.print(made)
    people = Table("用户名 username", "角色 role", "范围 scope", title=f"登录示例 / sign in (密码 password: {DEMO_PASSWORD})")
    for username, role, scope in summary.sign_in_examples:
        people.add_row(username, role, scope or "—")
    console.print(people)
