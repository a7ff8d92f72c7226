"""Fixtures for the documents plugin: a programme with a template library, the two group
toolbars and a few templates."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from tests.plugins.documents.helpers import make_template


@pytest.fixture
def docs(world: dict, make: Any) -> SimpleNamespace:
    """``world`` plus a library, two folders and four templates (one optional)."""
    prog = world["programme"]
    tools = make.section(prog, "Managing and monitoring tools")
    initial = make.section(prog, "Initial mentoring and management session")
    monitoring = make.section(prog, "Monitoring sessions")
    library = make.activity(prog, "documents.library", title="Templates", section=tools)
    managing = make.activity(prog, "documents.folder", group_mode="separate", section=initial,
                             title="Toolbar for managing the mentoring process")
    monitor = make.activity(prog, "documents.folder", group_mode="separate", section=monitoring,
                            title="Toolbar for monitoring the mentoring process")
    contract = make_template(library, "Mentoring contract", folder=managing,
                             needs_signature=True, position=0)
    plan = make_template(library, "Session plan", folder=managing, position=1)
    report = make_template(library, "Monitoring report", folder=monitor, position=2)
    questionnaire = make_template(library, "Relationship questionnaire", folder=monitor,
                                  filled_by="mentee", mandatory=False, position=3)
    return SimpleNamespace(**world, library=library, managing=managing, monitor=monitor,
                           contract=contract, plan=plan, report=report,
                           questionnaire=questionnaire)

