"""Mail about requests and pairings, sent from ``on_event`` after the commit, each in
the recipient's language."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from core.extensions import db
from core.mail import send_mail
from core.models import Programme, User
from plugins.matching.models import Pairing, Request

log = logging.getLogger("ementoring.matching")


@contextmanager
def _url_context() -> Iterator[None]:
    if has_request_context():
        yield
        return
    base = current_app.config.get("SITE_URL") or "http://localhost/"
    with current_app.test_request_context("/", base_url=base):
        yield


def link(endpoint: str, **values: Any) -> str:
    """An absolute address, also outside requests (command-line jobs)."""
    with _url_context():
        site = current_app.config.get("SITE_URL")
        if site:
            return site.rstrip("/") + url_for(endpoint, **values)
        return url_for(endpoint, _external=True, **values)


def _send(user: User | None, programme: Programme, subject: str, lines: list[str]) -> bool:
    if user is None or user.erased or not user.active:
        return False
    try:
        send_mail(user.email, f"[{programme.title}] {subject}", "\n".join(lines))
        return True
    except Exception:  # a mail server hiccup must not undo the committed change
        log.exception("matching mail to user %s failed", user.id)
        return False


def _locale(user: User, programme: Programme) -> str:
    return user.language or programme.language or "en"


def _last_note(req: Request, kind: str) -> str:
    notes = [n for n in req.notes if n.kind == kind]
    return notes[-1].body if notes else ""


def request_event(name: str, request_id: int) -> bool:
    """Mail the other side of a request about what just happened to it."""
    req = db.session.get(Request, request_id)
    if req is None:
        return False
    programme = db.session.get(Programme, req.programme_id)
    url = link("matching.request_view", programme_id=programme.id, request_id=req.id)
    to_mentor = name in ("mentorship_requested", "mentorship_answered", "mentorship_withdrawn")
    user = req.mentor if to_mentor else req.mentee
    if user is None:
        return False
    with force_locale(_locale(user, programme)):
        mentor, mentee = req.mentor.name, req.mentee.name
        if name == "mentorship_requested":
            subject = _("%(mentee)s asks you to be their mentor", mentee=mentee)
            lines = [_("%(mentee)s would like you to mentor them. Their motivation:",
                       mentee=mentee), "", req.motivation, ""]
        elif name == "mentorship_question":
            subject = _("%(mentor)s has a question about your request", mentor=mentor)
            lines = [_("Before deciding, %(mentor)s asks:", mentor=mentor), "",
                     _last_note(req, "question"), ""]
        elif name == "mentorship_answered":
            subject = _("%(mentee)s answered your question", mentee=mentee)
            lines = [_("%(mentee)s answered:", mentee=mentee), "", _last_note(req, "answer"), ""]
        elif name == "mentorship_declined":
            subject = _("%(mentor)s cannot mentor you this time", mentor=mentor)
            lines = [_("%(mentor)s declined your request with this message:", mentor=mentor),
                     "", _last_note(req, "decline"), "",
                     _("Other mentors may still have room: have a look at the suggestions."),
                     ""]
        elif name == "mentorship_accepted":
            subject = _("%(mentor)s will mentor you", mentor=mentor)
            lines = [_("%(mentor)s accepted your request. You are now in the same mentoring "
                       "group.", mentor=mentor), ""]
        elif name == "mentorship_withdrawn":
            subject = _("%(mentee)s withdrew their request", mentee=mentee)
            lines = [_("%(mentee)s no longer waits for an answer.", mentee=mentee), ""]
        else:
            return False
        lines.append(_("Open the request: %(url)s", url=url))
    return _send(user, programme, subject, lines)


def pairing_event(name: str, pairing_id: int, actor_id: int | None) -> int:
    """Mail both sides of a pairing (except whoever acted) about its formation or end."""
    pairing = db.session.get(Pairing, pairing_id)
    if pairing is None:
        return 0
    if name == "pairing_formed" and pairing.request_id is not None:
        return 0  # the acceptance mail already told the mentee
    programme = db.session.get(Programme, pairing.programme_id)
    url = link("matching.pairing_view", programme_id=programme.id, pairing_id=pairing.id)
    sent = 0
    for user, other in ((pairing.mentor, pairing.mentee), (pairing.mentee, pairing.mentor)):
        if user is None or user.id == actor_id:
            continue
        with force_locale(_locale(user, programme)):
            if name == "pairing_formed":
                subject = _("You are paired with %(name)s", name=other.name)
                text = _("The programme's managers paired you with %(name)s until %(date)s.",
                         name=other.name, date=pairing.ends_on.isoformat())
            elif name == "pairing_extended":
                subject = _("Your pairing with %(name)s is extended", name=other.name)
                text = _("The pairing now runs until %(date)s.",
                         date=pairing.ends_on.isoformat())
            elif name in ("pairing_completed", "pairing_closed"):
                subject = _("Your pairing with %(name)s has ended", name=other.name)
                text = _("The pairing has ended. Both of you can still read everything you "
                         "shared, but nothing new can be added.")
            else:
                return sent
            lines = [text, "", _("Open the pairing: %(url)s", url=url)]
        sent += _send(user, programme, subject, lines)
    return sent
