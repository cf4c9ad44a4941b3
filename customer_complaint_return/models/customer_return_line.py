from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_is_zero

from odoo.addons.customer_complaint_return.const import (
    DISPOSITIONS,
    GOODS_CONDITIONS,
    GROUP_USER,
    RETURN_REVIEW_STATES,
    SEND_BACK_DISPOSITIONS,
)

# What the warehouse may write on a return line.
INSPECTION_FIELDS = {'qty_rejected', 'condition_found', 'inspection_note'}


class CustomerReturnLine(models.Model):
    _name = 'customer.return.line'
    _description = "Customer Return Line"
    _order = 'return_id, sequence, id'
    _check_company_auto = True

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
    # Quantities of the order line, from its stock moves
    # ------------------------------------------------------------------
    @api.model
    def _sale_line_figures(self, sale_lines, exclude_moves=None):
        """Per sale line: delivered, returned (done), coming back (not done yet, outside
        ``exclude_moves``) in the line's unit, and the day of the last delivery."""
        figures = {}
        for sale_line in sale_lines:
            delivered = returned = coming_back = 0.0
            last_delivery = False
            for move in sale_line.move_ids:
                if move.state == 'cancel' or move.product_id != sale_line.product_id:
                    continue
                qty = move.product_uom._compute_quantity(
                    move.quantity if move.state == 'done' else move.product_uom_qty,
                    sale_line.product_uom_id, rounding_method='HALF-UP')
                if move._is_to_customer():
                    if move.state == 'done':
                        delivered += qty
                        last_delivery = max(last_delivery or move.date, move.date)
                elif move._is_customer_return_receipt():
                    if move.state == 'done':
                        returned += qty
                    elif not exclude_moves or move not in exclude_moves:
                        coming_back += qty
            figures[sale_line] = (delivered, returned, coming_back, last_delivery)
        return figures

    @api.model
    def _returnable_quantities(self, sale_lines):
        return {
            sale_line: delivered - returned - coming_back
            for sale_line, (delivered, returned, coming_back, _date) in self._sale_line_figures(sale_lines).items()
        }

    @api.depends('sale_line_id', 'move_ids.state')
    def _compute_returnable(self):
        figures = self._sale_line_figures(self.sale_line_id, exclude_moves=self.move_ids)
        for line in self:
            delivered, returned, coming_back, last_delivery = figures.get(line.sale_line_id, (0.0, 0.0, 0.0, False))
            line.qty_delivered = delivered
            line.qty_returned = returned
            line.qty_returnable = max(delivered - returned - coming_back, 0.0)
            line.date_delivered = last_delivery and last_delivery.date()

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
            received = sent_back = replaced = scrapped = 0.0
            for move in line.move_ids.filtered(lambda m: m.state == 'done'):
                qty = move.product_uom._compute_quantity(move.quantity, line.product_uom_id, rounding_method='HALF-UP')
                if move._is_customer_return_receipt():
                    received += qty
                elif move.scrap_id:
                    scrapped += qty
                elif move._is_to_customer():
                    if move.origin_returned_move_id:
                        sent_back += qty
                    else:
                        replaced += qty
            line.qty_received = received
            line.qty_sent_back = sent_back
            line.qty_replaced = replaced
            line.qty_scrapped = scrapped

    @api.depends('qty_received', 'qty_rejected')
    def _compute_qty_accepted(self):
        for line in self:
            line.qty_accepted = max(line.qty_received - line.qty_rejected, 0.0)

    @api.depends('credit_line_ids.parent_state', 'credit_line_ids.quantity', 'credit_line_ids.price_subtotal')
    def _compute_credited(self):
        for line in self:
            posted = line.credit_line_ids.filtered(lambda aml: aml.parent_state == 'posted')
            line.qty_credited = sum(
                aml.product_uom_id._compute_quantity(aml.quantity, line.product_uom_id) for aml in posted)
            line.amount_credited = sum(posted.mapped('price_subtotal'))

    @api.depends('qty_accepted', 'disposition', 'state', 'credit_line_ids.parent_state',
                 'credit_line_ids.quantity', 'sale_line_id.invoice_lines.parent_state',
                 'sale_line_id.invoice_lines.quantity', 'sale_line_id.move_ids.state')
    def _compute_qty_to_credit(self):
        figures = self._sale_line_figures(self.sale_line_id)
        for line in self:
            line.qty_to_credit = line._quantity_to_credit(figures.get(line.sale_line_id))

    def _quantity_to_credit(self, figures):
        """What leaves the customer invoiced, net of every credit note, for exactly what they keep:
        invoiced - credited - (delivered - returned), within the accepted goods to refund."""
        self.ensure_one()
        if self.disposition != 'refund' or self.state not in ('approved', 'received', 'done') or not figures:
            return 0.0
        delivered, returned, _coming_back, _date = figures
        invoiced = credited = 0.0
        for aml in self.sale_line_id.invoice_lines:
            qty = aml.product_uom_id._compute_quantity(aml.quantity, self.product_uom_id)
            if aml.move_id.move_type == 'out_invoice' and aml.parent_state == 'posted':
                invoiced += qty
            elif aml.move_id.move_type == 'out_refund' and aml.parent_state != 'cancel':
                credited += qty
        kept = delivered - returned
        by_this_line = sum(
            aml.product_uom_id._compute_quantity(aml.quantity, self.product_uom_id)
            for aml in self.credit_line_ids if aml.parent_state != 'cancel')
        quantity = min(invoiced - credited - kept, self.qty_accepted - by_this_line)
        return self.product_uom_id.round(max(quantity, 0.0)) if self.product_uom_id else max(quantity, 0.0)

    @api.depends('qty_accepted', 'qty_rejected', 'qty_approved', 'disposition', 'qty_sent_back',
                 'qty_replaced', 'qty_scrapped', 'qty_to_credit', 'move_ids.state', 'return_id.allow_early_replacement',
                 'credit_line_ids.parent_state')
    def _compute_next_quantities(self):
        for line in self:
            pending = line.move_ids.filtered(lambda move: move.state not in ('done', 'cancel'))
            pending_send_back = sum(pending.filtered(
                lambda move: move._is_to_customer() and move.origin_returned_move_id).mapped('product_uom_qty'))
            pending_replacement = sum(pending.filtered(
                lambda move: move._is_to_customer() and not move.origin_returned_move_id).mapped('product_uom_qty'))
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
        result = super().write(vals)
        if vals.keys() & {'qty_rejected', 'disposition'}:
            self.return_id._update_progress()
        return result

    # ------------------------------------------------------------------
    # Receipt helpers
    # ------------------------------------------------------------------
    def _allocate_to_deliveries(self):
        """{done delivery move: quantity} this line is received against: moves that delivered
        the requested lots first, then the oldest deliveries, never beyond what each delivered
        and did not get back yet."""
        self.ensure_one()
        order_moves = self.sale_line_id.move_ids
        # Keep the prefetch of every line's moves: what they got back is read once for all lines.
        moves = order_moves.filtered(
            lambda move: move.state == 'done' and move._is_to_customer() and move.product_id == self.product_id,
        ).with_prefetch(order_moves._prefetch_ids)
        moves = moves.sorted(lambda move: (not (move.move_line_ids.lot_id & self.lot_ids), move.date, move.id))
        remaining = self.quantity
        allocation = {}
        for move in moves:
            if float_compare(remaining, 0.0, precision_rounding=self.product_uom_id.rounding) <= 0:
                break
            back = sum(move.returned_move_ids.filtered(lambda m: m.state != 'cancel').mapped('product_uom_qty'))
            available = move.product_uom._compute_quantity(move.quantity - back, self.product_uom_id)
            taken = min(available, remaining)
            if taken > 0:
                allocation[move] = self.product_uom_id._compute_quantity(taken, move.product_uom)
                remaining -= taken
        if float_compare(remaining, 0.0, precision_rounding=self.product_uom_id.rounding) > 0:
            raise UserError(self.env._(
                "%(product)s: %(qty)s requested, only %(returnable)s %(unit)s can be returned.",
                product=self.product_id.display_name, qty=self.quantity,
                returnable=self.quantity - remaining, unit=self.product_uom_id.name))
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

    def _qty_kept_paid(self):
        """Goods of this line that stay paid for but are not with the customer right now:
        received and not credited (rejected, or accepted for another disposition than refund),
        less what already went out to the customer for them (sent back or replaced)."""
        self.ensure_one()
        kept = self.qty_rejected + (self.qty_accepted if self.disposition != 'refund' else 0.0)
        return kept - self.qty_sent_back - self.qty_replaced

    def _received_moves(self):
        return self.move_ids.filtered(lambda move: move.state == 'done' and move._is_customer_return_receipt())

    def _prepare_replacement_procurement(self):
        self.ensure_one()
        sale_line = self.sale_line_id
        values = sale_line._prepare_procurement_values()
        values['customer_return_line_id'] = self.id
        return self.env['stock.rule'].Procurement(
            self.product_id, self.qty_to_replace, self.product_uom_id, sale_line._get_location_final(),
            self.product_id.display_name, self.return_id.name, self.company_id, values)

    def _prepare_scrap_vals(self):
        """One scrap per receipt move the accepted goods came in with, from where they are now."""
        self.ensure_one()
        vals_list = []
        remaining = self.qty_to_scrap
        for move in self._received_moves():
            if remaining <= 0:
                break
            for move_line in move.move_line_ids:
                taken = min(move_line.quantity, remaining)
                if taken <= 0:
                    continue
                vals_list.append({
                    'product_id': self.product_id.id,
                    'product_uom_id': move.product_uom.id,
                    'scrap_qty': taken,
                    'lot_id': move_line.lot_id.id,
                    'location_id': move_line.location_dest_id.id,
                    'company_id': self.company_id.id,
                    'origin': self.return_id.name,
                    'customer_return_line_id': self.id,
                })
                remaining -= taken
        return vals_list

    def _creditable_invoice_lines(self):
        """Posted invoice lines of the order line, newest first, with the quantity each can
        still be credited by (its quantity less the credit notes reversing it)."""
        self.ensure_one()
        invoice_lines = self.sale_line_id.invoice_lines.filtered(
            lambda aml: aml.move_id.move_type == 'out_invoice' and aml.parent_state == 'posted')
        refund_lines = self.sale_line_id.invoice_lines.filtered(
            lambda aml: aml.move_id.move_type == 'out_refund' and aml.parent_state != 'cancel')
        result = []
        for invoice_line in invoice_lines.sorted(lambda aml: (aml.move_id.invoice_date or aml.date, aml.id), reverse=True):
            reversed_qty = sum(refund_lines.filtered(
                lambda aml: aml.move_id.reversed_entry_id == invoice_line.move_id).mapped('quantity'))
            available = invoice_line.product_uom_id._compute_quantity(
                invoice_line.quantity - reversed_qty, self.product_uom_id)
            if available > 0:
                result.append((invoice_line, available))
        return result
