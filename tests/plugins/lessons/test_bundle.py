"""Import and export of lessons as folders of markdown files with a manifest: the
round trip loses nothing (text, images, questions, track, language, translation link)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest

from core.extensions import db
from core.models import Activity, StoredFile
from plugins.lessons.models import Chapter, Image, Lesson
from plugins.lessons.services import bundle, images
from plugins.lessons.services.catalogue import chapters_of
from plugins.lessons.services.demo import course_folders
from tests.plugins.lessons.conftest import png_bytes

BODY = """\
## A heading

Some *text* with a [link](https://example.org) and an image:

![The process in six steps](process.png)

- a list
- with ünïcödé — and “quotes”

![Second image](photo.jpeg "A title")
"""


def _rich_lesson(section, manager):
    """A lesson made through the editor's own code paths: two chapters, images, questions."""
    files = {
        "lesson.json": json.dumps({
            "key": "rich", "title": "Rich lesson", "description": "About **this** lesson.",
            "track": "mentor", "language": "fi",
            "chapters": [
                {"title": "First", "pages": [{"title": "One", "file": "a/one.md"},
                                             {"title": "Two", "file": "a/two.md"}],
                 "questions": ["Why?", "How, exactly?\nThink of an example."]},
                {"title": "Second", "pages": [{"title": "Three", "file": "b/three.md"}],
                 "questions": []},
            ]}).encode(),
        "a/one.md": BODY.encode(),
        "a/two.md": b"No trailing newline",
        "b/three.md": b"Windows\r\nline ends\r\n",
        "images/process.png": png_bytes("blue"),
        "images/photo.jpeg": _jpeg(),
    }
    return bundle.load(files, section, manager)


def _jpeg():
    from PIL import Image as PILImage

    out = io.BytesIO()
    PILImage.new("RGB", (3, 3), "green").save(out, "JPEG")
    return out.getvalue()


def _summary(activity):
    """Everything a lesson holds, independent of ids."""
    lesson = db.session.get(Lesson, activity.id)
    imgs = {i.name: hashlib.sha256(images.storage.read_bytes(i.file)).hexdigest()
            for i in images.images_of(activity.id)}
    return {
        "title": activity.title, "description": activity.description_source,
        "track": lesson.track, "language": lesson.language,
        "chapters": [(c.title, [(p.title, p.body_source) for p in c.pages],
                      [q.text for q in c.questions]) for c in chapters_of(activity.id)],
        "images": imgs,
    }


def test_folder_round_trip_loses_nothing(app, world, make, tmp_path):
    prog = world["programme"]
    original = _rich_lesson(make.section(prog, "Course"), world["manager"])
    bundle.write_folder(bundle.dump(original), tmp_path / "rich")
    assert (tmp_path / "rich" / "lesson.json").is_file()
    assert (tmp_path / "rich" / "images" / "process.png").read_bytes() == png_bytes("blue")
    assert (tmp_path / "rich" / "01-first" / "01-one.md").read_text() == BODY

    other = make.programme()
    copy = bundle.load(bundle.read_folder(tmp_path / "rich"), make.section(other, "S"))
    assert _summary(copy) == _summary(original)
    assert db.session.get(Lesson, copy.id).key == "rich"
    # exporting the copy gives the very same files
    assert bundle.dump(copy) == bundle.dump(original)


def test_imported_pages_point_at_their_own_images(app, world, make, login_as):
    prog = world["programme"]
    activity = _rich_lesson(make.section(prog, "Course"), world["manager"])
    page = chapters_of(activity.id)[0].pages[0]
    assert f'src="/lessons/{activity.id}/images/process.png"' in page.body_html
    assert f'src="/lessons/{activity.id}/images/photo.jpeg"' in page.body_html
    assert 'href="https://example.org"' in page.body_html
    c = login_as(world["mentee_a"])
    resp = c.get(f"/lessons/{activity.id}/images/process.png")
    assert resp.status_code == 200 and resp.data == png_bytes("blue")
    assert resp.headers["Content-Type"] == "image/png"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert c.get(f"/lessons/{activity.id}/images/missing.png").status_code == 404
    assert login_as(world["outsider"]).get(
        f"/lessons/{activity.id}/images/process.png").status_code == 404


def test_zip_round_trip_through_the_pages(app, world, make, login_as):
    prog = world["programme"]
    original = _rich_lesson(make.section(prog, "Course"), world["manager"])
    c = login_as(world["manager"])
    resp = c.get(f"/lessons/{original.id}/export.zip")
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    assert 'filename="rich.zip"' in resp.headers["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(resp.data)).namelist()
    assert "rich/lesson.json" in names and "rich/images/photo.jpeg" in names
    target = make.section(prog, "Imported")
    resp = c.post(f"/lessons/p/{prog.id}/import",
                  data={"file": (io.BytesIO(resp.data), "rich.zip"), "section_id": target.id},
                  content_type="multipart/form-data")
    assert resp.status_code == 302
    copy = db.session.scalar(db.select(Activity).where(Activity.section_id == target.id))
    assert _summary(copy) == _summary(original)
    assert db.session.get(Lesson, copy.id).key == "rich-2"  # keys stay unique per programme
    # the same zip twice gives identical bytes
    again = c.get(f"/lessons/{original.id}/export.zip").data
    assert again == c.get(f"/lessons/{original.id}/export.zip").data


def test_command_line_export_and_import(app, world, make, tmp_path):
    prog = world["programme"]
    original = _rich_lesson(make.section(prog, "Course"), world["manager"])
    runner = app.test_cli_runner()
    result = runner.invoke(args=["lessons", "export", str(original.id), str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "Exported “Rich lesson” (6 files)" in result.output
    result = runner.invoke(args=["lessons", "export", str(original.id), str(tmp_path / "out")])
    assert result.exit_code != 0 and "is not empty" in result.output
    (tmp_path / "out" / "02-second" / "02-old-page.md").write_text("stale")
    result = runner.invoke(args=["lessons", "export", str(original.id), str(tmp_path / "out"),
                                 "--overwrite"])
    assert result.exit_code == 0 and not (tmp_path / "out" / "02-second" / "02-old-page.md"
                                          ).exists()
    result = runner.invoke(args=["lessons", "export", str(original.id),
                                 str(tmp_path / "rich.zip")])
    assert result.exit_code == 0 and zipfile.is_zipfile(tmp_path / "rich.zip")
    other = make.programme()
    section = make.section(other, "S")
    for source in ("out", "rich.zip"):
        result = runner.invoke(args=["lessons", "import", str(tmp_path / source),
                                     "--section", str(section.id)])
        assert result.exit_code == 0, result.output
    copies = db.session.scalars(db.select(Activity).where(Activity.section_id == section.id)
                                ).all()
    assert [_summary(a) for a in copies] == [_summary(original)] * 2
    result = runner.invoke(args=["lessons", "list", "--programme", str(other.id)])
    assert "rich " in result.output and "rich-2" in result.output


def test_translation_link_survives_export_and_import(app, world, make, login_as, tmp_path):
    prog = world["programme"]
    original = _rich_lesson(make.section(prog, "Course"), world["manager"])
    c = login_as(world["manager"])
    resp = c.post(f"/lessons/{original.id}/translate", data={"language": "cs"})
    assert resp.status_code == 302
    copy = db.session.scalar(db.select(Lesson).where(Lesson.translation_of_id == original.id))
    assert copy.language == "cs" and copy.key == "rich-cs"
    manifest = json.loads(bundle.dump(db.session.get(Activity, copy.activity_id))["lesson.json"])
    assert manifest["translation_of"] == "rich" and manifest["language"] == "cs"
    # in another programme the copy finds its original by key
    other = make.programme()
    section = make.section(other, "S")
    new_original = bundle.load(bundle.dump(original), section)
    new_copy = bundle.load(bundle.dump(db.session.get(Activity, copy.activity_id)), section)
    assert db.session.get(Lesson, new_copy.id).translation_of_id == new_original.id
    # the language is offered once only
    page = c.get(f"/lessons/{original.id}/translate").get_data(as_text=True)
    assert 'value="cs"' not in page and 'value="nl"' in page


@pytest.mark.parametrize("folder", course_folders(), ids=lambda p: p.name)
def test_shipped_course_round_trips_byte_for_byte(app, world, make, folder):
    files = bundle.read_folder(folder)
    activity = bundle.load(files, make.section(world["programme"], "Course"))
    assert bundle.dump(activity) == files


@pytest.mark.parametrize("folder", course_folders(), ids=lambda p: p.name)
def test_shipped_course_is_complete(app, world, make, folder):
    files = bundle.read_folder(folder)
    manifest = bundle.parse_manifest(files)
    assert manifest["language"] == "en" and manifest["track"] == folder.name
    assert len(manifest["chapters"]) >= 4
    assert bundle.unused_files(files, manifest) == []
    for chapter in manifest["chapters"]:
        assert chapter["pages"] and len(chapter["questions"]) >= 2, chapter["title"]
        for page in chapter["pages"]:
            assert len(page["source"].split()) > 150, page["title"]
    activity = bundle.load(files, make.section(world["programme"], "Course"))
    present = {i.name for i in images.images_of(activity.id)}
    used = {n for c in chapters_of(activity.id) for p in c.pages
            for n in images.referenced_names(p.body_html, activity.id)}
    assert used and used == present  # every image is used, every used image is there


def _zip(files):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return out.getvalue()


def _manifest(**extra):
    data = {"title": "T", "chapters": [{"title": "C", "pages": [{"title": "P", "file": "p.md"}],
                                        "questions": ["Q?"]}]}
    data.update(extra)
    return json.dumps(data).encode()


BAD = {
    "no manifest": ({"p.md": b"x"}, "has no lesson.json"),
    "not json": ({"lesson.json": b"{", "p.md": b"x"}, "is not valid JSON"),
    "missing page": ({"lesson.json": _manifest()}, "The page file p.md is missing."),
    "bad track": ({"lesson.json": _manifest(track="boss"), "p.md": b"x"}, "track"),
    "escape": ({"lesson.json": _manifest(), "p.md": b"x", "../evil.md": b"x"}, "not allowed"),
    "bad image name": ({"lesson.json": _manifest(), "p.md": b"x", "images/a b.png": b"x"},
                       "not allowed"),
    "fake image": ({"lesson.json": _manifest(), "p.md": b"x",
                    "images/fake.png": b"<svg onload=alert(1)>"}, "does not match its type"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_lessons_are_refused_and_leave_nothing(app, world, make, login_as, case):
    files, message = BAD[case]
    prog = world["programme"]
    section = make.section(prog, "S")
    c = login_as(world["manager"])
    resp = c.post(f"/lessons/p/{prog.id}/import",
                  data={"file": (io.BytesIO(_zip(files)), "l.zip"), "section_id": section.id},
                  content_type="multipart/form-data")
    assert resp.status_code == 400  # the form again, with what is wrong
    assert message in resp.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Activity.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Chapter.id))) == 0
    assert db.session.scalar(db.select(db.func.count(StoredFile.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Image.id))) == 0


def test_not_a_zip_and_unnamed_files(app, world, make, login_as):
    prog = world["programme"]
    section = make.section(prog, "S")
    c = login_as(world["manager"])
    resp = c.post(f"/lessons/p/{prog.id}/import",
                  data={"file": (io.BytesIO(b"hello"), "l.zip"), "section_id": section.id},
                  content_type="multipart/form-data")
    assert "The file is not a zip archive." in resp.get_data(as_text=True)
    files = {"lesson/lesson.json": _manifest(), "lesson/p.md": b"x", "lesson/extra.md": b"y",
             "lesson/.git/config": b"z"}
    resp = c.post(f"/lessons/p/{prog.id}/import",
                  data={"file": (io.BytesIO(_zip(files)), "l.zip"), "section_id": section.id},
                  content_type="multipart/form-data", follow_redirects=True)
    text = resp.get_data(as_text=True)
    assert "was imported" in text and "not imported: extra.md" in text


def test_only_managers_export_and_import(app, world, make, lesson, login_as):
    prog = world["programme"]
    for who in ("mentor_a", "mentee_a", "outsider"):
        c = login_as(world[who])
        assert c.get(f"/lessons/{lesson.id}/export.zip").status_code == 404, who
        assert c.get(f"/lessons/p/{prog.id}/import").status_code == 404, who
        assert c.post(f"/lessons/{lesson.id}/translate", data={"language": "cs"}
                      ).status_code == 404, who


def test_images_of_a_deleted_lesson_are_pruned(app, world, make, login_as):
    prog = world["programme"]
    keep = _rich_lesson(make.section(prog, "Course"), world["manager"])
    gone = bundle.load(bundle.dump(keep), keep.section)
    paths = [images.storage.path_of(i.file) for i in images.images_of(gone.id)]
    assert login_as(world["manager"]).post(
        f"/p/{prog.id}/activities/{gone.id}/delete").status_code == 302
    # the core's activity_deleted event pruned the deleted lesson's images at once
    assert db.session.scalar(db.select(db.func.count(StoredFile.id))) == 2
    assert not any(p.exists() for p in paths)
    result = app.test_cli_runner().invoke(args=["lessons", "prune-images"])
    assert "0 unused image file(s) deleted." in result.output
    assert login_as(world["mentee_a"]).get(f"/lessons/{keep.id}/images/process.png"
                                           ).status_code == 200
