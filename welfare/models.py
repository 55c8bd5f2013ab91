"""Import every domain's models so metadata and migrations see all tables."""

from welfare.auth.models import AuditLog, User  # noqa: F401
from welfare.roster.models import (  # noqa: F401
    DuplicateFlag,
    EmergencyContact,
    Household,
    HouseholdMember,
    IsolatedElder,
    LowIncomeCategory,
    LowIncomeStatus,
    Person,
    Village,
)
