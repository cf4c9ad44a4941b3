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

RETURN_STATES = [
    ('draft', "Draft"),
    ('to_approve', "To Approve"),
    ('approved', "Approved"),
    ('received', "Received"),
    ('done', "Done"),
    ('rejected', "Rejected"),
    ('cancelled', "Cancelled"),
]
# States in which goods may still come back for a case.
RETURN_OPEN_STATES = ('draft', 'to_approve', 'approved')

# What happens to the accepted goods of a return line.
DISPOSITIONS = [
    ('refund', "Refund"),
    ('replace', "Replace"),
    ('repair', "Repair"),
    ('return', "Return to Customer"),
    ('scrap', "Scrap"),
]
# Dispositions that send the accepted goods back to the customer.
SEND_BACK_DISPOSITIONS = ('repair', 'return')
# The customer's demand on a complaint suggests a disposition.
DISPOSITION_BY_DEMAND = {'refund': 'refund', 'replacement': 'replace', 'repair': 'repair'}

GOODS_CONDITIONS = [
    ('new', "New, unopened"),
    ('opened', "Opened, as new"),
    ('used', "Used"),
    ('damaged', "Damaged"),
    ('defective', "Defective"),
]
