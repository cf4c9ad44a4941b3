from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = 'account.move.line'

    customer_return_line_id = fields.Many2one(
        'customer.return.line', string="Customer Return Line", index='btree_not_null', copy=False,
        readonly=True, ondelete='set null')
    # The restocking fee a return rule deducts from a credit note (customer.return.line).
    is_restocking_fee = fields.Boolean(string="Restocking Fee", copy=False, readonly=True)
