"""Two departments' monthly specs over the test city, for the specs, forms and report tests."""

from dataclasses import replace

from fillonce.accounts.system import INSTALLER
from fillonce.catalog import service as catalog
from fillonce.specs import service as specs
from fillonce.specs.draft import FieldDraft, RuleDraft, SpecDraft


def add_population(story):
    catalog.create(story.db, INSTALLER, catalog.ElementInput(
        code="POP_REGISTERED", name_zh="户籍人口", value_type="integer", aggregation="sum",
        owner_department_code="MZJ", unit="人", aliases=("户籍人口数",), slowly_changing=True))
    return story


def civil_monthly(**changes) -> SpecDraft:
    draft = SpecDraft(
        form_number="民统月01表", title_zh="城乡低保情况月报", department_code="MZJ", period_type="monthly",
        approval_number="青统制〔2026〕1号", deadline_days=10, target_level=4,
        fields=[FieldDraft("POP", "户籍人口", element_code="POP_REGISTERED"),
                FieldDraft("DB_H", "低保户数", element_code="DIBAO_HOUSEHOLDS"),
                FieldDraft("DB_P", "最低生活保障人数", element_code="DIBAO_PERSONS"),
                FieldDraft("RATE", "低保率", kind="computed", formula="DB_P / POP * 100", unit="%")],
        rules=[RuleDraft("低保人数 >= 低保户数", "error", "低保人数不应少于低保户数")])
    return replace(draft, **changes)


def health_monthly(**changes) -> SpecDraft:
    draft = SpecDraft(
        form_number="卫健月01表", title_zh="妇幼健康月报", department_code="WJW", period_type="monthly",
        target_level=4,
        fields=[FieldDraft("POP", "户籍人口数", element_code="POP_REGISTERED"),
                FieldDraft("C06", "0-6岁儿童数", element_code="CHILDREN_0_6"),
                FieldDraft("NEW", "最低生活保障对象人数", unit="人")])
    return replace(draft, **changes)


def publish(story, draft, author):
    spec = specs.create_draft(story.db, author, draft)
    specs.submit(story.db, author, spec.id)
    specs.decide(story.db, story.heidi, spec.id, approve=True)
    return specs.publish(story.db, author, spec.id)




def publish_existing(story, spec, author):
    specs.submit(story.db, author, spec.id)
    specs.decide(story.db, story.heidi, spec.id, approve=True)
    return specs.publish(story.db, author, spec.id)
