"""Speed-mentoring rounds: this week's topic, the round's discussion space, the weekly
plan managers set, and short one-to-one conversations with mentors."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from core import concurrency
from core.activities import activity_or_404
from core.extensions import db
from core.models.base import utcnow
from core.permissions import can, capability_required
from core.routing import db_int
from core.text import render_markdown
from core.views.helpers import paginate
from plugins.matching.forms import PostForm, round_form
from plugins.matching.models import Conversation, ConversationMessage, Round, RoundPost
from plugins.matching.services import rounds as plan
from plugins.matching.services.pairings import today
from plugins.matching.views.common import bp

TYPE = "matching.round"


def _round(activity_id: int) -> tuple:
    activity = activity_or_404(activity_id, TYPE)
    return activity, plan.round_of(activity)


def _threads(rnd: Round):
    page = paginate(db.select(RoundPost).where(RoundPost.round_id == rnd.id,
                                               RoundPost.parent_id.is_(None))
                    .options(joinedload(RoundPost.author)).order_by(RoundPost.id.desc()),
                    per_page=15)
    ids = [p.id for p in page.items]
    replies: dict[int, list[RoundPost]] = {i: [] for i in ids}
    if ids:
        for reply in db.session.scalars(
                db.select(RoundPost).where(RoundPost.parent_id.in_(ids))
                .options(joinedload(RoundPost.author)).order_by(RoundPost.id)):
            replies[reply.parent_id].append(reply)
    return page, replies


@bp.route("/matching/round/<int:activity_id>")
@capability_required("matching.join_rounds")
def round_view(activity_id: int):
    """This week's topic, the discussion space and one-to-one conversations."""
    activity, rnd = _round(activity_id)
    context = {"activity": activity, "programme": activity.programme, "round": rnd,
               "manage": can(current_user, "matching.manage_rounds", activity.programme_id)}
    if rnd is not None:
        page, replies = _threads(rnd)
        mine = db.session.scalars(
            db.select(Conversation).where(
                Conversation.round_id == rnd.id,
                db.or_(Conversation.starter_id == current_user.id,
                       Conversation.mentor_id == current_user.id))
            .options(joinedload(Conversation.mentor), joinedload(Conversation.starter))
            .order_by(Conversation.last_message_at.desc())).all()
        context.update(
            page=page, replies=replies, week=plan.current_week(rnd), form=PostForm(),
            open=plan.is_open(rnd), ends_on=plan.ends_on(rnd), conversations=mine,
            mentors=[m for m in plan.mentors(activity.programme_id) if m.id != current_user.id],
            topics={w.week: w.topic for w in rnd.week_topics},
        )
    return render_template("matching/round.html", **context)


@bp.route("/matching/round/<int:activity_id>/plan", methods=["GET", "POST"])
@capability_required("matching.manage_rounds")
def round_edit(activity_id: int):
    """Managers set the round's first day, length and weekly topics."""
    activity, rnd = _round(activity_id)
    language = activity.programme.language
    weeks = rnd.weeks if rnd else len(plan.DEFAULT_TOPICS)
    if request.method == "POST":
        weeks = min(plan.MAX_WEEKS, max(1, request.form.get("weeks", weeks, type=int)))
    form = round_form(weeks)
    if not form.is_submitted():
        form.starts_on.data = rnd.starts_on if rnd else today()
        form.weeks.data = weeks
        stored = {w.week: w for w in rnd.week_topics} if rnd else {}
        for week in range(1, weeks + 1):
            topic, guidance = ((stored[week].topic, stored[week].guidance) if week in stored
                               else plan.default_week(week, language))
            getattr(form, f"topic_{week}").data = topic
            getattr(form, f"guidance_{week}").data = guidance
    concurrency.loaded_version(form, rnd, ROUND_FIELDS)
    conflict = None
    if form.validate_on_submit():
        def apply() -> None:
            row = rnd or plan.create(activity, form.starts_on.data, weeks)
            row.starts_on = form.starts_on.data
            plan.set_weeks(row, weeks)
            for week in row.week_topics:
                if f"topic_{week.week}" in request.form:  # weeks just added keep defaults
                    week.topic = (getattr(form, f"topic_{week.week}").data or "").strip()
                    week.guidance = (getattr(form, f"guidance_{week.week}").data or "").strip()

        conflict = concurrency.save(rnd, form, apply, _round_compared(weeks),
                                    races=(IntegrityError,),
                                    reload=lambda: _round(activity_id)[1], fields=ROUND_FIELDS)
        if conflict is None:
            flash(_("The round's plan is saved."), "success")
            return redirect(url_for(".round_view", activity_id=activity.id))
    return render_template("matching/round_form.html", activity=activity,
                           programme=activity.programme, form=form, weeks=weeks,
                           conflict=conflict), concurrency.status(conflict)


def _weeks(rnd: Round) -> list[tuple[int, str, str]]:
    return [(w.week, w.topic, w.guidance) for w in rnd.week_topics]


# the plan is the round row and its week rows: its version covers both
ROUND_FIELDS = ("starts_on", "weeks", _weeks)


def _week_text(week: int, name: str):
    def value(rnd: Round) -> str:
        return next((getattr(w, name) for w in rnd.week_topics if w.week == week), "")
    return value


def _round_compared(weeks: int) -> dict:
    """The form's fields and where the saved plan holds them, for the differences."""
    compared: dict = {"starts_on": "starts_on", "weeks": "weeks"}
    for week in range(1, weeks + 1):
        compared[f"topic_{week}"] = _week_text(week, "topic")
        compared[f"guidance_{week}"] = _week_text(week, "guidance")
    return compared


def _open_or_403(rnd: Round | None) -> Round:
    if rnd is None:
        abort(404)
    if not plan.is_open(rnd):
        abort(403, description=_("This round has ended. Its discussions stay readable, but "
                                 "nothing new can be added."))
    return rnd


@bp.route("/matching/round/<int:activity_id>/posts", methods=["POST"])
@capability_required("matching.join_rounds")
def round_post(activity_id: int):
    """Start a thread or reply in the round's discussion space."""
    activity, rnd = _round(activity_id)
    rnd = _open_or_403(rnd)
    form = PostForm()
    parent_id = request.form.get("parent", type=db_int)
    if parent_id is not None:
        parent = db.session.get(RoundPost, parent_id)
        if parent is None or parent.round_id != rnd.id:
            abort(404)
        parent_id = parent.parent_id or parent.id  # replies stay one level deep
    if not form.validate_on_submit():
        flash(_("Write a message (at most 10,000 characters)."), "error")
        return redirect(url_for(".round_view", activity_id=activity.id))
    post = RoundPost(round_id=rnd.id, parent_id=parent_id, author_id=current_user.id,
                     week=plan.week_number(rnd), body_source=form.body.data,
                     body_html=render_markdown(form.body.data))
    db.session.add(post)
    db.session.commit()
    return redirect(url_for(".round_view", activity_id=activity.id) + f"#post-{post.id}")


@bp.route("/matching/round/<int:activity_id>/mentors/<int:mentor_id>/talk",
          methods=["POST"])
@capability_required("matching.join_rounds")
def conversation_open(activity_id: int, mentor_id: int):
    """Open (or return to) a one-to-one conversation with a mentor."""
    activity, rnd = _round(activity_id)
    rnd = _open_or_403(rnd)
    mentor = next((m for m in plan.mentors(activity.programme_id) if m.id == mentor_id), None)
    if mentor is None or mentor.id == current_user.id:
        abort(404)
    conversation = db.session.scalar(db.select(Conversation).where(
        Conversation.round_id == rnd.id, Conversation.mentor_id == mentor.id,
        Conversation.starter_id == current_user.id))
    if conversation is None:
        conversation = Conversation(round_id=rnd.id, mentor_id=mentor.id,
                                    starter_id=current_user.id)
        db.session.add(conversation)
        db.session.commit()
    return redirect(url_for(".conversation_view", activity_id=activity.id,
                            conversation_id=conversation.id))


def _conversation(activity_id: int, conversation_id: int):
    activity, rnd = _round(activity_id)
    conversation = db.session.get(Conversation, conversation_id)
    if (rnd is None or conversation is None or conversation.round_id != rnd.id
            or current_user.id not in (conversation.mentor_id, conversation.starter_id)):
        abort(404)
    return activity, rnd, conversation


@bp.route("/matching/round/<int:activity_id>/c/<int:conversation_id>")
@capability_required("matching.join_rounds")
def conversation_view(activity_id: int, conversation_id: int):
    """A one-to-one conversation, for its two people only."""
    activity, rnd, conversation = _conversation(activity_id, conversation_id)
    page = paginate(db.select(ConversationMessage)
                    .where(ConversationMessage.conversation_id == conversation.id)
                    .options(joinedload(ConversationMessage.author))
                    .order_by(ConversationMessage.id.desc()))
    other = (conversation.starter if conversation.mentor_id == current_user.id
             else conversation.mentor)
    return render_template("matching/conversation.html", activity=activity,
                           programme=activity.programme, conversation=conversation,
                           other=other, page=page, form=PostForm(), open=plan.is_open(rnd),
                           week=plan.current_week(rnd))


@bp.route("/matching/round/<int:activity_id>/c/<int:conversation_id>", methods=["POST"])
@capability_required("matching.join_rounds")
def conversation_send(activity_id: int, conversation_id: int):
    """Add a message to a conversation while the round is open."""
    activity, rnd, conversation = _conversation(activity_id, conversation_id)
    _open_or_403(rnd)
    form = PostForm()
    if form.validate_on_submit():
        db.session.add(ConversationMessage(
            conversation_id=conversation.id, author_id=current_user.id,
            body_source=form.body.data, body_html=render_markdown(form.body.data)))
        conversation.last_message_at = utcnow()
        db.session.commit()
    else:
        flash(_("Write a message (at most 10,000 characters)."), "error")
    return redirect(url_for(".conversation_view", activity_id=activity.id,
                            conversation_id=conversation.id))
