from odoo import api, fields, models
from odoo.fields import Domain


class StockMove(models.Model):
    _inherit = 'stock.move'

    customer_return_line_id = fields.Many2one(
        'customer.return.line', string="Customer Return Line", index='btree_not_null', copy=False,
        readonly=True, ondelete='set null')

    # ------------------------------------------------------------------
    # Goods to and from customers: one rule, as a test on a move and as a domain
    # ------------------------------------------------------------------
    def _is_to_customer(self):
        """Goods leaving for a customer (a delivery, a replacement or goods sent back); in a
        multi-step delivery only the last step, the one that reaches the customer."""
        self.ensure_one()
        return self.location_dest_id.usage == 'customer' and self.location_id.usage != 'customer'

    def _is_customer_return_receipt(self):
        """Goods coming back from a customer."""
        self.ensure_one()
        return self.location_id.usage == 'customer' and self.location_dest_id.usage != 'customer'

    @api.model
    def _to_customer_domain(self):
        """The moves for which ``_is_to_customer`` holds."""
        return Domain('location_dest_id.usage', '=', 'customer') & Domain('location_id.usage', '!=', 'customer')

    @api.model
    def _from_customer_domain(self):
        """The moves for which ``_is_customer_return_receipt`` holds."""
        return Domain('location_id.usage', '=', 'customer') & Domain('location_dest_id.usage', '!=', 'customer')

    # ------------------------------------------------------------------
    # Return cases follow their moves
    # ------------------------------------------------------------------
    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        (self | moves).customer_return_line_id.return_id._update_progress()
        return moves

    def _action_cancel(self):
        result = super()._action_cancel()
        self.customer_return_line_id.return_id._update_progress()
        return result

    def _action_synch_order(self):
        # sale_stock links goods delivered on an order's transfer to its lines, so that they are
        # invoiced: replacement goods of a return case are not to be billed.
        replacements = self.filtered(
            lambda move: move.customer_return_line_id and not move.sale_line_id and not move.origin_returned_move_id)
        return super(StockMove, self - replacements)._action_synch_order()

    def _prepare_move_split_vals(self, qty):
        # The rest of a partly received return stays on its return line (backorders).
        vals = super()._prepare_move_split_vals(qty)
        if self.customer_return_line_id:
            vals['customer_return_line_id'] = self.customer_return_line_id.id
        return vals
