from odoo import api, fields, models


class SaleOrderLine(models.Model):
    _inherit = 'sale.order.line'

    customer_return_line_ids = fields.One2many(
        'customer.return.line', 'sale_line_id', string="Return Lines",
        groups='customer_complaint_return.group_complaint_user,stock.group_stock_user,account.group_account_invoice')

    @api.depends('customer_return_line_ids.qty_accepted', 'customer_return_line_ids.disposition',
                 'customer_return_line_ids.state')
    def _compute_qty_to_invoice(self):
        super()._compute_qty_to_invoice()
        for line in self:
            if line.state != 'sale' or line.display_type:
                continue
            # Lines invoiced on ordered quantities do not lower with returns: goods refunded
            # through a return case are no longer to invoice, or the order would bill them again.
            if line.product_id.invoice_policy == 'order':
                line.qty_to_invoice -= line._customer_return_accepted_qty('refund')
            # Lines invoiced on delivered quantities do: goods scrapped without credit came back
            # but stay paid for, or the order would credit them.
            elif line.product_id.invoice_policy == 'delivery':
                line.qty_to_invoice += line._customer_return_accepted_qty('scrap')

    def _customer_return_accepted_qty(self, disposition):
        """Goods accepted back on the open or settled return lines of ``disposition``."""
        self.ensure_one()
        return sum(
            return_line.qty_accepted for return_line in self.sudo().customer_return_line_ids
            if return_line.disposition == disposition and return_line.state in ('approved', 'received', 'done'))
