"""Quantities and credit notes of return cases, with exact figures: partial receipts,
several deliveries, taxes and discounts, currencies, partly invoiced orders, returns and
credit notes made outside the addon, double press, invoicing on ordered quantities, payment."""
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import tagged

import return_common


@tagged('post_install', '-at_install')
class TestReturnCredit(return_common.ReturnCommon):

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _confirm_order(self, lines_vals, **order_vals):
        """A confirmed order of ``lines_vals`` (sale line values), its goods put in stock."""
        for vals in lines_vals:
            self._put_in_stock(self.env['product.product'].browse(vals['product_id']), vals['product_uom_qty'])
        order = self.env['sale.order'].create({
            'partner_id': self.customer.id,
            'order_line': [Command.create(vals) for vals in lines_vals],
            **order_vals,
        })
        order.action_confirm()
        return order

    def _deliver_and_invoice(self, order):
        self._validate_delivery(order)
        invoice = order._create_invoices()
        invoice.action_post()
        return invoice

    def _deliver_partially(self, order, quantity):
        """Validate ``quantity`` of the order's open delivery and keep the rest as a backorder."""
        picking = order.picking_ids.filtered(lambda p: p.state not in ('done', 'cancel'))
        picking.move_ids.quantity = quantity
        picking.move_ids.picked = True
        picking.with_context(skip_backorder=True).button_validate()
        self.assertEqual(picking.state, 'done')
        return picking

    def _approve(self, case):
        """Submit and approve ``case``; its receipts, as the warehouse handles them."""
        return self._submit_and_approve(case).with_user(self.user_warehouse)

    def _return_received(self, quantities, order=None):
        """A case for ``quantities`` approved and fully received."""
        case = self._create_return(quantities, order=order)
        self._receive(self._approve(case))
        self.assertEqual(case.state, 'received')
        return case

    def _refunds_of(self, invoice):
        return self.env['account.move'].search([
            ('move_type', '=', 'out_refund'), ('reversed_entry_id', '=', invoice.id)])

    # ------------------------------------------------------------------
    # Receipts
    # ------------------------------------------------------------------
    def test_partial_receipt_with_backorder(self):
        case = self._create_return({self.sale_line_chair: 4})
        line = case.line_ids
        receipt = self._approve(case)
        self.assertEqual((case.state, line.qty_approved), ('approved', 4.0))
        self.assertEqual(receipt.move_ids.product_uom_qty, 4.0)

        self._receive(receipt, {self.product_chair: 3})
        backorder = self.env['stock.picking'].search([('backorder_id', '=', receipt.id)])
        self.assertEqual(len(backorder), 1)
        self.assertEqual(backorder.state, 'assigned')
        self.assertEqual(backorder.move_ids.product_uom_qty, 1.0)
        self.assertEqual(backorder.return_id, self.delivery)
        self.assertEqual(backorder.move_ids.origin_returned_move_id, self.delivery.move_ids)
        self.assertEqual(backorder.customer_return_id, case)
        self.assertEqual(backorder.move_ids.customer_return_line_id, line)
        self.assertEqual(case.picking_ids, receipt | backorder)
        self.assertEqual(case.state, 'approved')
        self.assertEqual((line.qty_received, line.qty_accepted), (3.0, 3.0))
        self.assertEqual(self.sale_line_chair.qty_delivered, 2.0)
        # The goods still on their way are not returnable a second time.
        self.assertEqual((line.qty_returned, line.qty_returnable), (3.0, 2.0))
        other = self._create_return({self.sale_line_chair: 2})
        self.assertEqual(other.line_ids.qty_returnable, 1.0)

        self._receive(backorder.with_user(self.user_warehouse))
        self.assertEqual(case.state, 'received')
        self.assertEqual((line.qty_received, line.qty_accepted, line.qty_to_credit), (4.0, 4.0, 4.0))
        self.assertEqual(self.sale_line_chair.qty_delivered, 1.0)

    def test_partial_receipt_without_backorder(self):
        case = self._create_return({self.sale_line_chair: 4})
        line = case.line_ids
        receipt = self._approve(case)

        self._receive(receipt, {self.product_chair: 3}, backorder=False)
        self.assertFalse(self.env['stock.picking'].search([('backorder_id', '=', receipt.id)]))
        self.assertEqual(case.picking_ids, receipt)
        self.assertEqual(case.state, 'received')
        self.assertEqual((line.qty_approved, line.qty_received, line.qty_accepted), (4.0, 3.0, 3.0))
        self.assertEqual(self.sale_line_chair.qty_delivered, 2.0)
        self.assertEqual(line.qty_to_credit, 3.0)

        notes, _action = self._credit(case)
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes.reversed_entry_id, self.invoice)
        self.assertEqual(notes.invoice_line_ids.quantity, 3.0)
        self.assertEqual(notes.invoice_line_ids.customer_return_line_id, line)
        self.assertEqual((notes.amount_untaxed, notes.amount_tax, notes.amount_total), (450.0, 67.5, 517.5))
        self.assertEqual(case.state, 'done')
        self.assertEqual((line.qty_credited, line.amount_credited, line.qty_to_credit), (3.0, 450.0, 0.0))
        self.assertEqual((self.sale_line_chair.qty_invoiced, self.sale_line_chair.qty_to_invoice), (2.0, 0.0))

    def test_backorder_cancelled_later(self):
        case = self._create_return({self.sale_line_chair: 4})
        line = case.line_ids
        receipt = self._approve(case)
        self._receive(receipt, {self.product_chair: 3})
        backorder = case.picking_ids - receipt
        self.assertEqual(backorder.move_ids.product_uom_qty, 1.0)
        self.assertEqual(case.state, 'approved')

        backorder.with_user(self.user_warehouse).action_cancel()
        self.assertEqual(backorder.state, 'cancel')
        self.assertEqual(case.state, 'received')
        self.assertEqual((line.qty_received, line.qty_to_credit), (3.0, 3.0))
        self.assertEqual(self.sale_line_chair.qty_delivered, 2.0)
        notes, _action = self._credit(case)
        self.assertEqual(notes.invoice_line_ids.quantity, 3.0)
        self.assertEqual(case.state, 'done')

    def test_return_spanning_two_deliveries(self):
        order = self._confirm_order([
            {'product_id': self.product_chair.id, 'product_uom_qty': 5, 'price_unit': 150.0}])
        sale_line = order.order_line
        first_delivery = self._deliver_partially(order, 3)
        second_delivery = self._validate_delivery(order)
        self.assertEqual(second_delivery.backorder_id, first_delivery)
        self.assertEqual(second_delivery.move_ids.quantity, 2.0)
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual((sale_line.qty_delivered, sale_line.qty_invoiced), (5.0, 5.0))

        case = self._create_return({sale_line: 4})
        self.assertEqual(case.line_ids.qty_returnable, 5.0)
        receipts = self._approve(case)
        self.assertEqual(len(receipts), 2)
        first_receipt = receipts.filtered(lambda p: p.return_id == first_delivery)
        second_receipt = receipts.filtered(lambda p: p.return_id == second_delivery)
        self.assertEqual(len(first_receipt), 1)
        self.assertEqual(len(second_receipt), 1)
        self.assertEqual(first_receipt.move_ids.product_uom_qty, 3.0)
        self.assertEqual(first_receipt.move_ids.origin_returned_move_id, first_delivery.move_ids)
        self.assertEqual(second_receipt.move_ids.product_uom_qty, 1.0)
        self.assertEqual(second_receipt.move_ids.origin_returned_move_id, second_delivery.move_ids)
        self.assertEqual(receipts.move_ids.sale_line_id, sale_line)
        self.assertEqual(receipts.move_ids.customer_return_line_id, case.line_ids)
        self.assertEqual(self._create_return({sale_line: 1}).line_ids.qty_returnable, 1.0)

        self._receive(first_receipt)
        self.assertEqual(case.state, 'approved')
        self.assertEqual(case.line_ids.qty_received, 3.0)
        self.assertEqual(sale_line.qty_delivered, 2.0)
        self._receive(second_receipt)
        self.assertEqual(case.state, 'received')
        self.assertEqual(case.line_ids.qty_received, 4.0)
        self.assertEqual(sale_line.qty_delivered, 1.0)
        self.assertEqual(case.line_ids.qty_to_credit, 4.0)

        notes, _action = self._credit(case)
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes.reversed_entry_id, invoice)
        self.assertEqual(notes.invoice_line_ids.quantity, 4.0)
        self.assertEqual(notes.amount_total, 690.0)
        self.assertEqual((sale_line.qty_invoiced, sale_line.qty_to_invoice), (1.0, 0.0))

    # ------------------------------------------------------------------
    # Credit note figures
    # ------------------------------------------------------------------
    def test_credit_note_keeps_taxes_discount_and_analytic(self):
        tax_5 = self.env['account.tax'].create({
            'name': "Sales 5% (returns test)", 'amount': 5.0, 'amount_type': 'percent', 'type_tax_use': 'sale'})
        plan = self.env['account.analytic.plan'].create({'name': "Returns test plan"})
        showroom = self.env['account.analytic.account'].create({'name': "Showroom", 'plan_id': plan.id})
        distribution = {str(showroom.id): 100.0}
        order = self._confirm_order([
            {'product_id': self.product_chair.id, 'product_uom_qty': 5, 'price_unit': 150.0, 'discount': 10.0,
             'analytic_distribution': distribution},
            {'product_id': self.product_desk.id, 'product_uom_qty': 2, 'price_unit': 420.0,
             'tax_ids': [Command.set(tax_5.ids)]},
        ])
        chair_line, desk_line = order.order_line
        invoice = self._deliver_and_invoice(order)
        # 5 x 135 = 675 + 15 % = 101.25; 2 x 420 = 840 + 5 % = 42
        self.assertEqual((invoice.amount_untaxed, invoice.amount_tax, invoice.amount_total), (1515.0, 143.25, 1658.25))

        case = self._return_received({chair_line: 2, desk_line: 1})
        chair_return, desk_return = case.line_ids.sorted(lambda line: line.sale_line_id.id)
        self.assertEqual((chair_return.qty_to_credit, desk_return.qty_to_credit), (2.0, 1.0))
        notes, _action = self._credit(case, post=False)
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes.reversed_entry_id, invoice)
        self.assertEqual(notes.fiscal_position_id, invoice.fiscal_position_id)
        self.assertEqual((notes.journal_id, notes.currency_id, notes.partner_id),
                         (invoice.journal_id, invoice.currency_id, invoice.partner_id))
        # as Odoo's reversal: the invoice's payment reference is not the credit note's
        self.assertEqual((notes.payment_reference, notes.invoice_origin), (False, order.name))
        self.assertIn(invoice.name, notes.ref)
        self.assertEqual(len(notes.invoice_line_ids), 2)
        chair_credit = notes.invoice_line_ids.filtered(lambda aml: aml.product_id == self.product_chair)
        desk_credit = notes.invoice_line_ids.filtered(lambda aml: aml.product_id == self.product_desk)
        self.assertEqual(
            (chair_credit.quantity, chair_credit.price_unit, chair_credit.discount, chair_credit.price_subtotal),
            (2.0, 150.0, 10.0, 270.0))
        self.assertEqual(chair_credit.tax_ids, self.tax_sale_a)
        invoice_chair = invoice.invoice_line_ids.filtered(lambda aml: aml.product_id == self.product_chair)
        self.assertEqual((chair_credit.account_id, chair_credit.name), (invoice_chair.account_id, invoice_chair.name))
        self.assertEqual(chair_credit.analytic_distribution, distribution)
        self.assertEqual(chair_credit.sale_line_ids, chair_line)
        self.assertEqual(chair_credit.customer_return_line_id, chair_return)
        self.assertEqual(
            (desk_credit.quantity, desk_credit.price_unit, desk_credit.discount, desk_credit.price_subtotal),
            (1.0, 420.0, 0.0, 420.0))
        self.assertEqual(desk_credit.tax_ids, tax_5)
        self.assertFalse(desk_credit.analytic_distribution)
        self.assertEqual(desk_credit.customer_return_line_id, desk_return)
        # 270 x 15 % = 40.5; 420 x 5 % = 21
        self.assertEqual((notes.amount_untaxed, notes.amount_tax, notes.amount_total), (690.0, 61.5, 751.5))

        notes.with_user(self.user_finance).action_post()
        self.assertEqual(case.state, 'done')
        self.assertEqual((chair_return.qty_credited, chair_return.amount_credited), (2.0, 270.0))
        self.assertEqual((desk_return.qty_credited, desk_return.amount_credited), (1.0, 420.0))
        self.assertEqual(case.amount_credited, 751.5)
        analytic_lines = self.env['account.analytic.line'].search([('move_line_id', 'in', chair_credit.ids)])
        self.assertEqual(analytic_lines.mapped('amount'), [-270.0])

    def test_credit_note_is_odoo_reversal_trimmed(self):
        """The addon's credit note is, field by field on the move and its lines, what Invoicing's
        Credit Note wizard makes of the invoice once trimmed to the returned lines: sale's UTM
        fields, payment terms and due date come from Odoo's reversal, not from the addon."""
        utm = {
            'campaign_id': self.env['utm.campaign'].create({'name': "Spring sale (returns test)"}).id,
            'medium_id': self.env['utm.medium'].create({'name': "Newsletter (returns test)"}).id,
            'source_id': self.env['utm.source'].create({'name': "Customer mail (returns test)"}).id,
        }
        self._put_in_stock(self.product_chair, 5)
        self._put_in_stock(self.product_desk, 2)
        order = self.env['sale.order'].create({
            'partner_id': self.customer.id,
            'order_line': [
                Command.create({'display_type': 'line_section', 'name': "Office furniture"}),
                Command.create({'product_id': self.product_chair.id, 'product_uom_qty': 5, 'price_unit': 150.0,
                                'discount': 10.0}),
                Command.create({'product_id': self.product_desk.id, 'product_uom_qty': 2, 'price_unit': 420.0}),
                Command.create({'display_type': 'line_note', 'name': "Delivered in the morning"}),
            ],
            **utm,
        })
        order.action_confirm()
        chair_line, desk_line = order.order_line.filtered(lambda line: not line.display_type)
        invoice = self._deliver_and_invoice(order)
        self.assertEqual(len(invoice.invoice_line_ids), 4)  # section, chair, desk, note
        self.assertEqual(invoice.campaign_id.id, utm['campaign_id'])

        case = self._return_received({chair_line: 2, desk_line: 1})
        addon_note, _action = self._credit(case, post=False)
        self.assertEqual(len(addon_note), 1)
        self.assertEqual(addon_note.customer_return_id, case)
        self.assertEqual((addon_note.campaign_id.id, addon_note.medium_id.id, addon_note.source_id.id),
                         (utm['campaign_id'], utm['medium_id'], utm['source_id']))
        self.assertEqual(addon_note.ref, f"Reversal of: {invoice.name}, return {case.name}")

        # Finance's own way: the Credit Note wizard on the invoice, then trimmed to the same lines.
        reversal = self.env['account.move.reversal'].with_user(self.user_finance).with_context(
            active_model='account.move', active_ids=invoice.ids,
        ).create({'reason': f"return {case.name}", 'journal_id': invoice.journal_id.id})
        reversal.refund_moves()
        standard_note = reversal.new_move_ids
        self.assertEqual(len(standard_note.invoice_line_ids), 4)
        quantities = {self.product_chair: 2.0, self.product_desk: 1.0}
        standard_note.write({'invoice_line_ids': [
            Command.update(line.id, {'quantity': quantities[line.product_id]}) if line.product_id
            else Command.unlink(line.id)
            for line in standard_note.invoice_line_ids
        ]})

        skipped = {'id', 'name', 'display_name', 'create_date', 'write_date', 'customer_return_id',
                   'sequence_prefix', 'sequence_number', 'made_sequence_gap', 'access_token',
                   'message_main_attachment_id', 'line_ids', 'invoice_line_ids', 'message_ids',
                   'message_follower_ids', 'activity_ids', 'rating_ids', 'website_message_ids'}
        self._assert_same_values(addon_note, standard_note, skipped)
        line_skipped = {'id', 'display_name', 'create_date', 'write_date', 'move_id', 'move_name',
                        'customer_return_line_id', 'matched_debit_ids', 'matched_credit_ids',
                        'analytic_line_ids', 'tax_line_id', 'group_tax_id', 'term_key',
                        'tax_repartition_line_id', 'tax_key', 'compute_all_tax', 'epd_key', 'epd_needed'}
        for display_type in ('product', 'tax', 'payment_term'):
            addon_lines = addon_note.line_ids.filtered(lambda aml: aml.display_type == display_type)
            standard_lines = standard_note.line_ids.filtered(lambda aml: aml.display_type == display_type)
            self.assertEqual(len(addon_lines), len(standard_lines))
            self.assertTrue(addon_lines)
            for addon_line, standard_line in zip(addon_lines.sorted(lambda aml: (aml.product_id.id, aml.balance)),
                                                 standard_lines.sorted(lambda aml: (aml.product_id.id, aml.balance))):
                self._assert_same_values(addon_line, standard_line, line_skipped)
        chair_credit = addon_note.invoice_line_ids.filtered(lambda aml: aml.product_id == self.product_chair)
        self.assertEqual((chair_credit.quantity, chair_credit.price_subtotal, chair_credit.sale_line_ids),
                         (2.0, 270.0, chair_line))
        self.assertEqual(chair_credit.customer_return_line_id, case.line_ids.filtered(
            lambda line: line.sale_line_id == chair_line))
        self.assertEqual(addon_note.amount_untaxed, 690.0)

    def _assert_same_values(self, record, other, skipped):
        """Every stored field of ``record`` equals ``other``'s, but the ``skipped`` ones."""
        record, other = record.sudo(), other.sudo()
        compared = 0
        for name, field in record._fields.items():
            if name in skipped or not field.store or field.type == 'one2many':
                continue
            compared += 1
            value, other_value = record[name], other[name]
            if field.relational:
                value, other_value = value.ids, other_value.ids
            self.assertEqual(value, other_value, f"{record._name}.{name} differs from Odoo's credit note")
        self.assertGreater(compared, 40)

    def test_foreign_currency(self):
        eur = self.setup_other_currency('EUR', rates=[('2000-01-01', 2.0)])
        self.assertNotEqual(self.company.currency_id, eur)
        pricelist = self.env['product.pricelist'].create({'name': "EUR prices", 'currency_id': eur.id})
        order = self._confirm_order(
            [{'product_id': self.product_chair.id, 'product_uom_qty': 5, 'price_unit': 150.0}],
            pricelist_id=pricelist.id)
        self.assertEqual(order.currency_id, eur)
        invoice = self._deliver_and_invoice(order)
        self.assertEqual(invoice.currency_id, eur)
        self.assertEqual((invoice.amount_total, invoice.amount_total_signed), (862.5, 431.25))

        case = self._return_received({order.order_line: 2}, order=order)
        self.assertEqual(case.currency_id, eur)
        notes, _action = self._credit(case)
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes.currency_id, eur)
        self.assertEqual(notes.invoice_line_ids.price_unit, 150.0)
        self.assertEqual(notes.invoice_line_ids.amount_currency, 300.0)
        self.assertEqual(notes.invoice_line_ids.balance, 150.0)
        self.assertEqual((notes.amount_untaxed, notes.amount_tax, notes.amount_total), (300.0, 45.0, 345.0))
        self.assertEqual(notes.amount_total_in_currency_signed, -345.0)
        self.assertEqual(notes.amount_total_signed, -172.5)
        self.assertEqual(case.amount_credited, 345.0)
        self.assertEqual(case.line_ids.amount_credited, 300.0)
        self.assertEqual(case.state, 'done')

    def test_partly_invoiced_order(self):
        order = self._confirm_order([
            {'product_id': self.product_chair.id, 'product_uom_qty': 5, 'price_unit': 150.0}])
        sale_line = order.order_line
        self._validate_delivery(order)
        invoice = order._create_invoices()
        invoice.write({'invoice_line_ids': [Command.update(invoice.invoice_line_ids.id, {'quantity': 3.0})]})
        invoice.action_post()
        self.assertEqual((sale_line.qty_delivered, sale_line.qty_invoiced, sale_line.qty_to_invoice), (5.0, 3.0, 2.0))

        # The customer keeps 3 and paid for 3: nothing to credit, the case is settled on receipt.
        first = self._create_return({sale_line: 2})
        self._receive(self._approve(first))
        self.assertEqual(first.state, 'done')
        self.assertEqual(first.line_ids.qty_accepted, 2.0)
        self.assertEqual(first.line_ids.qty_to_credit, 0.0)
        self.assertFalse(first.can_create_credit_note)
        move_count = self.env['account.move'].search_count([])
        with self.assertRaisesRegex(UserError, "nothing to credit"):
            first.with_user(self.user_finance).action_create_credit_note()
        self.assertEqual(self.env['account.move'].search_count([]), move_count)
        self.assertFalse(first.credit_note_ids)
        self.assertFalse(self._refunds_of(invoice))
        self.assertEqual(first.state, 'done')
        self.assertEqual(first.credit_payment_state, 'none')
        self.assertEqual((sale_line.qty_delivered, sale_line.qty_to_invoice), (3.0, 0.0))
        self.assertEqual(order.invoice_status, 'invoiced')

        # Four returned: the customer keeps 1 and paid for 3, 2 are credited.
        second = self._return_received({sale_line: 2})
        self.assertEqual(second.line_ids.qty_to_credit, 2.0)
        notes, _action = self._credit(second)
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes.invoice_line_ids.quantity, 2.0)
        self.assertEqual(notes.amount_total, 345.0)
        self.assertEqual(self._refunds_of(invoice), notes)
        self.assertEqual(second.state, 'done')
        self.assertEqual((first.line_ids.qty_to_credit, second.line_ids.qty_to_credit), (0.0, 0.0))
        self.assertEqual((sale_line.qty_delivered, sale_line.qty_invoiced, sale_line.qty_to_invoice), (1.0, 1.0, 0.0))
        self.assertEqual(order.invoice_status, 'invoiced')
        self.assertFalse(order._get_invoiceable_lines())

    # ------------------------------------------------------------------
    # Returns and credit notes made outside the addon
    # ------------------------------------------------------------------
    def test_standard_return_counted(self):
        wizard = self.env['stock.return.picking'].with_user(self.user_warehouse).with_context(
            active_model='stock.picking', active_id=self.delivery.id, active_ids=self.delivery.ids,
        ).create({'picking_id': self.delivery.id, 'create_customer_return': False})
        wizard.product_return_moves.quantity = 2.0
        receipt = self.env['stock.picking'].browse(wizard.action_create_returns()['res_id'])
        self._receive(receipt.with_user(self.user_warehouse))
        self.assertFalse(receipt.customer_return_id)
        self.assertFalse(self.env['customer.return'].search([('sale_order_id', '=', self.order.id)]))
        self.assertEqual(self.sale_line_chair.qty_delivered, 3.0)

        case = self._create_return({self.sale_line_chair: 4})
        line = case.line_ids
        self.assertEqual((line.qty_delivered, line.qty_returned, line.qty_returnable), (5.0, 2.0, 3.0))
        self.assertFalse(line.is_eligible)
        with self.assertRaises(UserError):
            case.with_user(self.user_agent_1).action_submit()
        self.assertEqual(case.state, 'draft')
        self.assertFalse(case.date_submitted)
        self.assertFalse(case.all_picking_ids)
        self.assertEqual(self.env['stock.picking'].search([('return_id', '=', self.delivery.id)]), receipt)

        allowed = self._create_return({self.sale_line_chair: 3})
        receipts = self._approve(allowed)
        self.assertEqual(receipts.move_ids.product_uom_qty, 3.0)
        self.assertEqual(receipts.move_ids.origin_returned_move_id, self.delivery.move_ids)
        self.assertEqual(self._create_return({self.sale_line_chair: 1}).line_ids.qty_returnable, 0.0)

    def test_outside_credit_note_counted(self):
        reversal = self.env['account.move.reversal'].with_user(self.user_finance).with_context(
            active_model='account.move', active_ids=self.invoice.ids,
        ).create({'reason': "Goodwill", 'journal_id': self.invoice.journal_id.id})
        reversal.refund_moves()
        outside = reversal.new_move_ids
        outside.write({'invoice_line_ids': [Command.update(outside.invoice_line_ids.id, {'quantity': 1.0})]})
        outside.action_post()
        self.assertEqual(outside.amount_total, 172.5)
        self.assertFalse(outside.customer_return_id)
        self.assertEqual(self.sale_line_chair.qty_invoiced, 4.0)

        case = self._return_received({self.sale_line_chair: 2})
        line = case.line_ids
        # invoiced 5 - credited 1 - (delivered 5 - returned 2) = 1
        self.assertEqual((line.qty_delivered, line.qty_returned, line.qty_accepted), (5.0, 2.0, 2.0))
        self.assertEqual(self.sale_line_chair.qty_invoiced, 4.0)
        self.assertEqual(line.qty_to_credit, 1.0)
        notes, _action = self._credit(case)
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes.invoice_line_ids.quantity, 1.0)
        self.assertEqual((notes.amount_untaxed, notes.amount_total), (150.0, 172.5))
        self.assertEqual(self._refunds_of(self.invoice), outside | notes)
        self.assertEqual(case.state, 'done')
        self.assertEqual((line.qty_credited, line.qty_to_credit), (1.0, 0.0))
        self.assertEqual((self.sale_line_chair.qty_invoiced, self.sale_line_chair.qty_delivered), (3.0, 3.0))
        self.assertEqual(self.sale_line_chair.qty_to_invoice, 0.0)

    # ------------------------------------------------------------------
    # Exactly once, and never again through the order
    # ------------------------------------------------------------------
    def test_double_press_one_credit_note(self):
        case = self._return_received({self.sale_line_chair: 2})
        finance_case = case.with_user(self.user_finance)
        first_action = finance_case.action_create_credit_note()
        notes = case.credit_note_ids
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes.state, 'draft')
        self.assertEqual(case.line_ids.qty_to_credit, 0.0)
        self.assertFalse(case.can_create_credit_note)

        second_action = finance_case.action_create_credit_note()
        self.assertEqual(case.credit_note_ids, notes)
        self.assertEqual(self._refunds_of(self.invoice), notes)
        self.assertEqual((first_action['res_id'], second_action['res_id']), (notes.id, notes.id))
        self.assertEqual(notes.invoice_line_ids.quantity, 2.0)

        notes.with_user(self.user_finance).action_post()
        finance_case.action_create_credit_note()
        self.assertEqual(self._refunds_of(self.invoice), notes)
        self.assertEqual(case.state, 'done')
        self.assertEqual(self.sale_line_chair.qty_to_invoice, 0.0)
        self.assertEqual(self.sale_line_chair.qty_invoiced, 3.0)
        self.assertEqual(self.order.invoice_status, 'invoiced')
        self.assertFalse(self.order._get_invoiceable_lines())
        self.assertFalse(self.order._get_invoiceable_lines(final=True))
        with self.assertRaises(UserError):
            self.order._create_invoices(final=True)
        self.assertEqual(self._refunds_of(self.invoice), notes)

    def test_invoice_policy_order(self):
        shelf = self._create_storable_product("Bookshelf", 200.0, invoice_policy='order')
        order = self._create_delivered_invoiced_order(self.customer, [(shelf, 5, 200.0)])
        sale_line = order.order_line
        self.assertEqual((sale_line.qty_invoiced, sale_line.qty_to_invoice), (5.0, 0.0))

        case = self._return_received({sale_line: 2})
        self.assertEqual(sale_line.qty_delivered, 3.0)
        self.assertEqual(case.line_ids.qty_to_credit, 2.0)
        notes, _action = self._credit(case)
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes.invoice_line_ids.quantity, 2.0)
        self.assertEqual(notes.amount_total, 460.0)
        self.assertEqual(case.state, 'done')
        self.assertEqual(sale_line.qty_invoiced, 3.0)
        self.assertEqual(sale_line.qty_to_invoice, 0.0)
        self.assertEqual((sale_line.invoice_status, order.invoice_status), ('no', 'no'))
        self.assertFalse(order._get_invoiceable_lines())

    # ------------------------------------------------------------------
    # Credit note and payment seen from the case
    # ------------------------------------------------------------------
    def _pay(self, moves, user):
        self.env['account.payment.register'].with_user(user).with_context(
            active_model='account.move', active_ids=moves.ids).create({})._create_payments()

    def test_credit_payment_state(self):
        # The customer paid the invoice: the credit note is money to pay back.
        self._pay(self.invoice, self.user_finance)
        self.assertIn(self.invoice.payment_state, ('paid', 'in_payment'))
        case = self._return_received({self.sale_line_chair: 2}).with_user(self.user_finance)
        self.assertEqual((case.credit_payment_state, case.amount_credited), ('none', 0.0))

        notes, _action = self._credit(case, post=False)
        notes = notes.with_user(self.user_finance)
        self.assertEqual(notes.customer_return_id, case)
        self.assertEqual(notes.action_view_customer_return()['res_id'], case.id)
        self.assertEqual((case.credit_payment_state, case.amount_credited, case.credit_note_count), ('draft', 0.0, 1))
        self.assertEqual(case.state, 'received')

        notes.action_post()
        self.assertEqual((case.credit_payment_state, case.amount_credited), ('not_paid', 345.0))
        self.assertEqual(case.state, 'done')

        self.assertEqual(notes.payment_state, 'not_paid')
        payment_wizard = self.env['account.payment.register'].with_user(self.user_finance).with_context(
            active_model='account.move', active_ids=notes.ids).create({})
        self.assertEqual((payment_wizard.amount, payment_wizard.payment_type), (345.0, 'outbound'))
        payment = payment_wizard._create_payments()
        self.assertEqual(payment.partner_id, self.customer)
        self.assertIn(notes.payment_state, ('paid', 'in_payment'))
        self.assertEqual((case.credit_payment_state, case.amount_credited), ('paid', 345.0))
