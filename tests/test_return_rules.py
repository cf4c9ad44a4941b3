"""One rule per concept: what went to the customer and came back (return lines, product figures
and the return-rate report agree), what is left to credit (one allocation, in the invoice
line's unit), invoicing computed by sale_stock from to_refund, and decisions that only
approvers may undo."""
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import tagged

import return_common


@tagged('post_install', '-at_install')
class TestReturnRules(return_common.ReturnCommon):

    def _figures_everywhere(self, sale_line):
        """(delivered, returned) seen by a return line, the product's figures and the rate report."""
        line = self._create_return({sale_line: 0.0}, order=sale_line.order_id).line_ids
        product = sale_line.product_id.with_user(self.user_agent_1)
        wizard = self.env['customer.return.rate'].with_user(self.user_manager).create({})
        action = wizard.action_open()
        reported = self.env['product.product'].with_context(action['context']).search(action['domain'])
        self.assertIn(sale_line.product_id, reported)
        reported = reported.filtered(lambda p: p == sale_line.product_id)
        return {
            'return line': (line.qty_delivered, line.qty_returned),
            'product': (product.return_delivered_qty, product.return_qty),
            'report': (reported.return_delivered_qty, reported.return_qty),
        }

    # ------------------------------------------------------------------
    # Which moves went to the customer and came back
    # ------------------------------------------------------------------
    def test_multi_step_delivery_counts_the_last_step_only(self):
        self.warehouse.delivery_steps = 'pick_pack_ship'
        product = self._create_storable_product("Filing Cabinet", 229.0)
        self._put_in_stock(product, 4)
        order = self.env['sale.order'].create({
            'partner_id': self.customer.id,
            'order_line': [Command.create({'product_id': product.id, 'product_uom_qty': 4, 'price_unit': 229.0})],
        })
        order.action_confirm()
        for _step in range(3):  # pick, pack, ship: each step is ready once the previous one is done
            ready = order.picking_ids.filtered(lambda picking: picking.state == 'assigned')
            self.assertEqual(len(ready), 1)
            ready.move_ids.quantity = 4.0
            ready.move_ids.picked = True
            ready.button_validate()
        sale_line = order.order_line
        self.assertEqual(len(order.picking_ids), 3)
        self.assertEqual(sale_line.qty_delivered, 4.0)
        order._create_invoices().action_post()

        case = self._create_return({sale_line: 1}, order=order)
        receipt = self._submit_and_approve(case)
        ship = order.picking_ids.filtered(lambda picking: picking.location_dest_id.usage == 'customer')
        self.assertEqual(receipt.return_id, ship)
        self._receive(receipt)
        self.assertEqual(sale_line.qty_delivered, 3.0)
        figures = self._figures_everywhere(sale_line)
        self.assertEqual(set(figures.values()), {(4.0, 1.0)}, figures)
        self.assertEqual(case.line_ids.qty_returnable, 3.0)

    def test_return_made_from_a_return(self):
        case = self._create_return({self.sale_line_chair: 2})
        case.line_ids.with_user(self.user_agent_1).disposition = 'return'
        receipt = self._submit_and_approve(case)
        self._receive(receipt)
        case.with_user(self.user_warehouse).action_send_back()
        send_back = case.delivery_ids
        self.assertEqual(send_back.return_id, receipt)
        send_back.move_ids.quantity = 2.0
        send_back.move_ids.picked = True
        send_back.with_user(self.user_warehouse).button_validate()
        self.assertEqual(case.state, 'done')
        # Went to the customer: 5 delivered and 2 sent back; came back: 2.
        figures = self._figures_everywhere(self.sale_line_chair)
        self.assertEqual(set(figures.values()), {(7.0, 2.0)}, figures)
        # The customer holds 5 chairs again, all paid for.
        self.assertEqual(self._create_return({self.sale_line_chair: 1}).line_ids.qty_returnable, 5.0)
        self.assertEqual((self.sale_line_chair.qty_delivered, self.sale_line_chair.qty_to_invoice), (5.0, 0.0))

    def test_standard_return_of_a_return_agrees(self):
        # The warehouse returns 1 chair, then sends it back with the Return button of the receipt.
        wizard_form = self._warehouse_return_wizard(self.delivery)
        wizard_form.create_customer_return = False
        self._set_return_quantity(wizard_form, self.product_chair, 1.0)
        receipt = self.env['stock.picking'].browse(wizard_form.save().action_create_returns()['res_id'])
        self._receive(receipt)
        wizard_form = self._warehouse_return_wizard(receipt)
        self.assertFalse(wizard_form.show_customer_return)
        self._set_return_quantity(wizard_form, self.product_chair, 1.0)
        again = self.env['stock.picking'].browse(wizard_form.save().action_create_returns()['res_id'])
        again.move_ids.quantity = 1.0
        again.move_ids.picked = True
        again.button_validate()
        figures = self._figures_everywhere(self.sale_line_chair)
        self.assertEqual(set(figures.values()), {(6.0, 1.0)}, figures)
        self.assertEqual(self.sale_line_chair.qty_delivered, 5.0)

    # ------------------------------------------------------------------
    # What is left to credit
    # ------------------------------------------------------------------
    def test_sold_in_dozens_invoiced_and_credited_in_units(self):
        dozen = self.env.ref('uom.product_uom_dozen')
        units = self.env.ref('uom.product_uom_unit')
        screws = self._create_storable_product("Screw Box", 10.0)
        self._put_in_stock(screws, 24)
        order = self.env['sale.order'].create({
            'partner_id': self.customer.id,
            'order_line': [Command.create({
                'product_id': screws.id, 'product_uom_qty': 2, 'product_uom_id': dozen.id, 'price_unit': 120.0})],
        })
        order.action_confirm()
        self._validate_delivery(order)
        sale_line = order.order_line
        invoice = order._create_invoices()
        # Finance invoiced the two dozens as 24 units.
        invoice.invoice_line_ids.write({'product_uom_id': units.id, 'quantity': 24.0, 'price_unit': 10.0})
        invoice.action_post()
        self.assertEqual((sale_line.qty_delivered, sale_line.qty_invoiced), (2.0, 2.0))

        case = self._return_received_case({sale_line: 0.5}, order)
        line = case.line_ids
        self.assertEqual((line.qty_received, line.qty_to_credit), (0.5, 0.5))
        self.assertEqual(sale_line._get_credit_allocation(), [(invoice.invoice_line_ids, 6.0)])
        notes, _action = self._credit(case)
        self.assertEqual(notes.invoice_line_ids.product_uom_id, units)
        self.assertEqual((notes.invoice_line_ids.quantity, notes.invoice_line_ids.price_unit), (6.0, 10.0))
        self.assertEqual(notes.amount_untaxed, 60.0)
        self.assertEqual((line.qty_credited, line.qty_to_credit), (0.5, 0.0))
        self.assertEqual((sale_line.qty_invoiced, sale_line.qty_delivered, sale_line.qty_to_invoice), (1.5, 1.5, 0.0))
        self.assertEqual(sale_line._get_credit_allocation(), [])

    def _return_received_case(self, quantities, order):
        case = self._create_return(quantities, order=order)
        self._receive(self._submit_and_approve(case))
        return case

    # ------------------------------------------------------------------
    # Invoicing from the moves: to_refund by disposition
    # ------------------------------------------------------------------
    def test_disposition_changed_after_receipt_switches_the_refund(self):
        case = self._return_received_case({self.sale_line_chair: 2}, self.order)
        receipt = case.picking_ids
        self.assertEqual(set(receipt.move_ids.mapped('to_refund')), {True})
        self.assertEqual((self.sale_line_chair.qty_delivered, self.sale_line_chair.qty_to_invoice), (3.0, -2.0))

        case.line_ids.with_user(self.user_agent_1).disposition = 'replace'
        self.assertEqual(set(receipt.move_ids.mapped('to_refund')), {False})
        self.assertEqual((self.sale_line_chair.qty_delivered, self.sale_line_chair.qty_to_invoice), (5.0, 0.0))
        self.assertEqual(case.line_ids.qty_to_credit, 0.0)

        case.line_ids.with_user(self.user_agent_1).disposition = 'refund'
        self.assertEqual(set(receipt.move_ids.mapped('to_refund')), {True})
        self.assertEqual(self.sale_line_chair.qty_delivered, 3.0)
        notes, _action = self._credit(case)
        with self.assertRaises(UserError):
            case.line_ids.with_user(self.user_agent_1).disposition = 'replace'
        self.assertEqual(case.line_ids.disposition, 'refund')

    def test_rejected_goods_of_a_refund_stay_invoiced_until_sent_back(self):
        case = self._return_received_case({self.sale_line_chair: 3}, self.order)
        line = case.line_ids
        line.with_user(self.user_warehouse).qty_rejected = 1.0
        # The receipt move cannot be split: sale_stock sees 3 chairs back; the rejected one is
        # still the customer's, so the order proposes to credit only the 2 accepted.
        self.assertEqual(self.sale_line_chair.qty_delivered, 2.0)
        self.assertEqual(self.sale_line_chair.qty_to_invoice, -2.0)
        self.assertEqual(line.qty_to_credit, 2.0)
        case.with_user(self.user_warehouse).action_send_back()
        send_back = case.delivery_ids
        self.assertTrue(send_back.move_ids.to_refund)
        send_back.move_ids.quantity = 1.0
        send_back.move_ids.picked = True
        send_back.with_user(self.user_warehouse).button_validate()
        self.assertEqual((self.sale_line_chair.qty_delivered, self.sale_line_chair.qty_to_invoice), (3.0, -2.0))

    # ------------------------------------------------------------------
    # Decisions guarded
    # ------------------------------------------------------------------
    def test_only_approvers_undo_an_approval_or_a_rejection(self):
        approved = self._create_return({self.sale_line_chair: 1})
        receipt = self._submit_and_approve(approved)
        with self.assertRaises(AccessError):
            approved.with_user(self.user_agent_1).action_cancel()
        with self.assertRaises(AccessError):
            approved.with_user(self.user_agent_1)._cancel("Customer changed their mind")
        self.assertEqual((approved.state, receipt.state), ('approved', 'assigned'))
        approved.with_user(self.user_approver)._cancel("Customer changed their mind")
        self.assertEqual((approved.state, receipt.state), ('cancelled', 'cancel'))
        with self.assertRaises(AccessError):
            approved.with_user(self.user_agent_1).action_draft()
        approved.with_user(self.user_approver).action_draft()
        self.assertEqual((approved.state, approved.date_approved), ('draft', False))

        rejected = self._create_return({self.sale_line_chair: 1})
        rejected.with_user(self.user_agent_1).action_submit()
        rejected.with_user(self.user_approver)._reject("Outside the conditions")
        with self.assertRaises(AccessError):
            rejected.with_user(self.user_agent_1).action_draft()
        self.assertEqual(rejected.state, 'rejected')
        rejected.with_user(self.user_approver).action_draft()
        self.assertEqual(rejected.state, 'draft')

        # A draft the agent cancelled himself, he may restart.
        draft = self._create_return({self.sale_line_chair: 1})
        draft.with_user(self.user_agent_1)._cancel("Duplicate")
        draft.with_user(self.user_agent_1).action_draft()
        self.assertEqual(draft.state, 'draft')
