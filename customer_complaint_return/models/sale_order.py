from odoo import fields, models
from odoo.fields import Command


class SaleOrder(models.Model):
    _inherit = 'sale.order'

    complaint_ids = fields.One2many(
        'customer.complaint', 'sale_order_id', string="Complaints",
        groups='customer_complaint_return.group_complaint_user')
    complaint_count = fields.Integer(
        compute='_compute_complaint_count', groups='customer_complaint_return.group_complaint_user')

    customer_return_ids = fields.One2many(
        'customer.return', 'sale_order_id', string="Returns",
        groups='customer_complaint_return.group_complaint_user,stock.group_stock_user,account.group_account_invoice')
    customer_return_count = fields.Integer(
        compute='_compute_customer_return_count',
        groups='customer_complaint_return.group_complaint_user,stock.group_stock_user,account.group_account_invoice')

    def _compute_customer_return_count(self):
        counts = self.env['customer.return']._count_per_document('sale_order_id', self)
        for order in self:
            order.customer_return_count = counts.get(order, 0)

    def action_view_customer_returns(self):
        self.ensure_one()
        return self.env['customer.return']._action_for_documents(
            [('sale_order_id', '=', self.id)], self._prepare_complaint_defaults())

    def action_new_customer_return(self):
        """Open a new return of this order, prefilled with its delivered, returnable lines."""
        self.ensure_one()
        defaults = self._prepare_complaint_defaults()
        defaults['line_ids'] = [
            Command.create(vals) for vals in self.env['customer.return']._prepare_lines_from_order(self)]
        return self.env['customer.return']._action_new_for(defaults, self.env._("New Return"))

    def _compute_complaint_count(self):
        counts = self.env['customer.complaint']._count_per_document('sale_order_id', self)
        for order in self:
            order.complaint_count = counts.get(order, 0)

    def action_view_complaints(self):
        self.ensure_one()
        return self.env['customer.complaint']._action_for_documents(
            [('sale_order_id', '=', self.id)], self._prepare_complaint_defaults())

    def action_new_complaint(self):
        """Open a new complaint about this order, prefilled with its customer and documents."""
        self.ensure_one()
        return self.env['customer.complaint']._action_new_for(
            self._prepare_complaint_defaults(), self.env._("New Complaint"))

    def _prepare_complaint_defaults(self):
        self.ensure_one()
        return {
            'sale_order_id': self.id,
            'partner_id': self.partner_id.id,
            'company_id': self.company_id.id,
        }
