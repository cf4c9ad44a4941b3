"""Goods in the cost of poor quality, at the value Odoo's stock valuation gave the done moves
(``stock.move.value``, company currency): replacement and exchange deliveries, scrapped returned
goods, parts consumed by repair orders under warranty; and the carrier's charge on return receipts."""
from odoo import models


class StockMove(models.Model):
    _inherit = 'stock.move'

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        (self | moves).filtered(lambda move: move.state == 'done')._sync_quality_costs()
        return moves

    def _get_quality_cost_case(self):
        """The return case this move's value is a cost of, if any."""
        self.ensure_one()
        if self.customer_return_line_id:
            return self.customer_return_line_id.return_id
        return self.repair_id.customer_return_id

    def _get_quality_cost_type(self):
        """What kind of cost this done move is, or None: goods sent back to the customer and
        returned goods received are not costs; a repair is one when the company bears it."""
        self.ensure_one()
        line = self.customer_return_line_id
        if self.scrap_id and line:
            return 'scrap'
        if self.repair_id and self.repair_line_type == 'add':
            return 'repair' if self.repair_id.under_warranty else None
        if not line or self.origin_returned_move_id or not self._is_to_customer():
            return None
        if self.sale_line_id and self.sale_line_id == line.exchange_sale_line_id:
            return 'exchange'
        return 'replacement' if not self.sale_line_id else None

    def _sync_quality_costs(self, rebuild=False):
        """Ledger rows of these done moves; ``rebuild`` also removes the rows of moves that no
        longer count (a repair no longer under warranty), at the price of a look-up for all."""
        moves = self.filtered(lambda move: move.customer_return_line_id or move.repair_id.customer_return_id).sudo()
        if not moves:
            return
        # A done move keeps its kind: only those of a costing kind can have rows (a return receipt
        # costs no query here).
        vals_list = []
        for move in moves:
            cost_type = move.state == 'done' and move._get_quality_cost_type()
            if cost_type:
                vals_list.append(move._prepare_quality_cost_vals(cost_type))
        if vals_list or rebuild:
            scope = moves.ids if rebuild else [vals['res_id'] for vals in vals_list]
            self.env['customer.quality.cost']._sync_sources('stock.move', scope, vals_list)
        moves.picking_id._sync_quality_shipping_costs()

    def _prepare_quality_cost_vals(self, cost_type):
        self.ensure_one()
        case = self._get_quality_cost_case()
        document = self.scrap_id or self.repair_id or self.picking_id
        return {
            **self.env['customer.quality.cost']._prepare_case_vals(case),
            'res_id': self.id,
            'company_id': self.company_id.id,
            'date': self.date.date(),
            'cost_type': cost_type,
            'amount': self.value,
            'product_id': self.product_id.id,
            'source_document': document.display_name if document else self.reference,
        }
