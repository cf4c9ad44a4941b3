from odoo import fields, models
from odoo.addons.customer_complaint_return.const import COMPLAINT_STATES


class CustomerComplaintMonthFigure(models.Model):
    """Complaints received per month, by status, category and root cause, read from the monthly
    figures the database keeps (see customer.complaint.figure): the dashboard's trend opens at once
    at a million complaints."""
    _name = 'customer.complaint.month.figure'
    _description = "Complaints per Month"
    _auto = False
    _table = 'customer_complaint_figure'
    _order = 'month desc, id desc'
    _rec_name = 'month'

    company_id = fields.Many2one('res.company', readonly=True)
    month = fields.Date(readonly=True, help="First day of the month the complaints were received (UTC).")
    state = fields.Selection(COMPLAINT_STATES, string="Status", readonly=True)
    category_id = fields.Many2one('customer.complaint.category', string="Category", readonly=True)
    root_cause_id = fields.Many2one('customer.complaint.cause', string="Root Cause", readonly=True)
    complaint_count = fields.Integer(string="Complaints", readonly=True, aggregator='sum')
