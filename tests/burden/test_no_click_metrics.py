"""No click metrics (2026 rules for grassroots apps): nothing in the product counts or ranks page views,
downloads, sign-ins, online time or check-ins as performance. Downloads exist only as ledger transmissions.

These checks read the schema, the templates, the catalogue of translations and the source, so a later change
that adds such a counter fails here and has to face the rule."""

import re
from pathlib import Path

from fillonce.core.models import metadata

SRC = Path(__file__).resolve().parents[2] / "src" / "fillonce"
ACTIVITY = re.compile(r"(page_?views?|views?_count|clicks?|downloads?|visits?|hits|log_?ins?|sign_?ins?|online|"
                      r"check_?ins?|last_seen|last_active|activity|active_time|dwell)")
# Failed sign-ins throttle password guessing (a 15-minute window, cleared on success): security, never a
# figure about anyone.
SECURITY = {"sign_in_failure"}
WORDING = re.compile(r"点击量|点击次数|浏览量|浏览次数|访问量|下载量|下载次数|登录次数|在线时长|打卡|签到|活跃度|排行榜|"
                     r"page views|click count|number of clicks|download count|times downloaded|online time|"
                     r"check-ins?|leaderboard|most active|sign-in count", re.IGNORECASE)

# Grouping the ledger's entries by the object they describe is about data, not people: only accounts,
# sessions and the columns naming a person are forbidden keys.
PER_PERSON = re.compile(r"group_by\([^)]*(Account|WebSession|username|account_id|_by\b)|"
                        r"order_by\([^)]*(func\.count|count\(\))")


def test_no_table_or_column_counts_activity():
    found = [f"{table.name}.{column.name}" for table in metadata.sorted_tables if table.name not in SECURITY
             for column in table.columns if ACTIVITY.search(column.name)]
    found += [table.name for table in metadata.sorted_tables if table.name not in SECURITY and ACTIVITY.search(table.name)]
    assert found == []


def test_no_page_speaks_of_views_clicks_downloads_online_time_or_check_ins():
    texts = list((SRC / "web" / "templates").rglob("*.html")) + list((SRC / "web" / "locale").rglob("*.po"))
    offending = [f"{path.name}: {match.group(0)}" for path in texts
                 for match in WORDING.finditer(path.read_text(encoding="utf-8"))]
    assert offending == []


def test_nothing_groups_or_orders_people_by_what_they_did():
    """No query counts per account, per session or per ledger entry, and nothing is ranked by a count."""
    offending = [f"{path.relative_to(SRC)}:{number}" for path in SRC.rglob("*.py")
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if PER_PERSON.search(line)]
    assert offending == []


def test_the_checks_can_fail():
    assert ACTIVITY.search("page_views") and ACTIVITY.search("last_sign_in") and ACTIVITY.search("download_count")
    assert WORDING.search("本月下载量排行榜") and WORDING.search("Online time this week")
    assert PER_PERSON.search("select(Account.id).group_by(Account.id)")
    assert PER_PERSON.search("query.order_by(func.count(Download.id).desc())")
    assert PER_PERSON.search("select(func.count()).group_by(Submission.submitted_by)")
    assert not PER_PERSON.search("select(func.max(LedgerEntry.idx)).group_by(LedgerEntry.object_id)")
