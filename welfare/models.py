"""Import every domain's models so metadata and migrations see all tables."""

from welfare.aid import models as aid_models  # noqa: F401
from welfare.auth import models as auth_models  # noqa: F401
from welfare.delivery import models as delivery_models  # noqa: F401
from welfare.geo import models as geo_models  # noqa: F401
from welfare.inquiries import models as inquiries_models  # noqa: F401
from welfare.jobs import models as jobs_models  # noqa: F401
from welfare.notify import models as notify_models  # noqa: F401
from welfare.reports import models as reports_models  # noqa: F401
from welfare.roster import models as roster_models  # noqa: F401
from welfare.rounds import amend_models as rounds_amend_models  # noqa: F401
from welfare.rounds import models as rounds_models  # noqa: F401
from welfare.visits import models as visits_models  # noqa: F401
