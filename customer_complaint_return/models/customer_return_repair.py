"""Repair orders as a resolution: the received goods of a line to repair go to Odoo's Repairs app,
one repair order per line (per receipt and lot; per unit for serial numbers), made when the receipt
is validated. Under the product's warranty the repair costs the customer nothing; out of warranty the
repair app's own quotation is made for the customer to accept on the sale portal. The goods go back
to the customer (the case's Send Back, a return of the receipt) once their repair is done, or as they
are when it is cancelled; the case is done only then."""
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command

from odoo.addons.customer_complaint_return.const import GROUP_STOCK, RETURN_PROCESSING_STATES

# Repair orders whose goods are free to go back to the customer: repaired, or not to be repaired.
REPAIR_RELEASED_STATES = ('done', 'cancel')
# The links of a repair order to its case: made by the case's process only.
REPAIR_CASE_FIELDS = {'customer_return_id', 'customer_return_line_id'}


class ProductTemplate(models.Model):
    _inherit = 'product.template'

    customer_warranty_months = fields.Integer(
        string="Warranty (months)", default=0,
        help="Months after delivery during which returned goods to repair are repaired free of charge. "
             "0: no warranty, repairs are quoted to the customer.")

    _customer_warranty_months_positive = models.Constraint(
        'CHECK(customer_warranty_months >= 0)', "The warranty cannot be negative.")


class RepairOrder(models.Model):
    _inherit = 'repair.order'

    customer_return_id = fields.Many2one(
        'customer.return', string="Customer Return", index='btree_not_null', readonly=True, copy=False,
        check_company=True, ondelete='set null', help="The return case whose goods this order repairs.")
    customer_return_line_id = fields.Many2one(
        'customer.return.line', string="Customer Return Line", index='btree_not_null', readonly=True, copy=False,
        ondelete='set null')

    @api.model_create_multi
    def create(self, vals_list):
        self._check_case_links({name for vals in vals_list for name in vals})
        return super().create(vals_list)

    def write(self, vals):
        self._check_case_links(vals.keys())
        if 'state' not in vals:
            return super().write(vals)
        before = {repair: repair.state for repair in self}
        result = super().write(vals)
        self.filtered(lambda repair: repair.customer_return_id and repair.state != before[repair]) \
            ._log_state_on_cases()
        return result

    def _check_case_links(self, names):
        # Which case a repair belongs to decides which goods stay and which go back: the case's
        # process links them (as superuser), never a user by hand, in the form or over RPC.
        if not self.env.su and names & REPAIR_CASE_FIELDS:
            raise AccessError(self.env._("A repair order is linked to its return case by the case's process only."))

    def _log_state_on_cases(self):
        """One note per case on the new status of its repair orders (and what it means for the goods)."""
        states = dict(self._fields['state']._description_selection(self.env))
        bodies = {}
        for case, repairs in self.grouped('customer_return_id').items():
            notes = []
            for repair in repairs:
                if repair.state == 'done':
                    note = self.env._("%(repair)s: repaired; the goods can be sent back to the customer.",
                                      repair=repair._get_html_link())
                elif repair.state == 'cancel':
                    note = self.env._("%(repair)s: cancelled; the goods go back to the customer as they are, "
                                      "not repaired.", repair=repair._get_html_link())
                else:
                    note = self.env._("%(repair)s: %(state)s.", repair=repair._get_html_link(),
                                      state=states.get(repair.state, repair.state))
                notes.append(Markup("<li>%s</li>") % note)
            bodies[case.id] = Markup("%s<ul>%s</ul>") % (self.env._("Repair orders:"), Markup().join(notes))
        # The repair's users only read cases: the note is logged with elevated rights.
        self.customer_return_id.sudo()._message_log_batch(bodies=bodies)

    def _log_creation_on_cases(self):
        """One note per case listing its new repair orders, with the quotation of those out of warranty."""
        bodies = {}
        for case, repairs in self.grouped('customer_return_id').items():
            notes = []
            for repair in repairs:
                goods = repair.product_id.display_name + (f" ({repair.lot_id.name})" if repair.lot_id else "")
                if repair.under_warranty:
                    note = self.env._("%(repair)s for %(goods)s, under warranty: free of charge.",
                                      repair=repair._get_html_link(), goods=goods)
                else:
                    note = self.env._(
                        "%(repair)s for %(goods)s, out of warranty: quotation %(quotation)s for the customer to "
                        "accept on the portal.", repair=repair._get_html_link(), goods=goods,
                        quotation=repair.sale_order_id._get_html_link())
                notes.append(Markup("<li>%s</li>") % note)
            bodies[case.id] = Markup("%s<ul>%s</ul>") % (
                self.env._("Repair orders created for the received goods:"), Markup().join(notes))
        self.customer_return_id.sudo()._message_log_batch(bodies=bodies)

    def _get_sale_order_values(self):
        values = super()._get_sale_order_values()
        case = self.customer_return_id
        if case:
            # The quotation of a returned good: sold by the original order's people, naming the case.
            order = case.sale_order_id or self.customer_return_line_id.order_id
            if order.user_id:
                values['user_id'] = order.user_id.id
            if order.team_id:
                values['team_id'] = order.team_id.id
            values['order_line'] = [Command.create({'display_type': 'line_note', 'name': self.env._(
                "Repair of %(product)s returned with %(case)s (%(repair)s).",
                product=self.product_id.display_name, case=case.name, repair=self.name)})]
        return values

    def action_view_customer_return(self):
        self.ensure_one()
        return self.customer_return_id.get_formview_action()


class SaleOrder(models.Model):
    _inherit = 'sale.order'

    def _action_confirm(self):
        result = super()._action_confirm()
        # The customer accepted the quotation of a returned good's repair (on the portal or by
        # Sales): the repair is confirmed, as the technician would, and the case says so.
        self._customer_return_repairs().filtered(lambda repair: repair.state == 'draft') \
            .sudo()._action_repair_confirm()
        return result

    def _action_cancel(self):
        result = super()._action_cancel()
        # A declined quotation: the goods are not repaired and go back to the customer as they are.
        self._customer_return_repairs().filtered(lambda repair: repair.state in ('draft', 'confirmed')) \
            .sudo().action_repair_cancel()
        return result

    def _customer_return_repairs(self):
        return self.sudo().repair_order_ids.filtered('customer_return_id')


class CustomerReturnLine(models.Model):
    _inherit = 'customer.return.line'

    repair_order_ids = fields.One2many(
        'repair.order', 'customer_return_line_id', string="Repair Orders", readonly=True, groups=GROUP_STOCK)
    qty_in_repair = fields.Float(
        string="In Repair", digits='Product Unit', compute='_compute_next_quantities', compute_sudo=True,
        help="Accepted goods to repair whose repair is not done or cancelled yet: they go back to the "
             "customer after it.")

    @api.model
    def _get_process_fields(self):
        return super()._get_process_fields() | {'repair_order_ids'}

    def _is_repaired_by_order(self):
        """Whether the accepted goods of this line go to repair orders: a line to repair of a
        product received as itself (a kit comes back as components and is only sent back)."""
        self.ensure_one()
        return self.disposition == 'repair' and bool(self.sale_line_id) \
            and set(self.sale_line_id._get_return_goods_per_unit()) == {self.product_id}

    def _repair_qty(self, repairs):
        """Goods of ``repairs`` in this line's unit."""
        return sum(repair.product_uom._compute_quantity(repair.product_qty, self.product_uom_id, round=False)
                   for repair in repairs)

    @api.depends('repair_order_ids.state', 'repair_order_ids.product_qty', 'repair_order_ids.product_uom')
    def _compute_next_quantities(self):
        super()._compute_next_quantities()
        self.qty_in_repair = 0.0
        for line in self.filtered(lambda line: line._is_repaired_by_order()):
            released = line._repair_qty(line.repair_order_ids.filtered(lambda r: r.state in REPAIR_RELEASED_STATES))
            held = max(line.product_uom_id.round(line.qty_accepted - released), 0.0)
            if not held:
                continue
            # Goods waiting for their repair order, or in repair, stay: only the rest goes back.
            line.qty_in_repair = held
            line.qty_to_send_back = max(line.qty_to_send_back - held, 0.0)
            line.is_settled = False

    def _check_disposition_change(self, disposition):
        super()._check_disposition_change(disposition)
        if disposition == 'repair':
            return
        repaired = self.filtered(lambda line: line.sudo().repair_order_ids.filtered(lambda r: r.state != 'cancel'))
        if repaired:
            raise UserError(self.env._(
                "%(products)s are in repair (%(repairs)s): cancel the repair orders before changing the disposition.",
                products=", ".join(repaired.product_id.mapped('display_name')),
                repairs=", ".join(repaired.sudo().repair_order_ids.mapped('name'))))

    # ------------------------------------------------------------------
    # Repair orders of the received goods
    # ------------------------------------------------------------------
    def _is_under_warranty(self):
        """Whether the goods were delivered within the product's warranty, counted to the request."""
        self.ensure_one()
        months = self.product_id.customer_warranty_months
        if months <= 0 or not self.date_delivered:
            return False
        claimed = self.return_id.date_request or fields.Date.context_today(self)
        return self.date_delivered + relativedelta(months=months) >= claimed

    def _get_goods_to_repair(self):
        """[(receipt, lot, location, quantity in the product's unit)] of the accepted goods of this
        line that no repair order has yet: the received goods per receipt and lot, less those of
        the line's repair orders (whatever their state), within the accepted quantity."""
        self.ensure_one()
        uom = self.product_id.uom_id
        received = defaultdict(float)
        locations = {}
        for move_line in self._received_moves().move_line_ids.filtered(lambda ml: ml.product_id == self.product_id):
            key = (move_line.picking_id, move_line.lot_id)
            received[key] += move_line.product_uom_id._compute_quantity(move_line.quantity, uom, round=False)
            locations.setdefault(key, move_line.location_dest_id)
        for repair in self.repair_order_ids:
            key = (repair.picking_id, repair.lot_id)
            received[key] -= repair.product_uom._compute_quantity(repair.product_qty, uom, round=False)
        wanted = self.product_uom_id._compute_quantity(
            self.qty_accepted - self._repair_qty(self.repair_order_ids), uom, round=False)
        goods = []
        for (receipt, lot), qty in received.items():
            qty = uom.round(min(qty, wanted))
            if uom.compare(qty, 0.0) <= 0:
                continue
            wanted -= qty
            goods.append((receipt, lot, locations[receipt, lot], qty))
        return goods

    def _prepare_repair_order_vals(self, receipt, lot, location, quantity):
        """A repair order of the received goods: the repair operation of the receipt's warehouse,
        the goods repaired where the receipt put them (so that the case's send back, a return of
        the receipt, finds them there), for the case's customer."""
        self.ensure_one()
        warehouse = receipt.picking_type_id.warehouse_id or location.warehouse_id
        vals = {
            'company_id': self.company_id.id,
            'product_id': self.product_id.id,
            'product_qty': quantity,
            'product_uom': self.product_id.uom_id.id,
            'lot_id': lot.id,
            'partner_id': self.return_id.partner_id.id,
            'picking_id': receipt.id,
            'product_location_src_id': location.id,
            'product_location_dest_id': location.id,
            'under_warranty': self._is_under_warranty(),
            'customer_return_id': self.return_id.id,
            'customer_return_line_id': self.id,
        }
        if warehouse.repair_type_id:
            vals['picking_type_id'] = warehouse.repair_type_id.id
        return vals

    def _create_repair_orders(self):
        """Repair orders of the accepted goods of these lines that have none yet (idempotent: a
        second receipt gets repair orders for its own goods only); out of warranty, the repair
        app's quotation for the customer to accept. Run by the case's process."""
        lines = self.filtered(lambda line: line.state in RETURN_PROCESSING_STATES and line._is_repaired_by_order()
                              and line.product_uom_id.compare(line.qty_accepted, 0.0) > 0)
        vals_list = [line._prepare_repair_order_vals(*goods) for line in lines for goods in line._get_goods_to_repair()]
        if not vals_list:
            return self.env['repair.order']
        repairs = self.env['repair.order'].create(vals_list)
        # The work of the repair's Create Quotation button (action_create_sale_order), for them all.
        quotations = repairs.filtered(lambda repair: not repair.under_warranty)._create_sale_order()
        for quotation in quotations:
            quotation._portal_ensure_token()  # the case's portal page links it: made now, not when shown
        repairs._log_creation_on_cases()
        return repairs


class CustomerReturn(models.Model):
    _inherit = 'customer.return'

    repair_order_ids = fields.One2many(
        'repair.order', 'customer_return_id', string="Repair Orders", readonly=True, groups=GROUP_STOCK)
    # Counted as superuser: customer service sees how many repairs a case has without the Repairs app.
    repair_count = fields.Integer(compute='_compute_repair_count', compute_sudo=True)

    @api.model
    def _get_process_fields(self):
        return super()._get_process_fields() | {'repair_order_ids'}

    @api.depends('repair_order_ids')
    def _compute_repair_count(self):
        for case in self:
            case.repair_count = len(case.repair_order_ids)

    def _update_progress(self):
        # Received goods to repair get their repair orders before the case checks it is settled.
        self.sudo().line_ids._create_repair_orders()
        return super()._update_progress()

    def action_send_back(self):
        lines = self.line_ids
        if not any(line.qty_to_send_back > 0 for line in lines) and any(line.qty_in_repair > 0 for line in lines):
            self._ensure_operator(self.env._("send goods back"))
            in_repair = lines.filtered(lambda line: line.qty_in_repair > 0)
            pending = in_repair.sudo().repair_order_ids.filtered(lambda r: r.state not in REPAIR_RELEASED_STATES)
            raise UserError(self.env._(
                "The goods of %(products)s are still to be repaired (%(repairs)s): they go back to the customer "
                "once their repair is done.", products=", ".join(in_repair.product_id.mapped('display_name')),
                repairs=", ".join(pending.mapped('name')) or self.env._("repair order not made yet")))
        return super().action_send_back()

    def action_view_repairs(self):
        self.ensure_one()
        return self._action_view_records(self.repair_order_ids, 'repair.action_repair_order_tree')
