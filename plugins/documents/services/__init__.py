"""The documents plugin's logic, kept apart from its views."""
