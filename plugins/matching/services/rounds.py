"""Speed-mentoring rounds: the period, this week's topic and when the space is open."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam

from core.extensions import db
from core.models import Activity, Membership, User
from plugins.matching.models import Round, RoundWeek
from plugins.matching.services.pairings import today

# The weekly themes of the speed-mentoring pilot between students and company mentors.
DEFAULT_TOPICS = [
    (_l("My expectations of speed mentoring"),
     _l("Tell the mentors what you hope to get from these weeks and what you would like "
        "to ask about.")),
    (_l("The mentor's career story"),
     _l("Mentors tell how their career went, with the turns it took, and give one tip "
        "they wish they had heard as a student.")),
    (_l("Future skills and working life"),
     _l("Which skills will count at work in the coming years, and how can one start "
        "building them now?")),
    (_l("What I have learned and where it shows at work"),
     _l("Pick something you learned in your studies and ask where and how it is used in "
        "the mentor's workplace today.")),
    (_l("Talk about your own field"),
     _l("Open questions about your field: technologies, jobs, companies in the region, "
        "first steps into work.")),
]
MAX_WEEKS = 26


def round_of(activity: Activity) -> Round | None:
    """The round stored for a round activity, if its period has been set up."""
    return db.session.scalar(db.select(Round).where(Round.activity_id == activity.id))


def default_week(week: int, language: str) -> tuple[str, str]:
    """The default topic and guidance of a week (empty past the default plan)."""
    if week > len(DEFAULT_TOPICS):
        return "", ""
    topic, guidance = DEFAULT_TOPICS[week - 1]
    with force_locale(language or "en"):
        return str(topic), str(guidance)


def create(activity: Activity, starts_on: date | None = None,
           weeks: int | None = None) -> Round:
    """Set up a round for an activity with the default weekly topics (not committed)."""
    weeks = weeks or len(DEFAULT_TOPICS)
    rnd = Round(activity_id=activity.id, programme_id=activity.programme_id,
                starts_on=starts_on or today(), weeks=weeks)
    db.session.add(rnd)
    db.session.flush()
    set_weeks(rnd, weeks)
    return rnd


def set_weeks(rnd: Round, weeks: int) -> None:
    """Change the number of weeks: new weeks get the default topics, dropped ones go."""
    language = rnd.activity.programme.language if rnd.activity else "en"
    existing = {w.week: w for w in rnd.week_topics}
    for week in range(1, weeks + 1):
        if week not in existing:
            topic, guidance = default_week(week, language)
            rnd.week_topics.append(RoundWeek(week=week, topic=topic, guidance=guidance))
    for week, row in existing.items():
        if week > weeks:
            rnd.week_topics.remove(row)
    rnd.weeks = weeks


def ends_on(rnd: Round) -> date:
    """The last day of the round."""
    return rnd.starts_on + timedelta(days=7 * rnd.weeks - 1)


def week_number(rnd: Round, on: date | None = None) -> int | None:
    """Which week of the round ``on`` falls in (1-based), or None outside the period."""
    on = on or today()
    if on < rnd.starts_on or on > ends_on(rnd):
        return None
    return (on - rnd.starts_on).days // 7 + 1


def current_week(rnd: Round, on: date | None = None) -> RoundWeek | None:
    """This week's topic row, or None outside the period."""
    number = week_number(rnd, on)
    if number is None:
        return None
    return next((w for w in rnd.week_topics if w.week == number), None)


def is_open(rnd: Round, on: date | None = None) -> bool:
    """Writing is allowed until the round's last day (also before it starts, so people
    can introduce themselves); afterwards everything stays readable."""
    on = on or today()
    programme = rnd.activity.programme
    if programme.status == "closed" or (programme.ends_on and on > programme.ends_on):
        return False
    return on <= ends_on(rnd)


@cache
def _running_statement() -> Any:
    """Rounds of visible round activities of a programme started by a day, with their
    weeks and activity (one statement, built once per process)."""
    return (
        db.select(Round).join(Activity, Activity.id == Round.activity_id)
        .where(Round.programme_id.in_(bindparam("pids", expanding=True)),
               Activity.visible.is_(True),
               Activity.type == "matching.round", Round.starts_on <= bindparam("on"))
        .options(db.joinedload(Round.week_topics), db.joinedload(Round.activity))
        .order_by(Round.starts_on))


def running_rounds(programme_id: int, on: date | None = None) -> list[Round]:
    """Rounds of visible round activities in a programme whose period covers ``on``
    (one query)."""
    return running_rounds_in([programme_id], on)


def running_rounds_in(programme_ids: list[int], on: date | None = None) -> list[Round]:
    """``running_rounds`` of several programmes together (one query)."""
    on = on or today()
    rows = db.session.scalars(_running_statement(), {"pids": programme_ids or [-1], "on": on})
    return [r for r in rows.unique() if on <= ends_on(r)]


def mentors(programme_id: int) -> list[User]:
    """The programme's mentors: everyone a round participant may talk to one-to-one."""
    return list(db.session.scalars(
        db.select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.programme_id == programme_id, Membership.role == "mentor",
               User.erased.is_(False), User.active.is_(True))
        .order_by(User.display_name)))


def is_mentor(programme_id: int, user: Any) -> bool:
    """True when ``user`` is a mentor in the programme."""
    return db.session.scalar(db.select(db.func.count()).select_from(Membership).where(
        Membership.programme_id == programme_id, Membership.user_id == user.id,
        Membership.role == "mentor")) > 0
