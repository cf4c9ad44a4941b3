from odoo import fields, models


class AccountMove(models.Model):
    _inherit = 'account.move'

    complaint_ids = fields.Many2many(
        'customer.complaint', 'customer_complaint_account_move_rel', 'move_id', 'complaint_id',
        string="Complaints", copy=False, groups='customer_complaint_return.group_complaint_user')
    complaint_count = fields.Integer(
        compute='_compute_complaint_count', groups='customer_complaint_return.group_complaint_user')

    def _compute_complaint_count(self):
        counts = self.env['customer.complaint']._count_per_document('invoice_ids', self)
        for move in self:
            move.complaint_count = counts.get(move, 0)

    def action_view_complaints(self):
        self.ensure_one()
        defaults = {
            'partner_id': self.partner_id.id,
            'company_id': self.company_id.id,
            'invoice_ids': [self.id],
        }
        return self.env['customer.complaint']._action_for_documents(
            [('invoice_ids', 'in', self.ids)], defaults)
