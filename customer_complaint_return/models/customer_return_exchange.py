"""Exchange for another product: the returned goods are refunded on the order (their receipt
lowers the delivered quantity), the goods given in exchange are a new line of the same order,
delivered through the order's route and priced by its pricelist; the order's own invoicing then
bills the difference, or credits it when the new goods cost less."""
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command

from odoo.addons.customer_complaint_return.const import GROUP_FINANCE, RETURN_ACTIVE_STATES

# Context key: the order lines ``sale.order._get_invoiceable_lines`` keeps (an exchange's two lines).
EXCHANGE_INVOICE_LINES_KEY = 'customer_return_invoice_line_ids'


class CustomerReturnLine(models.Model):
    _inherit = 'customer.return.line'

    exchange_product_id = fields.Many2one(
        'product.product', string="Exchange For", check_company=True,
        domain="[('sale_ok', '=', True), ('type', '!=', 'service')]",
        help="The product the customer gets instead of the returned one (another size, colour or model). "
             "The price difference is invoiced, or credited, at the order's pricelist.")
    exchange_sale_line_id = fields.Many2one(
        'sale.order.line', string="Exchange Order Line", readonly=True, copy=False, index='btree_not_null',
        help="The line of the order that delivers and bills the goods given in exchange.")

    @api.constrains('disposition', 'exchange_product_id', 'sale_line_id')
    def _check_exchange_product(self):
        for line in self.filtered(lambda line: line.disposition == 'exchange'):
            if line.exchange_product_id and line.exchange_product_id == line.product_id:
                raise UserError(self.env._(
                    "%(product)s: to get the same product again, replace it instead of exchanging it.",
                    product=line.product_id.display_name))

    def _check_disposition_change(self, disposition):
        super()._check_disposition_change(disposition)
        ordered = self.filtered(lambda line: line.exchange_sale_line_id and disposition != 'exchange')
        if ordered:
            raise UserError(self.env._(
                "The goods given in exchange for %(products)s are already on the order: the disposition can no "
                "longer change.", products=", ".join(ordered.product_id.mapped('display_name'))))

    def _qty_ordered_in_exchange(self):
        """Goods given in exchange already on the order, in this line's unit."""
        self.ensure_one()
        exchange = self.exchange_sale_line_id
        if not exchange:
            return 0.0
        return exchange.product_uom_id._compute_quantity(exchange.product_uom_qty, self.product_uom_id, round=False)

    @api.depends('exchange_sale_line_id.product_uom_qty', 'exchange_sale_line_id.qty_delivered',
                 'exchange_sale_line_id.qty_to_invoice', 'sale_line_id.qty_to_invoice')
    def _compute_next_quantities(self):
        super()._compute_next_quantities()
        for line in self.filtered(lambda line: line.disposition == 'exchange'):
            wanted = line.qty_accepted
            if line.return_id.allow_early_replacement:
                wanted = max(wanted, line.qty_approved - line.qty_rejected)
            line.qty_to_replace = max(wanted - line._qty_ordered_in_exchange(), 0.0)
            if line.is_settled:
                exchange = line.exchange_sale_line_id
                delivered = not exchange or exchange.product_uom_id.compare(
                    exchange.qty_delivered, exchange.product_uom_qty) >= 0
                invoiced = all(sale_line.product_uom_id.is_zero(sale_line.qty_to_invoice)
                               for sale_line in line.sale_line_id | exchange)
                drafts = line.return_id.credit_note_ids.filtered(lambda move: move.state == 'draft')
                line.is_settled = delivered and invoiced and not drafts

    @api.depends('exchange_sale_line_id.qty_delivered')
    def _compute_move_quantities(self):
        super()._compute_move_quantities()
        # The goods given in exchange are another product: delivered by their own order line.
        for line in self.filtered('exchange_sale_line_id'):
            exchange = line.exchange_sale_line_id
            line.qty_replaced = exchange.product_uom_id._compute_quantity(
                exchange.qty_delivered, line.product_uom_id, round=False)

    def _order_exchange_goods(self):
        """Put the goods to give in exchange on the order: a new line (or more on the line this
        return line already added), which the order delivers through its own route."""
        missing = self.filtered(lambda line: not line.exchange_product_id)
        if missing:
            raise UserError(self.env._(
                "Choose the product to give in exchange for %(products)s.",
                products=", ".join(missing.product_id.mapped('display_name'))))
        for line in self:
            quantity = line.qty_to_replace
            exchange = line.exchange_sale_line_id.sudo()
            order = line.sale_line_id.order_id.sudo()
            if order.locked:
                raise UserError(self.env._(
                    "Order %(order)s is locked: unlock it to add the goods given in exchange.", order=order.name))
            if exchange:
                exchange.product_uom_qty += line.product_uom_id._compute_quantity(
                    quantity, exchange.product_uom_id, round=False)
                continue
            # Checked by the caller: approvers and the warehouse ship; the order is sales'.
            order.order_line = [Command.create(line._prepare_exchange_sale_line_vals(quantity))]
            line.sudo()._process_write({'exchange_sale_line_id': order.order_line[-1:].id})  # the warehouse ships
        lines = self.exchange_sale_line_id.sudo()
        moves = lines.move_ids.filtered(lambda move: not move.customer_return_line_id)
        for line in self:
            moves.filtered(lambda move: move.sale_line_id == line.exchange_sale_line_id).customer_return_line_id = line
        return moves.picking_id

    def _prepare_exchange_sale_line_vals(self, quantity):
        """The order line of the goods given in exchange: the order's pricelist, taxes and fiscal
        position price it (Odoo computes them), its description names the return."""
        self.ensure_one()
        return {
            'order_id': self.sale_line_id.order_id.id,
            'product_id': self.exchange_product_id.id,
            # as many of the new goods as came back, in the returned line's unit (a dozen for a dozen)
            # when the new product's unit converts to it, else as many of the new product's own units
            'product_uom_id': self._get_exchange_uom().id,
            'product_uom_qty': quantity,
            'sequence': self.sale_line_id.sequence,
        }

    def _get_exchange_uom(self):
        self.ensure_one()
        product_uom = self.exchange_product_id.uom_id
        if self.product_uom_id._has_common_reference(product_uom):
            return self.product_uom_id
        return product_uom


class CustomerReturn(models.Model):
    _inherit = 'customer.return'

    can_invoice_exchange = fields.Boolean(compute='_compute_can_invoice_exchange', compute_sudo=True)
    # The lines' "Exchange For" column is shown only on cases that exchange something.
    has_exchange_lines = fields.Boolean(compute='_compute_has_exchange_lines')

    @api.depends('line_ids.disposition')
    def _compute_has_exchange_lines(self):
        for case in self:
            case.has_exchange_lines = any(line.disposition == 'exchange' for line in case.line_ids)

    @api.depends('state', 'line_ids.disposition', 'line_ids.sale_line_id.qty_to_invoice',
                 'line_ids.exchange_sale_line_id.qty_to_invoice')
    def _compute_can_invoice_exchange(self):
        for case in self:
            case.can_invoice_exchange = case.state in RETURN_ACTIVE_STATES and bool(case._exchange_lines_to_invoice())

    def _exchange_lines_to_invoice(self):
        """The order lines of this case's exchanges with something to invoice or credit."""
        self.ensure_one()
        exchanges = self.line_ids.filtered(lambda line: line.disposition == 'exchange' and line.exchange_sale_line_id)
        sale_lines = exchanges.sale_line_id | exchanges.exchange_sale_line_id
        return sale_lines.filtered(lambda sale_line: not sale_line.product_uom_id.is_zero(sale_line.qty_to_invoice))

    def action_invoice_exchange(self):
        """Bill the difference of the exchanges: the order's own invoicing of the goods given and
        the goods returned, one document per order, a credit note when the new goods cost less."""
        self._ensure_group((GROUP_FINANCE,), self.env._("invoice exchanges"))
        self._lock_for_update()
        self._ensure_state(RETURN_ACTIVE_STATES, self.env._("Invoicing exchanges"))
        moves = self.env['account.move']
        for case in self:
            sale_lines = case._exchange_lines_to_invoice()
            if not sale_lines:
                continue
            # Finance invoices orders: the order is read with elevated rights, the invoice is finance's.
            invoices = sale_lines.order_id.sudo().with_context(**{EXCHANGE_INVOICE_LINES_KEY: sale_lines.ids}) \
                ._create_invoices(final=True)
            invoices.customer_return_id = case
            case.sudo()._message_log(body=self.env._(
                "Exchange invoiced: %(documents)s.", documents=", ".join(invoices.mapped('display_name'))))
            moves |= invoices
        if not moves:
            raise UserError(self.env._("There is no exchange to invoice: the goods are not delivered or received yet."))
        return self._action_view_credit_notes(moves.with_env(self.env))


class SaleOrder(models.Model):
    _inherit = 'sale.order'

    def _get_invoiceable_lines(self, final=False):
        lines = super()._get_invoiceable_lines(final=final)
        only = self.env.context.get(EXCHANGE_INVOICE_LINES_KEY)
        if only is not None:
            # An exchange invoices its own two lines, nothing else the order may have to invoice.
            lines = lines.filtered(lambda line: line.id in only)
        return lines


class CustomerReturnExchangeRequest(models.Model):
    _inherit = 'customer.return'

    def _check_request(self):
        super()._check_request()
        missing = self.line_ids.filtered(lambda line: line.disposition == 'exchange' and not line.exchange_product_id)
        if missing:
            raise UserError(self.env._(
                "Choose the product to give in exchange for %(products)s.",
                products=", ".join(missing.product_id.mapped('display_name'))))
