"""Every route that takes the id of an object refuses objects the caller may not see.

The test walks ``app.url_map``. Every ``<int:...>`` parameter of every rule must be
known to ``FINDERS`` below (which says how to find that kind of object in a
programme and a group, and whether the object belongs to the whole programme or
to one group); a new rule with an unknown parameter fails the test until someone
says how to find its objects here.

Two demo programmes are built (``demo_world``). The people of Group A of the home
programme (mentee, mentor) try every rule with objects of Group B; the home
programme's manager tries the private objects of Group B's people (their private
messages and attachments, journals); all three try every rule with objects of the
other programme. For
each rule the attacker fills each id in turn with the other side's object (the
rest with their own objects, the usual shape of an IDOR) and then all of them,
and sends GET and, where the rule allows, POST with plausible form data. Every
answer must be 403 or 404, and a refused request writes nothing to the database
and adds no file to the store.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event, select

from core.extensions import db
from core.models import Activity, GroupMember, Membership, Section
from core.sessions.models import MentoringSession, SessionPlanRevision
from plugins.chat.models import ChatMessage
from plugins.documents.models import DocTemplate, Document, DocumentVersion
from plugins.employability.models import EmployabilityWorksheet
from plugins.entrepreneurship.models import EntrepreneurshipWorksheet
from plugins.forum.models import Attachment, Discussion, Post
from plugins.lessons.models import Chapter, JournalEntry, Page, PageRevision, Question
from plugins.matching.models import (
    Competence,
    Conversation,
    Pairing,
    PairingMessage,
    Request,
    Round,
)
from plugins.messages.models import Broadcast, Message, Participant
from plugins.monitoring.models import Goal, SurveyPoint
from tests.factories import login
from tests.security import demo_world
from tests.security.demo_world import Side
from tests.security.routes import fill, int_params, methods, params

PROGRAMME, GROUP, PRIVATE = "programme", "group", "private"
# in each plan: the kinds of objects the attacker tries from the other side, and the
# kinds the attacker may see there anyway (taken from the other side as context)
TRIED = {PROGRAMME: {PROGRAMME, GROUP, PRIVATE}, GROUP: {GROUP, PRIVATE}, PRIVATE: {PRIVATE}}
CONTEXT = {PROGRAMME: set(), GROUP: set(), PRIVATE: {GROUP}}
FORM = {"body": "x", "title": "x", "name": "x", "text": "x", "note": "x", "details": "x",
        "comment": "x", "answer": "x", "reason": "x", "role": "mentee", "status": "ended",
        "action": "post", "confirm": "y", "weeks": "4", "recipient": "1"}


# pages the site admin cannot open with the demo's objects, and why
NOT_OPEN: dict[str, str] = {
    "sessions.feed": "needs the person's secret token",
    "documents.purge_document": "only documents in the trash",
    "employability.session_worksheet": "only sessions of its own type",
    "entrepreneurship.session_worksheet": "only sessions of its own type",
    "entrepreneurship.new": "the text value is not one of its worksheets",
    "sessions.cancel": "only sessions still planned",
    "sessions.delete": "only sessions still planned",
    "lessons.image": "the text value is not an image name",
    "lessons.delete_image": "the text value is not an image name",
    "lessons.delete_entry": "a journal is its author's",
    "matching.conversation_view": "for the two people talking",
    "messages.conversation": "for its participants",
    "messages.attachment": "for its participants",
    "monitoring.certificate_pdf": "the text value is not a certificate code",
    "matching.profile_edit": "for members of the programme",
    "matching.photo_delete": "for members of the programme",
    "matching.request_withdraw": "for the mentee who asked",
}


def _one(stmt: Any) -> int | None:
    return db.session.scalar(stmt.limit(1))


def _members(side: Side) -> Any:
    """Ids of the group's mentor and mentees (the manager belongs to every group)."""
    return select(GroupMember.user_id).where(GroupMember.group_id == side.group.id,
                                             GroupMember.role != "manager")


def _activity(side: Side, type_: str, *extra: Any) -> int | None:
    return _one(select(Activity.id).where(Activity.programme_id == side.programme.id,
                                          Activity.type == type_, *extra)
                .order_by(Activity.id))


def _forum(side: Side, rule: Any = None) -> int | None:
    return _activity(side, "forum", Activity.id.in_(
        select(Discussion.activity_id).where(Discussion.group_id.is_not(None))))


def _discussion(side: Side) -> int | None:
    return _one(select(Discussion.id).where(Discussion.activity_id == _forum(side),
                                            Discussion.group_id == side.group.id))


def _post(side: Side) -> int | None:
    return _one(select(Post.id).where(Post.discussion_id == _discussion(side)))


def _forum_attachment(side: Side) -> int | None:
    return _one(select(Attachment.id).join(Post).join(Discussion).where(
        Discussion.activity_id == _forum(side), Discussion.group_id == side.group.id))


def _folder(side: Side) -> int | None:
    return _activity(side, "documents.folder", Activity.id.in_(
        select(Document.activity_id)))


def _document(side: Side) -> int | None:
    return _one(select(Document.id).where(Document.activity_id == _folder(side),
                                          Document.group_id == side.group.id))


def _lesson(side: Side) -> int | None:
    return _activity(side, "lessons.lesson", Activity.id.in_(select(Chapter.activity_id)))


def _chapter(side: Side) -> int | None:
    return _one(select(Chapter.id).where(Chapter.activity_id == _lesson(side))
                .order_by(Chapter.id))


def _round(side: Side) -> int | None:
    return _one(select(Round.activity_id).where(Round.programme_id == side.programme.id))


def _message_of_group(side: Side) -> int | None:
    """A private message with an attachment between people of the group."""
    return _one(select(Message.id).join(Participant, Participant.conversation_id ==
                                        Message.conversation_id)
                .where(Message.programme_id == side.programme.id,
                       Message.attachment_id.is_not(None),
                       Participant.user_id.in_(_members(side))).order_by(Message.id))


def _conversation(side: Side) -> int | None:
    mid = _message_of_group(side)
    return db.session.get(Message, mid).conversation_id if mid else None


def _pairing(side: Side) -> int | None:
    return _one(select(Pairing.id).where(Pairing.programme_id == side.programme.id,
                                         Pairing.mentee_id.in_(_members(side))))


def _worksheet(model: Any) -> Callable[[Side, Any], int | None]:
    return lambda side, rule: _one(select(model.id).where(model.group_id == side.group.id))


def _activity_for(rule: Any) -> Callable[[Side], int | None]:
    """The kind of activity a rule's ``activity_id`` names, from its blueprint and path."""
    blueprint = rule.endpoint.split(".")[0]
    if blueprint == "documents":
        return _folder if "/folder/" in rule.rule else \
            (lambda side: _activity(side, "documents.library"))
    if blueprint == "monitoring":
        kind = "monitoring.diary" if "/diary" in rule.rule else "monitoring.questionnaire"
        return lambda side: _activity(side, kind)
    return {
        "forum": _forum, "lessons": _lesson, "matching": _round,
        "chat": lambda side: _activity(side, "chat.room"),
    }.get(blueprint, lambda side: _one(select(Activity.id).where(
        Activity.programme_id == side.programme.id).order_by(Activity.id)))


@dataclass(frozen=True)
class Finder:
    """How to find an object a parameter names, and whether it is the programme's
    (shared by its groups), one group's, or private to some people of a group (whom
    not even the programme's managers may read for)."""

    scope: str
    find: Callable[[Side, Any], int | None]


def _f(scope: str, fn: Callable[[Side], int | None]) -> Finder:
    return Finder(scope, lambda side, rule: fn(side))


# ``blueprint:parameter`` (or just ``parameter``) -> how to find such an object
FINDERS: dict[str, Finder] = {
    "programme_id": _f(PROGRAMME, lambda s: s.programme.id),
    "group_id": _f(GROUP, lambda s: s.group.id),
    "activity_id": Finder(PROGRAMME, lambda s, rule: _activity_for(rule)(s)),
    "section_id": _f(PROGRAMME, lambda s: _one(select(Section.id).where(
        Section.programme_id == s.programme.id))),
    "membership_id": _f(PROGRAMME, lambda s: _one(select(Membership.id).where(
        Membership.programme_id == s.programme.id, Membership.user_id == s.mentee.id))),
    "session_id": _f(GROUP, lambda s: _one(select(MentoringSession.id).where(
        MentoringSession.group_id == s.group.id).order_by(MentoringSession.id))),
    "number": _f(GROUP, lambda s: _one(select(SessionPlanRevision.number).where(
        SessionPlanRevision.group_id == s.group.id))),
    # people: whoever may see the programme's members may name them
    "user_id": _f(PROGRAMME, lambda s: s.mentee.id),
    "admin:user_id": _f(PROGRAMME, lambda s: s.mentee.id),
    "groups:user_id": _f(GROUP, lambda s: s.mentee.id),
    "sessions:user_id": _f(GROUP, lambda s: s.mentee.id),
    "monitoring:user_id": _f(GROUP, lambda s: s.mentee.id),
    "mentor_id": _f(PROGRAMME, lambda s: s.mentor.id),
    # chat
    "chat:message_id": _f(GROUP, lambda s: _one(select(ChatMessage.id).where(
        ChatMessage.group_id == s.group.id))),
    # documents
    "doc_id": _f(GROUP, _document),
    "version_id": _f(GROUP, lambda s: _one(select(DocumentVersion.id).where(
        DocumentVersion.document_id == _document(s)))),
    "template_id": _f(PROGRAMME, lambda s: _one(select(DocTemplate.id).where(
        DocTemplate.programme_id == s.programme.id))),
    # the reported hole: another group's private message attachment
    "stored_file_id": _f(PRIVATE, lambda s: db.session.get(
        Message, _message_of_group(s)).attachment_id),
    # worksheets
    "employability:worksheet_id": Finder(GROUP, _worksheet(EmployabilityWorksheet)),
    "entrepreneurship:worksheet_id": Finder(GROUP, _worksheet(EntrepreneurshipWorksheet)),
    # forum
    "discussion_id": _f(GROUP, _discussion),
    "post_id": _f(GROUP, _post),
    "attachment_id": _f(GROUP, _forum_attachment),
    # lessons
    "chapter_id": _f(PROGRAMME, _chapter),
    "page_id": _f(PROGRAMME, lambda s: _one(select(Page.id).where(
        Page.chapter_id == _chapter(s)))),
    "lessons:number": _f(PROGRAMME, lambda s: _one(select(PageRevision.number).where(
        PageRevision.page_id == _one(select(Page.id).where(Page.chapter_id == _chapter(s)))))),
    "question_id": _f(PROGRAMME, lambda s: _one(select(Question.id).join(Chapter).where(
        Chapter.activity_id == _lesson(s)))),
    "entry_id": _f(PRIVATE, lambda s: _one(select(JournalEntry.id).where(
        JournalEntry.activity_id == _lesson(s), JournalEntry.user_id.in_(_members(s))))),
    # matching
    "competence_id": _f(PROGRAMME, lambda s: _one(select(Competence.id).where(
        Competence.programme_id == s.programme.id))),
    "pairing_id": _f(GROUP, _pairing),
    "matching:message_id": _f(GROUP, lambda s: _one(select(PairingMessage.id).where(
        PairingMessage.pairing_id == _pairing(s), PairingMessage.file_id.is_not(None)))),
    "request_id": _f(GROUP, lambda s: _one(select(Request.id).where(
        Request.programme_id == s.programme.id, Request.mentee_id.in_(_members(s)),
        Request.mentor_id.in_(_members(s))))),
    "matching:conversation_id": _f(GROUP, lambda s: _one(
        select(Conversation.id).join(Round).where(
            Round.programme_id == s.programme.id, Conversation.mentor_id.in_(_members(s)),
            Conversation.starter_id.in_(_members(s))))),
    # messages
    "messages:conversation_id": _f(PRIVATE, _conversation),
    "messages:message_id": _f(PRIVATE, _message_of_group),
    "broadcast_id": _f(PROGRAMME, lambda s: _one(select(Broadcast.id).where(
        Broadcast.programme_id == s.programme.id))),
    # monitoring
    "point_id": _f(PROGRAMME, lambda s: _one(select(SurveyPoint.id).where(
        SurveyPoint.programme_id == s.programme.id))),
    "goal_id": _f(GROUP, lambda s: _one(select(Goal.id).where(
        Goal.programme_id == s.programme.id, Goal.mentee_id.in_(_members(s))))),
}


def finder(rule: Any, name: str) -> Finder | None:
    """The finder for one parameter of one rule."""
    blueprint = rule.endpoint.split(".")[0]
    return FINDERS.get(f"{blueprint}:{name}") or FINDERS.get(name)


def _id_rules(app: Any) -> list[Any]:
    return sorted((r for r in app.url_map.iter_rules() if int_params(r)), key=lambda r: r.rule)


def test_every_id_parameter_is_known(app):
    """A new rule taking an id nobody told this test about fails here: add a finder."""
    unknown = sorted({f"{r.endpoint.split('.')[0]}:{n}  ({r.rule})"
                      for r in _id_rules(app) for n in int_params(r) if finder(r, n) is None})
    assert unknown == [], "tell FINDERS how to find these objects"
    from tests.security.routes import TEXT_VALUES

    texts = sorted({n for r in _id_rules(app) for c, n in params(r)
                    if c != "int" and n not in TEXT_VALUES})
    assert texts == [], "tell routes.TEXT_VALUES a plausible value for these"


class _Writes:
    """Counts INSERT, UPDATE and DELETE statements sent while it listens."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if statement.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            self.statements.append(statement.split("\n")[0][:80])


def _store_files(app: Any) -> int:
    return sum(len(files) for _d, _s, files in os.walk(app.config["STORAGE_DIR"]))


def _values(app: Any, rule: Any, side: Side) -> dict[str, Any]:
    with app.test_request_context():
        return {n: finder(rule, n).find(side, rule) for n in int_params(rule)}


def _attempts(app: Any, rule: Any, own: Side, other: Side, plan: str) -> list[str]:
    """The URLs of one rule an attacker tries: each id of the other side in turn, then
    all of them. Only the kinds of objects the plan tries come from the other side
    (in a group attack the programme's shared objects are the attacker's too); the
    kinds the attacker may see there anyway (a manager, another group) are taken
    from the other side around them."""
    mine, theirs = _values(app, rule, own), _values(app, rule, other)
    names = int_params(rule)
    scope = {n: finder(rule, n).scope for n in names}
    base = {n: theirs[n] if scope[n] in CONTEXT[plan] else mine[n] for n in names}
    theirs = {n: theirs[n] if scope[n] in TRIED[plan] else base[n] for n in names}
    missing = [n for n in names if base[n] is None or theirs[n] is None]
    if missing:
        return [f"MISSING {n}" for n in missing]
    urls = [fill(rule, {**base, n: theirs[n]}) for n in names if theirs[n] != base[n]]
    if sum(theirs[n] != base[n] for n in names) > 1:
        urls.append(fill(rule, theirs))
    return urls


@pytest.fixture
def demo(app, make) -> demo_world.DemoWorld:
    return demo_world.build(app, make)


def test_no_route_serves_another_groups_or_programmes_objects(app, demo):
    home_a, home_b = demo.side("home", "A"), demo.side("home", "B")
    victim_a = demo.side("victim", "A")
    attacks = [(GROUP, "mentee1", home_b), (GROUP, "mentor1", home_b),
               (PRIVATE, "manager", home_b),
               (PROGRAMME, "mentee1", victim_a), (PROGRAMME, "mentor1", victim_a),
               (PROGRAMME, "manager", victim_a)]
    # the finders name real objects: with their own ids, the home programme's admin
    # opens every page (a refusal below is then about the other side's object)
    client = app.test_client()
    login(client, demo.home_users["admin"], demo_world.PASSWORD)
    closed = []
    for rule in _id_rules(app):
        if "GET" in rule.methods and rule.endpoint not in NOT_OPEN:
            url = fill(rule, _values(app, rule, home_a))
            if client.get(url).status_code >= 400:
                closed.append((rule.endpoint, url))
    assert not closed, "\n".join(map(str, closed))
    writes = _Writes()
    failures, missing, tried = [], set(), 0
    event.listen(db.engine, "before_cursor_execute", writes)
    try:
        for plan, who, other in attacks:
            client = app.test_client()
            login(client, demo.home_users[who], demo_world.PASSWORD)
            for rule in _id_rules(app):
                for url in _attempts(app, rule, home_a, other, plan):
                    if url.startswith("MISSING"):
                        missing.add(f"{plan}: {rule.endpoint} {url}")
                        continue
                    for method in methods(rule):
                        files = _store_files(app)
                        writes.statements.clear()
                        resp = client.open(url, method=method,
                                           data=FORM if method == "POST" else None)
                        tried += 1
                        wrote = list(writes.statements)
                        if resp.status_code not in (403, 404) or wrote or \
                                _store_files(app) != files:
                            failures.append((who, method, url, rule.endpoint,
                                             resp.status_code, wrote[:3]))
    finally:
        event.remove(db.engine, "before_cursor_execute", writes)
    assert not missing, "the demo lacks these objects (make them in demo_world):\n" + \
        "\n".join(sorted(missing))
    assert tried > 500
    assert not failures, "\n".join(map(str, failures))
