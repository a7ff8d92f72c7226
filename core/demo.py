"""The demo: an organisation, the programme "Blended mentoring on employment", its
five seed sections, one manager, two mentors, four mentees in two groups."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from pathlib import Path

from flask import current_app

from core.extensions import db
from core.models import GroupMember, Membership, MentoringGroup, Organisation, Programme, Section
from core.plugins import hooks
from core.text import render_markdown

PROGRAMME_TITLE = "Blended mentoring on employment"

SECTIONS = [
    ("tools", "Managing and monitoring tools",
     "Document **templates** for the whole mentoring process. Download them here; "
     "filled-in and signed copies belong in the group toolbars, never in this section."),
    ("initial", "Initial mentoring and management session",
     "The first meeting of manager, mentor and mentees, face to face or online with the chat. "
     "The mentoring contract and the list of participants are signed, scanned and uploaded "
     "to the toolbar for managing the mentoring process."),
    ("employability", "Sessions on employability",
     "Skills and interests, CV and cover letter, job search, interview practice, rights at work."),
    ("entrepreneurship", "Sessions on entrepreneurship",
     "From a business idea to a business model canvas, market research, a first budget and a "
     "pitch."),
    ("monitoring", "Monitoring sessions of the mentoring process",
     "Monitoring reports, relationship-quality questionnaires and the final evaluation go to the "
     "toolbar for monitoring the mentoring process."),
]

PEOPLE = [
    ("manager", "manager@demo.ementoring.test", "Maria Novak", "manager"),
    ("mentor1", "mentor1@demo.ementoring.test", "Jan Dvořák", "mentor"),
    ("mentor2", "mentor2@demo.ementoring.test", "Liisa Virtanen", "mentor"),
    ("mentee1", "mentee1@demo.ementoring.test", "Amir Haddad", "mentee"),
    ("mentee2", "mentee2@demo.ementoring.test", "Sanne de Vries", "mentee"),
    ("mentee3", "mentee3@demo.ementoring.test", "Georgi Petrov", "mentee"),
    ("mentee4", "mentee4@demo.ementoring.test", "Ola Kowalska", "mentee"),
]


def _accounts_file() -> Path:
    return Path(current_app.instance_path) / "demo_accounts.txt"


def demo_accounts() -> list[tuple[str, str, str]]:
    """The demo accounts saved at creation: (role, e-mail, password)."""
    path = _accounts_file()
    if not path.exists():
        return []
    return [tuple(line.split("\t")) for line in path.read_text().splitlines() if line]


def demo_programme(users: dict, title: str,
                   organisation: Organisation | None = None,
                   language: str = "en") -> Programme:
    """A programme like the demo's (sections, two groups, every plugin's demo data)
    for the demo's people (``users``, keyed as in ``PEOPLE``), in ``language``;
    committed."""
    org = organisation or Organisation(name="Demo mentoring organisation")
    today = date.today()
    prog = Programme(
        organisation=org, title=title,
        description="A blended mentoring programme for young people looking for work: "
                    "face-to-face meetings, online sessions, chat and forum.",
        language=language, starts_on=today - timedelta(days=14),
        ends_on=today + timedelta(days=120), status="active",
    )
    db.session.add_all([org, prog])
    sections = {}
    for i, (key, section_title, summary) in enumerate(SECTIONS):
        sections[key] = Section(programme=prog, title=section_title, summary_source=summary,
                                summary_html=render_markdown(summary), position=i)
    db.session.add_all(sections.values())
    for key, _email, _name, role in PEOPLE:
        db.session.add(Membership(user_id=users[key].id, programme=prog, role=role))
    group_a = MentoringGroup(programme=prog, name="Group A")
    group_b = MentoringGroup(programme=prog, name="Group B")
    db.session.add_all([group_a, group_b])
    db.session.flush()
    for group, mentor, mentees in ((group_a, "mentor1", ("mentee1", "mentee2")),
                                   (group_b, "mentor2", ("mentee3", "mentee4"))):
        db.session.add(GroupMember(group_id=group.id, user_id=users[mentor].id, role="mentor"))
        db.session.add(GroupMember(group_id=group.id, user_id=users["manager"].id,
                                   role="manager"))
        for m in mentees:
            db.session.add(GroupMember(group_id=group.id, user_id=users[m].id, role="mentee"))
    db.session.commit()
    users = {**users, "groups": [group_a, group_b], "sections": sections}
    hooks(prog).demo_data(programme=prog, users=users)
    db.session.commit()
    return prog


def build_demo(password: str | None = None,
               language: str = "en") -> list[tuple[str, str, str]] | None:
    """Create the demo once, its programme in ``language``; return the accounts, or
    None when it exists already."""
    from core.cli import create_user
    from core.models import User

    if db.session.scalar(db.select(Programme).where(Programme.title == PROGRAMME_TITLE)):
        return None
    accounts = []
    users: dict = {}
    admin_email = "admin@demo.ementoring.test"
    for key, email, name, role in [("admin", admin_email, "Site Administrator", None)] + PEOPLE:
        pw = password or f"demo-{secrets.token_urlsafe(9)}"
        existing = db.session.scalar(db.select(User).where(User.email == email))
        user = existing or create_user(email, name, pw, admin=role is None)
        users[key] = user
        accounts.append((role or "admin", email, pw))
    db.session.flush()
    demo_programme(users, PROGRAMME_TITLE, language=language)
    path = _accounts_file()
    path.write_text("".join(f"{r}\t{e}\t{p}\n" for r, e, p in accounts))
    path.chmod(0o600)
    return accounts
