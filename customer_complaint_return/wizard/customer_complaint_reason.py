from odoo import fields, models


class CustomerComplaintReason(models.TransientModel):
    _name = 'customer.complaint.reason'
    _description = "Reason to Cancel or Reopen Complaints"

    complaint_ids = fields.Many2many('customer.complaint', string="Complaints", required=True)
    operation = fields.Selection(
        [('cancel', "Cancel"), ('reopen', "Reopen")], required=True, default='cancel')
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        if self.operation == 'cancel':
            self.complaint_ids._cancel(self.reason)
        else:
            self.complaint_ids._reopen(self.reason)
        return {'type': 'ir.actions.act_window_close'}
