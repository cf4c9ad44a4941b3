"""The cost of poor quality follows the analysis: when a complaint's root cause or category
changes (analysis usually comes after the credit note), its ledger rows and those of its returns
take the new ones."""
from odoo import models
from odoo.fields import Domain

# Fields of a complaint copied on its ledger rows.
COST_FIELDS = {'root_cause_id': 'cause_id', 'category_id': 'category_id'}


class CustomerComplaint(models.Model):
    _inherit = 'customer.complaint'

    def write(self, vals):
        result = super().write(vals)
        if COST_FIELDS.keys() & vals.keys():
            self._update_quality_costs()
        return result

    def _update_quality_costs(self):
        """One UPDATE per complaint on the rows of the complaint and of its returns."""
        Cost = self.env['customer.quality.cost'].sudo()
        for complaint in self:
            costs = Cost.search(Domain('complaint_id', '=', complaint.id))
            if costs:
                costs.write({cost_field: complaint[field].id for field, cost_field in COST_FIELDS.items()})
