"""The feedback tests' small world: civil affairs' published monthly form, the health commission's draft."""

from dataclasses import replace

import pytest

from fillonce.specs import service as specs
from spec_stories import civil_monthly, health_monthly, publish


@pytest.fixture
def world(city):
    """erin's published 民统月01表 (POP, DB_H, DB_P, RATE) and grace's unpublished health draft."""
    published = publish(city, civil_monthly(), city.erin)
    draft = specs.create_draft(city.db, city.grace, replace(health_monthly(), fields=health_monthly().fields[:2]))
    return city, published, draft


@pytest.fixture
def new_version_without():
    def make(story, spec, key: str):
        """erin's next version of `spec` without field `key`, published."""
        version = specs.new_version(story.db, story.erin, spec.id)
        draft = specs.as_draft(version)
        specs.update_draft(story.db, story.erin, version.id,
                           replace(draft, fields=[f for f in draft.fields if f.key != key]))
        specs.submit(story.db, story.erin, version.id)
        specs.decide(story.db, story.heidi, version.id, approve=True)
        return specs.publish(story.db, story.erin, version.id)

    return make
