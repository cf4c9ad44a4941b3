from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = 'res.config.settings'

    return_window_days = fields.Integer(related='company_id.return_window_days', readonly=False)
    return_restocking_fee_product_id = fields.Many2one(
        related='company_id.return_restocking_fee_product_id', readonly=False)
    return_review_hours = fields.Float(related='company_id.return_review_hours', readonly=False)
    return_require_condition = fields.Boolean(related='company_id.return_require_condition', readonly=False)

    # Customers in the loop: files customers may upload on the portal
    portal_upload_max_files = fields.Integer(
        string="Files per Request", config_parameter='customer_complaint_return.portal_upload_max_files', default=5)
    portal_upload_max_size_mb = fields.Integer(
        string="Size per File (MB)", config_parameter='customer_complaint_return.portal_upload_max_size_mb', default=10)
    # ------------------------------------------------------------------
    # Follow-up: service levels, escalation, corrective actions, digest
    # ------------------------------------------------------------------
    complaint_sla_risk_percent = fields.Integer(related='company_id.complaint_sla_risk_percent', readonly=False)
    complaint_escalation_hours = fields.Float(related='company_id.complaint_escalation_hours', readonly=False)
    complaint_escalation_raise_severity = fields.Boolean(
        related='company_id.complaint_escalation_raise_severity', readonly=False)
    complaint_corrective_severity = fields.Selection(
        related='company_id.complaint_corrective_severity', readonly=False)
    complaint_recurrence_count = fields.Integer(related='company_id.complaint_recurrence_count', readonly=False)
    complaint_recurrence_days = fields.Integer(related='company_id.complaint_recurrence_days', readonly=False)
    complaint_recurrence_basis = fields.Selection(related='company_id.complaint_recurrence_basis', readonly=False)
    complaint_digest_frequency = fields.Selection(related='company_id.complaint_digest_frequency', readonly=False)
    return_settle_days = fields.Integer(related='company_id.return_settle_days', readonly=False)
    return_payment_days = fields.Integer(related='company_id.return_payment_days', readonly=False)
