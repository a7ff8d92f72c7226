"""The shipped course in every language: each translation is complete, a programme
gets the course in its own language with the other languages in the same family, a
learner can switch language, content in another language than the interface is
marked with ``lang``, and ``ementoring demo --language`` builds the course in it."""

from __future__ import annotations

import html
import json
import re

import pytest

from core.extensions import db
from core.models import Activity, Programme, Section
from plugins.lessons.models import Lesson
from plugins.lessons.services import bundle, demo
from plugins.lessons.services.catalogue import chapters_of
from tests.plugins.lessons.conftest import build_lesson

ENGLISH_TRACKS = demo.course_index("en")["lessons"]
TRANSLATIONS = [code for code in demo.course_languages() if code != "en"]
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")


def _manifest(folder):
    return json.loads((folder / "lesson.json").read_text(encoding="utf-8"))


def test_the_course_has_translations():
    assert {"uk", "cs", "bg"} <= set(TRANSLATIONS)


@pytest.mark.parametrize("code", TRANSLATIONS)
def test_translation_is_complete(code):
    index = json.loads((demo.I18N / code / "course.json").read_text(encoding="utf-8"))
    english_index = demo.course_index("en")
    assert index["lessons"] == english_index["lessons"]
    assert index["section"].strip() and index["section"] != english_index["section"]
    assert index["summary"].strip() and index["summary"] != english_index["summary"]
    for track in ENGLISH_TRACKS:
        english, folder = demo.COURSE / track, demo.I18N / code / track
        original, copy = _manifest(english), _manifest(folder)
        assert copy["language"] == code and copy["track"] == original["track"]
        assert copy["translation_of"] == original["key"]
        assert copy["key"] == f"{original['key']}-{code}"
        assert copy["title"] != original["title"]
        assert len(copy["chapters"]) == len(original["chapters"]), track
        named = set()
        for mine, theirs in zip(copy["chapters"], original["chapters"], strict=True):
            assert mine["title"].strip()
            assert len(mine["pages"]) == len(theirs["pages"]), mine["title"]
            assert len(mine["questions"]) == len(theirs["questions"]), mine["title"]
            for page in mine["pages"]:
                text = (folder / page["file"]).read_text(encoding="utf-8")
                assert page["title"].strip() and len(text.split()) > 50, page["file"]
                for name in IMAGE.findall(text):
                    assert (english / "images" / name).is_file(), (page["file"], name)
                named.add(page["file"])
        on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*.md")}
        assert on_disk == named, track
        assert not (folder / "images").exists()  # images stay in the English folder


@pytest.mark.parametrize("code", TRANSLATIONS)
def test_translated_folder_reads_with_the_english_images(app, code):
    for track in ENGLISH_TRACKS:
        files = demo.course_files(demo.I18N / code / track)
        manifest = bundle.parse_manifest(files)
        english = demo.course_files(demo.COURSE / track)
        assert manifest["language"] == code
        assert {r for r in files if r.startswith("images/")} == \
            {r for r in english if r.startswith("images/")}


def _install(programme, language):
    programme.language = language
    db.session.commit()
    primary = demo.install(programme)
    db.session.commit()
    return primary


def test_programme_in_bulgarian_gets_the_course_in_bulgarian(app, world):
    programme = world["programme"]
    primary = _install(programme, "bg")
    bg_index = demo.course_index("bg")
    section = db.session.scalar(db.select(Section).where(
        Section.programme_id == programme.id, Section.title == bg_index["section"]))
    assert section is not None and section.summary_source == bg_index["summary"]
    for track in ENGLISH_TRACKS:
        activity = primary[track]
        lesson = db.session.get(Lesson, activity.id)
        bg, en = _manifest(demo.I18N / "bg" / track), _manifest(demo.COURSE / track)
        assert lesson.language == "bg" and lesson.translation_of_id is None
        assert activity.title == bg["title"]
        assert [c.title for c in chapters_of(activity.id)] == [c["title"] for c in bg["chapters"]]
        first = chapters_of(activity.id)[0].pages[0]
        assert first.title == bg["chapters"][0]["pages"][0]["title"]
        assert first.body_source == (demo.I18N / "bg" / track / bg["chapters"][0]["pages"][0]
                                     ["file"]).read_text(encoding="utf-8")
        copies = db.session.execute(
            db.select(Activity, Lesson).join(Lesson, Lesson.activity_id == Activity.id)
            .where(Lesson.translation_of_id == activity.id)).all()
        assert sorted(ls.language for _a, ls in copies) == \
            sorted(c for c in demo.course_languages() if c != "bg")
        english = next(a for a, ls in copies if ls.language == "en")
        assert english.title == en["title"] and english.section_id == section.id


def test_programme_in_english_keeps_the_english_course(app, world):
    primary = _install(world["programme"], "en")
    assert primary["mentee"].title == _manifest(demo.COURSE / "mentee")["title"]
    assert db.session.get(Lesson, primary["mentee"].id).language == "en"


def _bulgarian_course_for(world, login_as, interface):
    """The mentee lesson of a course installed in Bulgarian, and a client logged in
    as a mentee whose interface is in ``interface``."""
    primary = _install(world["programme"], "bg")
    world["mentee_a"].language = interface
    db.session.commit()
    return primary["mentee"], login_as(world["mentee_a"])


def _page_url(activity):
    return f"/lessons/{activity.id}/pages/{chapters_of(activity.id)[0].pages[0].id}"


def test_learner_reads_bulgarian_and_switches_to_english(app, world, login_as):
    activity, c = _bulgarian_course_for(world, login_as, "bg")
    bg, en = _manifest(demo.I18N / "bg" / "mentee"), _manifest(demo.COURSE / "mentee")
    page = html.unescape(c.get(_page_url(activity)).get_data(as_text=True))
    assert bg["chapters"][0]["pages"][0]["title"] in page
    for chapter in en["chapters"]:  # no English title anywhere on the Bulgarian page
        assert chapter["title"] not in page
        for p in chapter["pages"]:
            assert p["title"] not in page, p["title"]
    # the content is in the interface's language: not marked
    assert f'<h1 id="page-title">{bg["chapters"][0]["pages"][0]["title"]}</h1>' in page
    assert '<div class="prose">' in page
    lesson_page = c.get(f"/lessons/{activity.id}").get_data(as_text=True)
    link = re.search(r'<a href="(/lessons/(\d+))" hreflang="en" lang="en">English</a>',
                     lesson_page)
    assert link, "no link to the English copy"
    english = html.unescape(c.get(link.group(1)).get_data(as_text=True))
    assert f'<h1 lang="en">{en["title"]}</h1>' in english
    assert 'hreflang="bg" lang="bg">Български</a>' in english
    english_page = html.unescape(
        c.get(_page_url(db.session.get(Activity, int(link.group(2))))).get_data(as_text=True))
    assert f'<h1 id="page-title" lang="en">{en["chapters"][0]["pages"][0]["title"]}</h1>' \
        in english_page
    assert '<div class="prose" lang="en">' in english_page


def test_content_in_another_language_than_the_interface_is_marked(app, world, login_as):
    activity, c = _bulgarian_course_for(world, login_as, "en")
    bg = _manifest(demo.I18N / "bg" / "mentee")
    lesson_page = html.unescape(c.get(f"/lessons/{activity.id}").get_data(as_text=True))
    assert '<html lang="en"' in lesson_page
    assert f'<h1 lang="bg">{bg["title"]}</h1>' in lesson_page
    assert f'<span class="toc-chapter" lang="bg">{bg["chapters"][0]["title"]}</span>' \
        in lesson_page
    page = html.unescape(c.get(_page_url(activity)).get_data(as_text=True))
    assert f'<h1 id="page-title" lang="bg">{bg["chapters"][0]["pages"][0]["title"]}</h1>' \
        in page
    assert '<div class="prose" lang="bg">' in page
    # the interface's own words are not marked as Bulgarian
    assert '<h2 id="toc-title">Contents</h2>' in page
    course = html.unescape(c.get(f"/lessons/p/{world['programme'].id}").get_data(
        as_text=True))  # the interface's language is offered first: English
    assert f'>{_manifest(demo.COURSE / "mentee")["title"]}</a>' in course
    assert 'hreflang="bg" lang="bg">Български</a>' in course
    manager = html.unescape(login_as(world["manager"]).get(
        f"/lessons/p/{world['programme'].id}/progress").get_data(as_text=True))
    assert f'<th scope="col"><span>{_manifest(demo.COURSE / "mentee")["title"]}</span>' \
        in manager


def test_demo_command_builds_the_programme_in_bulgarian(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "--password", "demo passphrase 1", "--language", "bg"])
    assert result.exit_code == 0, result.output
    programme = db.session.scalar(db.select(Programme))
    assert programme.language == "bg"
    titles = set(db.session.scalars(db.select(Section.title)
                                    .where(Section.programme_id == programme.id)))
    assert demo.course_index("bg")["section"] in titles
    assert demo.course_index("en")["section"] not in titles
    languages = db.session.execute(
        db.select(Lesson.language, db.func.count()).join(
            Activity, Activity.id == Lesson.activity_id)
        .where(Activity.programme_id == programme.id, Lesson.translation_of_id.is_(None))
        .group_by(Lesson.language)).all()
    assert languages == [("bg", len(ENGLISH_TRACKS))]


def test_demo_command_refuses_an_unknown_language(app):
    result = app.test_cli_runner().invoke(args=["demo", "--language", "xx"])
    assert result.exit_code != 0
    assert "'xx' is not a language of this site" in result.output
    assert "bg" in result.output and "en" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Programme)) == 0


def test_lesson_lists_mark_a_lesson_in_another_language(app, world, make, login_as):
    build_lesson(make, world["programme"], [(1, 1)], title="Урок за всички", language="bg")
    manager = world["manager"]
    manager.language = "en"
    db.session.commit()
    c = login_as(manager)
    course = c.get(f"/lessons/p/{world['programme'].id}").get_data(as_text=True)
    assert re.search(r'<a href="/lessons/\d+" lang="bg">Урок за всички</a>', course)
    progress = c.get(f"/lessons/p/{world['programme'].id}/progress").get_data(as_text=True)
    assert '<th scope="col"><span lang="bg">Урок за всички</span>' in progress


def test_course_page_lists_each_lesson_once_and_managers_see_the_copies(app, world, login_as):
    """Copies in other languages are reached from their original, not listed beside it."""
    primary = _install(world["programme"], "bg")
    languages = len(demo.course_languages())
    copies = db.session.scalars(db.select(Lesson.activity_id).where(
        Lesson.translation_of_id == primary["mentee"].id)).all()
    assert len(copies) == languages - 1
    url = f"/p/{world['programme'].id}"
    page = login_as(world["mentee_a"]).get(url).get_data(as_text=True)
    for track in ENGLISH_TRACKS:
        assert f'/activity/{primary[track].id}"' in page
    for copy in copies:
        assert f'/activity/{copy}"' not in page
    managed = login_as(world["manager"]).get(url).get_data(as_text=True)
    assert all(f'/activity/{copy}"' in managed for copy in copies)
