from odoo import fields, models
from odoo.fields import Command


class AccountMove(models.Model):
    _inherit = 'account.move'

    complaint_ids = fields.Many2many(
        'customer.complaint', 'customer_complaint_account_move_rel', 'move_id', 'complaint_id',
        string="Complaints", copy=False, groups='customer_complaint_return.group_complaint_user')
    complaint_count = fields.Integer(
        compute='_compute_complaint_count', groups='customer_complaint_return.group_complaint_user')
    customer_return_id = fields.Many2one(
        'customer.return', string="Customer Return", index='btree_not_null', copy=False, readonly=True,
        check_company=True)

    def _compute_complaint_count(self):
        counts = self.env['customer.complaint']._count_per_document('invoice_ids', self)
        for move in self:
            move.complaint_count = counts.get(move, 0)

    def action_view_complaints(self):
        self.ensure_one()
        defaults = {
            'partner_id': self.partner_id.id,
            'company_id': self.company_id.id,
            'invoice_ids': [Command.set(self.ids)],
        }
        return self.env['customer.complaint']._action_for_documents(
            [('invoice_ids', 'in', self.ids)], defaults)

    def action_view_customer_return(self):
        self.ensure_one()
        return self.customer_return_id.get_formview_action()

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted.customer_return_id._update_progress()
        return posted

    def button_draft(self):
        result = super().button_draft()
        self.customer_return_id._update_progress()
        return result
