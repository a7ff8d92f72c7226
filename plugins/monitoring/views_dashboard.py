"""The manager's dashboard, its CSV and XLSX exports, and certificates."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.events import emit
from core.extensions import db
from core.models import GroupMember, MentoringGroup, Programme, User
from core.permissions import can, capability_required, public, visible_group_ids
from core.views.forms import ConfirmForm
from core.views.helpers import get_or_404
from plugins.monitoring import charts, exports
from plugins.monitoring.blueprint import bp
from plugins.monitoring.certificate import new_code, render_pdf
from plugins.monitoring.figures import dashboard
from plugins.monitoring.labels import outcome_label
from plugins.monitoring.models import Certificate, Outcome


def _figures(programme: Programme):  # noqa: ANN202
    groups = visible_group_ids(current_user, programme.id)
    individual = can(current_user, "monitoring.view_individual_answers", programme)
    return dashboard(programme, groups, individual_scores=individual)


@bp.route("/p/<int:programme_id>/dashboard")
@capability_required("monitoring.view_dashboard")
def programme_dashboard(programme_id: int):
    programme = get_or_404(Programme, programme_id)
    points, figures = _figures(programme)
    held_chart = charts.bar_chart(
        _("Sessions held per group"), [f.group.name for f in figures],
        [f.sessions_held for f in figures])
    score_chart = None
    if points and figures:
        score_chart = charts.line_chart(
            _("Relationship quality per group (1–5)"), [p.label for p in points],
            {f.group.name: [f.scores.get(p.id) for p in points] for f in figures})
    return render_template("monitoring/dashboard.html", programme=programme, points=points,
                           figures=figures, held_chart=held_chart, score_chart=score_chart,
                           outcome_label=outcome_label,
                           can_certify=can(current_user, "monitoring.issue_certificates",
                                           programme))


def _table(programme: Programme) -> tuple[list[str], list[list]]:
    points, figures = _figures(programme)
    header = [_("Group"), _("Mentors"), _("Mentees"), _("Sessions planned"), _("Sessions held"),
              _("Attendance rate"), _("Diaries submitted"), _("Missing documents"),
              _("Last activity")]
    header += [_("Relationship score: %(point)s", point=p.label) for p in points]
    header += [_("Outcome: %(status)s", status=outcome_label(s)) for s in
               ("in_work", "in_education", "neither", "other")]
    rows = []
    for f in figures:
        rows.append([
            f.group.name, ", ".join(f.mentors), ", ".join(f.mentees), f.sessions_planned,
            f.sessions_held, f.attendance_rate if f.attendance_rate is not None else "",
            f.diaries, "; ".join(f.missing_documents),
            f.last_activity.strftime("%Y-%m-%d %H:%M") if f.last_activity else "",
            *[f.scores.get(p.id) if f.scores.get(p.id) is not None else "" for p in points],
            *[f.outcomes.get(s, 0) for s in ("in_work", "in_education", "neither", "other")],
        ])
    return header, rows


@bp.route("/p/<int:programme_id>/dashboard.csv")
@capability_required("monitoring.view_dashboard")
def dashboard_csv(programme_id: int):
    programme = get_or_404(Programme, programme_id)
    header, rows = _table(programme)
    return Response(exports.iter_csv(header, rows), mimetype="text/csv",
                    headers={"Content-Disposition":
                             f'attachment; filename="monitoring-{programme.id}.csv"'})


@bp.route("/p/<int:programme_id>/dashboard.xlsx")
@capability_required("monitoring.view_dashboard")
def dashboard_xlsx(programme_id: int):
    programme = get_or_404(Programme, programme_id)
    header, rows = _table(programme)
    return Response(
        exports.to_xlsx(header, rows, _("Monitoring")),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="monitoring-{programme.id}.xlsx"'})


def _sessions_of(mentee: User, programme: Programme) -> list[dict]:
    """Held sessions of the mentee's groups, from the event log."""
    from core.models import Event

    group_ids = db.session.scalars(
        db.select(GroupMember.group_id).join(MentoringGroup)
        .where(GroupMember.user_id == mentee.id, MentoringGroup.programme_id == programme.id)
    ).all()
    rows = db.session.scalars(
        db.select(Event).where(Event.programme_id == programme.id, Event.name == "session_held",
                               Event.group_id.in_(group_ids or [-1]))
        .order_by(Event.created_at)
    ).all()
    return [{"date": e.created_at.strftime("%Y-%m-%d"),
             "title": (e.data or {}).get("title") or _("Mentoring session")} for e in rows]


@bp.route("/p/<int:programme_id>/certificates/<int:user_id>", methods=["POST"])
@capability_required("monitoring.issue_certificates")
def issue_certificate(programme_id: int, user_id: int):
    programme = get_or_404(Programme, programme_id)
    mentee = get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    outcome = db.session.scalar(db.select(Outcome).where(
        Outcome.programme_id == programme.id, Outcome.mentee_id == mentee.id))
    if outcome is None or not outcome.completed:
        flash(_("%(name)s has not completed the programme yet: the mentor records that on "
                "the outcomes page.", name=mentee.name), "error")
        return redirect(url_for(".programme_dashboard", programme_id=programme.id))
    cert = Certificate(
        code=new_code(), programme_id=programme.id, mentee_id=mentee.id,
        holder_name=mentee.name, programme_title=programme.title,
        sessions=_sessions_of(mentee, programme),
        competences=[c.strip() for c in outcome.competences.splitlines() if c.strip()],
        issued_by_id=current_user.id,
    )
    db.session.add(cert)
    db.session.flush()
    emit("certificate_issued", actor=current_user, programme=programme, obj=cert)
    db.session.commit()
    flash(_("Certificate issued for %(name)s.", name=mentee.name), "success")
    return redirect(url_for(".certificates", programme_id=programme.id))


@bp.route("/p/<int:programme_id>/certificates")
@capability_required("monitoring.view_own")
def certificates(programme_id: int):
    programme = get_or_404(Programme, programme_id)
    stmt = db.select(Certificate).where(Certificate.programme_id == programme.id)
    if not can(current_user, "monitoring.issue_certificates", programme):
        stmt = stmt.where(Certificate.mentee_id == current_user.id)
    certs = db.session.scalars(stmt.order_by(Certificate.issued_at.desc())).all()
    return render_template("monitoring/certificates.html", programme=programme, certs=certs)


@bp.route("/p/<int:programme_id>/certificates/<code>.pdf")
@capability_required("monitoring.view_own")
def certificate_pdf(programme_id: int, code: str):
    cert = db.session.scalar(db.select(Certificate).where(Certificate.code == code))
    if cert is None or cert.programme_id != programme_id:
        abort(404)
    if cert.mentee_id != current_user.id and not can(
            current_user, "monitoring.issue_certificates", programme_id):
        abort(404)
    pdf = render_pdf(cert, url_for(".verify", code=cert.code, _external=True))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="certificate-{cert.code}.pdf"'})


@bp.route("/verify/<code>")
@public
def verify(code: str):
    """Anyone holding the code can check a certificate; a forged code finds nothing."""
    cert = db.session.scalar(db.select(Certificate).where(Certificate.code == code))
    if cert is None:
        abort(404)
    return render_template("monitoring/verify.html", cert=cert)
