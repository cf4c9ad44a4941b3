from odoo import fields, models


class ResCompany(models.Model):
    _inherit = 'res.company'

    return_window_days = fields.Integer(
        string="Return Window (days)", default=30,
        help="Days after delivery during which goods can be returned, unless the product category says otherwise.")
    return_review_hours = fields.Float(
        string="Return Review Time (hours)", default=16.0,
        help="Working hours, on the company's calendar, to approve or reject a submitted return.")
    return_require_condition = fields.Boolean(
        string="Condition of Goods Required", default=True,
        help="Customer service must give the condition of the goods on every line before submitting a return.")
