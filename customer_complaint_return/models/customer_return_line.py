from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_is_zero

from odoo.addons.customer_complaint_return.const import (
    DISPOSITIONS,
    GOODS_CONDITIONS,
    GROUP_USER,
    CREDITED_DISPOSITIONS,
    KEEP_GOODS_DISPOSITIONS,
    REFUNDED_DISPOSITIONS,
    RETURN_ACTIVE_STATES,
    RETURN_REVIEW_STATES,
    SEND_BACK_DISPOSITIONS,
)

# What the warehouse may write on a return line.
INSPECTION_FIELDS = {'qty_rejected', 'condition_found', 'inspection_note'}


class CustomerReturnLine(models.Model):
    _name = 'customer.return.line'
    _inherit = ['customer.process.mixin']
    _description = "Customer Return Line"
    _order = 'return_id, sequence, id'
    _check_company_auto = True
    # The approved quantity is the review's; the received, credited... figures are computed.
    _process_fields = ('qty_approved', 'move_ids', 'credit_line_ids', 'rule_id', 'keep_goods',
                       'restocking_fee_percent', 'return_location_id', 'exchange_sale_line_id',
                       'store_credit_bonus_percent')

    return_id = fields.Many2one('customer.return', string="Return", required=True, index=True, ondelete='cascade')
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related='return_id.company_id', store=True, index=True, precompute=True)
    state = fields.Selection(related='return_id.state', store=True, string="Status")
    commercial_partner_id = fields.Many2one(
        related='return_id.commercial_partner_id', store=True, index=True, string="Customer")
    date_request = fields.Date(related='return_id.date_request', store=True, string="Requested On")
    sale_order_id = fields.Many2one(related='return_id.sale_order_id')
    currency_id = fields.Many2one(related='return_id.currency_id')
    reason_id = fields.Many2one(related='return_id.reason_id', store=True, string="Return Reason")
    sale_line_id = fields.Many2one(
        'sale.order.line', string="Order Line", required=True, index=True, check_company=True,
        domain="[('order_id.partner_id', 'child_of', commercial_partner_id), ('order_id', '=?', sale_order_id),"
               " ('state', '=', 'sale'), ('display_type', '=', False), ('qty_delivered', '>', 0)]")
    order_id = fields.Many2one(related='sale_line_id.order_id', store=True, string="Order")
    product_id = fields.Many2one(
        related='sale_line_id.product_id', store=True, index=True, string="Product")
    product_uom_id = fields.Many2one(related='sale_line_id.product_uom_id', string="Unit")
    tracking = fields.Selection(related='product_id.tracking')
    lot_ids = fields.Many2many(
        'stock.lot', string="Lots/Serial Numbers", check_company=True,
        domain="[('id', 'in', available_lot_ids)]",
        help="Only lots and serial numbers delivered on the order line can be returned.")
    available_lot_ids = fields.Many2many('stock.lot', compute='_compute_available_lot_ids')

    # Request and review
    quantity = fields.Float(string="Requested", digits='Product Unit', required=True, default=1.0)
    qty_approved = fields.Float(string="Approved", digits='Product Unit', readonly=True, copy=False)
    condition = fields.Selection(GOODS_CONDITIONS, string="Declared Condition")
    disposition = fields.Selection(DISPOSITIONS, required=True, default='refund')
    qty_delivered = fields.Float(string="Delivered", digits='Product Unit', compute='_compute_returnable')
    qty_returned = fields.Float(
        string="Already Returned", digits='Product Unit', compute='_compute_returnable',
        help="Returned by every done return of the order line, made here or with the standard Return button.")
    qty_returnable = fields.Float(
        string="Returnable", digits='Product Unit', compute='_compute_returnable',
        help="Delivered, less what was returned or is on its way back on other returns.")
    date_delivered = fields.Date(string="Delivered On", compute='_compute_returnable')
    is_eligible = fields.Boolean(compute='_compute_eligibility', string="Eligible")
    eligibility_note = fields.Char(compute='_compute_eligibility', string="Why Not Eligible")
    # Set at submission (customer_return_policy.py); a deleted rule's name stays in the case's chatter.
    rule_id = fields.Many2one(
        'customer.return.rule', string="Return Rule", readonly=True, copy=False, ondelete='set null',
        check_company=True, groups='base.group_user',  # internal policy, never on the portal
        help="The return rule that decided this line when the request was submitted.")
    # What the rule decided for the goods and the refund (customer_return_policy.py).
    keep_goods = fields.Boolean(
        string="Customer Keeps the Goods", readonly=True, copy=False,
        help="Refunded or replaced without the goods coming back: no receipt, the approved quantity counts "
             "as accepted.")
    restocking_fee_percent = fields.Float(
        string="Restocking Fee (%)", digits=(16, 2), readonly=True, copy=False,
        help="Share of the credited value kept as a restocking fee, on its own line of the credit note.")
    restocking_fee = fields.Monetary(
        compute='_compute_restocking_fee', currency_field='currency_id',
        help="Restocking fee of the goods to refund, untaxed: deducted on the credit note.")
    return_location_id = fields.Many2one(
        'stock.location', string="Comes Back To", readonly=True, copy=False, check_company=True,
        help="Where the goods come back to, as the return rule decided; empty: the return location of the "
             "delivery's warehouse.")

    # Receipt and inspection
    move_ids = fields.One2many('stock.move', 'customer_return_line_id', string="Stock Moves", readonly=True)
    qty_received = fields.Float(
        string="Received", digits='Product Unit', compute='_compute_move_quantities', store=True)
    qty_rejected = fields.Float(
        string="Rejected", digits='Product Unit', copy=False,
        help="Received goods refused at inspection; they go back to the customer.")
    qty_accepted = fields.Float(
        string="Accepted", digits='Product Unit', compute='_compute_qty_accepted', store=True,
        help="Received goods accepted at inspection: the received quantity unless inspection rejects some.")
    condition_found = fields.Selection(GOODS_CONDITIONS, string="Condition Found", copy=False)
    inspection_note = fields.Char(copy=False, groups='base.group_user')  # never on the portal
    qty_sent_back = fields.Float(
        string="Sent Back", digits='Product Unit', compute='_compute_move_quantities', store=True)
    qty_replaced = fields.Float(
        string="Replaced", digits='Product Unit', compute='_compute_move_quantities', store=True)
    qty_scrapped = fields.Float(
        string="Scrapped", digits='Product Unit', compute='_compute_move_quantities', store=True)
    loose_components = fields.Char(
        compute='_compute_move_quantities', store=True,
        help="Components of a kit that came back without the rest of their kit: they are tracked "
             "here, and neither received nor credited as kits.")

    # Refund
    credit_line_ids = fields.One2many(
        'account.move.line', 'customer_return_line_id', string="Credit Note Lines", readonly=True)
    qty_credited = fields.Float(
        string="Credited", digits='Product Unit', compute='_compute_credited', store=True,
        help="Quantity on the posted credit notes of this return.")
    amount_credited = fields.Monetary(
        string="Credited Amount", compute='_compute_credited', store=True, currency_field='currency_id',
        help="Untaxed amount of the posted credit notes of this return for this line.")
    # Computed as superuser: the warehouse and finance read these figures without rights on
    # each other's documents (invoice lines, credit note lines, stock moves).
    qty_to_credit = fields.Float(
        string="To Credit", digits='Product Unit', compute='_compute_qty_to_credit', compute_sudo=True,
        help="Accepted goods still invoiced to the customer and not credited yet.")
    qty_to_send_back = fields.Float(digits='Product Unit', compute='_compute_next_quantities', compute_sudo=True)
    qty_to_replace = fields.Float(digits='Product Unit', compute='_compute_next_quantities', compute_sudo=True)
    qty_to_scrap = fields.Float(digits='Product Unit', compute='_compute_next_quantities', compute_sudo=True)
    is_settled = fields.Boolean(compute='_compute_next_quantities', compute_sudo=True)

    _quantity_positive = models.Constraint('CHECK(quantity >= 0)', "The requested quantity cannot be negative.")
    _rejected_positive = models.Constraint('CHECK(qty_rejected >= 0)', "The rejected quantity cannot be negative.")
    _sale_line_unique = models.UniqueIndex(
        '(return_id, sale_line_id)', "An order line can only be listed once on a return.")

    # ------------------------------------------------------------------
    # Quantities of the order line (sale.order.line._get_customer_return_figures)
    # ------------------------------------------------------------------
    @api.depends('sale_line_id', 'move_ids.state')
    def _compute_returnable(self):
        figures = self.sale_line_id._get_customer_return_figures(exclude_moves=self.move_ids, exclude_lines=self)
        for line in self:
            line_figures = figures.get(line.sale_line_id)
            line.qty_delivered = line_figures['delivered'] if line_figures else 0.0
            line.qty_returned = line_figures['returned'] if line_figures else 0.0
            line.qty_returnable = line_figures['returnable'] if line_figures else 0.0
            date_delivered = line_figures and line_figures['date_delivered']
            line.date_delivered = date_delivered.date() if date_delivered else False

    @api.depends('sale_line_id')
    def _compute_available_lot_ids(self):
        for line in self:
            moves = line.sale_line_id.move_ids.filtered(lambda move: move.state == 'done' and move._is_to_customer())
            line.available_lot_ids = moves.move_line_ids.lot_id

    @api.depends('quantity', 'qty_returnable', 'date_delivered', 'return_id.date_request', 'product_id', 'state')
    def _compute_eligibility(self):
        for line in self:
            notes = line._eligibility_problems()
            line.is_eligible = not notes
            line.eligibility_note = " ".join(notes)

    def _eligibility_problems(self):
        self.ensure_one()
        product = self.product_id
        if not product:
            return []
        problems = []
        policy = product._get_return_policy(self.company_id or self.env.company)
        if not policy['returnable']:
            problems.append(self.env._("%(product)s cannot be returned.", product=product.display_name))
        if float_is_zero(self.qty_delivered, precision_rounding=self.product_uom_id.rounding or 0.01):
            problems.append(self.env._("%(product)s was not delivered.", product=product.display_name))
        elif self.date_delivered and policy['window_days'] and self.return_id.date_request and (
                self.date_delivered + timedelta(days=policy['window_days']) < self.return_id.date_request):
            problems.append(self.env._(
                "%(product)s was delivered on %(date)s, more than %(days)s days before the request.",
                product=product.display_name, date=self.date_delivered, days=policy['window_days']))
        if self.state in RETURN_REVIEW_STATES and float_compare(
                self.quantity, self.qty_returnable, precision_rounding=self.product_uom_id.rounding or 0.01) > 0:
            problems.append(self.env._(
                "Only %(qty)s %(unit)s of %(product)s can be returned.",
                qty=self.qty_returnable, unit=self.product_uom_id.name, product=product.display_name))
        return problems

    # ------------------------------------------------------------------
    # Quantities of the case, from its own moves
    # ------------------------------------------------------------------
    @api.depends('move_ids.state', 'move_ids.quantity', 'move_ids.product_uom')
    def _compute_move_quantities(self):
        for line in self:
            sale_line = line.sale_line_id
            per_unit = sale_line._get_return_goods_per_unit() if sale_line else {}
            done = line.move_ids.filtered(lambda move: move.state == 'done')
            received = done.filtered(lambda move: move._is_customer_return_receipt())
            to_customer = done.filtered(lambda move: move._is_to_customer())
            groups = {
                'qty_received': received,
                'qty_scrapped': done.filtered('scrap_id'),
                'qty_sent_back': to_customer.filtered('origin_returned_move_id'),
                'qty_replaced': to_customer.filtered(lambda move: not move.origin_returned_move_id),
            }
            goods = {field_name: sale_line._count_goods(moves) for field_name, moves in groups.items()}
            for field_name, field_goods in goods.items():
                line[field_name] = sale_line._count_units(field_goods, per_unit) if per_unit else 0.0
            line.loose_components = line._describe_loose_components(goods['qty_received'], per_unit)

    def _get_loose_goods(self, goods, per_unit):
        """{component: quantity in its unit} of ``goods`` that make no whole kit with the others."""
        self.ensure_one()
        if not per_unit or set(per_unit) == {self.product_id}:
            return {}
        kits = self.sale_line_id._count_units(goods, per_unit)
        loose = {}
        for product, qty in goods.items():
            extra = product.uom_id.round(qty - kits * per_unit.get(product, 0.0))
            if product.uom_id.compare(extra, 0.0) > 0:
                loose[product] = extra
        return loose

    def _describe_loose_components(self, goods, per_unit):
        """The components of ``goods`` that make no whole kit with the others, in words."""
        loose = self._get_loose_goods(goods, per_unit)
        return ", ".join(f"{qty:g} {product.uom_id.name} {product.display_name}"
                         for product, qty in loose.items()) or False

    @api.depends('qty_received', 'qty_rejected', 'keep_goods', 'qty_approved')
    def _compute_qty_accepted(self):
        for line in self:
            # Goods the customer keeps are accepted once approved: nothing to receive or inspect.
            received = line.qty_approved if line.keep_goods else line.qty_received
            line.qty_accepted = max(received - line.qty_rejected, 0.0)

    @api.depends('restocking_fee_percent', 'disposition', 'quantity', 'qty_approved', 'sale_line_id.price_unit',
                 'sale_line_id.discount')
    def _compute_restocking_fee(self):
        for line in self:
            quantity = line.qty_approved or line.quantity
            fee = line.restocking_fee_percent / 100.0 * line._get_unit_value() * quantity \
                if line.disposition in CREDITED_DISPOSITIONS else 0.0
            line.restocking_fee = line.currency_id.round(fee) if line.currency_id else fee

    def _get_unit_value(self):
        """Price of one unit of the line after discount, in the order's currency."""
        self.ensure_one()
        sale_line = self.sale_line_id
        return sale_line.price_unit * (1.0 - (sale_line.discount or 0.0) / 100.0)

    @api.depends('credit_line_ids.parent_state', 'credit_line_ids.quantity', 'credit_line_ids.price_subtotal',
                 'credit_line_ids.is_restocking_fee')
    def _compute_credited(self):
        for line in self:
            posted = line.credit_line_ids.filtered(lambda aml: aml.parent_state == 'posted')
            goods = posted.filtered(lambda aml: not aml.is_restocking_fee)
            line.qty_credited = sum(
                aml.product_uom_id._compute_quantity(aml.quantity, line.product_uom_id) for aml in goods)
            # net of the restocking fee (its lines are negative)
            line.amount_credited = sum(posted.mapped('price_subtotal'))

    @api.depends('qty_accepted', 'disposition', 'state', 'credit_line_ids.parent_state',
                 'credit_line_ids.quantity', 'sale_line_id.invoice_lines.parent_state',
                 'sale_line_id.invoice_lines.quantity', 'sale_line_id.qty_delivered')
    def _compute_qty_to_credit(self):
        for line in self:
            line.qty_to_credit = sum(
                invoice_line.product_uom_id._compute_quantity(qty, line.product_uom_id, round=False)
                for invoice_line, qty in line._get_credit_note_allocation())

    def _get_credit_note_allocation(self):
        """[(posted invoice line, quantity in its unit)] to credit for this line now: the order
        line's own allocation (``sale.order.line._get_credit_allocation``), within the accepted
        goods to refund not on a credit note of this line yet."""
        self.ensure_one()
        if self.disposition not in CREDITED_DISPOSITIONS or self.state not in RETURN_ACTIVE_STATES or not self.sale_line_id:
            return []
        unit = self.product_uom_id
        wanted = self.qty_accepted - self._qty_credited_in_sale_unit()
        allocation = []
        for invoice_line, qty in self.sale_line_id._get_credit_allocation():
            if unit.compare(wanted, 0.0) <= 0:
                break
            taken = min(wanted, invoice_line.product_uom_id._compute_quantity(qty, unit, round=False))
            wanted -= taken
            allocation.append((invoice_line, invoice_line.product_uom_id.round(
                unit._compute_quantity(taken, invoice_line.product_uom_id, round=False))))
        return [(invoice_line, qty) for invoice_line, qty in allocation if invoice_line.product_uom_id.compare(qty, 0.0) > 0]

    def _prepare_restocking_fee_line_vals(self, goods_vals, currency):
        """Values of the credit note line deducting this line's restocking fee from the goods
        credited by ``goods_vals`` (their credit note line), or None: one unit of the company's
        fee product taken back (quantity -1), the goods' taxes and analytics, so that the fee
        is taxed as the goods were and accounting sees it on its own account."""
        self.ensure_one()
        if not self.restocking_fee_percent or self.disposition not in CREDITED_DISPOSITIONS:
            return None
        value = goods_vals['price_unit'] * goods_vals['quantity'] * (1.0 - (goods_vals.get('discount') or 0.0) / 100.0)
        fee = currency.round(value * self.restocking_fee_percent / 100.0)
        if currency.is_zero(fee):
            return None
        product = self.company_id._get_restocking_fee_product()
        return {
            'product_id': product.id,
            'product_uom_id': product.uom_id.id,
            'name': self.env._("Restocking fee %(percent)s%% on %(product)s",
                               percent=f"{self.restocking_fee_percent:g}", product=self.product_id.display_name),
            'quantity': -1.0,
            'price_unit': fee,
            'tax_ids': goods_vals.get('tax_ids'),
            'analytic_distribution': goods_vals.get('analytic_distribution'),
            'customer_return_line_id': self.id,
            'is_restocking_fee': True,
        }

    def _qty_credited_in_sale_unit(self):
        """Quantity on the credit notes of this line that are not cancelled (drafts included)."""
        self.ensure_one()
        # The order line's invoice lines are read anyway: this line's credit notes are among them.
        return sum(aml.product_uom_id._compute_quantity(aml.quantity, self.product_uom_id, round=False)
                   for aml in self.sale_line_id.invoice_lines
                   if aml.customer_return_line_id == self and aml.parent_state != 'cancel')

    def _qty_rejected_in_transit(self):
        """Goods of a refunded receipt that inspection rejected and that are not sent back yet."""
        self.ensure_one()
        if not self.qty_rejected or not any(move.to_refund for move in self._received_moves()):
            return 0.0
        return max(self.qty_rejected - self.qty_sent_back, 0.0)

    @api.depends('qty_accepted', 'qty_rejected', 'qty_approved', 'disposition', 'qty_sent_back',
                 'qty_replaced', 'qty_scrapped', 'qty_to_credit', 'move_ids.state', 'return_id.allow_early_replacement',
                 'credit_line_ids.parent_state')
    def _compute_next_quantities(self):
        for line in self:
            pending = line.move_ids.filtered(lambda move: move.state not in ('done', 'cancel'))
            outgoing = pending.filtered(lambda move: move._is_to_customer())
            pending_send_back = line._count_units_in(outgoing.filtered('origin_returned_move_id'))
            pending_replacement = line._count_units_in(outgoing.filtered(lambda move: not move.origin_returned_move_id))
            to_send_back = line.qty_rejected + (line.qty_accepted if line.disposition in SEND_BACK_DISPOSITIONS else 0.0)
            line.qty_to_send_back = max(to_send_back - line.qty_sent_back - pending_send_back, 0.0)
            to_replace = 0.0
            if line.disposition == 'replace':
                to_replace = line.qty_accepted
                if line.return_id.allow_early_replacement:
                    to_replace = max(to_replace, line.qty_approved - line.qty_rejected)
            line.qty_to_replace = max(to_replace - line.qty_replaced - pending_replacement, 0.0)
            line.qty_to_scrap = max(line.qty_accepted - line.qty_scrapped, 0.0) if line.disposition == 'scrap' else 0.0
            draft_credit = line.credit_line_ids.filtered(lambda aml: aml.parent_state == 'draft')
            line.is_settled = not pending and not draft_credit and not any(
                (line.qty_to_send_back, line.qty_to_replace, line.qty_to_scrap, line.qty_to_credit))

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains('sale_line_id', 'return_id')
    def _check_sale_line_customer(self):
        for line in self:
            case = line.return_id
            case._check_documents_customer(line.sale_line_id)
            if case.sale_order_id and line.order_id != case.sale_order_id:
                raise ValidationError(self.env._(
                    "Return %(name)s is about order %(order)s; %(line)s belongs to another order.",
                    name=case.name, order=case.sale_order_id.name, line=line.sale_line_id.display_name))

    @api.constrains('lot_ids', 'quantity', 'sale_line_id')
    def _check_lots(self):
        for line in self:
            wrong = line.lot_ids - line.available_lot_ids
            if wrong:
                raise ValidationError(self.env._(
                    "%(lots)s were not delivered on %(line)s.",
                    lots=", ".join(wrong.mapped('name')), line=line.sale_line_id.display_name))
            if line.tracking == 'serial' and line.lot_ids and float_compare(
                    len(line.lot_ids), line.quantity, precision_rounding=line.product_uom_id.rounding) != 0:
                raise ValidationError(self.env._(
                    "Give one serial number per returned unit of %(product)s.", product=line.product_id.display_name))

    @api.constrains('qty_rejected', 'qty_received')
    def _check_qty_rejected(self):
        for line in self:
            if float_compare(line.qty_rejected, line.qty_received, precision_rounding=line.product_uom_id.rounding) > 0:
                raise ValidationError(self.env._(
                    "You cannot reject more %(product)s than was received (%(qty)s).",
                    product=line.product_id.display_name, qty=line.qty_received))

    def _check_returnable_quantities(self):
        """Refuse requests for nothing, or for more than was delivered and not returned yet."""
        problems = []
        for line in self:
            rounding = line.product_uom_id.rounding
            if float_compare(line.quantity, 0.0, precision_rounding=rounding) <= 0:
                problems.append(self.env._("Give the quantity of %(product)s to return.", product=line.product_id.display_name))
            elif float_compare(line.quantity, line.qty_returnable, precision_rounding=rounding) > 0:
                problems.append(self.env._(
                    "%(product)s: %(qty)s requested, only %(returnable)s %(unit)s can be returned "
                    "(delivered %(delivered)s, returned %(returned)s).",
                    product=line.product_id.display_name, qty=line.quantity, returnable=line.qty_returnable,
                    unit=line.product_uom_id.name, delivered=line.qty_delivered, returned=line.qty_returned))
        if problems:
            raise UserError("\n".join(problems))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_reviewed(self):
        reviewed = self.filtered(lambda line: line.state not in RETURN_REVIEW_STATES)
        if reviewed:
            raise UserError(self.env._(
                "Lines of approved, rejected or cancelled returns cannot be removed: %(names)s.",
                names=", ".join(reviewed.return_id.mapped('name'))))

    def write(self, vals):
        if not self.env.su and vals.keys() - INSPECTION_FIELDS \
                and not self.env.user.has_group(GROUP_USER):
            # The warehouse records the inspection; the request itself is customer service's.
            raise AccessError(self.env._("You may only record the inspection of returned goods."))
        if vals.keys() & {'sale_line_id', 'quantity', 'lot_ids'} \
                and not self.env.context.get('customer_return_from_warehouse'):
            locked = self.filtered(lambda line: line.state not in RETURN_REVIEW_STATES)
            if locked:
                raise UserError(self.env._(
                    "The products and quantities of approved returns cannot be changed: %(names)s.",
                    names=", ".join(locked.return_id.mapped('name'))))
        if 'disposition' in vals:
            self._check_disposition_change(vals['disposition'])
        result = super().write(vals)
        if 'disposition' in vals:
            self._sync_refund_of_moves()
        if vals.keys() & {'qty_rejected', 'disposition'}:
            self.return_id._update_progress()
        return result

    def _check_disposition_change(self, disposition):
        kept = self.filtered('keep_goods') if disposition not in KEEP_GOODS_DISPOSITIONS else self.browse()
        if kept:
            raise UserError(self.env._(
                "The customer keeps the goods of %(products)s: they can only be refunded or replaced.",
                products=", ".join(kept.product_id.mapped('display_name'))))
        settled = self.filtered(lambda line: line.disposition != disposition and (
            line.qty_sent_back or line.qty_replaced or line.qty_scrapped
            or line.credit_line_ids.filtered(lambda aml: aml.parent_state != 'cancel')))
        if settled:
            raise UserError(self.env._(
                "The disposition of %(products)s can no longer change: their goods were already sent back, "
                "replaced, scrapped or credited.", products=", ".join(settled.product_id.mapped('display_name'))))

    def _sync_refund_of_moves(self):
        """Receipts are refunded (``to_refund``, which lowers the order's delivered quantity) exactly
        when their goods are to be refunded, and goods sent back for them alike."""
        changed = self.env['stock.move']
        for line in self:
            refund = line.disposition in REFUNDED_DISPOSITIONS
            moves = line.move_ids.filtered(lambda move: move.state != 'cancel' and move.to_refund != refund and (
                move._is_customer_return_receipt() or move.origin_returned_move_id))
            # After the line's own access checks: the moves are the warehouse's documents.
            moves.sudo().to_refund = refund
            changed |= moves
        if changed.sale_line_id:
            # sale_stock does not recompute the delivered quantity when to_refund changes.
            self.env.add_to_compute(changed.sale_line_id._fields['qty_delivered'], changed.sale_line_id)

    # ------------------------------------------------------------------
    # Goods of the line in its unit (kits: whole kits of components)
    # ------------------------------------------------------------------
    def _count_units_in(self, moves):
        """Units of this line that ``moves`` carry (kits: whole kits only)."""
        self.ensure_one()
        sale_line = self.sale_line_id
        return sale_line._count_units(sale_line._count_goods(moves)) if sale_line else 0.0

    @api.model
    def _spread_goods(self, goods, moves, available):
        """{move: quantity in the move's unit} that takes ``goods`` ({product: quantity in its
        unit}) from ``moves`` in their order, never more than ``available(move)`` (in the
        product's unit) from each."""
        needed = dict(goods)
        spread = {}
        for move in moves:
            unit = move.product_id.uom_id
            left = needed.get(move.product_id, 0.0)
            taken = min(left, available(move))
            if unit.compare(taken, 0.0) > 0:
                spread[move] = move.product_uom.round(unit._compute_quantity(taken, move.product_uom, round=False))
                needed[move.product_id] = left - taken
        return spread

    @api.model
    def _left_to_return(self, move):
        """What ``move`` carried (in its product's unit) that no other move has returned yet."""
        done = move.product_uom._compute_quantity(move.quantity, move.product_id.uom_id, round=False)
        back = sum(move.returned_move_ids.filtered(lambda m: m.state != 'cancel').mapped('product_qty'))
        return done - back

    # ------------------------------------------------------------------
    # Receipt helpers
    # ------------------------------------------------------------------
    def _allocate_to_deliveries(self):
        """{done delivery move: quantity in its unit} this line is received against: the
        deliveries of the requested lots first, then the oldest, never beyond what each delivered
        and did not get back yet. A kit comes back whole, from one delivery at a time."""
        self.ensure_one()
        sale_line = self.sale_line_id
        per_unit = sale_line._get_return_goods_per_unit()
        to_customer, _from_customer = sale_line._get_customer_moves(per_unit)
        deliveries = to_customer.filtered(lambda move: move.state == 'done' and move.picking_id)
        pickings = deliveries.picking_id.sorted(lambda picking: (
            not (picking.move_line_ids.lot_id & self.lot_ids), picking.date_done, picking.id))
        unit = self.product_uom_id
        remaining = self.quantity
        allocation = {}
        for picking in pickings:
            if unit.compare(remaining, 0.0) <= 0:
                break
            moves = deliveries.filtered(lambda move: move.picking_id == picking)
            available = defaultdict(float)
            for move in moves:
                available[move.product_id] += self._left_to_return(move)
            units = min(remaining, sale_line._count_units(available, per_unit))
            if unit.compare(units, 0.0) <= 0:
                continue
            allocation.update(self._spread_goods(
                sale_line._goods_for_units(units, per_unit), moves, self._left_to_return))
            remaining -= units
        if unit.compare(remaining, 0.0) > 0:
            raise UserError(self.env._(
                "%(product)s: %(qty)s requested, only %(returnable)s %(unit)s can be returned.",
                product=self.product_id.display_name, qty=self.quantity,
                returnable=self.quantity - remaining, unit=unit.name))
        return allocation

    def _apply_lots_to_receipt(self):
        """Put the returned lots and serial numbers on the receipt, as delivered by each original move."""
        for line in self.filtered(lambda line: line.lot_ids and line.tracking != 'none'):
            used = self.env['stock.lot']
            for move in line.move_ids.filtered(
                    lambda m: m._is_customer_return_receipt() and m.state not in ('done', 'cancel')):
                delivered = defaultdict(float)
                for move_line in move.origin_returned_move_id.move_line_ids:
                    if move_line.lot_id in line.lot_ids - used:
                        delivered[move_line.lot_id] += move_line.quantity
                remaining = move.product_uom_qty
                vals_list = []
                for lot, qty in delivered.items():
                    if remaining <= 0:
                        break
                    taken = min(qty, remaining)
                    vals_list.append(dict(move._prepare_move_line_vals(quantity=taken), lot_id=lot.id))
                    used |= lot
                    remaining -= taken
                if vals_list:
                    move.move_line_ids.unlink()
                    self.env['stock.move.line'].create(vals_list)

    def _received_moves(self):
        return self.move_ids.filtered(lambda move: move.state == 'done' and move._is_customer_return_receipt())

    # ------------------------------------------------------------------
    # After the receipt: what goes back, is replaced or scrapped
    # ------------------------------------------------------------------
    def _get_send_back_quantities(self):
        """{done receipt move: quantity in its unit} to send back for this line."""
        self.ensure_one()
        goods = self.sale_line_id._goods_for_units(self.qty_to_send_back)
        return self._spread_goods(goods, self._received_moves(), self._left_to_return)

    def _prepare_replacement_procurement(self):
        """A procurement of new goods through the order's delivery route. It is neither a delivery
        of the order line (no ``sale_line_id``) nor in the order's stock reference, where
        sale_stock would add the goods to the order as extra delivered products: the customer
        is not billed for replacement goods."""
        self.ensure_one()
        sale_line = self.sale_line_id
        values = sale_line._prepare_procurement_values()
        values.pop('sale_line_id', None)
        values.pop('reference_ids', None)
        values['customer_return_line_id'] = self.id
        return self.env['stock.rule'].Procurement(
            self.product_id, self.qty_to_replace, self.product_uom_id, sale_line._get_location_final(),
            self.product_id.display_name, self.return_id.name, self.company_id, values)

    def _prepare_scrap_vals(self):
        """One scrap per received move line the accepted goods came in with, from where they are now."""
        self.ensure_one()
        needed = dict(self.sale_line_id._goods_for_units(self.qty_to_scrap))
        vals_list = []
        for move_line in self._received_moves().move_line_ids:
            product = move_line.product_id
            quantity = move_line.product_uom_id._compute_quantity(move_line.quantity, product.uom_id, round=False)
            taken = product.uom_id.round(min(needed.get(product, 0.0), quantity))
            if product.uom_id.compare(taken, 0.0) <= 0:
                continue
            needed[product] -= taken
            vals_list.append({
                'product_id': product.id,
                'product_uom_id': product.uom_id.id,
                'scrap_qty': taken,
                'lot_id': move_line.lot_id.id,
                'location_id': move_line.location_dest_id.id,
                'company_id': self.company_id.id,
                'origin': self.return_id.name,
                'customer_return_line_id': self.id,
            })
        return vals_list
