"""Imports every domain's models so that the metadata (and so Alembic) sees all tables."""

from fillonce.accounts import models as _accounts  # noqa: F401
from fillonce.burden import models as _burden  # noqa: F401
from fillonce.catalog import models as _catalog  # noqa: F401
from fillonce.core.db import Base
from fillonce.entry import models as _entry  # noqa: F401
from fillonce.feedback import models as _feedback  # noqa: F401
from fillonce.indicators import models as _indicators  # noqa: F401
from fillonce.ledger import models as _ledger  # noqa: F401
from fillonce.orgunits import models as _orgunits  # noqa: F401
from fillonce.quality import models as _quality  # noqa: F401
from fillonce.registers import models as _registers  # noqa: F401
from fillonce.reports import models as _reports  # noqa: F401
from fillonce.specs import models as _specs  # noqa: F401

metadata = Base.metadata
