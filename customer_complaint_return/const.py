"""Selections, named state sets and groups shared by several models of the addon."""

# Groups of the addon and of the host applications it works with.
GROUP_USER = 'customer_complaint_return.group_complaint_user'
GROUP_APPROVER = 'customer_complaint_return.group_return_approver'
GROUP_MANAGER = 'customer_complaint_return.group_complaint_manager'
GROUP_FINANCE = 'account.group_account_invoice'
GROUP_STOCK = 'stock.group_stock_user'

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
COMPLAINT_OPEN_STATES = ('new', 'in_progress')
# States in which a case has been worked on and can no longer be deleted.
COMPLAINT_PROCESSED_STATES = ('in_progress', 'resolved', 'closed')
COMPLAINT_CANCELLABLE_STATES = ('new', 'in_progress', 'resolved')
COMPLAINT_REOPENABLE_STATES = ('resolved', 'closed')

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
# The request may still be changed, rejected, or have its conditions overridden.
RETURN_REVIEW_STATES = ('draft', 'to_approve')
# Statuses that only a decision of the review (approvers), or the flow itself, may set.
RETURN_REVIEWED_STATES = ('approved', 'received', 'done', 'rejected')
# Approved goods count: they come back, are credited, and change the order's invoicing.
RETURN_ACTIVE_STATES = ('approved', 'received', 'done')
# The goods may be sent back, replaced or scrapped.
RETURN_PROCESSING_STATES = ('approved', 'received')
# A case closed without goods that can start over as a draft.
RETURN_RESTARTABLE_STATES = ('rejected', 'cancelled')

# What happens to the accepted goods of a return line.
DISPOSITIONS = [
    ('refund', "Refund"),
    ('replace', "Replace"),
    ('repair', "Repair"),
    ('return', "Return to Customer"),
    ('scrap', "Scrap"),
    ('exchange', "Exchange"),
    ('store_credit', "Store Credit"),
]
# Dispositions credited by a credit note of the original invoice (store credit: then turned into
# a gift card or eWallet balance instead of money).
CREDITED_DISPOSITIONS = ('refund', 'store_credit')
# Dispositions whose received goods are refunded on the order (``to_refund``): credited, or
# invoiced against the goods given in exchange.
REFUNDED_DISPOSITIONS = ('refund', 'exchange', 'store_credit')
# Dispositions that send the accepted goods back to the customer.
SEND_BACK_DISPOSITIONS = ('repair', 'return')
# Dispositions that need no goods back: the customer may keep them when a return rule says so.
KEEP_GOODS_DISPOSITIONS = ('refund', 'replace')
# The customer's demand on a complaint suggests a disposition.
DISPOSITION_BY_DEMAND = {'refund': 'refund', 'replacement': 'replace', 'repair': 'repair'}

GOODS_CONDITIONS = [
    ('new', "New, unopened"),
    ('opened', "Opened, as new"),
    ('used', "Used"),
    ('damaged', "Damaged"),
    ('defective', "Defective"),
]

# ------------------------------------------------------------------
# Follow-up: service levels, escalation, corrective actions
# ------------------------------------------------------------------
SLA_STATUSES = [
    ('on_track', "On Track"),
    ('at_risk', "At Risk"),
    ('breached', "Breached"),
    ('met', "Met"),
]
# The worst status wins when the first response and the resolution are summed up.
SLA_STATUS_RANK = {'met': 0, 'on_track': 1, 'at_risk': 2, 'breached': 3}
# Where an open complaint stands in its escalation: team leader (1), then managers (2).
ESCALATION_TEAM_LEADER = 1
ESCALATION_MANAGERS = 2

CORRECTIVE_ACTION_STATES = [
    ('open', "Open"),
    ('in_progress', "In Progress"),
    ('done', "Done"),
    ('verified', "Verified Effective"),
    ('not_effective', "Not Effective"),
    ('reopened', "Reopened"),
    ('cancelled', "Cancelled"),
]
# Work on the action is still to be done.
CORRECTIVE_ACTION_PENDING_STATES = ('open', 'in_progress', 'reopened', 'not_effective')
# The action was carried out: it satisfies a complaint that requires one.
CORRECTIVE_ACTION_DONE_STATES = ('done', 'verified')
# New complaints of a recurring cluster join an action in these states.
CORRECTIVE_ACTION_JOINABLE_STATES = ('open', 'in_progress', 'reopened', 'done', 'not_effective')
CORRECTIVE_ACTION_ORIGINS = [
    ('manual', "Manual"),
    ('recurrence', "Recurring Complaints"),
    ('recall', "Lot Recall"),
]
RECURRENCE_BASES = [
    ('cause', "Root cause"),
    ('category', "Category"),
]
DIGEST_FREQUENCIES = [
    ('none', "Never"),
    ('weekly', "Weekly"),
    ('monthly', "Monthly"),
]
