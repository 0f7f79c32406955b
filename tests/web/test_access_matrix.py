"""Every page and API read × every story person: who may see what, forbidden paths included.

A new GET route fails `test_every_route_is_in_the_matrix` until it is given a row here."""

import pytest

from fillonce.entry import service as entry
from fillonce.feedback import service as feedback
from fillonce.indicators import service as indicators
from fillonce.orgunits import service as orgunits
from fillonce.registers import service as registers
from fillonce.specs import service as specs
from spec_stories import add_population, civil_monthly, publish
from stories import PEOPLE

EVERYONE = frozenset(PEOPLE)
UNIT_READERS = frozenset({"alice", "carol", "erin", "frank", "grace", "heidi", "ivan", "judy"})
REPORT_READERS = frozenset({"carol", "dave", "erin", "frank", "heidi", "ivan", "judy"})
FOLLOW_UP = frozenset({"carol", "dave", "heidi", "ivan", "judy"})
LEDGER = frozenset({"heidi", "ivan", "judy"})
STEWARDS = frozenset({"heidi", "judy"})
QUALITY = frozenset({"carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"})
FEEDBACK_READERS = frozenset({"alice", "erin", "frank", "heidi", "ivan", "judy"})  # alice's, on civil affairs' form
REGISTER_VIEWERS = frozenset({"erin", "frank", "grace", "heidi", "ivan", "judy"})

# route pattern -> (the URL tried, who gets it)
MATRIX = {
    "/": ("/", EVERYONE),
    "/orgunits": ("/orgunits", EVERYONE),
    "/orgunits/export.xlsx": ("/orgunits/export.xlsx", EVERYONE),
    "/orgunits/{code}": ("/orgunits/V1", EVERYONE),
    "/catalog": ("/catalog", EVERYONE),
    "/catalog/export.xlsx": ("/catalog/export.xlsx", EVERYONE),
    "/catalog/{code}": ("/catalog/DIBAO_PERSONS", EVERYONE),
    "/departments": ("/departments", EVERYONE),
    "/departments/{code}": ("/departments/MZJ", EVERYONE),
    "/specs": ("/specs", EVERYONE),
    "/specs/new": ("/specs/new", frozenset({"erin", "grace", "judy"})),
    "/specs/import": ("/specs/import", frozenset({"erin", "grace", "judy"})),
    "/specs/{spec_id}": ("/specs/{published}", EVERYONE),
    "/specs/{spec_id}/export.yaml": ("/specs/{published}/export.yaml", EVERYONE),
    "/specs/{spec_id}/edit": ("/specs/{draft}/edit", frozenset({"erin", "judy"})),
    "/gate": ("/gate", STEWARDS),
    "/ledger": ("/ledger", LEDGER),
    "/ledger/entries/{index}": ("/ledger/entries/0", LEDGER),
    "/history/{object_type}/{object_id}": ("/history/org_unit/{v1}", EVERYONE),
    "/forms": ("/forms?unit=V1&period=202611", EVERYONE),  # a redirect to the form, checked below
    "/forms/{unit_code}/{period_id}": ("/forms/V1/202611", UNIT_READERS),
    "/forms/{unit_code}/{period_id}/form.xlsx": ("/forms/V1/202611/form.xlsx", UNIT_READERS),
    "/forms/{unit_code}/{period_id}/receipt.json": ("/forms/V1/202611/receipt.json", frozenset({"alice", "carol"})),
    "/missing": ("/missing?period=202611", FOLLOW_UP),
    "/missing/forms.xlsx": ("/missing/forms.xlsx?period=202611", FOLLOW_UP),
    "/review": ("/review?period=202611", FOLLOW_UP),
    "/audit": ("/audit", STEWARDS),
    "/reports": ("/reports", EVERYONE),
    "/reports/subscriptions": ("/reports/subscriptions", EVERYONE),
    "/reports/{spec_id}": ("/reports/{published}?period=202611", REPORT_READERS),
    # quality findings; a finding's own page is tried with its people in tests/quality
    "/quality": ("/quality", QUALITY),
    "/quality/findings.xlsx": ("/quality/findings.xlsx", QUALITY),
    "/quality/findings/{finding_id}": ("/quality/findings/0", frozenset()),
    "/quality/dashboard": ("/quality/dashboard", QUALITY),
    "/quality/charts/{name}.svg": ("/quality/charts/trend.svg", QUALITY),
    "/quality/units/{code}": ("/quality/units/V1", UNIT_READERS),
    "/quality/units/{code}/trend.svg": ("/quality/units/V1/trend.svg", UNIT_READERS),
    "/api/v1/orgunits": ("/api/v1/orgunits", EVERYONE),
    "/api/v1/orgunits/{code}": ("/api/v1/orgunits/V1", EVERYONE),
    "/api/v1/elements": ("/api/v1/elements", EVERYONE),
    "/api/v1/elements/{code}": ("/api/v1/elements/DIBAO_PERSONS", EVERYONE),
    "/api/v1/specs": ("/api/v1/specs", EVERYONE),
    "/api/v1/specs/{spec_id}": ("/api/v1/specs/{published}", EVERYONE),
    "/api/v1/dataValueSets": ("/api/v1/dataValueSets?orgUnit=V1&period=202611", UNIT_READERS),
    "/api/v1/reports/{spec_id}": ("/api/v1/reports/{published}?period=202611", REPORT_READERS),
    "/api/v1/ledger/checkpoint": ("/api/v1/ledger/checkpoint", EVERYONE),
    "/api/v1/ledger/entries/{index}/proof": ("/api/v1/ledger/entries/0/proof", LEDGER),
    # indicators
    "/indicators": ("/indicators", EVERYONE),
    "/indicators/new": ("/indicators/new", frozenset({"erin", "grace", "judy"})),
    "/indicators/{code}": ("/indicators/{indicator}?period=202611&level=4", EVERYONE),
    "/indicators/{code}/edit": ("/indicators/{indicator}/edit", frozenset({"erin", "judy"})),
    "/indicators/{code}/values.xlsx": ("/indicators/{indicator}/values.xlsx?period=202611", EVERYONE),
    # feedback and burden metrics
    "/feedback": ("/feedback", EVERYONE),
    "/feedback/export.xlsx": ("/feedback/export.xlsx", EVERYONE),
    "/feedback/analytics": ("/feedback/analytics", LEDGER),
    "/feedback/{feedback_id}": ("/feedback/{feedback}", FEEDBACK_READERS),
    "/api/v1/feedback": ("/api/v1/feedback", EVERYONE),
    "/api/v1/feedback/{feedback_id}": ("/api/v1/feedback/{feedback}", FEEDBACK_READERS),
    "/api/v1/feedback/{feedback_id}/sender": ("/api/v1/feedback/{feedback}/sender", FEEDBACK_READERS),
    "/burden": ("/burden", EVERYONE),
    "/burden/city": ("/burden/city", LEDGER),
    "/burden/city.xlsx": ("/burden/city.xlsx", LEDGER),
    "/burden/settings": ("/burden/settings", frozenset({"heidi"})),
    # registers (台账): counts for the owner, the office and auditors; people for the owner only
    "/registers": ("/registers", REGISTER_VIEWERS),
    "/registers/{code}": ("/registers/DIBAO", frozenset({"erin", "frank", "heidi", "ivan", "judy"})),
    "/registers/{code}/export.xlsx": ("/registers/DIBAO/export.xlsx", frozenset({"erin", "frank"})),
    "/registers/{code}/import": ("/registers/DIBAO/import", frozenset({"erin", "judy"})),
    "/registers/new": ("/registers/new", frozenset({"erin", "grace", "judy"})),
    "/registers/{code}/edit": ("/registers/DIBAO/edit", frozenset({"erin", "judy"})),
    "/api/v1/registers": ("/api/v1/registers", REGISTER_VIEWERS),
}
# Reached only with an id that a person's own earlier step made; each has its own forbidden-path test.
OWN_OBJECTS = {"/audit/{token}", "/audit/{token}/map.xlsx", "/reports/built/{built_id}",
               "/registers/{code}/import/{token}/errors.xlsx"}
PUBLIC = {"/signin", "/healthz", "/api", "/openapi.json"}


def _routes(routes):
    for route in routes:
        if hasattr(route, "original_router"):
            yield from _routes(route.original_router.routes)
        elif "GET" in getattr(route, "methods", set()):
            yield route.path


def test_every_route_is_in_the_matrix(client):
    paths = set(_routes(client.app.router.routes)) - {"/static"}
    assert paths - set(MATRIX) - OWN_OBJECTS - PUBLIC == set()


@pytest.fixture
def world(story, client):
    add_population(story)
    published = publish(story, civil_monthly(), story.erin)
    draft = specs.create_draft(story.db, story.erin, civil_monthly(form_number="民统月09表"))
    entry.save_values(story.db, story.alice, "V1", "202611", {("POP_REGISTERED", ""): 2000,
                                                             ("DIBAO_HOUSEHOLDS", ""): 10, ("DIBAO_PERSONS", ""): 20})
    entry.submit_form(story.db, story.alice, "V1", "202611")
    indicator = indicators.create(story.db, story.erin, indicators.IndicatorInput(  # indicators
        code="DIBAO_RATE", name_zh="低保率", kind="formula", department_code="MZJ", formula="DIBAO_PERSONS / POP_REGISTERED"))
    raised = feedback.raise_feedback(story.db, story.alice, "spec", "frequent", "月报太频繁。", spec_id=published.id)
    registers.define(story.db, story.erin, registers.RegisterInput("DIBAO", "低保对象名册", "MZJ", [
        registers.ColumnInput("身份证号", "id_number"), registers.ColumnInput("姓名", "name"),
        registers.ColumnInput("单位代码", "org_unit")]))
    return {"published": published.id, "draft": draft.id, "v1": orgunits.get(story.db, "V1").id,
            "indicator": indicator.code, "feedback": raised.id}


@pytest.mark.parametrize("person", sorted(PEOPLE))
def test_each_person_gets_exactly_what_their_role_and_scope_allow(world, client, sign_in, person):
    sign_in(person)
    wrong = []
    for pattern, (url, allowed) in MATRIX.items():
        response = client.get(url.format(**world))
        granted = response.status_code in (200, 303)
        if granted != (person in allowed):
            wrong.append(f"{pattern}: {response.status_code} (expected {'allowed' if person in allowed else 'refused'})")
        if not granted:
            assert response.status_code in (403, 404), f"{pattern} refused {person} with {response.status_code}"
    assert wrong == []
