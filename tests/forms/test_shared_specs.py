"""Published specs are loaded once per process and shared by requests until a spec, the catalogue or a
department changes; a transaction that changed something sees its own state."""

from dataclasses import replace

import pytest

from fillonce.catalog import service as catalog
from fillonce.catalog.service import ElementInput
from fillonce.forms import service as forms
from fillonce.orgunits import service as orgunits
from fillonce.periods.ids import parse_period
from spec_stories import civil_monthly, publish

MONTH = parse_period("202611")


@pytest.fixture
def published(city):
    publish(city, civil_monthly(), city.erin)
    return city


def _form(sessions):
    with sessions() as request:  # each request has its own session
        return forms.one_form(request, orgunits.get(request, "V1"), MONTH)


def _element_input(element) -> ElementInput:
    return ElementInput(element.code, element.name_zh, element.value_type, element.aggregation,
                        element.owner.code, element.name_en, element.definition_zh, element.definition_en,
                        element.unit, element.topic, tuple(a.alias for a in element.aliases),
                        tuple(c.code for c in element.categories), tuple(map(tuple, element.options or ())),
                        element.slowly_changing)


def _item(form, code):
    return next(i for group in form.topics.values() for i in group if i.element.code == code)


def test_requests_share_the_loaded_specs_until_the_catalogue_changes(published, sessions):
    first, again = _form(sessions), _form(sessions)
    assert again.specs[0] is first.specs[0]  # loaded once, shared
    element = catalog.get(published.db, "POP_REGISTERED")
    catalog.update(published.db, published.judy, "POP_REGISTERED", replace(_element_input(element), name_zh="户籍总人口"))
    renamed = _form(sessions)
    assert renamed.specs[0] is not first.specs[0]
    assert _item(renamed, "POP_REGISTERED").element.name_zh == "户籍总人口"


def test_a_newly_published_spec_is_seen_at_once(published, sessions):
    before = _form(sessions)
    publish(published, civil_monthly(form_number="民统月02表", title_zh="城乡特困情况月报"), published.erin)
    after = _form(sessions)
    assert [s.form_number for s in before.specs] == ["民统月01表"]
    assert [s.form_number for s in after.specs] == ["民统月01表", "民统月02表"]


def test_a_transaction_that_changed_something_reads_its_own_state(published, sessions):
    _form(sessions)
    element = catalog.get(published.db, "POP_REGISTERED")
    element.name_zh = "尚未提交的名称"  # changed in this transaction, not committed
    form = forms.one_form(published.db, orgunits.get(published.db, "V1"), MONTH)
    assert _item(form, "POP_REGISTERED").element.name_zh == "尚未提交的名称"
    published.db.rollback()
