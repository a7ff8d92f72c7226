"""The pages every worksheet plugin gets: list, fill in, read, comment, print.

``worksheet_blueprint`` builds them for one plugin. They check the plugin's
capabilities ``<plugin>.view_worksheets`` (group scope, everyone),
``<plugin>.fill_worksheets`` (mentees) and ``<plugin>.comment_worksheets``
(mentors and managers), which the plugin declares. A worksheet is seen by the
mentee who fills it in and by the group's staff; anyone else gets 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from core import concurrency
from core.events import emit
from core.extensions import db
from core.models import MentoringGroup, utcnow
from core.permissions import can, capability_required, public
from core.routing import db_int
from core.sessions import services as sessions
from core.text import render_markdown
from core.views.helpers import get_or_404
from core.worksheets.forms import build_form, form_data
from core.worksheets.schema import Schema, column_totals, missing


class _Incomplete(Exception):
    """A submitted worksheet misses required answers; nothing is saved."""


class _Blueprint(Blueprint):
    """A blueprint whose static files (stylesheets) anyone may fetch."""

    @public
    def send_static_file(self, filename: str):  # noqa: ANN201
        return super().send_static_file(filename)


def worksheet_blueprint(import_name: str, plugin: str, schemas: list[Schema], model: type,
                        comment_model: type, static_folder: str | None = None) -> Blueprint:
    """A blueprint named ``plugin`` under ``/<plugin>`` with the worksheet pages for
    ``schemas``, storing answers in ``model`` and comments in ``comment_model``."""
    bp = _Blueprint(plugin, import_name, url_prefix=f"/{plugin}", static_folder=static_folder,
                   static_url_path="/static" if static_folder else None)
    by_name = {s.name: s for s in schemas}
    by_key = {s.key: s for s in schemas}
    view_cap, fill_cap, comment_cap = (f"{plugin}.{v}" for v in
                                       ("view_worksheets", "fill_worksheets",
                                        "comment_worksheets"))

    def staff(group: MentoringGroup) -> bool:
        # who sees every mentee's worksheet: still true once the group is read-only
        return can(current_user, comment_cap, group.programme_id, group, as_reader=True)

    def load(group_id: int, worksheet_id: int) -> tuple[MentoringGroup, Any, Schema]:
        group = get_or_404(MentoringGroup, group_id)
        ws = db.session.get(model, worksheet_id)
        if ws is None or ws.group_id != group.id or ws.schema not in by_name:
            abort(404)
        if ws.mentee_id != current_user.id and not staff(group):
            abort(404)
        return group, ws, by_name[ws.schema]

    def render(template: str, **context: Any) -> str:
        return render_template(template, plugin=plugin, **context)

    def comments_by_field(ws: Any) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {}
        for c in sorted(ws.comments, key=lambda c: c.id):
            out.setdefault(c.field or "", []).append(c)
        return out

    def totals(schema: Schema, data: dict[str, Any]) -> dict[str, dict[str, Any]]:
        return {f.name: column_totals(f, data.get(f.name) or []) for f in schema.fields
                if f.kind == "table"}

    def page(group: MentoringGroup, schema: Schema, ws: Any, form: Any, session: Any,
             conflict: list[concurrency.Change] | None = None) -> tuple[str, int]:
        data = ws.data if ws is not None else {}
        return render(
            "worksheets/worksheet.html", group=group, programme=group.programme, schema=schema,
            worksheet=ws, form=form, session=session,
            staff=can(current_user, comment_cap, group.programme_id, group),
            editable=form is not None, comments=comments_by_field(ws) if ws else {},
            data=data, totals=totals(schema, data),
            summary=schema.summary(data) if schema.summary and data else [],
            conflict=conflict,
        ), concurrency.status(conflict)

    def save(ws: Any, schema: Schema, form: Any) -> bool:
        """Store the answers; submitting checks required fields. True when saved."""
        data = form_data(schema, form)
        submit = request.form.get("action") == "submit"
        gaps = missing(schema, data) if submit else []
        if gaps:
            form.form_errors.append(_("Answer these before submitting: %(fields)s",
                                      fields=", ".join(str(g) for g in gaps)))
            return False
        ws.data = data
        if submit:
            ws.status, ws.submitted_at = "submitted", utcnow()
            db.session.add(ws)
            db.session.flush()
            emit("worksheet_submitted", actor=current_user, programme=ws.programme_id,
                 group=ws.group_id, obj=ws,
                 data={"plugin": plugin, "schema": schema.name, "title": str(schema.title)})
        return True

    @bp.route("/groups/<int:group_id>/worksheets")
    @capability_required(view_cap)
    def index(group_id: int):
        group = get_or_404(MentoringGroup, group_id)
        stmt = (db.select(model).where(model.group_id == group.id,
                                       model.schema.in_(list(by_name)))
                .options(joinedload(model.mentee), joinedload(model.session))
                .order_by(model.updated_at.desc()))
        if not staff(group):
            stmt = stmt.where(model.mentee_id == current_user.id)
        rows = db.session.execute(stmt).scalars().all()
        return render("worksheets/index.html", group=group, programme=group.programme,
                      worksheets=rows, schemas=schemas, by_name=by_name, staff=staff(group),
                      can_fill=can(current_user, fill_cap, group.programme_id, group))

    @bp.route("/groups/<int:group_id>/sessions/<int:session_id>/worksheet")
    @capability_required(view_cap)
    def session_worksheet(group_id: int, session_id: int):
        group = get_or_404(MentoringGroup, group_id)
        session = sessions.session_or_404(group.id, session_id)
        schema = by_name.get(session.type) or abort(404)
        mine = db.session.execute(
            db.select(model).where(model.session_id == session.id, model.schema == schema.name,
                                   model.mentee_id == current_user.id)).scalar()
        if mine is not None:
            return redirect(url_for(".view", group_id=group.id, worksheet_id=mine.id))
        if can(current_user, fill_cap, group.programme_id, group):
            return redirect(url_for(".new", group_id=group.id, key=schema.key,
                                    session=session.id))
        sheets = {w.mentee_id: w for w in db.session.execute(
            db.select(model).where(model.session_id == session.id, model.schema == schema.name)
        ).scalars()}
        mentees = [m for m in sessions.attendees(session) if m.role == "mentee"]
        return render("worksheets/session.html", group=group, programme=group.programme,
                      session=session, schema=schema, mentees=mentees, sheets=sheets)

    @bp.route("/groups/<int:group_id>/worksheets/new/<key>", methods=["GET", "POST"])
    @capability_required(fill_cap)
    def new(group_id: int, key: str):
        group = get_or_404(MentoringGroup, group_id)
        schema = by_key.get(key) or abort(404)
        session = None
        if request.args.get("session", type=db_int):
            session = sessions.session_or_404(group.id, request.args.get("session", type=db_int))
            existing = db.session.execute(
                db.select(model).where(model.session_id == session.id,
                                       model.schema == schema.name,
                                       model.mentee_id == current_user.id)).scalar()
            if existing is not None:
                return redirect(url_for(".view", group_id=group.id, worksheet_id=existing.id))
        form = build_form(schema, None, request.method == "POST")
        if form.validate_on_submit():
            ws = model(programme_id=group.programme_id, group_id=group.id,
                       session_id=session.id if session else None, mentee_id=current_user.id,
                       schema=schema.name, data={})
            if save(ws, schema, form):
                db.session.add(ws)
                db.session.commit()
                flash(_("Worksheet saved."), "success")
                return redirect(url_for(".view", group_id=group.id, worksheet_id=ws.id))
        return page(group, schema, None, form, session)

    @bp.route("/groups/<int:group_id>/worksheets/<int:worksheet_id>", methods=["GET", "POST"])
    @capability_required(view_cap)
    def view(group_id: int, worksheet_id: int):
        group, ws, schema = load(group_id, worksheet_id)
        owner = ws.mentee_id == current_user.id and can(current_user, fill_cap,
                                                        group.programme_id, group)
        if request.method == "POST" and not owner:
            abort(404)
        form = build_form(schema, ws.data, request.method == "POST") if owner else None
        conflict = None
        if owner:
            concurrency.loaded_version(form, ws)
        if owner and form.validate_on_submit():
            def apply() -> None:
                if not save(ws, schema, form):
                    raise _Incomplete

            try:
                conflict = concurrency.save(ws, form, apply, {})
            except _Incomplete:
                db.session.rollback()
            else:
                if conflict is None:
                    flash(_("Worksheet submitted to your mentor.") if ws.status == "submitted"
                          and request.form.get("action") == "submit"
                          else _("Worksheet saved."), "success")
                    return redirect(url_for(".view", group_id=group.id, worksheet_id=ws.id))
                yours = form_data(schema, form)
                conflict = concurrency.changes((f.label, ws.data.get(f.name), yours.get(f.name))
                                               for f in schema.fields)
        return page(group, schema, ws, form, ws.session, conflict)

    @bp.route("/groups/<int:group_id>/worksheets/<int:worksheet_id>/print")
    @capability_required(view_cap)
    def print_view(group_id: int, worksheet_id: int):
        group, ws, schema = load(group_id, worksheet_id)
        return render("worksheets/print.html", group=group, programme=group.programme,
                      schema=schema, worksheet=ws, data=ws.data, totals=totals(schema, ws.data),
                      comments=comments_by_field(ws),
                      summary=schema.summary(ws.data) if schema.summary else [])

    @bp.route("/groups/<int:group_id>/worksheets/<int:worksheet_id>/comments",
              methods=["POST"])
    @capability_required(comment_cap)
    def comment(group_id: int, worksheet_id: int):
        group, ws, schema = load(group_id, worksheet_id)
        body = (request.form.get("body") or "").strip()
        field = request.form.get("field") or ""
        if not body or len(body) > 20000 or (field and schema.field(field) is None):
            flash(_("Write a comment first.") if not body else _("That comment cannot be saved."),
                  "error")
            return redirect(url_for(".view", group_id=group.id, worksheet_id=ws.id))
        ws.comments.append(comment_model(author_id=current_user.id, field=field,
                                         body_source=body, body_html=render_markdown(body)))
        db.session.flush()
        emit("worksheet_commented", actor=current_user, programme=ws.programme_id,
             group=ws.group_id, obj=ws, data={"plugin": plugin, "schema": schema.name})
        db.session.commit()
        flash(_("Comment added."), "success")
        anchor = f"#field-{field}" if field else "#comments"
        return redirect(url_for(".view", group_id=group.id, worksheet_id=ws.id) + anchor)

    return bp
