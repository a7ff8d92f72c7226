"""Demo content: competence profiles for the demo people, mentor offers, pairings,
an open request and a speed-mentoring round with its weekly topics."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.extensions import db
from core.models import Activity, utcnow
from core.text import render_markdown
from plugins.matching.models import (
    Conversation,
    ConversationMessage,
    Offer,
    Pairing,
    PairingMessage,
    Profile,
    ProfileCompetence,
    Request,
    RoundPost,
)
from plugins.matching.services import rounds as plan
from plugins.matching.services.pairings import today
from plugins.matching.services.profiles import ensure_competences

# key: (headline, bio, languages, interests, availability, goals,
#       {competence index: (level, seeking)})
PROFILES: dict[str, tuple] = {
    "manager": ("Programme coordinator", "I run the programme and pair mentors with mentees.",
                ["en", "cs"], ["career guidance"], ["weekday_mornings"],
                "Ask me anything about the programme.", {0: (4, False), 8: (4, False)}),
    "mentor1": ("Software developer at a regional IT company",
                "Ten years of building web services. I started as a trainee myself and "
                "remember how much a good word from someone in the field helped.",
                ["cs", "en"], ["web development", "cloud services", "first job in IT"],
                ["weekday_evenings", "weekends"],
                "Career talk about IT jobs, code reviews of your projects, CV feedback.",
                {4: (4, False), 5: (3, False), 3: (4, False), 10: (3, False)}),
    "mentor2": ("Project manager in a logistics company",
                "I lead projects with people from five countries. Before that I sold "
                "software to small businesses.",
                ["fi", "en", "sv"], ["project work", "sales", "starting a business"],
                ["weekday_afternoons", "weekday_evenings"],
                "How projects really run, sales basics, and what employers look for.",
                {8: (4, False), 7: (3, False), 9: (3, False), 11: (4, False)}),
    "mentee1": ("IT student looking for a first internship",
                "Second-year student of information technology. I build small web apps.",
                ["ar", "en", "cs"], ["web development", "cyber security"],
                ["weekday_evenings"], "Help with finding an internship and a CV that works.",
                {4: (2, True), 10: (1, True), 0: (2, False)}),
    "mentee2": ("Business student interested in marketing",
                "I like talking to customers and want to learn how companies plan campaigns.",
                ["nl", "en"], ["marketing", "sales"], ["weekday_afternoons"],
                "A mentor who knows sales and can tell how a first job looks.",
                {7: (2, True), 11: (1, True), 1: (3, False)}),
    "mentee3": ("Looking for work in logistics",
                "I finished vocational school and want to grow into project work.",
                ["bg", "en"], ["project work", "logistics"], ["weekday_afternoons"],
                "Learn project management and practise job interviews.",
                {8: (1, True), 11: (1, True)}),
    "mentee4": ("Future entrepreneur",
                "I have an idea for a small web shop and want to learn how to start.",
                ["pl", "en"], ["starting a business", "web development"],
                ["weekday_evenings", "weekends"],
                "Someone to test my business idea with, and tips on building the shop.",
                {9: (1, True), 4: (1, True), 7: (2, False)}),
}
OFFERS = {
    "mentor1": (["web development", "first job in IT", "cloud services", "CV feedback"], 3,
                "I answer within a couple of days, mostly in the evening."),
    "mentor2": (["project work", "sales", "starting a business", "job interviews"], 3,
                "Happy to meet online; I travel a lot."),
}


def _profiles(programme: Any, users: dict[str, Any]) -> None:
    comps = ensure_competences(programme)
    for key, (headline, bio, langs, interests, avail, goals, levels) in PROFILES.items():
        user = users.get(key)
        if user is None:
            continue
        profile = Profile(programme_id=programme.id, user_id=user.id, headline=headline,
                          bio_source=bio, bio_html=render_markdown(bio), goals=goals,
                          age_confirmed=18, age_confirmed_at=utcnow(),
                          vis_availability="programme")
        profile.languages, profile.interests, profile.availability = langs, interests, avail
        if key == "mentee3":
            profile.vis_goals = "group"
        for index, (level, seeking) in levels.items():
            profile.competences.append(ProfileCompetence(competence_id=comps[index].id,
                                                         level=level, seeking=seeking))
        db.session.add(profile)
    for key, (topics, capacity, note) in OFFERS.items():
        offer = Offer(programme_id=programme.id, mentor_id=users[key].id, capacity=capacity,
                      note=note)
        offer.topics = topics
        db.session.add(offer)


def _pairings(programme: Any, users: dict[str, Any]) -> None:
    group_a, group_b = users["groups"]
    start = today() - timedelta(weeks=2)
    first = None
    for mentor, mentee, group in (("mentor1", "mentee1", group_a),
                                  ("mentor2", "mentee3", group_b)):
        pairing = Pairing(programme_id=programme.id, mentor_id=users[mentor].id,
                          mentee_id=users[mentee].id, group_id=group.id, status="active",
                          starts_on=start, ends_on=start + timedelta(weeks=10))
        db.session.add(pairing)
        first = first or pairing
    db.session.flush()
    for offset, (author, text) in enumerate((
            ("mentee1", "Hi Jan! I put my CV and two project links below. Could we look at "
                        "them in our next meeting?"),
            ("mentor1", "Thanks Amir. The projects are a good start. Add a short **README** "
                        "to each, and we will go through the CV on Thursday.")), start=-5):
        db.session.add(PairingMessage(pairing_id=first.id, author_id=users[author].id,
                                      body_source=text, body_html=render_markdown(text),
                                      created_at=utcnow() + timedelta(days=offset)))
    db.session.add(Request(
        programme_id=programme.id, mentee_id=users["mentee4"].id, mentor_id=users["mentor1"].id,
        status="pending",
        motivation="I am building a small web shop and would love advice from someone who "
                   "builds web services for a living."))


def _round(programme: Any, users: dict[str, Any]) -> None:
    section = users["sections"]["employability"]
    activity = Activity(
        section_id=section.id, programme_id=programme.id, type="matching.round",
        plugin="matching", title="Speed mentoring with company mentors",
        description_source="Five weeks of short conversations with mentors from local "
                           "companies. Each week has a suggested topic; use it or ask "
                           "anything else.",
        group_mode="shared", position=len(section.activities))
    activity.description_html = render_markdown(activity.description_source)
    db.session.add(activity)
    db.session.flush()
    rnd = plan.create(activity, starts_on=today() - timedelta(weeks=2), weeks=5)
    thread = RoundPost(round_id=rnd.id, author_id=users["mentee2"].id, week=1,
                       body_source="I hope to hear how people found their first job in "
                                   "marketing. Is a portfolio important?")
    db.session.add(thread)
    db.session.flush()
    reply = RoundPost(round_id=rnd.id, parent_id=thread.id, author_id=users["mentor2"].id,
                      week=1, body_source="Very! Even two or three small campaigns you did "
                                          "for a club or a friend's business show a lot.")
    topic = RoundPost(round_id=rnd.id, author_id=users["mentor1"].id, week=3,
                      body_source="This week: which skill do you think will matter most in "
                                  "five years? My bet is explaining technical things simply.")
    now = utcnow()
    for post, days_ago in ((thread, 13), (reply, 12), (topic, 1)):
        post.body_html = render_markdown(post.body_source)
        post.created_at = now - timedelta(days=days_ago, hours=3)
    db.session.add_all([reply, topic])
    talk = Conversation(round_id=rnd.id, mentor_id=users["mentor2"].id,
                        starter_id=users["mentee4"].id)
    db.session.add(talk)
    db.session.flush()
    text = "Hello Liisa, could I ask you two questions about pricing for a small web shop?"
    db.session.add(ConversationMessage(conversation_id=talk.id,
                                       author_id=users["mentee4"].id, body_source=text,
                                       body_html=render_markdown(text)))


def build(programme: Any, users: dict[str, Any]) -> None:
    """Add the matching demo content to the demo programme (the core commits)."""
    values = dict(programme.settings or {})
    values["matching"] = {"min_age": 18, "pairing_weeks": 10}
    programme.settings = values
    _profiles(programme, users)
    _pairings(programme, users)
    _round(programme, users)
    db.session.flush()
