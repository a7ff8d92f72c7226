"""The core's models: accounts, programmes, course shell, files and events."""

from core.models.accounts import Invitation, LoginThrottle, User, UserSession, new_token
from core.models.base import ROLES, utcnow
from core.models.course import GROUP_MODES, Activity, Section
from core.models.events import Event
from core.models.files import StoredFile
from core.models.programmes import (
    GROUP_STATUSES,
    PROGRAMME_STATUSES,
    GroupMember,
    Membership,
    MentoringGroup,
    Organisation,
    Programme,
    ProgrammePlugin,
)
from core.sessions.models import (
    MentoringSession,
    SessionAttendance,
    SessionPlanRevision,
    SessionReminder,
)

__all__ = [
    "ROLES", "GROUP_MODES", "PROGRAMME_STATUSES", "GROUP_STATUSES", "utcnow", "new_token",
    "User", "UserSession", "LoginThrottle", "Invitation", "Organisation", "Programme", "Membership",
    "MentoringGroup", "GroupMember", "ProgrammePlugin", "Section", "Activity",
    "StoredFile", "Event", "MentoringSession", "SessionAttendance",
    "SessionPlanRevision",
    "SessionReminder",
]
