from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.fields import Domain


class CustomerComplaintDashboard(models.TransientModel):
    _inherit = 'customer.complaint.dashboard'

    compensation_count = fields.Integer(
        string="Compensations", compute='_compute_compensation_figures',
        help="Compensation issued to customers of the company in the period (coupons, gift cards, goodwill "
             "credit notes).")
    compensation_amount = fields.Monetary(
        string="Compensation Amount", compute='_compute_compensation_figures',
        currency_field='compensation_currency_id')
    compensation_currency_id = fields.Many2one(related='company_id.currency_id', string="Company Currency")

    @api.depends('company_id', 'date_from', 'date_to')
    def _compute_compensation_figures(self):
        self._check_allowed_company()
        for dashboard in self:
            if not dashboard.company_id or not dashboard.date_from or not dashboard.date_to:
                dashboard.compensation_count = dashboard.compensation_amount = 0
                continue
            figures = self._compensation_figures(dashboard.company_id, dashboard.date_from, dashboard.date_to)
            dashboard.compensation_count = figures['count']
            dashboard.compensation_amount = figures['amount']

    @api.model
    def _get_figures(self, company, date_from, date_to, trend_from=None):
        figures = super()._get_figures(company, date_from, date_to, trend_from=trend_from)
        figures['compensations'] = self._compensation_figures(company, date_from, date_to)
        return figures

    @api.model
    def _compensation_domain(self, company, date_from, date_to):
        """Compensation of ``company`` issued from ``date_from`` to ``date_to`` (dates, both included)."""
        start = datetime.combine(date_from, time.min)
        stop = datetime.combine(date_to + timedelta(days=1), time.min)
        return (Domain('company_id', '=', company.id) & Domain('state', '=', 'issued')
                & Domain('date_issued', '>=', start) & Domain('date_issued', '<', stop))

    @api.model
    def _compensation_figures(self, company, date_from, date_to):
        """How many compensations were issued in the period and their value, in the company's currency."""
        [(count, amount)] = self.env['customer.complaint.compensation']._read_group(
            self._compensation_domain(company, date_from, date_to), [], ['__count', 'amount:sum'])
        return {'count': count, 'amount': amount or 0.0}

    def action_view_compensations(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id(
            'customer_complaint_return.action_customer_complaint_compensation')
        action.update(
            name=self.env._("Compensation Issued"),
            domain=[('company_id', '=', self.company_id.id), ('state', '=', 'issued'),
                    *self._period_domain('date_issued')],
            context={'create': False})
        return action
