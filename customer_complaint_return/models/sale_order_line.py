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
        # Lines invoiced on ordered quantities do not lower with returns: goods refunded
        # through a return case are no longer to invoice, or the order would bill them again.
        for line in self:
            if line.state == 'sale' and not line.display_type and line.product_id.invoice_policy == 'order':
                refunded = sum(
                    return_line.qty_accepted for return_line in line.sudo().customer_return_line_ids
                    if return_line.disposition == 'refund' and return_line.state in ('approved', 'received', 'done'))
                if refunded:
                    line.qty_to_invoice -= refunded
