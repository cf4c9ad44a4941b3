from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain

# Period of the return figures shown on products when none is chosen.
DEFAULT_RETURN_PERIOD_DAYS = 365


class ProductProduct(models.Model):
    _inherit = 'product.product'

    return_delivered_qty = fields.Float(
        string="Delivered (period)", digits='Product Unit', compute='_compute_return_figures',
        groups='customer_complaint_return.group_complaint_user,stock.group_stock_user')
    return_qty = fields.Float(
        string="Returned (period)", digits='Product Unit', compute='_compute_return_figures',
        groups='customer_complaint_return.group_complaint_user,stock.group_stock_user')
    return_rate = fields.Float(
        string="Return Rate (%)", digits=(16, 2), compute='_compute_return_figures',
        groups='customer_complaint_return.group_complaint_user,stock.group_stock_user',
        help="Returned by customers / delivered to customers over the period, sales orders only.")

    def _get_return_policy(self, company):
        """Whether this product may be returned and within how many days of its delivery."""
        self.ensure_one()
        categories = self.env['product.category'].browse(
            [int(part) for part in (self.categ_id.parent_path or '').split('/') if part])
        returnable = not self.return_not_allowed and not any(categories.mapped('return_not_allowed'))
        window = next((categ.return_window_days for categ in reversed(categories) if categ.return_window_days > 0),
                      company.return_window_days)
        return {'returnable': returnable, 'window_days': window}

    @api.model
    def _return_period(self):
        """(from, to) datetimes of the return figures: the context's ``return_date_from`` and
        ``return_date_to`` (dates), by default the last year."""
        date_to = fields.Date.to_date(self.env.context.get('return_date_to')) or fields.Date.context_today(self)
        date_from = fields.Date.to_date(self.env.context.get('return_date_from')) \
            or date_to - timedelta(days=DEFAULT_RETURN_PERIOD_DAYS)
        return fields.Datetime.to_datetime(date_from), fields.Datetime.to_datetime(date_to) + timedelta(days=1)

    @api.model
    def _customer_move_domain(self, start, stop):
        """Done moves of sales (order lines, and the replacements of return cases) between
        ``start`` and ``stop``: with ``stock.move``'s ``_to_customer_domain`` and
        ``_from_customer_domain``, the rule of the return cases' delivered and returned quantities."""
        return (Domain('state', '=', 'done') & Domain('date', '>=', start) & Domain('date', '<', stop)
                & (Domain('sale_line_id', '!=', False) | Domain('customer_return_line_id', '!=', False)))

    @api.depends_context('return_date_from', 'return_date_to', 'allowed_company_ids')
    def _compute_return_figures(self):
        start, stop = self._return_period()
        moves = self.env['stock.move'].sudo().with_context(active_test=False)
        # read as superuser, within the user's allowed companies only
        base = (Domain('product_id', 'in', self.ids) & Domain('company_id', 'in', self.env.companies.ids)
                & self._customer_move_domain(start, stop))
        delivered = dict(moves._read_group(
            base & moves._to_customer_domain(), ['product_id'], ['product_qty:sum']))
        returned = dict(moves._read_group(
            base & moves._from_customer_domain(), ['product_id'], ['product_qty:sum']))
        for product in self:
            product.return_delivered_qty = delivered.get(product, 0.0)
            product.return_qty = returned.get(product, 0.0)
            product.return_rate = 100.0 * product.return_qty / product.return_delivered_qty \
                if product.return_delivered_qty else 0.0

    def action_view_return_lines(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('customer_complaint_return.action_customer_return_line')
        action['domain'] = [('product_id', '=', self.id)]
        return action
