"""Customers in the loop for returns: the case on the customer portal."""
from odoo import models


class CustomerReturn(models.Model):
    # portal.mixin is in the model's own _inherit.
    _inherit = 'customer.return'

    def _compute_access_url(self):
        super()._compute_access_url()
        for case in self:
            case.access_url = f'/my/returns/{case.id}'

    def _get_report_base_filename(self):
        self.ensure_one()
        return f"Return Authorization {self.name}"

    def action_open_portal(self):
        """The case as its customer sees it on the portal."""
        self.ensure_one()
        return {'type': 'ir.actions.act_url', 'url': self.get_portal_url(), 'target': 'new'}
