"""Helpers that build rows for tests: users, programmes, groups, activities."""

from __future__ import annotations

import itertools
from typing import Any

from core.auth.passwords import hash_password
from core.extensions import db
from core.models import (
    Activity,
    GroupMember,
    Membership,
    MentoringGroup,
    Organisation,
    Programme,
    Section,
    User,
)

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


class Factory:
    """Builds committed rows with sensible defaults."""

    def user(self, name: str | None = None, *, admin: bool = False, email: str | None = None,
             password: str = PASSWORD, **kw: Any) -> User:
        n = next(_seq)
        user = User(email=email or f"user{n}@example.org", display_name=name or f"User {n}",
                    password_hash=hash_password(password), is_site_admin=admin, **kw)
        db.session.add(user)
        db.session.commit()
        return user

    def programme(self, title: str | None = None, **kw: Any) -> Programme:
        n = next(_seq)
        org = Organisation(name=f"Organisation {n}")
        prog = Programme(organisation=org, title=title or f"Programme {n}", **kw)
        db.session.add_all([org, prog])
        db.session.commit()
        return prog

    def member(self, programme: Programme, role: str, user: User | None = None,
               **kw: Any) -> User:
        user = user or self.user(**kw)
        db.session.add(Membership(user_id=user.id, programme_id=programme.id, role=role))
        db.session.commit()
        return user

    def group(self, programme: Programme, name: str | None = None,
              members: list[tuple[User, str]] = ()) -> MentoringGroup:
        group = MentoringGroup(programme_id=programme.id, name=name or f"Group {next(_seq)}")
        db.session.add(group)
        db.session.flush()
        for user, role in members:
            db.session.add(GroupMember(group_id=group.id, user_id=user.id, role=role))
        db.session.commit()
        return group

    def section(self, programme: Programme, title: str = "Section", **kw: Any) -> Section:
        position = len(programme.sections)
        section = Section(programme_id=programme.id, title=title, position=position, **kw)
        db.session.add(section)
        db.session.commit()
        return section

    def activity(self, programme: Programme, type: str, plugin: str | None = None,
                 title: str = "Activity", group_mode: str = "shared",
                 section: Section | None = None, **kw: Any) -> Activity:
        section = section or (programme.sections[0] if programme.sections
                              else self.section(programme))
        activity = Activity(section_id=section.id, programme_id=programme.id, type=type,
                            plugin=plugin or type.split(".")[0], title=title,
                            group_mode=group_mode, position=len(section.activities), **kw)
        db.session.add(activity)
        db.session.commit()
        return activity

    def world(self) -> dict[str, Any]:
        """A programme with a manager, two groups (mentor + two mentees each), an
        outsider with no membership and a site admin."""
        prog = self.programme()
        manager = self.member(prog, "manager", name="Manager")
        mentor_a = self.member(prog, "mentor", name="Mentor A")
        mentor_b = self.member(prog, "mentor", name="Mentor B")
        mentee_a = self.member(prog, "mentee", name="Mentee A")
        mentee_a2 = self.member(prog, "mentee", name="Mentee A2")
        mentee_b = self.member(prog, "mentee", name="Mentee B")
        group_a = self.group(prog, "Group A", [(mentor_a, "mentor"), (mentee_a, "mentee"),
                                               (mentee_a2, "mentee")])
        group_b = self.group(prog, "Group B", [(mentor_b, "mentor"), (mentee_b, "mentee")])
        return {
            "programme": prog, "manager": manager, "mentor_a": mentor_a, "mentor_b": mentor_b,
            "mentee_a": mentee_a, "mentee_a2": mentee_a2, "mentee_b": mentee_b,
            "group_a": group_a, "group_b": group_b, "outsider": self.user(name="Outsider"),
            "admin": self.user(name="Admin", admin=True),
        }


def login(client: Any, user: User, password: str = PASSWORD) -> Any:
    """Log ``user`` in through the real login form; returns the response."""
    resp = client.post("/login", data={"email": user.email, "password": password})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    return resp
