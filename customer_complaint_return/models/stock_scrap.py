from odoo import fields, models


class StockScrap(models.Model):
    _inherit = 'stock.scrap'

    customer_return_line_id = fields.Many2one(
        'customer.return.line', string="Customer Return Line", index='btree_not_null', readonly=True,
        copy=False, ondelete='set null')
    customer_return_id = fields.Many2one(
        related='customer_return_line_id.return_id', store=True, index='btree_not_null', string="Customer Return")

    def _prepare_move_values(self):
        values = super()._prepare_move_values()
        if self.customer_return_line_id:
            values['customer_return_line_id'] = self.customer_return_line_id.id
        return values
