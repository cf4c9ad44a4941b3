from odoo import api, fields, models
from odoo.exceptions import UserError


class CustomerComplaintMerge(models.TransientModel):
    _name = 'customer.complaint.merge'
    _description = "Merge Duplicate Complaints"

    complaint_ids = fields.Many2many(
        'customer.complaint', string="Cases", required=True,
        help="The kept case and its duplicates; the duplicates are cancelled once merged.")
    target_id = fields.Many2one(
        'customer.complaint', string="Keep", required=True, domain="[('id', 'in', complaint_ids)]",
        help="The case that receives the messages, attachments, documents and returns of the others.")
    duplicate_count = fields.Integer(string="Duplicates", compute='_compute_duplicate_count')

    @api.depends('complaint_ids', 'target_id')
    def _compute_duplicate_count(self):
        for wizard in self:
            wizard.duplicate_count = len(wizard.complaint_ids - wizard.target_id)

    @api.model
    def _action_open(self, complaints, target):
        return {
            'type': 'ir.actions.act_window',
            'name': self.env._("Merge Complaints"),
            'res_model': self._name,
            'view_mode': 'form',
            'target': 'new',
            'context': {'default_complaint_ids': complaints.ids, 'default_target_id': target.id},
        }

    def action_merge(self):
        self.ensure_one()
        if self.target_id not in self.complaint_ids:
            raise UserError(self.env._("The kept case must be one of the cases merged."))
        # Locked first: a second click, or a colleague merging the same cases, waits and is then refused.
        self.env.execute_query(self.env['customer.complaint']._merge_lock_sql(self.complaint_ids))
        self.complaint_ids.invalidate_recordset()
        target = self.complaint_ids._merge_into(self.target_id)
        return target.get_formview_action()
