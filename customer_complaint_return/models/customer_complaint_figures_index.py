from odoo import models


class CustomerComplaint(models.Model):
    """Indexes the dashboard's and the digest's figures use (see customer_complaint_dashboard.py): at a
    million complaints each figure reads only the rows of its company and period."""
    _inherit = 'customer.complaint'

    # the complaints' list in its default order, first page
    _date_received_id_idx = models.Index('(date_received DESC, id DESC)')
    # the days of a period outside whole months (the monthly figures have the rest)
    _company_date_received_idx = models.Index('(company_id, date_received)')
    # the resolutions of the days outside whole months
    _company_date_resolved_idx = models.Index('(company_id, date_resolved) WHERE date_resolved IS NOT NULL')
    # the open cases now, by service level and escalation: read from the index alone
    _company_open_idx = models.Index(
        "(company_id) INCLUDE (state, active, escalation_level, sla_response_result, sla_resolution_result,"
        " date_response_deadline, date_resolution_deadline, date_response_at_risk, date_resolution_at_risk)"
        " WHERE state IN ('new', 'in_progress')")
