from odoo import api, fields, models

from odoo.addons.customer_complaint_return.const import RETURN_OPEN_STATES


class StockReturnPicking(models.TransientModel):
    _inherit = 'stock.return.picking'

    show_customer_return = fields.Boolean(compute='_compute_show_customer_return')
    commercial_partner_id = fields.Many2one(related='picking_id.partner_id.commercial_partner_id')
    customer_return_id = fields.Many2one(
        'customer.return', string="Customer Return",
        domain="[('company_id', '=', company_id), ('commercial_partner_id', '=', commercial_partner_id),"
               " ('state', 'in', %s)]" % (list(RETURN_OPEN_STATES),),
        help="Open return case of this customer the returned goods belong to.")
    # Set by a return case whose rules send goods elsewhere (customer.return.rule.return_location_id).
    customer_return_location_id = fields.Many2one('stock.location', string="Return To")
    create_customer_return = fields.Boolean(
        string="Track as a Customer Return", compute='_compute_create_customer_return', store=True, readonly=False,
        help="Create a return case for these goods, so that their inspection and refund are followed.")

    @api.depends('picking_id')
    def _compute_show_customer_return(self):
        for wizard in self:
            picking = wizard.picking_id
            wizard.show_customer_return = bool(
                picking.picking_type_code == 'outgoing' and picking.partner_id
                and picking.location_dest_id.usage == 'customer' and not self.env.context.get('customer_return_approving'))

    @api.depends('picking_id', 'customer_return_id')
    def _compute_create_customer_return(self):
        for wizard in self:
            wizard.create_customer_return = wizard.show_customer_return and not wizard.customer_return_id \
                and bool(wizard.picking_id.sale_id)

    def _prepare_picking_default_values(self):
        values = super()._prepare_picking_default_values()
        location = self.customer_return_location_id
        if location:
            values['location_dest_id'] = location.id
            # Goods received in another warehouse are that warehouse's receipt.
            warehouse = location.warehouse_id
            if warehouse and warehouse != self.picking_id.picking_type_id.warehouse_id:
                values['picking_type_id'] = warehouse.in_type_id.id or values['picking_type_id']
        return values

    def _create_return(self):
        picking = super()._create_return()
        if self.env.context.get('customer_return_approving'):
            self.customer_return_id._attach_return_picking(picking)
        elif self.show_customer_return and (self.customer_return_id or self.create_customer_return):
            # The warehouse may track the goods it takes back (it was allowed to return them): the
            # case is made or completed for it, its own user recorded on the case.
            case = self.customer_return_id.sudo() or self._create_customer_return_case()
            case._attach_warehouse_return(picking)
        return picking

    def _create_customer_return_case(self):
        picking = self.picking_id
        return self.env['customer.return'].sudo().create({
            'partner_id': picking.partner_id.id,
            'company_id': picking.company_id.id,
            'sale_order_id': picking.sale_id.id,
            'channel': 'other',
            'user_id': self.env.uid,
        })
