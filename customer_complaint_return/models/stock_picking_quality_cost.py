"""Return shipping in the cost of poor quality: what the carrier charged for a return receipt
(``carrier_price`` of Odoo's delivery app, when installed), once the goods are received."""
from odoo import models


class StockPicking(models.Model):
    _inherit = 'stock.picking'

    def _sync_quality_shipping_costs(self):
        if 'carrier_price' not in self._fields:
            return
        receipts = self.sudo().filtered(
            lambda picking: picking.customer_return_id and picking.picking_type_code == 'incoming')
        if not receipts:
            return
        # Only receipts a carrier charged can have rows: the others cost no query here.
        charged = receipts.filtered(lambda receipt: receipt.company_id.currency_id.compare_amounts(
            receipt.carrier_price, 0.0) > 0)
        if not charged:
            return
        vals_list = [receipt._prepare_quality_shipping_cost_vals() for receipt in charged if receipt.state == 'done']
        self.env['customer.quality.cost']._sync_sources('stock.picking', charged.ids, vals_list)

    def _prepare_quality_shipping_cost_vals(self):
        """The carrier's price is recorded in the company's currency by the delivery app."""
        self.ensure_one()
        case = self.customer_return_id
        return {
            **self.env['customer.quality.cost']._prepare_case_vals(case),
            'res_id': self.id,
            'company_id': self.company_id.id,
            'date': (self.date_done or self.scheduled_date).date(),
            'cost_type': 'shipping',
            'amount': self.carrier_price,
            'source_document': self.name,
        }
