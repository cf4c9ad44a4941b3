"""Credit notes in the cost of poor quality: a return's credit notes (less their restocking fees)
and the goodwill credit notes of compensations, once posted; out of it when reset or cancelled."""
from odoo import models


class AccountMove(models.Model):
    _inherit = 'account.move'

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._sync_quality_costs()
        return posted

    def button_draft(self):
        result = super().button_draft()
        self._sync_quality_costs()
        return result

    def button_cancel(self):
        result = super().button_cancel()
        self._sync_quality_costs()
        return result

    def _sync_quality_costs(self):
        """Ledger rows of these moves' lines: one per product line of a posted customer credit note
        of a return or of a goodwill compensation, none otherwise (draft, cancelled, an invoice)."""
        # Only customer credit notes are costs (an exchange's invoice or the invoice settling store
        # credit is not): ordinary invoices cost no query here.
        moves = self.filtered(lambda move: move.move_type == 'out_refund').sudo()
        if not moves:
            return
        others = moves.filtered(lambda move: not move.customer_return_id)
        goodwill = {compensation.credit_note_id: compensation
                    for compensation in self.env['customer.complaint.compensation'].sudo().search(
                        [('credit_note_id', 'in', others.ids)])} if others else {}
        moves = moves.filtered(lambda move: move.customer_return_id or move in goodwill)
        vals_list = [vals for move in moves for vals in move._prepare_quality_cost_vals_list(goodwill.get(move))]
        self.env['customer.quality.cost']._sync_sources('account.move.line', moves.line_ids.ids, vals_list)

    def _prepare_quality_cost_vals_list(self, compensation=None):
        """Rows of this move: only a posted credit note counts. Amounts are the lines' balance in the company's
        currency, untaxed: a restocking fee line is negative and lowers the cost."""
        self.ensure_one()
        if self.state != 'posted':
            return []
        case_vals = self.env['customer.quality.cost']._prepare_case_vals(
            self.customer_return_id, compensation.complaint_id if compensation else None)
        vals_list = []
        for line in self.invoice_line_ids.filtered(lambda aml: aml.display_type == 'product'):
            cost_type = 'compensation' if compensation else (
                'restocking_fee' if line.is_restocking_fee else 'credit_note')
            vals_list.append({
                **case_vals,
                'res_id': line.id,
                'company_id': self.company_id.id,
                'date': self.date,
                'cost_type': cost_type,
                'amount': line.balance,
                'product_id': (line.customer_return_line_id.product_id or line.product_id).id,
                'source_document': self.name,
            })
        return vals_list
