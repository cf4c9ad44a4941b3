from odoo import fields, models


class StockMove(models.Model):
    _inherit = 'stock.move'

    customer_return_line_id = fields.Many2one(
        'customer.return.line', string="Customer Return Line", index='btree_not_null', copy=False,
        readonly=True, ondelete='set null')

    def _is_to_customer(self):
        """Goods leaving for a customer (a delivery, a replacement or goods sent back)."""
        self.ensure_one()
        return self.location_dest_id.usage == 'customer' and self.location_id.usage != 'customer'

    def _is_customer_return_receipt(self):
        """Goods coming back from a customer."""
        self.ensure_one()
        return self.location_id.usage == 'customer' and self.location_dest_id.usage != 'customer'

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        (self | moves).customer_return_line_id.return_id._update_progress()
        return moves

    def _action_cancel(self):
        result = super()._action_cancel()
        self.customer_return_line_id.return_id._update_progress()
        return result

    def _prepare_move_split_vals(self, qty):
        # The rest of a partly received return stays on its return line (backorders).
        vals = super()._prepare_move_split_vals(qty)
        if self.customer_return_line_id:
            vals['customer_return_line_id'] = self.customer_return_line_id.id
        return vals
