from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = 'product.template'

    return_not_allowed = fields.Boolean(string="Not Returnable", help="This product cannot be returned.")
