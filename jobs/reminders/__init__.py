"""Reminders to units that have not reported: when they fall due (schedule), who is owed one
and what it says (plan), and the run that queues and sends them (run)."""
