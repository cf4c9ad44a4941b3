from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = 'res.config.settings'

    return_window_days = fields.Integer(related='company_id.return_window_days', readonly=False)
    return_review_hours = fields.Float(related='company_id.return_review_hours', readonly=False)
    return_require_condition = fields.Boolean(related='company_id.return_require_condition', readonly=False)

    # Customers in the loop: files customers may upload on the portal
    portal_upload_max_files = fields.Integer(
        string="Files per Request", config_parameter='customer_complaint_return.portal_upload_max_files', default=5)
    portal_upload_max_size_mb = fields.Integer(
        string="Size per File (MB)", config_parameter='customer_complaint_return.portal_upload_max_size_mb', default=10)
