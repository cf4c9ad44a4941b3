"""A return linked to a complaint (or to another one) after its costs were recorded: its ledger
rows take the complaint's root cause and category; its reason likewise."""
from odoo import models
from odoo.fields import Domain


class CustomerReturn(models.Model):
    _inherit = 'customer.return'

    def write(self, vals):
        result = super().write(vals)
        if {'complaint_id', 'reason_id', 'partner_id'} & vals.keys():
            self._update_quality_costs()
        return result

    def _update_quality_costs(self):
        Cost = self.env['customer.quality.cost'].sudo()
        for case in self:
            costs = Cost.search(Domain('return_id', '=', case.id))
            if costs:
                costs.write(Cost._prepare_case_vals(case))
