"""A lesson as a folder of markdown files with a small JSON manifest, so that
organisations can write and share courses in git.

    lesson.json                  the manifest (see ``manifest_of``)
    01-<chapter>/01-<page>.md    page bodies; the manifest names each file
    images/<name>                images, used in pages as ![description](<name>)

Export and import lose nothing: titles, markdown, questions, images, the track,
the language and the link from a translated copy to its original (by key).
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from core import storage
from core.events import emit
from core.extensions import db
from core.models import Activity, Section
from core.text import render_markdown
from plugins.lessons.models import TRACKS, TYPE, Chapter, Lesson, Page, Question
from plugins.lessons.services import images
from plugins.lessons.services.catalogue import (
    chapters_of,
    ensure_lesson,
    lesson_of,
    slugify,
    unique_key,
)

Files = dict[str, bytes]
MANIFEST = "lesson.json"
FORMAT = "ementoring-lesson"
VERSION = 1
MAX_FILES = 1000
MAX_TEXT_BYTES = 1_000_000
IMAGE_DIR = "images/"


class BundleError(ValueError):
    """A lesson folder or zip that cannot be imported; ``str(err)`` says why."""


# --- export ---------------------------------------------------------------------


def manifest_of(activity: Activity) -> tuple[dict[str, Any], Files]:
    """The manifest of a lesson and its page files."""
    lesson = lesson_of(activity)
    original = db.session.get(Lesson, lesson.translation_of_id) if lesson.translation_of_id \
        else None
    manifest: dict[str, Any] = {
        "format": FORMAT, "version": VERSION, "key": lesson.key, "title": activity.title,
        "description": activity.description_source, "track": lesson.track,
        "language": lesson.language, "translation_of": original.key if original else None,
        "chapters": [],
    }
    files: Files = {}
    for i, chapter in enumerate(chapters_of(activity.id), start=1):
        folder = f"{i:02d}-{slugify(chapter.title, 'chapter')}"
        pages = []
        for j, page in enumerate(chapter.pages, start=1):
            path = f"{folder}/{j:02d}-{slugify(page.title, 'page')}.md"
            files[path] = page.body_source.encode("utf-8")
            pages.append({"title": page.title, "file": path})
        manifest["chapters"].append({"title": chapter.title, "pages": pages,
                                     "questions": [q.text for q in chapter.questions]})
    return manifest, files


def dump(activity: Activity) -> Files:
    """Every file of a lesson's folder, by relative path."""
    manifest, files = manifest_of(activity)
    for image in images.images_of(activity.id):
        files[IMAGE_DIR + image.name] = storage.read_bytes(image.file)
    files[MANIFEST] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return dict(sorted(files.items()))


def write_folder(files: Files, folder: Path, overwrite: bool = False) -> None:
    """Write a lesson's files into ``folder``; with ``overwrite``, an earlier export
    there is replaced (its pages and images that no longer exist are removed)."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        if not overwrite:
            raise BundleError(_("The folder %(path)s is not empty.", path=str(folder)))
        for old in folder.rglob("*"):
            rel = old.relative_to(folder).as_posix()
            if old.is_file() and rel not in files and not rel.startswith(".") and (
                    rel.endswith(".md") or rel.startswith(IMAGE_DIR) or rel == MANIFEST):
                old.unlink()
    for rel, data in files.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def write_zip(files: Files, top: str) -> bytes:
    """A zip of the lesson's folder under ``top/``, identical for identical lessons."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel, data in files.items():
            info = zipfile.ZipInfo(f"{top}/{rel}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return out.getvalue()


# --- reading folders and zips -------------------------------------------------------


def _limit() -> int:
    return current_app.config["UPLOAD_MAX_MB"] * 1024 * 1024


def _safe(rel: str) -> str | None:
    """A clean relative path, or None for hidden files and folders (skipped)."""
    path = PurePosixPath(rel)
    if "\\" in rel or path.is_absolute() or ".." in path.parts or not path.parts:
        raise BundleError(_("The path %(path)s is not allowed.", path=rel))
    if any(part.startswith(".") or part == "__MACOSX" for part in path.parts):
        return None
    return path.as_posix()


def read_folder(folder: Path, images_from: Path | None = None) -> Files:
    """The files of a lesson folder (hidden files such as .git are skipped); with
    ``images_from``, images the folder lacks are taken from that folder's ``images/``
    (a translated copy of the shipped course keeps its images with the original)."""
    folder = Path(folder)
    if images_from is not None:
        files = read_folder(folder)
        for rel, data in read_folder(images_from).items():
            if rel.startswith(IMAGE_DIR):
                files.setdefault(rel, data)
        return files
    if not (folder / MANIFEST).is_file():
        raise BundleError(_("No %(name)s found in %(path)s.", name=MANIFEST, path=str(folder)))
    files: Files = {}
    total = 0
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        rel = _safe(path.relative_to(folder).as_posix())
        if rel is None:
            continue
        total += path.stat().st_size
        if len(files) >= MAX_FILES or total > _limit():
            raise BundleError(_("The lesson is too large to import."))
        files[rel] = path.read_bytes()
    return files


# what reading a hostile archive raises: bad CRC or headers, truncated or corrupt
# streams, unsupported compression, encryption
_UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
               OSError, ValueError)


def _member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """One file of the archive, checked against its declared size and CRC."""
    if info.flag_bits & 0x1:
        raise BundleError(_("The file %(path)s in the zip archive is encrypted.",
                            path=info.filename))
    try:
        data = zf.read(info)
    except _UNREADABLE:
        data = None
    if data is None or len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        raise BundleError(_("The zip archive is damaged: %(path)s could not be read.",
                            path=info.filename))
    return data


def read_zip(stream: Any) -> Files:
    """The files of a zipped lesson folder; a single top folder is stripped.

    Encrypted, damaged or lying entries raise ``BundleError``."""
    try:
        zf = zipfile.ZipFile(stream)
    except _UNREADABLE:
        raise BundleError(_("The file is not a zip archive.")) from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_FILES or sum(i.file_size for i in infos) > _limit():
            raise BundleError(_("The lesson is too large to import."))
        files: Files = {}
        for info in infos:
            rel = _safe(info.filename)
            if rel is not None:
                files[rel] = _member(zf, info)
    if MANIFEST not in files:
        tops = {rel.split("/", 1)[0] for rel in files}
        if len(tops) == 1 and all("/" in rel for rel in files):
            top = tops.pop() + "/"
            files = {rel[len(top):]: data for rel, data in files.items()}
    if MANIFEST not in files:
        raise BundleError(_("The zip archive has no %(name)s.", name=MANIFEST))
    return files


# --- import ----------------------------------------------------------------------------


def _text(files: Files, rel: str) -> str:
    data = files[rel]
    if len(data) > MAX_TEXT_BYTES:
        raise BundleError(_("The file %(path)s is too large.", path=rel))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise BundleError(_("The file %(path)s is not UTF-8 text.", path=rel)) from None


def _string(value: Any, what: str, max_len: int, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > max_len:
        raise BundleError(_("The manifest's %(what)s is missing or not valid.", what=what))
    return value


def parse_manifest(files: Files, default_language: str = "en") -> dict[str, Any]:
    """Check a manifest and the files it names; return it with defaults filled in."""
    try:
        raw = json.loads(_text(files, MANIFEST))
    except json.JSONDecodeError as err:
        raise BundleError(_("%(name)s is not valid JSON (line %(line)d).", name=MANIFEST,
                            line=err.lineno)) from None
    if not isinstance(raw, dict):
        raise BundleError(_("The manifest must be a JSON object."))
    if raw.get("format", FORMAT) != FORMAT or not isinstance(raw.get("version", 1), int) \
            or raw.get("version", 1) > VERSION:
        raise BundleError(_("This is not a lesson this version of the site can import."))
    title = _string(raw.get("title"), "title", 200).strip()
    track = raw.get("track") or "all"
    if track not in TRACKS:
        raise BundleError(_("The manifest's %(what)s is missing or not valid.", what="track"))
    language = raw.get("language") or default_language
    if language not in current_app.config["LANGUAGES"]:
        raise BundleError(_("The manifest's %(what)s is missing or not valid.", what="language"))
    chapters = raw.get("chapters")
    if not isinstance(chapters, list):
        raise BundleError(_("The manifest's %(what)s is missing or not valid.", what="chapters"))
    parsed = []
    for n, chapter in enumerate(chapters, start=1):
        where = f"chapters[{n}]"
        if not isinstance(chapter, dict):
            raise BundleError(_("The manifest's %(what)s is missing or not valid.", what=where))
        pages = []
        for m, page in enumerate(chapter.get("pages") or [], start=1):
            if not isinstance(page, dict):
                raise BundleError(_("The manifest's %(what)s is missing or not valid.",
                                    what=f"{where}.pages[{m}]"))
            rel = _string(page.get("file"), f"{where}.pages[{m}].file", 300)
            if rel not in files or not rel.endswith(".md"):
                raise BundleError(_("The page file %(path)s is missing.", path=rel))
            pages.append({"title": _string(page.get("title"), f"{where}.pages[{m}].title",
                                           200).strip(),
                          "file": rel, "source": _text(files, rel)})
        questions = chapter.get("questions") or []
        if not isinstance(questions, list):
            raise BundleError(_("The manifest's %(what)s is missing or not valid.",
                                what=f"{where}.questions"))
        parsed.append({
            "title": _string(chapter.get("title"), f"{where}.title", 200).strip(),
            "pages": pages,
            "questions": [_string(q, f"{where}.questions", 2000).strip() for q in questions],
        })
    for rel in files:
        if rel.startswith(IMAGE_DIR) and not images.valid_name(rel[len(IMAGE_DIR):]):
            raise BundleError(_("The image %(path)s has a name or type that is not allowed.",
                                path=rel))
    translation_of = raw.get("translation_of")
    return {
        "title": title,
        "description": _string(raw.get("description"), "description", 20000, required=False),
        "key": slugify(_string(raw.get("key"), "key", 80, required=False) or title),
        "track": track, "language": language, "chapters": parsed,
        "translation_of": _string(translation_of, "translation_of", 80, required=False) or None,
    }


def unused_files(files: Files, manifest: dict[str, Any]) -> list[str]:
    """Markdown files in the folder that the manifest does not name (not imported)."""
    named = {p["file"] for ch in manifest["chapters"] for p in ch["pages"]}
    return sorted(rel for rel in files if rel.endswith(".md") and rel not in named)


def load(files: Files, section: Section, actor: Any = None, *,
         translation_of: Lesson | None = None, language: str | None = None,
         key: str | None = None, commit: bool = True) -> Activity:
    """Create a lesson activity at the end of ``section`` from a lesson folder and
    commit it (or only flush, with ``commit`` false). On any failure nothing is
    kept and ``BundleError`` (or ``storage.UploadError`` for a refused image) says why.

    A manifest's ``translation_of`` names the key of a lesson in the same programme;
    ``translation_of``, ``language`` and ``key`` given here take precedence.
    """
    programme = section.programme
    manifest = parse_manifest(files, programme.language or "en")
    stored: list[Any] = []
    try:
        position = db.session.scalar(db.select(db.func.count(Activity.id))
                                     .where(Activity.section_id == section.id))
        activity = Activity(
            section_id=section.id, programme_id=programme.id, type=TYPE, plugin="lessons",
            title=manifest["title"], description_source=manifest["description"],
            description_html=render_markdown(manifest["description"]), group_mode="shared",
            position=position, visible=True, settings={},
        )
        db.session.add(activity)
        db.session.flush()
        original = translation_of
        if original is None and manifest["translation_of"]:
            original = db.session.scalar(
                db.select(Lesson).join(Activity, Activity.id == Lesson.activity_id)
                .where(Activity.programme_id == programme.id,
                       Lesson.key == manifest["translation_of"]))
        db.session.add(Lesson(
            activity_id=activity.id, key=unique_key(programme.id, key or manifest["key"]),
            track=manifest["track"], language=language or manifest["language"],
            translation_of_id=original.family_id if original else None))
        for i, ch in enumerate(manifest["chapters"]):
            chapter = Chapter(activity_id=activity.id, position=i, title=ch["title"])
            chapter.pages = [
                Page(position=j, title=p["title"], body_source=p["source"],
                     body_html=images.render_page(p["source"], activity.id))
                for j, p in enumerate(ch["pages"])]
            chapter.questions = [Question(position=k, text=q)
                                 for k, q in enumerate(ch["questions"])]
            db.session.add(chapter)
        for rel in sorted(files):
            if rel.startswith(IMAGE_DIR):
                row, _old = images.store(activity, rel[len(IMAGE_DIR):], io.BytesIO(files[rel]),
                                         actor, rate=False)
                stored.append(row.file)
        db.session.flush()
        emit("activity_created", actor=actor, programme=programme, obj=activity)
        if commit:
            db.session.commit()
    except BaseException:
        db.session.rollback()
        storage.discard(stored)
        raise
    return activity


def copy(activity: Activity, language: str, actor: Any = None) -> Activity:
    """A translated copy of a lesson in ``language``, placed after it, to be translated."""
    lesson = ensure_lesson(activity)
    return load(dump(activity), activity.section, actor, translation_of=lesson,
                language=language, key=f"{lesson.key}-{language}")
