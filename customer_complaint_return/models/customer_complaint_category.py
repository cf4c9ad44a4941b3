from odoo import fields, models

from odoo.addons.customer_complaint_return.const import SEVERITIES


class CustomerComplaintCategory(models.Model):
    _name = 'customer.complaint.category'
    _description = "Complaint Category"
    _order = 'sequence, name, id'
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        'res.company', required=True, index=True, default=lambda self: self.env.company)
    description = fields.Text(translate=True)
    default_severity = fields.Selection(
        SEVERITIES, default='normal',
        help="Severity proposed for a new case of this category.")
    default_team_id = fields.Many2one(
        'customer.complaint.team', string="Default Team", check_company=True,
        help="Team that takes the cases of this category when it accepts their severity.")
    color = fields.Integer()

    _name_company_uniq = models.Constraint(
        'unique(name, company_id)',
        "A complaint category with this name already exists in this company.",
    )

    # ------------------------------------------------------------------
    # Follow-up: corrective actions
    # ------------------------------------------------------------------
    corrective_action_required = fields.Boolean(
        string="Corrective Action Required",
        help="Complaints of this category are closed only once a corrective action was carried out.")
    corrective_action_manager_verify = fields.Boolean(
        string="Verified by a Manager",
        help="The effectiveness of the corrective actions of this category is verified by a complaint manager "
             "other than the action's owner.")
