from odoo import api, fields, models

from odoo.addons.customer_complaint_return.const import RETURN_ACTIVE_STATES


class SaleOrderLine(models.Model):
    _inherit = 'sale.order.line'

    customer_return_line_ids = fields.One2many(
        'customer.return.line', 'sale_line_id', string="Return Lines",
        groups='customer_complaint_return.group_complaint_user,stock.group_stock_user,account.group_account_invoice')

    @api.depends('customer_return_line_ids.qty_accepted', 'customer_return_line_ids.qty_rejected',
                 'customer_return_line_ids.qty_sent_back', 'customer_return_line_ids.qty_replaced',
                 'customer_return_line_ids.disposition', 'customer_return_line_ids.state')
    def _compute_qty_to_invoice(self):
        super()._compute_qty_to_invoice()
        # Read the return lines of all order lines at once: this runs whenever an order is invoiced.
        return_lines_by_line = self.sudo().customer_return_line_ids.filtered(
            lambda return_line: return_line.state in RETURN_ACTIVE_STATES).grouped('sale_line_id')
        for line in self:
            return_lines = return_lines_by_line.get(line)
            if line.state != 'sale' or line.display_type or not return_lines:
                continue
            # Lines invoiced on ordered quantities do not lower with returns: goods refunded
            # through a return case are no longer to invoice, or the order would bill them again.
            if line.product_id.invoice_policy == 'order':
                line.qty_to_invoice -= sum(
                    return_line.qty_accepted for return_line in return_lines if return_line.disposition == 'refund')
            # Lines invoiced on delivered quantities follow every receipt and delivery: goods the
            # customer keeps paid for (rejected, replaced, repaired, sent back or scrapped without
            # credit) must neither be credited nor billed again while they travel.
            elif line.product_id.invoice_policy == 'delivery':
                line.qty_to_invoice += sum(return_line._qty_kept_paid() for return_line in return_lines)
