import math
from collections import defaultdict

from odoo import api, fields, models

from odoo.addons.customer_complaint_return.const import RETURN_ACTIVE_STATES

# Quantities of kit components are compared with this tolerance before whole kits are counted.
KIT_TOLERANCE = 1e-6


class SaleOrderLine(models.Model):
    _inherit = 'sale.order.line'

    customer_return_line_ids = fields.One2many(
        'customer.return.line', 'sale_line_id', string="Return Lines",
        groups='customer_complaint_return.group_complaint_user,stock.group_stock_user,account.group_account_invoice')

    # ------------------------------------------------------------------
    # Which moves took the line's goods to the customer and brought them back
    # ------------------------------------------------------------------
    def _get_customer_moves(self, per_unit=None):
        """(to the customer, from the customer): every move of this line that took its goods to
        the customer or brought them back, whatever their invoicing.

        sale_stock's ``_get_outgoing_incoming_moves`` gives the moves that count for invoicing. It
        leaves out goods that came back without a refund (``to_refund`` unset: to repair, to
        replace, rejected, scrapped without credit), the goods that went out again for them, and a
        kit's components (sale_mrp counts those in kits). They came and went all the same.
        """
        self.ensure_one()
        per_unit = per_unit or self._get_return_goods_per_unit()
        outgoing, incoming = self._get_outgoing_incoming_moves()
        products = self.product_id.concat(*per_unit)
        others = (self.move_ids | self.sudo().customer_return_line_ids.move_ids).filtered(
            lambda move: move.state != 'cancel' and move.product_id in products
            and move.location_dest_usage != 'inventory') - outgoing - incoming
        return (outgoing | others.filtered(lambda move: move._is_to_customer()),
                incoming | others.filtered(lambda move: move._is_customer_return_receipt()))

    def _get_customer_return_figures(self, exclude_moves=None, exclude_lines=None):
        """Per line, in the line's unit (kits: whole kits): what went to the customer
        (``delivered``), came back (``returned``), is on its way back outside ``exclude_moves``
        (``coming_back``), what the customer may still return (``returnable``: less the goods
        refunded or replaced that the customer keeps, on return lines outside ``exclude_lines``)
        and the day of the last delivery (``date_delivered``)."""
        exclude_moves = exclude_moves or self.env['stock.move']
        kept = self._get_customer_kept_quantities(exclude_lines)
        figures = {}
        for line in self:
            per_unit = line._get_return_goods_per_unit()
            to_customer, from_customer = line._get_customer_moves(per_unit)
            delivered = to_customer.filtered(lambda move: move.state == 'done')
            returned = from_customer.filtered(lambda move: move.state == 'done')
            coming_back = from_customer - returned - exclude_moves
            held = line._subtract_goods(line._count_goods(delivered), line._count_goods(returned | coming_back))
            figures[line] = {
                'delivered': line._count_units(line._count_goods(delivered), per_unit),
                'returned': line._count_units(line._count_goods(returned), per_unit),
                'coming_back': line._count_units(line._count_goods(coming_back), per_unit),
                'returnable': max(line._count_units(held, per_unit) - kept.get(line, 0.0), 0.0),
                'date_delivered': max(delivered.mapped('date'), default=False),
            }
        return figures

    def _get_customer_kept_quantities(self, exclude_lines=None):
        """{line: quantity in its unit} that approved returns let the customer keep (refunded or
        replaced without the goods coming back), outside the return lines ``exclude_lines``."""
        kept = defaultdict(float)
        return_lines = self.sudo().customer_return_line_ids.filtered(
            lambda return_line: return_line.keep_goods and return_line.state in RETURN_ACTIVE_STATES)
        for return_line in return_lines - (exclude_lines or self.env['customer.return.line']).sudo():
            kept[return_line.sale_line_id] += return_line.qty_approved
        return kept

    # ------------------------------------------------------------------
    # Goods of a unit of the line: the product, or a kit's components
    # ------------------------------------------------------------------
    def _get_return_kit_bom(self):
        """The kit (phantom bill of materials) this line was delivered as, when Manufacturing is
        installed: the one its moves were exploded with, as sale_mrp counts it. A line not
        delivered yet has nothing to return, kit or not."""
        self.ensure_one()
        if 'mrp.bom' not in self.env:
            return None
        boms = self.move_ids.bom_line_id.bom_id.filtered(
            lambda bom: bom.type == 'phantom' and (bom.product_id == self.product_id or (
                not bom.product_id and bom.product_tmpl_id == self.product_id.product_tmpl_id)))
        return boms[:1] or None

    def _get_return_goods_per_unit(self):
        """{product: quantity in the product's unit} that one unit of this line (in its unit)
        is made of: the product itself, or the components of a kit."""
        self.ensure_one()
        bom = self._get_return_kit_bom()
        if not bom:
            return {self.product_id: self.product_uom_id._compute_quantity(1.0, self.product_id.uom_id, round=False)}
        batches_per_unit = self.product_uom_id._compute_quantity(1.0, bom.product_uom_id, round=False) / bom.product_qty
        per_unit = defaultdict(float)
        _boms, bom_lines = bom.sudo().explode(self.product_id, 1.0)
        for bom_line, data in bom_lines:
            component = bom_line.product_id
            if component.type != 'service':
                per_unit[component] += batches_per_unit * bom_line.product_uom_id._compute_quantity(
                    data['qty'], component.uom_id, round=False)
        return {component: qty for component, qty in per_unit.items() if qty}

    def _count_goods(self, moves):
        """{product: quantity in the product's unit} that ``moves`` carry: what was done for
        done moves, what is planned for the others."""
        goods = defaultdict(float)
        for move in moves:
            qty = move.quantity if move.state == 'done' else move.product_uom_qty
            goods[move.product_id] += move.product_uom._compute_quantity(qty, move.product_id.uom_id, round=False)
        return goods

    @api.model
    def _subtract_goods(self, goods, others):
        result = defaultdict(float, goods)
        for product, qty in others.items():
            result[product] -= qty
        return result

    def _count_units(self, goods, per_unit=None):
        """Units of this line (in its unit) that ``goods`` ({product: quantity}) make; for a kit,
        whole kits only: loose components make no kit."""
        self.ensure_one()
        per_unit = per_unit or self._get_return_goods_per_unit()
        units = min(goods.get(product, 0.0) / qty for product, qty in per_unit.items())
        if set(per_unit) != {self.product_id}:
            return float(math.floor(units + KIT_TOLERANCE))
        return self.product_uom_id.round(units)

    def _goods_for_units(self, units, per_unit=None):
        """{product: quantity in the product's unit} of ``units`` units of this line."""
        self.ensure_one()
        per_unit = per_unit or self._get_return_goods_per_unit()
        return {product: qty * units for product, qty in per_unit.items()}

    # ------------------------------------------------------------------
    # What is left to credit: one allocation over the posted invoices
    # ------------------------------------------------------------------
    def _get_credit_allocation(self):
        """[(posted invoice line, quantity in that invoice line's unit)] this line can still be
        credited by, newest invoice first: what was invoiced, less every credit note (drafts
        too: they are on their way), less what the customer keeps (the delivered quantity, net
        of the returns that are refunded)."""
        self.ensure_one()
        invoice_lines = self.invoice_lines.filtered(
            lambda aml: aml.move_id.move_type == 'out_invoice' and aml.parent_state == 'posted')
        refund_lines = self.invoice_lines.filtered(
            lambda aml: aml.move_id.move_type == 'out_refund' and aml.parent_state != 'cancel')

        def in_line_unit(aml, qty):
            return aml.product_uom_id._compute_quantity(qty, self.product_uom_id, round=False)

        invoiced = sum(in_line_unit(aml, aml.quantity) for aml in invoice_lines)
        credited = sum(in_line_unit(aml, aml.quantity) for aml in refund_lines)
        # Goods a return lets the customer keep are still delivered, yet to credit.
        kept = self._get_customer_kept_quantities().get(self, 0.0)
        left = invoiced - credited - self.qty_delivered + kept
        unlinked = sum(in_line_unit(aml, aml.quantity) for aml in refund_lines
                       if aml.move_id.reversed_entry_id not in invoice_lines.move_id)
        allocation = []
        for invoice_line in invoice_lines.sorted(
                lambda aml: (aml.move_id.invoice_date or aml.date, aml.id), reverse=True):
            reversed_qty = sum(refund_lines.filtered(
                lambda aml: aml.move_id.reversed_entry_id == invoice_line.move_id).mapped('quantity'))
            available = in_line_unit(invoice_line, invoice_line.quantity - reversed_qty)
            # Credit notes reversing no invoice of the line use up the newest invoices first.
            taken_by_unlinked = min(available, unlinked)
            unlinked -= taken_by_unlinked
            available = min(available - taken_by_unlinked, left)
            if self.product_uom_id.compare(available, 0.0) <= 0:
                continue
            left -= available
            allocation.append((invoice_line, self.product_uom_id._compute_quantity(
                available, invoice_line.product_uom_id, round=False)))
        return allocation

    # ------------------------------------------------------------------
    # Invoicing: sale_stock computes it from the moves, but for two cases
    # ------------------------------------------------------------------
    @api.depends('customer_return_line_ids.qty_rejected', 'customer_return_line_ids.qty_sent_back',
                 'customer_return_line_ids.disposition', 'customer_return_line_ids.state',
                 'customer_return_line_ids.keep_goods',
                 'customer_return_line_ids.credit_line_ids.quantity',
                 'customer_return_line_ids.credit_line_ids.parent_state')
    def _compute_qty_to_invoice(self):
        super()._compute_qty_to_invoice()
        # Receipts are refunded (to_refund) by disposition, so sale_stock's delivered quantity is
        # right for every case but these two:
        # - invoice-on-order lines do not lower with returns: goods credited through a return
        #   case are no longer to invoice, or the order would bill them again;
        # - a done receipt move cannot be split: goods of a refunded receipt that inspection
        #   rejects are still the customer's until they are sent back.
        # All the order's return lines are read at once: this runs whenever an order is invoiced.
        return_lines_by_line = self.sudo().customer_return_line_ids.filtered(
            lambda return_line: return_line.state in RETURN_ACTIVE_STATES).grouped('sale_line_id')
        for line in self:
            return_lines = return_lines_by_line.get(line)
            if line.state != 'sale' or line.display_type or not return_lines:
                continue
            if line.product_id.invoice_policy == 'order':
                line.qty_to_invoice -= sum(return_line._qty_credited_in_sale_unit() for return_line in return_lines)
            elif line.product_id.invoice_policy == 'delivery':
                line.qty_to_invoice += sum(return_line._qty_rejected_in_transit() for return_line in return_lines)
                # goods credited that the customer keeps stay delivered: not to invoice again
                line.qty_to_invoice -= sum(return_line._qty_credited_in_sale_unit()
                                           for return_line in return_lines if return_line.keep_goods)
