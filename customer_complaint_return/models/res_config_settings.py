from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = 'res.config.settings'

    return_window_days = fields.Integer(related='company_id.return_window_days', readonly=False)
    return_review_hours = fields.Float(related='company_id.return_review_hours', readonly=False)
    return_require_condition = fields.Boolean(related='company_id.return_require_condition', readonly=False)
