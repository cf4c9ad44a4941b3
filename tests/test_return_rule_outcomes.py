"""What the return rules decide beyond approving: the customer keeps the goods, a restocking fee is
deducted on the credit note, the goods come back to another location. End to end on real orders
delivered and invoiced, to the posted credit note."""
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from test_return_policy_rules import RuleCommon


@tagged('post_install', '-at_install')
class TestReturnRuleOutcomes(RuleCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reason_not_needed = cls.env['customer.return.reason'].create({
            'name': "No longer needed (test)", 'default_disposition': 'refund', 'company_id': cls.company.id})
        cls.reason_defective.is_company_fault = True
        cls.tax = cls.tax_sale_a

    def _new_order(self, quantity=5, price=150.0):
        return self._create_delivered_invoiced_order(self.customer, [(self.product_chair, quantity, price)])

    def _approved_mail(self, case):
        return case.message_ids.filtered(lambda message: message.subject and 'is approved' in message.subject)

    # ------------------------------------------------------------------
    # The customer keeps the goods
    # ------------------------------------------------------------------
    def test_keep_goods_refund_without_receipt_to_the_posted_credit_note(self):
        rule = self._rule("Keep cheap chairs", 'auto_approve', keep_goods=True, value_max=200)
        order = self._new_order()
        sale_line = order.order_line
        invoice = order.invoice_ids
        case = self._create_return({sale_line: 1}, order=order)
        case.with_user(self.user_agent_1).action_submit()
        line = case.line_ids
        self.assertEqual((line.rule_id, line.keep_goods), (rule, True))
        self.assertFalse(case.all_picking_ids, "no receipt: the goods stay with the customer")
        self.assertEqual(case.state, 'received', "nothing to receive: the case waits for its refund")
        self.assertEqual((line.qty_approved, line.qty_received, line.qty_accepted, line.qty_to_credit),
                         (1.0, 0.0, 1.0, 1.0))
        self.assertIn("keep them", self._approved_mail(case).body)
        self.assertFalse(case.message_ids.filtered(
            lambda message: message.subject and 'we received the goods' in message.subject))

        notes, _action = self._credit(case)
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes.reversed_entry_id, invoice)
        self.assertEqual(notes.invoice_line_ids.mapped('quantity'), [1.0])
        self.assertEqual(notes.invoice_line_ids.sale_line_ids, sale_line)
        self.assertEqual(notes.amount_untaxed, 150.0)
        self.assertAlmostEqual(notes.amount_total, 150.0 * (1 + self.tax.amount / 100), places=2)
        self.assertEqual(case.state, 'done')
        self.assertEqual((line.qty_credited, line.amount_credited), (1.0, 150.0))
        # The order: all five chairs are still the customer's, none is to invoice again.
        self.assertEqual((sale_line.qty_delivered, sale_line.qty_invoiced, sale_line.qty_to_invoice), (5.0, 4.0, 0.0))
        self.assertEqual(order.invoice_status, 'invoiced')
        # The kept chair cannot be returned again, nor credited twice.
        second = self._create_return({sale_line: 4}, order=order)
        self.assertEqual(second.line_ids.qty_returnable, 4.0)
        second.line_ids.quantity = 5
        with self.assertRaises(UserError):
            second.with_user(self.user_agent_1).action_submit()
        second.line_ids.quantity = 4
        rule.active = False
        self._receive(self._submit_and_approve(second))
        self._credit(second)
        self.assertEqual(second.line_ids.qty_credited, 4.0)
        self.assertEqual((sale_line.qty_delivered, sale_line.qty_invoiced, sale_line.qty_to_invoice), (1.0, 0.0, 0.0))
        self.assertEqual(line.qty_to_credit, 0.0)

    def test_keep_goods_replacement_ships_at_once(self):
        self._rule("Keep and replace", 'auto_approve', keep_goods=True)
        order = self._new_order()
        case = self._create_return({order.order_line: 2}, order=order)
        case.line_ids.disposition = 'replace'
        case.with_user(self.user_agent_1).action_submit()
        self.assertEqual((case.state, case.line_ids.keep_goods, case.line_ids.qty_to_replace), ('received', True, 2.0))
        case.with_user(self.user_warehouse).action_send_replacement()
        delivery = case.delivery_ids
        self.assertEqual(delivery.move_ids.product_uom_qty, 2.0)
        self.assertEqual(delivery.location_dest_id.usage, 'customer')
        self.assertFalse(case.picking_ids)
        self._receive(delivery)
        self.assertEqual((case.line_ids.qty_replaced, case.state), (2.0, 'done'))
        self.assertEqual(order.order_line.qty_delivered, 5.0, "replacements do not count as delivered on the order")

    def test_keep_goods_only_for_refunds_and_replacements(self):
        self._rule("Keep all", 'auto_approve', keep_goods=True)
        order = self._new_order()
        case = self._create_return({order.order_line: 1}, order=order)
        case.line_ids.disposition = 'scrap'
        case.with_user(self.user_agent_1).action_submit()
        self.assertFalse(case.line_ids.keep_goods, "goods to scrap come back to be scrapped")
        self.assertEqual(len(case.picking_ids), 1)
        kept = self._create_return({order.order_line: 1}, order=order)
        kept.with_user(self.user_agent_1).action_submit()
        self.assertTrue(kept.line_ids.keep_goods)
        with self.assertRaises(UserError):
            kept.line_ids.with_user(self.user_approver).disposition = 'scrap'
        self.assertEqual(kept.line_ids.disposition, 'refund')

    def test_decisions_of_a_line_are_the_process(self):
        location = self._refurbishing_location()
        rule = self._rule("Approve all", 'review', return_location_id=location.id, restocking_fee_percent=5)
        case = self._create_return({self.sale_line_chair: 1}, reason_id=self.reason_not_needed.id)
        line = case.line_ids.with_user(self.user_agent_1)
        for values in ({'keep_goods': True}, {'restocking_fee_percent': 0.0}, {'return_location_id': False}):
            with self.subTest(values=values), self.assertRaises(AccessError):
                line.write(values)
        case.with_user(self.user_agent_1).action_submit()
        self.assertEqual((line.rule_id, line.restocking_fee_percent, line.return_location_id), (rule, 5.0, location))
        for values in ({'keep_goods': True}, {'restocking_fee_percent': 0.0}, {'return_location_id': False}):
            with self.subTest(after=values), self.assertRaises(AccessError):
                case.line_ids.with_user(self.user_approver).write(values)
        # a new submission is decided again, and forgets what the old rule said
        case.with_user(self.user_agent_1)._cancel("Customer called back")
        case.with_user(self.user_agent_1).action_draft()
        rule.active = False
        case.with_user(self.user_agent_1).action_submit()
        self.assertEqual((line.rule_id, line.restocking_fee_percent, line.return_location_id.id), (
            self.Rule, 0.0, False))

    def test_rule_outcomes_must_make_sense(self):
        location = self._refurbishing_location()
        for values in ({'action': 'refuse', 'message': "No", 'keep_goods': True},
                       {'action': 'refuse', 'message': "No", 'restocking_fee_percent': 10},
                       {'action': 'refuse', 'message': "No", 'return_location_id': location.id},
                       {'keep_goods': True, 'return_location_id': location.id}):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                self._rule("Nonsense", **values)

    # ------------------------------------------------------------------
    # Restocking fee
    # ------------------------------------------------------------------
    def test_restocking_fee_line_on_the_credit_note(self):
        rule = self._rule("Opened: 10% fee", 'auto_approve', restocking_fee_percent=10)
        order = self._new_order()
        sale_line = order.order_line
        case = self._create_return({sale_line: 2}, order=order, reason_id=self.reason_not_needed.id)
        case.with_user(self.user_agent_1).action_submit()
        line = case.line_ids
        self.assertEqual((line.rule_id, line.restocking_fee_percent, line.restocking_fee), (rule, 10.0, 30.0))
        self.assertIn("restocking fee", self._approved_mail(case).body)
        self._receive(case.picking_ids)
        notes, _action = self._credit(case)
        goods = notes.invoice_line_ids.filtered(lambda aml: not aml.is_restocking_fee)
        fee = notes.invoice_line_ids.filtered('is_restocking_fee')
        fee_product = self.env.ref('customer_complaint_return.product_restocking_fee')
        self.assertEqual((goods.product_id, goods.quantity, goods.price_unit), (self.product_chair, 2.0, 150.0))
        self.assertEqual((fee.product_id, fee.quantity, fee.price_unit, fee.price_subtotal),
                         (fee_product, -1.0, 30.0, -30.0))
        self.assertEqual(fee.tax_ids, goods.tax_ids, "the fee is taxed as the goods were")
        self.assertEqual(fee.tax_ids, self.tax)
        self.assertEqual(fee.account_id, fee_product._get_product_accounts()['income'])
        self.assertEqual(fee.customer_return_line_id, line)
        self.assertFalse(fee.sale_line_ids)
        self.assertIn("Restocking fee 10%", fee.name)
        # 300 less 30, taxes on both
        self.assertEqual(notes.amount_untaxed, 270.0)
        self.assertAlmostEqual(notes.amount_tax, 270.0 * self.tax.amount / 100, places=2)
        self.assertAlmostEqual(case.amount_credited, 270.0 * (1 + self.tax.amount / 100), places=2)
        self.assertEqual((line.qty_credited, line.amount_credited), (2.0, 270.0))
        self.assertEqual(case.state, 'done')
        self.assertEqual((sale_line.qty_delivered, sale_line.qty_invoiced, sale_line.qty_to_invoice), (3.0, 3.0, 0.0))

    def test_no_fee_when_the_company_is_at_fault_unless_the_rule_says_so(self):
        rule = self._rule("10% fee", 'auto_approve', restocking_fee_percent=10)
        order = self._new_order()
        case = self._create_return({order.order_line: 1}, order=order)  # defective: the company's fault
        case.with_user(self.user_agent_1).action_submit()
        self.assertEqual((case.line_ids.restocking_fee_percent, case.line_ids.restocking_fee), (0.0, 0.0))
        self._receive(case.picking_ids)
        notes, _action = self._credit(case)
        self.assertFalse(notes.invoice_line_ids.filtered('is_restocking_fee'))
        self.assertEqual(notes.amount_untaxed, 150.0)

        rule.fee_on_defective = True
        charged = self._create_return({order.order_line: 1}, order=order)
        charged.with_user(self.user_agent_1).action_submit()
        self._receive(charged.picking_ids)
        notes, _action = self._credit(charged)
        self.assertEqual(notes.invoice_line_ids.filtered('is_restocking_fee').price_subtotal, -15.0)
        self.assertEqual(notes.amount_untaxed, 135.0)

    def test_fee_on_what_is_credited_with_the_companys_product_none_on_replacements(self):
        fee_product = self.env['product.product'].create({'name': "Handling (test)", 'type': 'service'})
        self.company.return_restocking_fee_product_id = fee_product
        self._rule("15% fee", 'auto_approve', restocking_fee_percent=15)
        order = self._new_order()
        order_line = order.order_line
        case = self._create_return({order_line: 3}, order=order, reason_id=self.reason_not_needed.id)
        case.with_user(self.user_agent_1).action_submit()
        self._receive(case.picking_ids, {self.product_chair: 2})  # two arrive first
        notes, _action = self._credit(case)
        fee = notes.invoice_line_ids.filtered('is_restocking_fee')
        self.assertEqual((fee.product_id, fee.price_unit), (fee_product, 45.0))  # 15% of 2 x 150
        self.assertEqual(notes.amount_untaxed, 255.0)

        replaced = self._create_return({order_line: 1}, order=order, reason_id=self.reason_not_needed.id)
        replaced.line_ids.disposition = 'replace'
        replaced.with_user(self.user_agent_1).action_submit()
        self.assertEqual(replaced.line_ids.restocking_fee_percent, 15.0)
        self.assertEqual(replaced.line_ids.restocking_fee, 0.0, "nothing is credited: no fee")

    # ------------------------------------------------------------------
    # Goods come back to another location
    # ------------------------------------------------------------------
    def _refurbishing_location(self):
        return self.env['stock.location'].create({
            'name': "Refurbishing", 'usage': 'internal', 'location_id': self.warehouse.view_location_id.id})

    def test_goods_come_back_to_the_rules_location(self):
        refurbishing = self._refurbishing_location()
        self._rule("Desks to refurbishing", 'auto_approve', sequence=1, return_location_id=refurbishing.id,
                   domain=f"[('product_id', '=', {self.product_desk.id})]")
        self._rule("Approve the rest", 'auto_approve', sequence=2)
        order = self._create_delivered_invoiced_order(
            self.customer, [(self.product_chair, 2, 150.0), (self.product_desk, 2, 420.0)])
        chair, desk = order.order_line
        delivery = order.picking_ids
        case = self._create_return({chair: 1, desk: 2}, order=order)
        case.with_user(self.user_agent_1).action_submit()
        self.assertEqual(case.state, 'approved')
        receipts = case.picking_ids
        self.assertEqual(len(receipts), 2, "one receipt per place the goods go to")
        to_refurbishing = receipts.filtered(lambda picking: picking.location_dest_id == refurbishing)
        self.assertEqual(to_refurbishing.move_ids.product_id, self.product_desk)
        self.assertEqual(to_refurbishing.move_ids.location_dest_id, refurbishing)
        self.assertEqual(to_refurbishing.move_ids.origin_returned_move_id.product_id, self.product_desk)
        self.assertEqual(to_refurbishing.return_id, delivery)
        other = receipts - to_refurbishing
        self.assertEqual(other.move_ids.product_id, self.product_chair)
        self.assertNotEqual(other.location_dest_id, refurbishing)
        self._receive(receipts)
        self.assertEqual(self.product_desk.with_context(location=refurbishing.id).qty_available, 2.0)
        self.assertEqual(case.state, 'received')
        self._credit(case)
        self.assertEqual(case.state, 'done')
        self.assertEqual((desk.qty_delivered, desk.qty_invoiced), (0.0, 0.0))

    def test_goods_come_back_to_another_warehouse(self):
        other = self.env['stock.warehouse'].create({'name': "Refurb Centre", 'code': 'RFB', 'company_id': self.company.id})
        self._rule("To the centre", 'auto_approve', return_location_id=other.lot_stock_id.id)
        order = self._new_order()
        case = self._create_return({order.order_line: 1}, order=order)
        case.with_user(self.user_agent_1).action_submit()
        receipt = case.picking_ids
        self.assertEqual(receipt.location_dest_id, other.lot_stock_id)
        self.assertEqual(receipt.picking_type_id, other.in_type_id, "the receiving warehouse's receipt")
        self._receive(receipt)
        self.assertEqual(self.product_chair.with_context(warehouse_id=other.id).qty_available, 1.0)
        self.assertEqual(order.order_line.qty_delivered, 4.0)

    # ------------------------------------------------------------------
    # The customer's return rate
    # ------------------------------------------------------------------
    def test_customer_return_rate_condition(self):
        rule = self._rule("Trusted customers", 'auto_approve', customer_return_rate_max=40)
        # 5 chairs delivered at 150 (750); 2 come back (300): 40%
        first = self._create_return({self.sale_line_chair: 2}, reason_id=self.reason_not_needed.id)
        rule.active = False
        self._receive(self._submit_and_approve(first))
        rule.active = True
        self.assertAlmostEqual(self.customer._get_customer_return_rates(self.company)[self.customer], 40.0, places=2)
        at_limit = self._create_return({self.sale_line_chair: 1})
        self.assertEqual(self._decision(at_limit), {self.sale_line_chair: rule})
        rule.customer_return_rate_max = 39.99
        self.assertEqual(self._decision(at_limit), {})
        at_limit.with_user(self.user_agent_1).action_submit()
        self.assertEqual(at_limit.state, 'to_approve')
        # a customer who returned nothing yet, and the contact of a company: its company's rate
        order_b = self._create_delivered_invoiced_order(self.other_customer, [(self.product_desk, 1, 420.0)])
        trusted = self._create_return({order_b.order_line: 1}, order=order_b)
        trusted.with_user(self.user_agent_1).action_submit()
        self.assertEqual((trusted.state, trusted.line_ids.rule_id), ('approved', rule))
        contact = self._create_return({self.sale_line_chair: 1}, partner_id=self.customer_contact.id)
        self.assertEqual(self._decision(contact), {})
        rule.customer_return_rate_max = 40
        self.assertEqual(self._decision(contact), {self.sale_line_chair: rule})

    def test_rules_read_the_figures_once_per_case(self):
        self._rule("Trusted", 'review', sequence=1, customer_return_rate_max=10, value_max=100)
        self._rule("Trusted too", 'review', sequence=2, customer_return_rate_max=20, value_min=1000)
        order = self._create_delivered_invoiced_order(
            self.customer, [(self.product_chair, 2, 150.0), (self.product_desk, 2, 420.0)])
        case = self._create_return({order.order_line[0]: 1, order.order_line[1]: 1}, order=order)
        Partner = type(self.env['res.partner'])
        Rule = type(self.env['customer.return.rule'])
        with patch.object(Partner, '_get_customer_return_rates', autospec=True,
                          side_effect=Partner._get_customer_return_rates) as rates, \
                patch.object(Rule, '_get_line_facts', autospec=True, side_effect=Rule._get_line_facts) as facts:
            case._match_return_rules()
        self.assertEqual((rates.call_count, facts.call_count), (1, 1))
