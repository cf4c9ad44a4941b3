from odoo import fields, models
from odoo.fields import Command
from odoo.exceptions import UserError


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

    # ------------------------------------------------------------------
    # Demo data
    # ------------------------------------------------------------------
    def _demo_deliver_and_invoice(self, date=None):
        """Confirm these orders, deliver them in full and post their invoices. Used by the demo data.

        The deliveries and invoices are dated ``date`` (default: now), and confirmed
        orders keep the order date they were created with, so that demo documents
        can lie in the past.
        """
        date = fields.Datetime.to_datetime(date) or fields.Datetime.now()
        for order in self.filtered(lambda order: order.state in ('draft', 'sent')):
            date_order = order.date_order
            order.action_confirm()
            order.date_order = date_order
        pickings = self.picking_ids.filtered(lambda picking: picking.state not in ('done', 'cancel'))
        pickings.action_assign()
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty
        pickings.move_ids.picked = True
        # No one is there to answer the validation wizards: everything is delivered (no
        # backorder) and the customer gets no SMS (stock_sms asks first when installed).
        pickings.with_context(
            skip_backorder=True, picking_ids_not_to_backorder=pickings.ids, skip_sms=True,
        ).button_validate()
        if not_done := pickings.filtered(lambda picking: picking.state != 'done'):
            raise UserError(self.env._(
                "Deliveries %(names)s could not be validated.", names=", ".join(not_done.mapped('name'))))
        pickings.date_done = date
        # The stock moves too: return windows and return rates count from the moves' date.
        pickings.move_ids.date = date
        pickings.move_ids.move_line_ids.date = date
        invoices = self._create_invoices(grouped=True)
        invoices.invoice_date = date.date()
        invoices.action_post()
        return invoices
