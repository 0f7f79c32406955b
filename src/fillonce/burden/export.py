"""The city's before/after as a workbook: the summary in the pilots' form, then the month-by-month trend,
the departments and the specs."""

from __future__ import annotations

from fillonce.burden.service import Summary, Tally
from fillonce.core.tables import xlsx_sheets

TALLY_HEADERS = ["分散报表份数", "一表通份数", "分散报表字段", "一表通询问", "手工填写", "预填核对", "系统计算",
                 "避免重复", "原需分钟", "现需分钟", "节省分钟"]


def _tally_cells(t: Tally) -> list[object]:
    return [t.forms_before, t.forms_after, t.separate, t.asked, t.hand, t.prefilled, t.computed, t.duplicate,
            round(t.minutes_before, 1), round(t.minutes_after, 1), round(t.minutes_saved, 1)]


def summary_xlsx(summary: Summary) -> bytes:
    total = summary.measured.total
    headline = [
        ("报表（表式）数量", summary.specs, summary.period_types, "每个报送周期一张“一表通”"),
        ("指标（字段）数量", summary.indicators_before, summary.indicators_after, "同一数据只问一次"),
        ("一年需填报表份数", total.forms_before, total.forms_after, "全市各单位合计，近 12 个月"),
        ("一年填写字段数", total.separate, total.asked, "其余由系统计算或复用"),
        ("自动生成报表（份/年）", "", summary.reports_a_year, "部门报表由共享数据生成，不再下发填报"),
        ("估计工作量（小时）", round(total.minutes_before / 60, 1), round(total.minutes_after / 60, 1),
         f"节省 {summary.hours_saved:.1f} 小时"),
    ]
    measured = summary.measured
    return xlsx_sheets([
        ("减负成效", ["项目", "实施前", "实施后", "说明"], headline),
        ("逐月趋势", ["月份", *TALLY_HEADERS], [[m.id, *_tally_cells(t)] for m, t in measured.months]),
        ("按部门", ["部门", *TALLY_HEADERS], [[name, *_tally_cells(t)] for name, t in sorted(measured.by_department.items())]),
        ("按报表", ["表号", "标题", *TALLY_HEADERS],
         [[number, measured.titles[number], *_tally_cells(t)] for number, t in sorted(measured.by_spec.items())]),
    ])
