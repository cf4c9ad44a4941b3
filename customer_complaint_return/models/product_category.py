from odoo import fields, models


class ProductCategory(models.Model):
    _inherit = 'product.category'

    return_not_allowed = fields.Boolean(
        string="Not Returnable", help="Products of this category (and its subcategories) cannot be returned.")
    return_window_days = fields.Integer(
        string="Return Window (days)",
        help="Days after delivery during which products of this category can be returned. "
             "0: as the parent category, or the company's window.")
