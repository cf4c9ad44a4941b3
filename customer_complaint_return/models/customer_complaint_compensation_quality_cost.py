"""Compensation in the cost of poor quality: a coupon, gift card or eWallet value counts when
issued (its value in the company's currency); a goodwill credit note when finance posts it
(see account_move_quality_cost.py)."""
from odoo import models


class CustomerComplaintCompensation(models.Model):
    _inherit = 'customer.complaint.compensation'

    def write(self, vals):
        result = super().write(vals)
        if 'state' in vals:
            self._sync_quality_costs()
        return result

    def _sync_quality_costs(self):
        compensations = self.sudo().filtered(lambda compensation: compensation.compensation_type != 'credit_note')
        vals_list = [compensation._prepare_quality_cost_vals() for compensation in compensations
                     if compensation.state == 'issued']
        self.env['customer.quality.cost']._sync_sources(self._name, compensations.ids, vals_list)

    def _prepare_quality_cost_vals(self):
        self.ensure_one()
        complaint = self.complaint_id
        return {
            **self.env['customer.quality.cost']._prepare_case_vals(complaint=complaint),
            'res_id': self.id,
            'company_id': self.company_id.id,
            'date': (self.date_issued or self.write_date).date(),
            'cost_type': 'compensation',
            'amount': self.amount,
            'product_id': complaint.product_ids[:1].id,
            'source_document': self.loyalty_card_id.code or self.display_name,
        }
