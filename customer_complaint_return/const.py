"""Selections shared by several models of the addon."""

SEVERITIES = [
    ('low', "Low"),
    ('normal', "Normal"),
    ('high', "High"),
    ('critical', "Critical"),
]
# Severities are ordered: a team takes a range of them.
SEVERITY_RANK = {key: rank for rank, (key, _label) in enumerate(SEVERITIES)}

CHANNELS = [
    ('phone', "Phone"),
    ('email', "E-mail"),
    ('portal', "Portal / Web"),
    ('social', "Social Media"),
    ('in_person', "In Person"),
    ('other', "Other"),
]

DEMANDS = [
    ('refund', "Refund"),
    ('replacement', "Replacement"),
    ('repair', "Repair"),
    ('apology', "Explanation / Apology"),
    ('compensation', "Compensation"),
    ('other', "Other"),
]

COMPLAINT_STATES = [
    ('new', "New"),
    ('in_progress', "In Progress"),
    ('resolved', "Resolved"),
    ('closed', "Closed"),
    ('cancelled', "Cancelled"),
]
OPEN_STATES = ('new', 'in_progress')
# States in which a case has been worked on and can no longer be deleted.
PROCESSED_STATES = ('in_progress', 'resolved', 'closed')
