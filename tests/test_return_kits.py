"""Kits (phantom bills of materials, with Manufacturing installed): returned, received and
credited in kits, from the host's own kit arithmetic; loose components tracked, never credited."""
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import tagged

import return_common


@tagged('post_install', '-at_install')
class TestReturnKits(return_common.ReturnCommon):
    """A table kit (1 top + 4 legs) sold at 200.00, 3 kits delivered and invoiced (15% tax)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product_top = cls._create_storable_product("Table Top", 80.0)
        cls.product_leg = cls._create_storable_product("Table Leg", 15.0)
        cls.product_table = cls.env['product.product'].create({
            'name': "Table Kit",
            'type': 'consu',
            'list_price': 200.0,
            'invoice_policy': 'delivery',
            'taxes_id': [Command.set(cls.tax_sale_a.ids)],
        })
        cls.bom = cls.env['mrp.bom'].create({
            'product_tmpl_id': cls.product_table.product_tmpl_id.id,
            'product_qty': 1.0,
            'type': 'phantom',
            'bom_line_ids': [
                Command.create({'product_id': cls.product_top.id, 'product_qty': 1.0}),
                Command.create({'product_id': cls.product_leg.id, 'product_qty': 4.0}),
            ],
        })
        cls._put_in_stock(cls.product_top, 3)
        cls._put_in_stock(cls.product_leg, 12)
        cls.kit_order = cls.env['sale.order'].create({
            'partner_id': cls.customer.id,
            'order_line': [Command.create({
                'product_id': cls.product_table.id, 'product_uom_qty': 3, 'price_unit': 200.0})],
        })
        cls.kit_order.action_confirm()
        cls.kit_delivery = cls._validate_delivery(cls.kit_order)
        cls.kit_invoice = cls.kit_order._create_invoices()
        cls.kit_invoice.action_post()
        cls.kit_line = cls.kit_order.order_line

    def _component_moves(self, picking):
        return {move.product_id: move.product_uom_qty for move in picking.move_ids}

    def test_setup_is_a_kit_delivered_by_components(self):
        self.assertEqual(set(self.kit_delivery.move_ids.product_id), {self.product_top, self.product_leg})
        self.assertEqual((self.kit_line.qty_delivered, self.kit_line.qty_invoiced), (3.0, 3.0))
        self.assertEqual(self.kit_invoice.amount_total, 690.0)

    def test_return_case_of_one_kit(self):
        case = self._create_return({self.kit_line: 1})
        line = case.line_ids
        self.assertEqual((line.qty_delivered, line.qty_returned, line.qty_returnable), (3.0, 0.0, 3.0))
        self.assertTrue(line.is_eligible)

        receipt = self._submit_and_approve(case)
        self.assertEqual(receipt.return_id, self.kit_delivery)
        self.assertEqual(self._component_moves(receipt), {self.product_top: 1.0, self.product_leg: 4.0})
        self.assertEqual(receipt.move_ids.origin_returned_move_id, self.kit_delivery.move_ids)
        self.assertEqual(set(receipt.move_ids.mapped('to_refund')), {True})
        self.assertEqual(line.qty_approved, 1.0)

        self._receive(receipt)
        self.assertEqual((line.qty_received, line.qty_accepted, line.qty_to_credit), (1.0, 1.0, 1.0))
        self.assertFalse(line.loose_components)
        self.assertEqual(self.kit_line.qty_delivered, 2.0)  # sale_mrp's own kit arithmetic

        notes, _action = self._credit(case)
        self.assertEqual(notes.invoice_line_ids.product_id, self.product_table)
        self.assertEqual(notes.invoice_line_ids.quantity, 1.0)
        self.assertEqual((notes.amount_untaxed, notes.amount_total), (200.0, 230.0))
        self.assertEqual(notes.reversed_entry_id, self.kit_invoice)
        self.assertEqual(case.state, 'done')
        self.assertEqual((self.kit_line.qty_invoiced, self.kit_line.qty_to_invoice), (2.0, 0.0))

        # Two kits are left to return.
        second = self._create_return({self.kit_line: 3})
        self.assertEqual(second.line_ids.qty_returnable, 2.0)
        self.assertEqual(second.line_ids.qty_returned, 1.0)
        with self.assertRaises(UserError):
            second.with_user(self.user_agent_1).action_submit()

    def test_warehouse_returns_one_whole_kit(self):
        wizard_form = self._warehouse_return_wizard(self.kit_delivery)
        self.assertTrue(wizard_form.create_customer_return)
        self._set_return_quantity(wizard_form, self.product_top, 1.0)
        self._set_return_quantity(wizard_form, self.product_leg, 4.0)
        receipt = self.env['stock.picking'].browse(wizard_form.save().action_create_returns()['res_id'])
        case = receipt.customer_return_id
        line = case.line_ids
        self.assertEqual(len(line), 1)
        self.assertEqual(line.sale_line_id, self.kit_line)
        self.assertEqual((line.quantity, line.qty_approved), (1.0, 1.0))

        self._receive(receipt)
        self.assertEqual((line.qty_received, line.qty_to_credit), (1.0, 1.0))
        notes, _action = self._credit(case)
        self.assertEqual(notes.invoice_line_ids.quantity, 1.0)
        self.assertEqual(notes.amount_untaxed, 200.0)
        self.assertEqual(case.state, 'done')

    def test_warehouse_returns_loose_legs(self):
        wizard_form = self._warehouse_return_wizard(self.kit_delivery)
        self._set_return_quantity(wizard_form, self.product_leg, 2.0)
        receipt = self.env['stock.picking'].browse(wizard_form.save().action_create_returns()['res_id'])
        case = receipt.customer_return_id
        line = case.line_ids
        self.assertEqual((line.quantity, line.qty_approved), (0.0, 0.0))
        note = case.message_ids.filtered(lambda message: 'loose' in (message.body or ''))
        self.assertEqual(len(note), 1)
        self.assertIn("2 Units Table Leg", note.body)

        self._receive(receipt)
        self.assertEqual(line.qty_received, 0.0)
        self.assertEqual(line.loose_components, "2 Units Table Leg")
        self.assertEqual(line.qty_to_credit, 0.0)
        self.assertFalse(case.can_create_credit_note)
        with self.assertRaisesRegex(UserError, "nothing to credit"):
            case.with_user(self.user_finance).action_create_credit_note()
        self.assertFalse(case.credit_note_ids)
        # Loose legs are not refunded: the order keeps 3 kits delivered and invoiced, nothing to credit.
        self.assertEqual(set(receipt.move_ids.mapped('to_refund')), {False})
        self.assertEqual((self.kit_line.qty_delivered, self.kit_line.qty_to_invoice), (3.0, 0.0))
        # The customer still holds 2 whole kits and loose parts of the third.
        self.assertEqual(self._create_return({self.kit_line: 1}).line_ids.qty_returnable, 2.0)

    def test_kit_and_its_legs_never_credit_more_than_whole_kits(self):
        # One whole kit and two loose legs come back: one kit is credited.
        wizard_form = self._warehouse_return_wizard(self.kit_delivery)
        self._set_return_quantity(wizard_form, self.product_top, 1.0)
        self._set_return_quantity(wizard_form, self.product_leg, 6.0)
        receipt = self.env['stock.picking'].browse(wizard_form.save().action_create_returns()['res_id'])
        case = receipt.customer_return_id
        self._receive(receipt)
        line = case.line_ids
        self.assertEqual((line.qty_approved, line.qty_received), (1.0, 1.0))
        self.assertEqual(line.loose_components, "2 Units Table Leg")
        legs = receipt.move_ids.filtered(lambda move: move.product_id == self.product_leg)
        self.assertEqual(sorted((move.quantity, move.to_refund) for move in legs), [(2.0, False), (4.0, True)])
        self.assertEqual(self.kit_line.qty_delivered, 2.0)
        notes, _action = self._credit(case)
        self.assertEqual(notes.invoice_line_ids.quantity, 1.0)
        self.assertEqual(notes.amount_total, 230.0)
