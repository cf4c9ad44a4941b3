from odoo import fields, models


class CustomerReturnDecision(models.TransientModel):
    _name = 'customer.return.decision'
    _description = "Reason to Reject, Cancel or Override Returns"

    return_ids = fields.Many2many('customer.return', string="Returns", required=True)
    operation = fields.Selection(
        [('reject', "Reject"), ('cancel', "Cancel"), ('override', "Override Conditions")],
        required=True, default='reject')
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        cases = self.return_ids
        if self.operation == 'reject':
            cases._reject(self.reason)
        elif self.operation == 'cancel':
            cases._cancel(self.reason)
        else:
            cases._override_eligibility(self.reason)
        return {'type': 'ir.actions.act_window_close'}
