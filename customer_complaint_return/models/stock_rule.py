from odoo import models


class StockRule(models.Model):
    _inherit = 'stock.rule'

    def _get_custom_move_fields(self):
        # Replacement deliveries stay linked to the return line they replace.
        return super()._get_custom_move_fields() + ['customer_return_line_id']
