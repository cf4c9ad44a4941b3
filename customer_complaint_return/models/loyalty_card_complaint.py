from odoo import fields, models


class LoyaltyCard(models.Model):
    _inherit = 'loyalty.card'

    customer_complaint_id = fields.Many2one(
        'customer.complaint', string="Complaint", index='btree_not_null', readonly=True, copy=False,
        help="The complaint whose compensation made this card.")
