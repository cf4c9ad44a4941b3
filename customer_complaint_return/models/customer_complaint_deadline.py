from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.customer_complaint_return.const import SEVERITIES
from odoo.addons.customer_complaint_return.models.customer_process_mixin import check_finite_numbers


class CustomerComplaintDeadline(models.Model):
    _name = 'customer.complaint.deadline'
    _description = "Complaint Handling Deadline"
    _order = 'company_id, category_id, severity'
    _check_company_auto = True

    company_id = fields.Many2one(
        'res.company', required=True, index=True, default=lambda self: self.env.company)
    severity = fields.Selection(SEVERITIES, required=True, default='normal')
    category_id = fields.Many2one(
        'customer.complaint.category', string="Category", check_company=True, ondelete='cascade',
        help="Empty: applies to every category that has no line of its own.")
    response_hours = fields.Float(
        string="First Response (working hours)", required=True, default=8.0,
        help="Working hours of the company's calendar allowed before the first answer to the customer.")
    resolution_hours = fields.Float(
        string="Resolution (working hours)", required=True, default=40.0,
        help="Working hours of the company's calendar allowed to resolve the case.")

    _severity_category_uniq = models.UniqueIndex(
        '(company_id, severity, COALESCE(category_id, 0))',
        "There is already a deadline for this severity and category in this company.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_finite_numbers(self, vals)
        return super().create(vals_list)

    def write(self, vals):
        check_finite_numbers(self, vals)
        return super().write(vals)

    @api.constrains('response_hours', 'resolution_hours')
    def _check_hours(self):
        for line in self:
            if line.response_hours < 0 or line.resolution_hours < 0:
                raise ValidationError(self.env._("Deadlines cannot be negative."))
            if line.resolution_hours and line.response_hours > line.resolution_hours:
                raise ValidationError(self.env._(
                    "The first response deadline cannot be later than the resolution deadline."))

    @api.depends('severity', 'category_id')
    def _compute_display_name(self):
        severities = dict(self._fields['severity']._description_selection(self.env))
        for line in self:
            category = line.category_id.name or self.env._("Any category")
            line.display_name = f"{category} / {severities.get(line.severity, '')}"

    def _find(self, company, severity, category):
        """The line of these that applies: the category's own line, else the generic one."""
        lines = self.filtered(lambda line: line.company_id == company and line.severity == severity)
        return lines.filtered(lambda line: line.category_id == category)[:1] \
            or lines.filtered(lambda line: not line.category_id)[:1]
