"""Mentoring sessions: the meetings of a group, its session plan with revisions,
the calendar (month view, iCalendar feed) and reminders the day before.

Session *types* come from plugins through ``register_session_types``; the core
declares only the generic initial mentoring and management session.
"""
