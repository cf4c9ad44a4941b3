from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

from odoo.addons.customer_complaint_return.models.product_product import DEFAULT_RETURN_PERIOD_DAYS


class CustomerReturnRate(models.TransientModel):
    _name = 'customer.return.rate'
    _description = "Return Rates over a Period"

    date_from = fields.Date(
        string="From", required=True,
        default=lambda self: fields.Date.context_today(self) - timedelta(days=DEFAULT_RETURN_PERIOD_DAYS))
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)

    @api.constrains('date_from', 'date_to')
    def _check_period(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise UserError(self.env._("The period must start before it ends."))

    def action_open(self):
        """Products delivered over the period, with what came back and their return rate."""
        self.ensure_one()
        start, stop = self.env['product.product'].with_context(
            return_date_from=self.date_from, return_date_to=self.date_to)._return_period()
        moves = self.env['stock.move'].sudo()
        products = moves._read_group(
            self.env['product.product']._customer_move_domain(start, stop) & moves._to_customer_domain()
            & Domain('company_id', 'in', self.env.companies.ids),
            ['product_id'])
        return {
            'type': 'ir.actions.act_window',
            'name': self.env._("Return Rates %(start)s - %(stop)s", start=self.date_from, stop=self.date_to),
            'res_model': 'product.product',
            'view_mode': 'list',
            'views': [(self.env.ref('customer_complaint_return.product_product_view_list_return_rate').id, 'list')],
            'domain': [('id', 'in', [product.id for (product,) in products])],
            'context': {
                'return_date_from': fields.Date.to_string(self.date_from),
                'return_date_to': fields.Date.to_string(self.date_to),
                'create': False,
            },
        }
