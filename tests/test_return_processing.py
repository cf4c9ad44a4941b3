"""After the receipt: inspection, goods sent back, replacements, scrap, and serial numbers."""
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import tagged

import return_common


@tagged('post_install', '-at_install')
class TestReturnProcessing(return_common.ReturnCommon):

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _received_case(self, quantities, disposition, order=None):
        """A return of ``quantities`` with ``disposition`` on every line, approved and received."""
        case = self._create_return(quantities, order=order)
        case.line_ids.with_user(self.user_agent_1).disposition = disposition
        receipts = self._submit_and_approve(case)
        self._receive(receipts)
        self.assertEqual(case.state, 'received')
        return case, receipts

    def _count_refunds(self, partner):
        return self.env['account.move'].search_count(
            [('move_type', '=', 'out_refund'), ('partner_id', '=', partner.id)])

    # ------------------------------------------------------------------
    # Rejection at inspection
    # ------------------------------------------------------------------
    def test_rejected_at_inspection_sent_back_and_accepted_credited(self):
        case, receipt = self._received_case({self.sale_line_chair: 3}, 'refund')
        line = case.line_ids
        self.assertEqual((line.qty_received, line.qty_accepted), (3.0, 3.0))
        self.assertEqual(self.sale_line_chair.qty_delivered, 2.0)

        line.with_user(self.user_warehouse).write({
            'qty_rejected': 1.0, 'condition_found': 'used', 'inspection_note': "Scratched by the customer"})
        self.assertEqual((line.qty_rejected, line.qty_accepted), (1.0, 2.0))
        self.assertEqual(line.condition_found, 'used')
        self.assertEqual((line.qty_to_send_back, line.qty_to_credit), (1.0, 2.0))
        self.assertTrue(case.can_send_back)
        self.assertFalse(line.is_settled)
        with self.assertRaises(ValidationError):
            line.with_user(self.user_warehouse).qty_rejected = 4.0
        self.assertEqual(line.qty_rejected, 1.0)

        action = case.with_user(self.user_warehouse).action_send_back()
        send_back = case.delivery_ids
        self.assertEqual(len(send_back), 1)
        self.assertEqual(action['res_id'], send_back.id)
        self.assertEqual(send_back.picking_type_code, 'outgoing')
        self.assertEqual(send_back.picking_type_id, self.warehouse.out_type_id)
        self.assertEqual(send_back.return_id, receipt)
        self.assertEqual(send_back.partner_id, self.customer)
        self.assertEqual(send_back.location_dest_id.usage, 'customer')
        self.assertEqual(send_back.customer_return_id, case)
        self.assertEqual(case.all_picking_ids, receipt | send_back)
        self.assertEqual(case.picking_ids, receipt)
        self.assertEqual(len(send_back.move_ids), 1)
        self.assertEqual(send_back.move_ids.origin_returned_move_id, receipt.move_ids)
        self.assertEqual(send_back.move_ids.product_uom_qty, 1.0)
        self.assertEqual(send_back.move_ids.sale_line_id, self.sale_line_chair)
        self.assertEqual(send_back.move_ids.customer_return_line_id, line)
        self.assertEqual(line.qty_to_send_back, 0.0)
        self.assertEqual((case.delivery_count, case.picking_count), (1, 1))
        # The delivery on its way is not sent a second time.
        with self.assertRaises(UserError):
            case.with_user(self.user_warehouse).action_send_back()
        self.assertEqual(len(case.all_picking_ids), 2)

        notes, _action = self._credit(case, post=False)
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes.reversed_entry_id, self.invoice)
        self.assertEqual(notes.invoice_line_ids.quantity, 2.0)
        self.assertEqual(notes.invoice_line_ids.customer_return_line_id, line)
        self.assertEqual((notes.amount_untaxed, notes.amount_total), (300.0, 345.0))

        self._deliver(send_back)
        self.assertEqual(line.qty_sent_back, 1.0)
        self.assertEqual(self.sale_line_chair.qty_delivered, 3.0)
        # Still a draft credit note: not settled yet.
        self.assertEqual(case.state, 'received')
        self.assertEqual(line.qty_to_credit, 0.0)

        notes.with_user(self.user_finance).action_post()
        self.assertEqual(case.state, 'done')
        self.assertTrue(case.date_done)
        self.assertEqual((line.qty_credited, line.amount_credited), (2.0, 300.0))
        self.assertEqual(case.amount_credited, 345.0)
        self.assertEqual(self.sale_line_chair.qty_invoiced, 3.0)
        self.assertEqual(self.sale_line_chair.qty_to_invoice, 0.0)
        self.assertEqual(self.order.invoice_status, 'invoiced')
        # The customer keeps 3 chairs: 2 never returned and the one sent back.
        self.assertEqual(self.product_chair.with_context(location=self.stock_location.id).qty_available, 2.0)

    # ------------------------------------------------------------------
    # Replacement
    # ------------------------------------------------------------------
    def test_replacement_after_receipt(self):
        case = self._create_return({self.sale_line_chair: 2})
        line = case.line_ids
        line.with_user(self.user_agent_1).disposition = 'replace'
        receipt = self._submit_and_approve(case)
        self.assertEqual(line.qty_to_replace, 0.0)
        self.assertFalse(case.can_send_replacement)
        with self.assertRaises(UserError):
            case.with_user(self.user_warehouse).action_send_replacement()
        self.assertFalse(case.delivery_ids)

        self._receive(receipt)
        self.assertEqual(case.state, 'received')
        self.assertEqual((line.qty_accepted, line.qty_to_replace, line.qty_to_credit), (2.0, 2.0, 0.0))
        self.assertTrue(case.can_send_replacement)
        self.assertFalse(case.can_create_credit_note)
        refunds = self._count_refunds(self.customer)
        with self.assertRaises(UserError):
            case.with_user(self.user_finance).action_create_credit_note()
        self.assertFalse(case.credit_note_ids)
        self.assertEqual(self._count_refunds(self.customer), refunds)

        action = case.with_user(self.user_warehouse).action_send_replacement()
        replacement = case.delivery_ids
        self.assertEqual(len(replacement), 1)
        self.assertEqual(action['res_id'], replacement.id)
        self.assertEqual(replacement.picking_type_code, 'outgoing')
        self.assertEqual(replacement.picking_type_id, self.warehouse.out_type_id)
        self.assertFalse(replacement.return_id)
        self.assertEqual(replacement.partner_id, self.customer)
        self.assertEqual(replacement.location_dest_id.usage, 'customer')
        self.assertNotIn(replacement, self.delivery | receipt)
        self.assertEqual(len(replacement.move_ids), 1)
        self.assertEqual(replacement.move_ids.product_id, self.product_chair)
        self.assertEqual(replacement.move_ids.product_uom_qty, 2.0)
        # Not a delivery of the order line: the customer is not billed for it; still the order's.
        self.assertFalse(replacement.move_ids.sale_line_id)
        self.assertEqual(replacement.move_ids.customer_return_line_id, line)
        self.assertFalse(replacement.move_ids.origin_returned_move_id)
        self.assertEqual(replacement.sale_id, self.order)
        self.assertIn(replacement, self.order.picking_ids)
        self.assertEqual(line.qty_to_replace, 0.0)
        # Goods to replace are not refunded: the order's delivered quantity never moves.
        self.assertFalse(receipt.move_ids.to_refund)
        self.assertEqual(self.sale_line_chair.qty_delivered, 5.0)
        self.assertEqual(self.sale_line_chair.qty_to_invoice, 0.0)
        self.assertEqual(case.state, 'received')

        self._deliver(replacement)
        self.assertEqual((line.qty_replaced, line.qty_sent_back), (2.0, 0.0))
        self.assertEqual(case.state, 'done')
        self.assertFalse(case.credit_note_ids)
        self.assertEqual(self.sale_line_chair.qty_delivered, 5.0)
        self.assertEqual(self.sale_line_chair.qty_invoiced, 5.0)
        self.assertEqual(self.sale_line_chair.qty_to_invoice, 0.0)
        self.assertEqual(self.order.invoice_status, 'invoiced')
        with self.assertRaises(UserError):
            self.order._create_invoices()
        self.assertEqual(self.order.invoice_ids, self.invoice)

    def test_early_replacement_allowed_by_manager(self):
        case = self._create_return({self.sale_line_chair: 2})
        line = case.line_ids
        line.with_user(self.user_agent_1).disposition = 'replace'
        receipt = self._submit_and_approve(case)
        self.assertEqual(line.qty_to_replace, 0.0)

        for user in (self.user_agent_1, self.user_approver, self.user_warehouse):
            with self.assertRaises(AccessError):
                case.with_user(user).allow_early_replacement = True
        self.assertFalse(case.allow_early_replacement)
        self.assertEqual(line.qty_to_replace, 0.0)
        case.with_user(self.user_manager).allow_early_replacement = True
        self.assertEqual(line.qty_to_replace, 2.0)
        self.assertTrue(case.can_send_replacement)
        case.with_user(self.user_warehouse).action_send_replacement()
        replacement = case.delivery_ids
        self.assertEqual(len(replacement), 1)
        self.assertEqual(replacement.move_ids.product_uom_qty, 2.0)
        self.assertFalse(replacement.move_ids.sale_line_id)
        self.assertEqual(replacement.sale_id, self.order)
        self.assertEqual(case.state, 'approved')

        self._deliver(replacement)
        self.assertEqual(line.qty_replaced, 2.0)
        self.assertEqual(line.qty_to_replace, 0.0)
        self.assertEqual(case.state, 'approved')  # the goods are still to come back
        self.assertEqual(self.sale_line_chair.qty_delivered, 5.0)
        # The replacement travelling ahead of the return is not billed.
        self.assertEqual(self.sale_line_chair.qty_to_invoice, 0.0)
        self.assertEqual(self.order.invoice_status, 'invoiced')

        self._receive(receipt)
        self.assertEqual(line.qty_received, 2.0)
        self.assertEqual(line.qty_to_replace, 0.0)
        self.assertEqual(case.state, 'done')
        self.assertEqual(case.delivery_ids, replacement)
        self.assertEqual(self.sale_line_chair.qty_delivered, 5.0)
        self.assertEqual(self.sale_line_chair.qty_to_invoice, 0.0)
        self.assertEqual(self.order.invoice_status, 'invoiced')

    # ------------------------------------------------------------------
    # Scrap
    # ------------------------------------------------------------------
    def test_scrap_without_credit(self):
        case, receipt = self._received_case({self.sale_line_chair: 2}, 'scrap')
        line = case.line_ids
        self.assertEqual((line.qty_to_scrap, line.qty_to_credit), (2.0, 0.0))
        self.assertTrue(case.can_scrap)
        self.assertEqual(self.product_chair.with_context(location=self.stock_location.id).qty_available, 2.0)

        self.assertTrue(case.with_user(self.user_warehouse).action_scrap())
        scrap = case.scrap_ids
        self.assertEqual(len(scrap), 1)
        self.assertEqual(scrap.state, 'done')
        self.assertEqual(scrap.product_id, self.product_chair)
        self.assertEqual(scrap.scrap_qty, 2.0)
        self.assertEqual(scrap.location_id, receipt.location_dest_id)
        self.assertEqual(scrap.location_id, self.stock_location)
        self.assertEqual(scrap.scrap_location_id.usage, 'inventory')
        self.assertEqual(scrap.customer_return_line_id, line)
        self.assertEqual(scrap.customer_return_id, case)
        self.assertEqual(scrap.move_ids.state, 'done')
        self.assertEqual(scrap.move_ids.customer_return_line_id, line)
        self.assertEqual((line.qty_scrapped, line.qty_to_scrap), (2.0, 0.0))
        self.assertEqual(case.state, 'done')
        self.assertFalse(case.credit_note_ids)
        self.assertEqual(case.amount_credited, 0.0)
        self.assertEqual(self.product_chair.with_context(location=self.stock_location.id).qty_available, 0.0)
        # Scrapped without credit: the customer still pays for them, the order credits nothing.
        self.assertFalse(receipt.move_ids.to_refund)
        self.assertEqual(self.sale_line_chair.qty_delivered, 5.0)
        self.assertEqual(self.sale_line_chair.qty_invoiced, 5.0)
        self.assertEqual(self.sale_line_chair.qty_to_invoice, 0.0)
        self.assertEqual(self.order.invoice_status, 'invoiced')
        self.assertEqual(scrap.move_ids.location_dest_id, scrap.scrap_location_id)
        self.assertEqual(scrap.move_ids.quantity, 2.0)

        with self.assertRaises(UserError):
            case.with_user(self.user_warehouse).action_scrap()
        self.assertEqual(len(case.scrap_ids), 1)

    # ------------------------------------------------------------------
    # Repair and return to the customer
    # ------------------------------------------------------------------
    def test_repair_and_return_to_customer_sent_back(self):
        order = self._create_delivered_invoiced_order(
            self.customer, [(self.product_chair, 3, 150.0), (self.product_desk, 1, 420.0)])
        chair_line = order.order_line.filtered(lambda line: line.product_id == self.product_chair)
        desk_line = order.order_line - chair_line
        case = self._create_return({chair_line: 2, desk_line: 1})
        line_chair = case.line_ids.filtered(lambda line: line.sale_line_id == chair_line)
        line_desk = case.line_ids - line_chair
        line_chair.with_user(self.user_agent_1).disposition = 'repair'
        line_desk.with_user(self.user_agent_1).disposition = 'return'
        receipt = self._submit_and_approve(case)
        self.assertEqual(len(receipt), 1)
        self._receive(receipt)
        self.assertEqual(case.state, 'received')
        # The chairs go back once their repair order is done (test_return_repair.py).
        self.assertEqual((line_chair.qty_to_send_back, line_desk.qty_to_send_back), (0.0, 1.0))
        repair = case.repair_order_ids.with_user(self.user_warehouse)
        repair.action_validate()
        repair.action_repair_start()
        repair.action_repair_end()
        self.assertEqual((line_chair.qty_to_send_back, line_desk.qty_to_send_back), (2.0, 1.0))
        # Goods in for repair or on their way back stay paid for: not refunded, the order proposes no credit.
        self.assertEqual(set(receipt.move_ids.mapped('to_refund')), {False})
        self.assertEqual((chair_line.qty_delivered, desk_line.qty_delivered), (3.0, 1.0))
        self.assertEqual((chair_line.qty_to_invoice, desk_line.qty_to_invoice), (0.0, 0.0))
        self.assertEqual((line_chair.qty_to_credit, line_desk.qty_to_credit), (0.0, 0.0))
        self.assertFalse(case.can_create_credit_note)
        refunds = self._count_refunds(self.customer)
        with self.assertRaises(UserError):
            case.with_user(self.user_finance).action_create_credit_note()
        self.assertEqual(self._count_refunds(self.customer), refunds)

        case.with_user(self.user_warehouse).action_send_back()
        send_back = case.delivery_ids
        self.assertEqual(len(send_back), 1)
        self.assertEqual(send_back.picking_type_code, 'outgoing')
        self.assertEqual(send_back.return_id, receipt)
        self.assertEqual(
            {(move.product_id, move.product_uom_qty, move.customer_return_line_id) for move in send_back.move_ids},
            {(self.product_chair, 2.0, line_chair), (self.product_desk, 1.0, line_desk)})
        self.assertEqual(send_back.move_ids.origin_returned_move_id, receipt.move_ids)
        self.assertEqual(case.state, 'received')

        self._deliver(send_back)
        self.assertEqual((line_chair.qty_sent_back, line_desk.qty_sent_back), (2.0, 1.0))
        self.assertEqual(case.state, 'done')
        self.assertFalse(case.credit_note_ids)
        self.assertEqual((chair_line.qty_delivered, desk_line.qty_delivered), (3.0, 1.0))
        self.assertEqual((chair_line.qty_to_invoice, desk_line.qty_to_invoice), (0.0, 0.0))
        self.assertEqual(order.invoice_status, 'invoiced')


@tagged('post_install', '-at_install')
class TestReturnSerials(return_common.ReturnCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product_laptop = cls._create_storable_product("Laptop", 900.0, tracking='serial')
        cls.serials = cls.env['stock.lot'].create([
            {'name': f"SN{number}", 'product_id': cls.product_laptop.id, 'company_id': cls.company.id}
            for number in (1, 2, 3, 4)])
        cls.sn1, cls.sn2, cls.sn3, cls.sn4 = cls.serials
        for serial in cls.serials:
            cls.env['stock.quant'].with_context(inventory_mode=True).create({
                'product_id': cls.product_laptop.id,
                'location_id': cls.stock_location.id,
                'lot_id': serial.id,
                'inventory_quantity': 1.0,
            }).action_apply_inventory()
        cls.laptop_order = cls.env['sale.order'].create({
            'partner_id': cls.customer.id,
            'order_line': [Command.create({'product_id': cls.product_laptop.id, 'product_uom_qty': 3.0,
                                           'price_unit': 900.0})],
        })
        cls.laptop_order.action_confirm()
        delivery = cls.laptop_order.picking_ids
        # SN1 to SN3 leave, SN4 stays in stock.
        move = delivery.move_ids
        move.move_line_ids.unlink()
        cls.env['stock.move.line'].create([
            dict(move._prepare_move_line_vals(quantity=1.0), lot_id=serial.id)
            for serial in (cls.sn1, cls.sn2, cls.sn3)])
        move.picked = True
        delivery.button_validate()
        cls.laptop_delivery = delivery
        cls.laptop_line = cls.laptop_order.order_line
        invoice = cls.laptop_order._create_invoices()
        invoice.action_post()

    def test_serial_returned_to_stock(self):
        self.assertEqual(self.laptop_delivery.state, 'done')
        self.assertEqual(self.laptop_delivery.move_line_ids.lot_id, self.sn1 | self.sn2 | self.sn3)
        case = self._create_return({self.laptop_line: 1})
        line = case.line_ids
        self.assertEqual(line.available_lot_ids, self.sn1 | self.sn2 | self.sn3)
        line.with_user(self.user_agent_1).lot_ids = self.sn2

        receipt = self._submit_and_approve(case)
        self.assertEqual(len(receipt), 1)
        self.assertEqual(receipt.return_id, self.laptop_delivery)
        self.assertEqual(len(receipt.move_line_ids), 1)
        self.assertEqual(receipt.move_line_ids.lot_id, self.sn2)
        self.assertEqual(receipt.move_line_ids.quantity, 1.0)

        self._receive(receipt)
        self.assertEqual(receipt.move_line_ids.lot_id, self.sn2)
        self.assertEqual(line.qty_received, 1.0)
        self.assertEqual(case.state, 'received')
        quants = self.env['stock.quant'].search([
            ('product_id', '=', self.product_laptop.id), ('location_id.usage', '=', 'internal'), ('quantity', '>', 0)])
        self.assertEqual({(quant.lot_id, quant.location_id, quant.quantity) for quant in quants}, {
            (self.sn2, receipt.location_dest_id, 1.0),
            (self.sn4, self.stock_location, 1.0),
        })
        self.assertEqual(self.sn2.location_id, receipt.location_dest_id)
        self.assertEqual(self.sn1.location_id.usage, 'customer')
        self.assertEqual(self.laptop_line.qty_delivered, 2.0)

    def test_serial_not_delivered_or_not_matching_refused(self):
        cases = self.env['customer.return'].search_count([])
        with self.assertRaises(ValidationError):
            self.env['customer.return'].create({
                'partner_id': self.customer.id,
                'sale_order_id': self.laptop_order.id,
                'reason_id': self.reason_defective.id,
                'line_ids': [Command.create({'sale_line_id': self.laptop_line.id, 'quantity': 1.0,
                                             'lot_ids': [Command.set(self.sn4.ids)]})],
            })
        self.assertEqual(self.env['customer.return'].search_count([]), cases)

        case = self._create_return({self.laptop_line: 1})
        line = case.line_ids.with_user(self.user_agent_1)
        with self.assertRaises(ValidationError):
            line.lot_ids = self.sn4
        self.assertFalse(line.lot_ids)
        with self.assertRaises(ValidationError):
            line.lot_ids = self.sn1 | self.sn3
        self.assertFalse(line.lot_ids)
        with self.assertRaises(ValidationError):
            line.write({'quantity': 2.0, 'lot_ids': [Command.set(self.sn1.ids)]})
        self.assertEqual(line.quantity, 1.0)
        self.assertFalse(line.lot_ids)

        line.write({'quantity': 2.0, 'lot_ids': [Command.set((self.sn1 | self.sn3).ids)]})
        self.assertEqual(line.lot_ids, self.sn1 | self.sn3)
