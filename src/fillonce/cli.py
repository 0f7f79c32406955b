"""The `fillonce` command. Commands call services; they never touch tables."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from fillonce.core.config import load_settings
from fillonce.core.errors import FillonceError
from fillonce.core.i18n import cli_language

app = typer.Typer(help="fillonce：基层报表数据中心 / a reporting data center where each datum is reported once.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
db_app = typer.Typer(help="数据库迁移 / database migrations", no_args_is_help=True)
orgunit_app = typer.Typer(help="组织机构 / org units", no_args_is_help=True)
catalog_app = typer.Typer(help="数据元目录 / the data-element catalogue", no_args_is_help=True)
user_app = typer.Typer(help="用户 / accounts", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(orgunit_app, name="orgunit")
app.add_typer(catalog_app, name="catalog")
app.add_typer(user_app, name="user")
WIDE_OUTPUT = 200
# Piped or redirected output keeps whole table cells (Chinese names, hidden-sender marks) instead of
# squeezing them into 80 columns.
console = Console(width=None if sys.stdout.isatty() else WIDE_OUTPUT)
errors = Console(stderr=True)


def clear_errors(fn):
    """A user's mistake is one clear line and a non-zero exit, never a traceback."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except FillonceError as exc:
            errors.print(f"[red]错误 / error:[/red] {exc.in_(cli_language())}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return run


def _runtime(upgrade: bool = False):
    from fillonce.core.runtime import open_runtime

    return open_runtime(load_settings(), upgrade=upgrade)


def _actor(db, username: str):
    from fillonce.accounts import service as accounts
    from fillonce.accounts.system import INSTALLER

    if username == INSTALLER.username:
        return INSTALLER
    return accounts.actor_of(accounts.get_account(db, username))


AS_USER = typer.Option("admin", "--as", help="以哪个用户的身份操作 / act as this account")


@db_app.command("upgrade")
@clear_errors
def db_upgrade() -> None:
    """应用迁移 / apply migrations."""
    from fillonce.core import migrate
    from fillonce.core.db import check_connection, make_engine

    engine = make_engine(load_settings().database_url)
    check_connection(engine)
    before, after = migrate.upgrade(engine)
    console.print(f"数据库迁移 / migrated: {before or '(empty)'} → {after}")


@db_app.command("current")
@clear_errors
def db_current() -> None:
    """显示当前迁移版本 / show the database's migration."""
    from fillonce.core import migrate
    from fillonce.core.db import check_connection, make_engine

    engine = make_engine(load_settings().database_url)
    check_connection(engine)
    current = migrate.check_known(engine)
    console.print(f"{current or '(empty)'} (code head: {migrate.head_revision()})")


@db_app.command("revision")
@clear_errors
def db_revision(message: str) -> None:
    """开发者：根据模型生成新的迁移 / developers: autogenerate a migration from the models."""
    from fillonce.core import migrate
    from fillonce.core.db import check_connection, make_engine

    engine = make_engine(load_settings().database_url)
    check_connection(engine)
    migrate.make_revision(engine, message)


@app.command()
@clear_errors
def serve(host: str = "127.0.0.1", port: int = 8000,
          workers: int = typer.Option(1, min=1, help="工作进程数，建议与 CPU 核数相同 / worker processes, one per core")) -> None:
    """启动网页服务 / serve the web app and the JSON API."""
    import uvicorn

    from fillonce.web.app import create_app

    runtime = _runtime(upgrade=True)
    console.print(f"fillonce: http://{host}:{port}/  (API: http://{host}:{port}/docs)")
    if workers == 1:
        uvicorn.run(create_app(runtime), host=host, port=port, log_level="info")
        return
    runtime.engine.dispose()  # each worker opens its own connections
    uvicorn.run("fillonce.web.app:app_from_environment", factory=True, workers=workers, host=host, port=port,
                log_level="info")


@app.command()
@clear_errors
def demo(serve_after: bool = typer.Option(True, "--serve/--no-serve", help="建好后启动网页 / serve afterwards"),
         host: str = "127.0.0.1", port: int = 8000) -> None:
    """建立演示城市并启动网页 / build the demo city and serve it."""
    from fillonce.demo.run import run_demo

    run_demo(console, serve_after=serve_after, host=host, port=port)


@orgunit_app.command("import")
@clear_errors
def orgunit_import(file: Path, as_user: str = AS_USER) -> None:
    """从 xlsx/csv 导入单位（全部成功或全部不写入）/ import org units from xlsx or csv, all or nothing."""
    from fillonce.core.tables import read_table
    from fillonce.orgunits import service as orgunits

    rows = read_table(file, orgunits.IMPORT_COLUMNS)
    runtime = _runtime()
    with runtime.session() as db:
        count = orgunits.import_rows(db, _actor(db, as_user), rows, file.name)
    console.print(f"导入单位 {count} 个 / imported {count} org units")


@orgunit_app.command("tree")
@clear_errors
def orgunit_tree(code: str = typer.Argument(None), depth: int = 2) -> None:
    """显示组织树 / print the org tree."""
    from rich.tree import Tree

    from fillonce.orgunits import service as orgunits

    runtime = _runtime()
    with runtime.session() as db:
        tops = [orgunits.get(db, code)] if code else orgunits.roots(db)
        for top in tops:
            tree = Tree(f"{top.name_zh} [dim]{top.code}[/dim]")
            _grow(db, tree, top, depth)
            console.print(tree)


def _grow(db, tree, unit, depth: int) -> None:
    from fillonce.orgunits import service as orgunits

    if depth <= 0:
        return
    for child in orgunits.children(db, unit):
        _grow(db, tree.add(f"{child.name_zh} [dim]{child.code}[/dim]"), child, depth - 1)


@catalog_app.command("import")
@clear_errors
def catalog_import(file: Path, as_user: str = AS_USER) -> None:
    """从 xlsx/csv 导入数据元（全部成功或全部不写入）/ import data elements, all or nothing."""
    from fillonce.catalog import service as catalog
    from fillonce.core.tables import read_table

    rows = read_table(file, catalog.IMPORT_COLUMNS)
    runtime = _runtime()
    with runtime.session() as db:
        count = catalog.import_rows(db, _actor(db, as_user), rows, file.name)
    console.print(f"导入数据元 {count} 个 / imported {count} data elements")


@catalog_app.command("search")
@clear_errors
def catalog_search(text: str = typer.Argument(""), limit: int = 50) -> None:
    """按代码、名称或别名查找数据元 / search elements by code, name or alias."""
    from fillonce.catalog import service as catalog

    runtime = _runtime()
    with runtime.session() as db:
        table = Table("代码 code", "名称 name", "单位 unit", "类型 type", "责任部门 owner")
        for e in catalog.search(db, text, limit=limit):
            table.add_row(e.code, e.name_zh, e.unit, e.value_type, e.owner.name_zh)
        console.print(table)


@user_app.command("create")
@clear_errors
def user_create(username: str, role: str, display_name: str = typer.Option("", "--name"),
                org_unit: str = typer.Option(None, "--org-unit"), department: str = typer.Option(None, "--department"),
                duty: str = "", as_user: str = AS_USER) -> None:
    """创建用户（密码从标准输入或提示读取）/ create an account; the password is prompted for."""
    from fillonce.accounts import service as accounts

    password = typer.prompt("密码 / password", hide_input=True, confirmation_prompt=sys.stdin.isatty())
    runtime = _runtime()
    with runtime.session() as db:
        accounts.create_account(db, _actor(db, as_user), accounts.AccountInput(
            username, display_name or username, password, role, org_unit, department, duty))
    console.print(f"已创建用户 / created account {username}")


ledger_app = typer.Typer(help="可验证账本 / the verifiable ledger", no_args_is_help=True)
witness_app = typer.Typer(help="独立见证服务 / an independent witness")
app.add_typer(ledger_app, name="ledger")
app.add_typer(witness_app, name="witness")


@ledger_app.command("keygen")
@clear_errors
def ledger_keygen(force: bool = typer.Option(False, help="替换已有密钥 / replace existing keys")) -> None:
    """生成账本签名密钥和内容盐值（存放在数据库之外）/ make the log's signing key and content salt."""
    from fillonce.ledger import keys

    settings = load_settings()
    path, verifier = keys.keygen(settings, force=force)
    console.print(f"私钥 / private key: {path}\n公钥 / verifier key: {verifier}")


@ledger_app.command("checkpoint")
@clear_errors
def ledger_checkpoint() -> None:
    """立即签发检查点并请见证方联署 / sign a checkpoint now and collect cosignatures."""
    from fillonce.ledger import service

    runtime = _runtime()
    with runtime.session() as db:
        checkpoint = service.make_checkpoint(db, runtime.settings)
        failures = service.collect_cosignatures(db, runtime.settings, checkpoint)
        console.print(service.cosigned_note(db, checkpoint), highlight=False)
    for failure in failures:
        errors.print(f"[yellow]见证失败 / witness failed:[/yellow] {failure}")


@ledger_app.command("verify")
@clear_errors
def ledger_verify() -> None:
    """重算整棵树、核对检查点与联署、并核对数据表与账本重放一致 / verify everything."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from fillonce.ledger import log, verify

    runtime = _runtime()
    with runtime.session() as db:
        total = log.current_size(db)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console) as bar:
            task = bar.add_task("核验 verifying", total=total)
            report = verify.verify(db, runtime.settings, lambda n: bar.update(task, completed=n))
    console.print(f"条目 entries: {report.size}  检查点 checkpoints: {report.checkpoints}  "
                  f"联署 cosignatures: {report.cosignatures}  对象 objects: {report.objects}")
    if report.ok:
        console.print("[green]账本完好 / the ledger verifies[/green]")
        return
    first = report.first_bad_entry()
    for problem in report.problems:
        errors.print("[red]问题 / problem:[/red] ", end="")
        errors.print(str(problem), markup=False, highlight=False)
    if first is not None:
        errors.print(f"第一个有问题的条目 / first bad entry: {first}")
    raise typer.Exit(1)


@ledger_app.command("prove")
@clear_errors
def ledger_prove(entry: int, output: Path = typer.Option(None, "--out", "-o")) -> None:
    """输出某条目的证明包（可用 tools/verify_proof.py 离线核验）/ a proof bundle for one entry."""
    import json

    from fillonce.ledger import service

    runtime = _runtime()
    with runtime.session() as db:
        bundle = service.proof_bundle(db, runtime.settings, entry)
    text = json.dumps(bundle, ensure_ascii=False, indent=2)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
        console.print(f"已写入 / written: {output}")
    else:
        print(text)


@witness_app.command("keygen")
@clear_errors
def witness_keygen(name: str, key_file: Path = typer.Option(..., "--key-file")) -> None:
    """生成见证方的联署密钥 / make a witness's cosigning key."""
    from fillonce.ledger.cosignature import generate_cosigner

    signer, verifier = generate_cosigner(name)
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text(signer + "\n", encoding="utf-8")
    key_file.chmod(0o600)
    console.print(f"公钥 / verifier key: {verifier}")


@witness_app.callback(invoke_without_command=True)
@clear_errors
def witness(context: typer.Context, key_file: Path = typer.Option(None, "--key-file"),
            state: Path = typer.Option(None, "--state", help="见证状态文件 / the witness's state (SQLite)"),
            log_key: list[str] = typer.Option(None, "--log", help="ORIGIN=LOG_VERIFIER_KEY, repeatable"),
            host: str = "127.0.0.1", port: int = 8101) -> None:
    """运行独立见证服务（C2SP tlog-witness）/ run a witness: fillonce witness --key-file K --state S --log O=KEY."""
    if context.invoked_subcommand is not None:
        return
    if not (key_file and state and log_key):
        raise typer.BadParameter("--key-file, --state and --log are needed to run a witness")
    import uvicorn

    from fillonce.core.errors import ConfigError
    from fillonce.ledger.witness import create_witness_app

    if any("=" not in item for item in log_key):
        raise ConfigError("--log takes ORIGIN=LOG_VERIFIER_KEY")
    logs = dict(item.split("=", 1) for item in log_key)
    app_ = create_witness_app(key_file.read_text(encoding="utf-8").strip(), state, logs)
    console.print(f"见证服务 / witness: http://{host}:{port}/")
    uvicorn.run(app_, host=host, port=port, log_level="warning")


@app.command()
@clear_errors
def audit(files: list[Path] = typer.Argument(..., help="表格模板（xlsx）或所在文件夹 / xlsx form templates or folders"),
          as_json: bool = typer.Option(False, "--json", help="输出 JSON / print the JSON result"),
          xlsx: Path = typer.Option(None, "--xlsx", help="写出重复字段对照表 / write the duplicate map workbook")) -> None:
    """盘点基层表格，找出重复字段 / audit an inventory of grassroots forms for duplicate fields."""
    import json

    from fillonce.audit.inventory import (
        audit_files,
        render_table,
        write_duplicate_map_xlsx,
    )

    result = audit_files(files)
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        render_table(result, console)
    if xlsx:
        write_duplicate_map_xlsx(result, xlsx)
        (errors if as_json else console).print(f"已写出 / written: {xlsx}")
    for problem in result.errors:
        errors.print(f"[yellow]跳过 / skipped:[/yellow] {problem}", highlight=False)


spec_app = typer.Typer(help="报表规范 / report specifications", no_args_is_help=True)
app.add_typer(spec_app, name="spec")


@spec_app.command("import")
@clear_errors
def spec_import(file: Path, department: str = typer.Option(None, "--department", help="制表机关代码 / department code"),
                period_type: str = typer.Option(None, "--period-type", help="monthly, quarterly, yearly …"),
                as_user: str = AS_USER) -> None:
    """从 YAML/JSON、部门现用的 Excel 模板或 XLSForm 导入报表草稿 / import a spec draft."""
    from fillonce.specs import service as specs
    from fillonce.specs.importers import load_spec

    draft = load_spec(file, department_code=department, period_type=period_type)
    runtime = _runtime()
    with runtime.session() as db:
        spec = specs.create_draft(db, _actor(db, as_user), draft)
        console.print(f"已导入草稿 / imported draft: {spec.form_number} v{spec.version}（id {spec.id}），"
                      f"{len(spec.fields)} 个字段 / fields")


@spec_app.command("list")
@clear_errors
def spec_list(status: str = typer.Option(None, help="draft, submitted, approved, published, retired"),
              as_user: str = AS_USER) -> None:
    """列出报表规范 / list specifications."""
    from fillonce.specs import service as specs
    from fillonce.specs.models import STATUS_LABELS

    runtime = _runtime()
    with runtime.session() as db:
        table = Table("id", "表号 form", "版本 v", "标题 title", "制表机关 dept", "周期 period", "状态 status", "字段 fields")
        for s in specs.list_specs(db, _actor(db, as_user), status=status):
            table.add_row(str(s.id), s.form_number, str(s.version), s.title_zh, s.department.name_zh, s.period_type,
                          STATUS_LABELS[s.status][0], str(len(s.fields)))
        console.print(table)


@spec_app.command("gate")
@clear_errors
def spec_gate(spec_id: int, as_user: str = AS_USER) -> None:
    """显示报表的查重结果与填报负担 / show a spec's gate report and burden."""
    from fillonce.specs import gate
    from fillonce.specs import service as specs

    runtime = _runtime()
    with runtime.session() as db:
        spec = specs.get(db, _actor(db, as_user), spec_id)
        report = spec.gate_report or gate.check(db, spec)
    verdicts = {"same": "相同数据元", "duplicate": "疑似重复", "new": "新增", "computed": "计算", "register": "台账"}
    table = Table("字段 field", "结论 verdict", "数据元 element", "方式 mode", "说明 why")
    for f in report["fields"]:
        element = f.get("element") or {}
        why = "；".join(f.get("reasons", [])) or (f"复用 {f['reuse_from']}" if f.get("reuse_from") else "")
        table.add_row(f"{f['key']} {f['label']}", verdicts.get(f["verdict"], f["verdict"]),
                      f"{element.get('name', '')} {element.get('owner', '')}", f.get("mode", ""), why)
    console.print(table)
    burden = report["burden"]
    console.print(f"负担 burden: {burden['fields_asked']} 字段 × {burden['units']} 单位 × "
                  f"{burden['periods_per_year']} 期/年 = {burden['cells_per_year']} 项次/年")


@app.command("form")
@clear_errors
def one_form(unit: str, period: str, as_user: str = AS_USER) -> None:
    """显示某单位某期的“一表通” / show a unit's one form for a period."""
    from fillonce.accounts.permissions import authorize
    from fillonce.forms import service as forms
    from fillonce.orgunits import service as orgunits
    from fillonce.periods.ids import parse_period

    runtime = _runtime()
    with runtime.session() as db:
        target = orgunits.get(db, unit)
        authorize(_actor(db, as_user), "form.view", target)
        form = forms.one_form(db, target, parse_period(period))
    table = Table("主题 topic", "项目 item", "预填 prefilled", "使用部门 used by", title=f"{form.unit.name_zh} {form.period.label_zh}")
    for topic, items in form.topics.items():
        for item in items:
            table.add_row(topic, item.element.name_zh + ("" if item.asked else "（他表已采集）"),
                          "、".join(item.prefill.values()), "、".join(item.departments))
    console.print(table)
    b = form.burden
    console.print(f"分散报表 separate forms: {b.separate_fields}  本表 asks: {b.asked_fields}  "
                  f"预填 prefilled: {b.prefilled_fields}  计算/复用 computed: {b.computed_fields}")


reports_app = typer.Typer(help="报表中心 / the report center", no_args_is_help=True)
app.add_typer(reports_app, name="reports")


@reports_app.command("rebuild")
@clear_errors
def reports_rebuild() -> None:
    """生成到期的订阅报表（服务运行时会自动进行）/ build subscribed reports whose period has closed."""
    from fillonce.reports import subscriptions

    runtime = _runtime()
    with runtime.session() as db:
        built = subscriptions.rebuild_due(db, runtime.settings)
    for report in built:
        console.print(f"{report.period} {report.filename} sha256={report.sha256[:16]}…")
    console.print(f"生成 {len(built)} 份 / built {len(built)}")


# ---- quality findings ------------------------------------------------------------------
quality_app = typer.Typer(help="数据质量 / data-quality findings", no_args_is_help=True)
app.add_typer(quality_app, name="quality")


@quality_app.command("run")
@clear_errors
def quality_run(period: str, as_user: str = AS_USER) -> None:
    """对某期运行全部质量检查 / run every quality check for a period."""
    from fillonce.quality import service as quality

    runtime = _runtime()
    with runtime.session() as db:
        summary = quality.run_checks(db, _actor(db, as_user), period)
    table = Table("类别 kind", "发现 found", title=f"{summary.period}")
    for kind, count in summary.found.items():
        table.add_row(kind, str(count))
    console.print(table)
    console.print(f"新增 new: {summary.new}  不再出现 cleared: {summary.cleared}")
# ---- indicators (不报统计) -------------------------------------------------------------------------
indicators_app = typer.Typer(help="指标（不报统计）/ indicators computed from registers", no_args_is_help=True)
app.add_typer(indicators_app, name="indicators")


@indicators_app.command("compute")
@clear_errors
def indicators_compute(period: str, level: int = typer.Option(1, help="显示哪一层级 / the level shown"),
                       out: Path = typer.Option(None, "--out", "-o", help="全部单位写入 xlsx / every unit to xlsx")) -> None:
    """计算某期的全部指标 / compute every indicator for a period at every org unit."""
    import time

    from fillonce.core.tables import xlsx_bytes
    from fillonce.indicators.compute import compute
    from fillonce.periods.ids import parse_period

    runtime = _runtime()
    with runtime.session() as db:
        started = time.perf_counter()
        result = compute(db, parse_period(period))
        seconds = time.perf_counter() - started
    codes = [i.code for i in result.indicators]
    table = Table("单位 unit", *codes, title=f"{result.period.label_zh}（{len(result.units)} 个单位 units）")
    for unit in result.at_level(level):
        table.add_row(f"{unit.code} {unit.name_zh}", *[_figure(result.values[c][unit.id]) for c in codes])
    console.print(table)
    if out:
        rows = [(u.code, u.name_zh, u.level, *[result.values[c][u.id] for c in codes])
                for u in sorted(result.units.values(), key=lambda u: u.path)]
        out.write_bytes(xlsx_bytes(f"指标{result.period.id}", ["单位代码", "单位", "层级", *codes], rows))
        console.print(f"写入 written: {out}")
    console.print(f"{len(codes)} 个指标 indicators × {len(result.units)} 个单位 units：{seconds:.2f} s")


def _figure(value) -> str:
    return "—" if value is None else f"{value:g}"


@indicators_app.command("burden")
@clear_errors
def indicators_burden(periods: list[str] = typer.Argument(None, help="报告期；默认各类报表最近一期 / periods"),
                      detail: bool = typer.Option(False, help="逐个单位列出 / list every unit")) -> None:
    """指标从“一表通”中去掉的基层填报项 / the grassroots fields the indicators took off the one form."""
    from fillonce.core.db import utcnow
    from fillonce.indicators.burden import relief
    import statistics

    from fillonce.periods.ids import parse_period, period_of, periods_per_year
    from fillonce.specs.gate import published_specs

    runtime = _runtime()
    with runtime.session() as db:
        if not periods:
            types = sorted({s.period_type for s in published_specs(db)})
            periods = [period_of(t, utcnow().date()).previous().id for t in types]
        found = [relief(db, parse_period(p)) for p in periods]
    table = Table("报告期 period", "有表单位 units", "去掉的项 removed", "每单位 per unit", "仍需填报 still asked",
                  "项次/年 cells a year")
    for r in found:
        per_unit = sorted(u.removed for u in r.units)
        spread = f"{per_unit[0]}–{per_unit[-1]}" if per_unit else "—"
        table.add_row(r.period.id, str(len(r.units)), str(r.removed), spread, str(r.asked), str(r.cells_per_year))
    console.print(table)
    console.print(f"合计 total: {sum(r.removed for r in found)} 项（各期合计 summed over the periods）；"
                  f"{sum(r.cells_per_year for r in found)} 项次/年 cells a year")
    yearly: dict[str, float] = {}
    for r in found:
        for u in r.units:
            yearly[u.unit_code] = yearly.get(u.unit_code, 0) + u.removed * periods_per_year(r.period.type)
    if yearly:
        console.print(f"每单位每年少填 fields a unit no longer fills a year: 最多 max {max(yearly.values()):g}，"
                      f"中位数 median {statistics.median(yearly.values()):g}（{len(yearly)} 个单位 units）")
    if detail:
        for r in found:
            for u in r.units:
                console.print(f"{r.period.id} {u.unit_code} removed={u.removed} asked={u.asked}")
# ---- feedback and burden metrics -------------------------------------------------------
feedback_app = typer.Typer(help="投诉建议 / grassroots feedback", no_args_is_help=True)
app.add_typer(feedback_app, name="feedback")


def _feedback_table(described, title: str) -> Table:
    from fillonce.feedback.models import KINDS, STATUSES

    table = Table("#", "提出 raised", "表号 form", "字段 field", "类型 kind", "答复单位 to answer", "反馈人 sender",
                  "状态 status", "期限 due", title=title)
    for d in described:
        f = d.feedback
        table.add_row(str(f.id), f.raised_at.date().isoformat(), f.spec.form_number if f.spec else "",
                      f.field_key or "", KINDS[f.kind][0], f.department.name_zh if f.department else "减负办",
                      d.sender, STATUSES[f.status][0] + ("（超期）" if d.overdue else ""), f.due_at.date().isoformat())
    return table


@feedback_app.command("list")
@clear_errors
def feedback_list(status: str = typer.Option(None, help="open, answered, reopened, closed"),
                  as_user: str = AS_USER) -> None:
    """列出可见的反馈 / list the feedback this account may see."""
    from fillonce.feedback import service as feedback

    runtime = _runtime()
    with runtime.session() as db:
        actor = _actor(db, as_user)
        rows = [feedback.describe(actor, f) for f in feedback.listing(db, actor, status=status)]
        console.print(_feedback_table(rows, f"反馈 feedback ({len(rows)})"))


@feedback_app.command("overdue")
@clear_errors
def feedback_overdue(as_user: str = AS_USER) -> None:
    """超期未答复的反馈（减负办）/ feedback whose answer is overdue (the office)."""
    from fillonce.feedback import service as feedback

    runtime = _runtime()
    with runtime.session() as db:
        actor = _actor(db, as_user)
        rows = [feedback.describe(actor, f) for f in feedback.overdue(db, actor)]
        console.print(_feedback_table(rows, f"超期 overdue ({len(rows)})"))


@app.command("burden")
@clear_errors
def burden_figures(unit: str = typer.Option("", help="单位代码 / org unit code"),
                   department: str = typer.Option("", help="部门代码 / department code"),
                   months: int = typer.Option(12, min=1, max=120), as_user: str = AS_USER) -> None:
    """填报负担（字段与估计分钟数）/ reporting burden in fields and estimated minutes, month by month."""
    from fillonce.burden import service as burden

    runtime = _runtime()
    with runtime.session() as db:
        scope = burden.scope_for(db, _actor(db, as_user), unit_code=unit, department_code=department)
        measured = burden.measure_scope(db, scope, months)
    table = Table("月份 month", "分散报表 forms", "原字段 fields", "询问 asked", "手工 hand", "预填 prefilled",
                  "计算 computed", "避免重复 duplicates", "原分钟 min before", "现分钟 min after", title=scope.label.zh)
    for month, t in [*measured.months, (None, measured.total)]:
        table.add_row(month.id if month else "合计 total", str(t.forms_before), str(t.separate), str(t.asked),
                      str(t.hand), str(t.prefilled), str(t.computed), str(t.duplicate), f"{t.minutes_before:.0f}",
                      f"{t.minutes_after:.0f}")
    console.print(table)
# --- registers (台账) ---
registers_app = typer.Typer(help="名册（台账）/ registers", no_args_is_help=True)
app.add_typer(registers_app, name="registers")


@registers_app.command("import")
@clear_errors
def registers_import(code: str, file: Path, good_rows_only: bool = typer.Option(
        False, "--good-rows-only", help="有错误行时只导入正确的行 / load the good rows, leave out the bad"),
        errors_to: Path = typer.Option(None, "--errors", help="错误报告（xlsx）写到这里 / write the error report here"),
        as_user: str = AS_USER) -> None:
    """导入名册文件（xlsx/csv），默认有错误行则全部不导入 / import a register file; by default all or nothing."""
    from fillonce.registers import loading

    runtime = _runtime()
    with runtime.session() as db:
        try:
            result = loading.import_file(db, _actor(db, as_user), code, file, good_rows_only)
        except loading.RegisterRejected as rejected:
            if errors_to:
                errors_to.write_bytes(loading.error_report_xlsx(rejected.row_problems))
            raise
        load = result.load
    if result.problems and errors_to:
        errors_to.write_bytes(loading.error_report_xlsx(result.problems))
    console.print(f"行 rows {load.rows}  新增 added {load.added}  变更 changed {load.changed}  "
                  f"注销 removed {load.removed}  未导入 rejected {load.rejected}")


@registers_app.command("list")
@clear_errors
def registers_list(as_user: str = AS_USER) -> None:
    """列出名册及其记录数 / the registers with their counts."""
    from fillonce.registers import service as registers

    runtime = _runtime()
    with runtime.session() as db:
        table = Table("代码 code", "名称 name", "部门 department", "互斥组 group", "现有记录 current", "导入 imports")
        for s in registers.visible(db, _actor(db, as_user)):
            table.add_row(s.register.code, s.register.name_zh, s.register.department.code, s.register.exclusive_group,
                          str(s.active), str(s.imports))
        console.print(table)
