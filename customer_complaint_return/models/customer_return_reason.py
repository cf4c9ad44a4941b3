from odoo import fields, models

from odoo.addons.customer_complaint_return.const import DISPOSITIONS


class CustomerReturnReason(models.Model):
    _name = 'customer.return.reason'
    _description = "Return Reason"
    _order = 'sequence, id'
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one('res.company', required=True, index=True, default=lambda self: self.env.company)
    description = fields.Text(translate=True)
    default_disposition = fields.Selection(
        DISPOSITIONS, string="Suggested Disposition",
        help="Disposition proposed for the lines of returns with this reason.")

    # Customers in the loop: the portal insists on a photo for these reasons.
    photo_required = fields.Boolean(
        string="Photo Required",
        help="Customers requesting a return on the portal for this reason must add a photo of the goods.")

    # Restocking fees are never charged when the company is at fault (unless a rule says so).
    is_company_fault = fields.Boolean(
        string="Company's Fault",
        help="Goods returned for this reason are the company's fault (defective, damaged, wrong item): "
             "return rules charge no restocking fee on them unless the rule charges defective goods too.")

    _name_company_uniq = models.Constraint('unique(name, company_id)', "A return reason with this name already exists.")
