from odoo import api, fields, models
from odoo.fields import Command


class StockPicking(models.Model):
    _inherit = 'stock.picking'

    complaint_ids = fields.Many2many(
        'customer.complaint', 'customer_complaint_delivery_rel', 'picking_id', 'complaint_id',
        string="Complaints", copy=False, groups='customer_complaint_return.group_complaint_user')
    complaint_count = fields.Integer(
        compute='_compute_complaint_count', groups='customer_complaint_return.group_complaint_user')
    customer_return_id = fields.Many2one(
        'customer.return', string="Customer Return", index='btree_not_null', copy=False, readonly=True,
        check_company=True)

    @api.constrains('customer_return_id')
    def _check_customer_return_company(self):
        # Transfers only check their companies when confirmed or validated: check this link at once.
        self._check_company(['customer_return_id'])

    def _compute_complaint_count(self):
        counts = self.env['customer.complaint']._count_per_document('delivery_ids', self)
        for picking in self:
            picking.complaint_count = counts.get(picking, 0)

    def action_view_complaints(self):
        self.ensure_one()
        defaults = {
            'partner_id': self.partner_id.id,
            'company_id': self.company_id.id,
            'sale_order_id': self.sale_id.id,
            'delivery_ids': [Command.set(self.ids)],
        }
        return self.env['customer.complaint']._action_for_documents(
            [('delivery_ids', 'in', self.ids)], defaults)

    @api.depends('move_ids.customer_return_line_id')
    def _compute_sale_id(self):
        super()._compute_sale_id()
        # Replacement goods are not a delivery of the order line (the customer is not billed for
        # them), yet they belong to the order of the goods they replace.
        for picking in self.filtered(lambda picking: not picking.sale_id and picking.move_ids.customer_return_line_id):
            picking.sale_id = picking.move_ids.customer_return_line_id.sale_line_id.order_id[:1]

    def _create_backorder_picking(self):
        backorder = super()._create_backorder_picking()
        if self.customer_return_id:
            backorder.customer_return_id = self.customer_return_id
        return backorder

    def action_view_customer_return(self):
        self.ensure_one()
        return self.customer_return_id.get_formview_action()
