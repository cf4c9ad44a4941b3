from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.customer_complaint_return.const import DIGEST_FREQUENCIES, RECURRENCE_BASES, SEVERITIES
from odoo.addons.customer_complaint_return.models.customer_process_mixin import check_finite_numbers


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
    return_restocking_fee_product_id = fields.Many2one(
        'product.product', string="Restocking Fee Product", check_company=True,
        domain="[('type', '=', 'service')]",
        help="Product of the restocking fee lines of credit notes (its income account and analytics). "
             "Empty: the addon's Restocking Fee service.")

    def _get_restocking_fee_product(self):
        """The product of this company's restocking fee lines."""
        self.ensure_one()
        product = self.return_restocking_fee_product_id or self.env.ref(
            'customer_complaint_return.product_restocking_fee', raise_if_not_found=False)
        if not product:
            raise UserError(self.env._(
                "Choose the restocking fee product of %(company)s in the Returns settings.", company=self.name))
        return product.sudo()

    # ------------------------------------------------------------------
    # Follow-up: service levels, escalation, corrective actions, digest
    # ------------------------------------------------------------------
    complaint_sla_risk_percent = fields.Integer(
        string="At Risk From (%)", default=75,
        help="A complaint is at risk once this share of the working time allowed for its first response "
             "or resolution is used.")
    complaint_escalation_hours = fields.Float(
        string="Escalate to Managers After (hours)", default=8.0,
        help="Working hours after the resolution deadline after which a case still open is escalated to "
             "the complaint managers.")
    complaint_escalation_raise_severity = fields.Boolean(
        string="Raise Severity on Escalation",
        help="When a case is escalated to the managers, raise its severity one step, which re-routes it.")
    complaint_corrective_severity = fields.Selection(
        SEVERITIES, string="Corrective Action Required From",
        help="Complaints of this severity or above need a corrective action carried out before they are "
             "closed. Empty: only the categories that say so.")
    complaint_recurrence_count = fields.Integer(
        string="Recurring Complaints", default=3,
        help="Number of complaints about the same product with the same cause within the window that "
             "proposes a corrective action. 0 turns the detection off.")
    complaint_recurrence_days = fields.Integer(
        string="Recurrence Window (days)", default=30,
        help="Days over which recurring complaints are counted.")
    complaint_recurrence_basis = fields.Selection(
        RECURRENCE_BASES, string="Same Cause Means", default='cause', required=True,
        help="Complaints about the same product recur when they share this.")
    complaint_digest_frequency = fields.Selection(
        DIGEST_FREQUENCIES, string="Manager Digest", default='weekly', required=True,
        help="How often the complaint managers of the company receive the summary of complaints and returns.")
    complaint_digest_sent_until = fields.Date(
        string="Digest Sent Up To", copy=False,
        help="Last day of the last period summed up in a manager digest.")
    return_settle_days = fields.Integer(
        string="Settle Returns Within (working days)", default=5,
        help="Working days after the goods came back within which a return is settled (refunded or "
             "replaced) before finance or the warehouse is reminded. 0 turns the reminder off.")
    return_payment_days = fields.Integer(
        string="Pay Refunds Within (days)", default=14,
        help="Days after a credit note is posted within which it is paid before finance is reminded. "
             "0 turns the reminder off.")

    @api.constrains('complaint_sla_risk_percent', 'complaint_escalation_hours', 'complaint_recurrence_count',
                    'complaint_recurrence_days', 'return_settle_days', 'return_payment_days')
    def _check_followup_settings(self):
        for company in self:
            if not 0 < company.complaint_sla_risk_percent < 100:
                raise ValidationError(self.env._("The at-risk share must be between 1 and 99%."))
            if min(company.complaint_escalation_hours, company.complaint_recurrence_count,
                   company.return_settle_days, company.return_payment_days) < 0:
                raise ValidationError(self.env._("Escalation delays and recurrence counts cannot be negative."))
            if company.complaint_recurrence_count and company.complaint_recurrence_days <= 0:
                raise ValidationError(self.env._("The recurrence window must last at least one day."))

    def write(self, vals):
        check_finite_numbers(self, vals)
        result = super().write(vals)
        # Moments stored on the open cases follow the settings they come from.
        if {'complaint_sla_risk_percent', 'complaint_escalation_hours'} & set(vals):
            self.env['customer.complaint']._recompute_sla_dates(self)
        if 'return_settle_days' in vals:
            self.env['customer.return']._recompute_settle_deadlines(self)
        return result
