from odoo import fields, models


class CustomerComplaintCause(models.Model):
    _name = 'customer.complaint.cause'
    _description = "Complaint Root Cause"
    _order = 'sequence, name, id'

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        'res.company', required=True, index=True, default=lambda self: self.env.company)
    description = fields.Text(translate=True)

    _name_company_uniq = models.Constraint(
        'unique(name, company_id)',
        "A root cause with this name already exists in this company.",
    )
