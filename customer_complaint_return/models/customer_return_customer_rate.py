from odoo import api, fields, models


class CustomerReturn(models.Model):
    _inherit = 'customer.return'

    # The reviewer's banner: how much this customer returns, against the company's average.
    customer_return_rate = fields.Float(
        string="Customer Return Rate (%)", digits=(16, 2), compute='_compute_customer_return_rates',
        groups='base.group_user',
        help="Value the customer returned / value delivered to them by the case's company over the last 12 months.")
    company_return_rate = fields.Float(
        string="Company Return Rate (%)", digits=(16, 2), compute='_compute_customer_return_rates',
        groups='base.group_user',
        help="The same ratio over all the customers of the case's company.")

    @api.depends('commercial_partner_id', 'company_id', 'state')
    def _compute_customer_return_rates(self):
        # Read where a reviewer decides only: the company's average reads a year of its sales.
        Partner = self.env['res.partner']
        self.customer_return_rate = self.company_return_rate = 0.0
        for company, cases in self.filtered(lambda case: case.state == 'to_approve').grouped('company_id').items():
            if not company:
                cases.customer_return_rate = cases.company_return_rate = 0.0
                continue
            rates = cases.commercial_partner_id._get_customer_return_rates(company)
            average = Partner._get_company_return_rate(company)
            for case in cases:
                case.customer_return_rate = rates.get(case.commercial_partner_id._origin, 0.0)
                case.company_return_rate = average
