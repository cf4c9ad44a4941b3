from odoo import fields, models


class ResPartner(models.Model):
    _inherit = 'res.partner'

    complaint_count = fields.Integer(
        compute='_compute_complaint_count', groups='customer_complaint_return.group_complaint_user')

    customer_return_count = fields.Integer(
        compute='_compute_customer_return_count', groups='customer_complaint_return.group_complaint_user')

    def _compute_customer_return_count(self):
        counts = self.env['customer.return']._count_per_document(
            'commercial_partner_id', self.commercial_partner_id)
        for partner in self:
            partner.customer_return_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_customer_returns(self):
        self.ensure_one()
        return self.env['customer.return']._action_for_documents(
            [('commercial_partner_id', '=', self.commercial_partner_id.id)], {'partner_id': self.id})

    def _compute_complaint_count(self):
        # Complaints of a company and of all its contacts.
        counts = self.env['customer.complaint']._count_per_document(
            'commercial_partner_id', self.commercial_partner_id)
        for partner in self:
            partner.complaint_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_complaints(self):
        self.ensure_one()
        return self.env['customer.complaint']._action_for_documents(
            [('commercial_partner_id', '=', self.commercial_partner_id.id)], {'partner_id': self.id})
