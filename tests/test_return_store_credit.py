"""Store credit: the value of returned goods goes to a gift card or the customer's eWallet of
Odoo's Loyalty app, with a bonus, and is spent on a next order like any gift card."""
from odoo.tests import tagged

import portal_common
import return_common


@tagged('post_install', '-at_install')
class TestReturnStoreCredit(return_common.ReturnCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.return_store_credit_bonus_percent = 10.0
        cls.reason_not_needed = cls.env['customer.return.reason'].create({
            'name': "Not needed (store credit test)", 'default_disposition': 'store_credit',
            'company_id': cls.company.id})
        cls.tax_rate = cls.tax_sale_a.amount / 100

    def _paid_order(self, lines):
        """An order delivered, invoiced and paid: its credit notes then owe the customer money."""
        order = self._create_delivered_invoiced_order(self.customer, lines)
        self.env['account.payment.register'].with_context(
            active_model='account.move', active_ids=order.invoice_ids.ids).create({})._create_payments()
        self.assertIn(order.invoice_ids.payment_state, ('paid', 'in_payment'))
        return order

    def _store_credit_case(self, quantity=2, **values):
        order = self._paid_order([(self.product_chair, 5, 150.0)])
        case = self._create_return({order.order_line: quantity}, order=order, **values)
        case.line_ids.disposition = 'store_credit'
        self._receive(self._submit_and_approve(case))
        return order, case

    def test_store_credit_with_bonus_then_spent_on_a_new_order(self):
        order, case = self._store_credit_case()
        self.assertEqual(case.picking_ids.move_ids.to_refund, True)
        notes, _action = self._credit(case)
        self.assertEqual(notes.move_type, 'out_refund')
        value = 300.0 * (1 + self.tax_rate)  # 345.00 with 15%
        self.assertAlmostEqual(notes.amount_total, value, places=2)
        card = notes.store_credit_card_id
        program = self.company.return_store_credit_program_id
        self.assertEqual((card.program_id, program.program_type), (program, 'gift_card'))
        self.assertEqual((card.partner_id, card.customer_return_id), (self.customer, case))
        self.assertAlmostEqual(card.points, value * 1.10, places=2)  # 379.50
        self.assertEqual(case.store_credit_card_ids, card)
        self.assertAlmostEqual(case.store_credit_issued, value * 1.10, places=2)
        # the credit note is settled by the program's own invoice: no money is owed
        settlement = case.credit_note_ids.filtered(lambda move: move.move_type == 'out_invoice')
        self.assertEqual(settlement.invoice_line_ids.product_id, self.env.ref("loyalty.gift_card_product_50"))
        self.assertAlmostEqual(settlement.amount_total, value, places=2)
        self.assertFalse(settlement.invoice_line_ids.tax_ids)
        self.assertEqual(notes.payment_state, 'paid')
        self.assertEqual(settlement.amount_residual, 0.0, "settled by the credit note")
        self.assertEqual(case.state, 'done')
        self.assertAlmostEqual(case.amount_credited, value, places=2)
        # the order: 2 chairs back, credited
        self.assertEqual((order.order_line.qty_delivered, order.order_line.qty_invoiced), (3.0, 3.0))
        # the customer got the code
        mail = case.message_ids.filtered(lambda m: m.subject and 'your store credit' in m.subject)
        self.assertEqual(len(mail), 1)
        self.assertIn(card.code, mail.body)
        self.assertIn(self.customer, mail.partner_ids)
        # posting again (reset and post) issues nothing twice
        self.assertEqual(len(self.env['loyalty.card'].search([('customer_return_id', '=', case.id)])), 1)

        # spent on the next order as any gift card
        new_order = self.env['sale.order'].create({
            'partner_id': self.customer.id,
            'order_line': [(0, 0, {'product_id': self.product_desk.id, 'product_uom_qty': 1, 'price_unit': 420.0})],
        })
        # as the salesperson does: Coupon Code, then the reward it offers
        action = self.env['sale.loyalty.coupon.wizard'].create({
            'order_id': new_order.id, 'coupon_code': card.code}).action_apply()
        reward_wizard = self.env['sale.loyalty.reward.wizard'].with_context(action['context']).create({})
        reward_wizard.selected_reward_id = reward_wizard.reward_ids[:1]
        reward_wizard.action_apply()
        self.assertAlmostEqual(new_order.amount_total, 420.0 * (1 + self.tax_rate) - value * 1.10, places=2)
        self._put_in_stock(self.product_desk, 1)
        new_order.action_confirm()
        self.assertAlmostEqual(card.points, 0.0, places=2)

    def test_rule_bonus_and_restocking_fee(self):
        self.env['customer.return.rule'].create({
            'name': "Store credit bonus 20%", 'company_id': self.company.id, 'action': 'review',
            'store_credit_bonus_percent': 20.0, 'restocking_fee_percent': 10.0})
        order, case = self._store_credit_case(reason_id=self.reason_not_needed.id)
        self.assertEqual((case.line_ids.store_credit_bonus_percent, case.line_ids.restocking_fee), (20.0, 30.0))
        notes, _action = self._credit(case)
        value = 270.0 * (1 + self.tax_rate)  # 300 less the 30 fee, taxed: 310.50
        self.assertAlmostEqual(notes.amount_total, value, places=2)
        self.assertAlmostEqual(notes.store_credit_card_id.points, value * 1.20, places=2)

    def test_ewallet_collects_the_store_credit_of_several_returns(self):
        ewallet = self.env['loyalty.program'].with_context(default_program_type='ewallet').create({
            'name': "eWallet (test)", 'company_id': self.company.id})
        self.company.return_store_credit_program_id = ewallet
        self.company.return_store_credit_bonus_percent = 0.0
        _order, first = self._store_credit_case(quantity=1)
        self._credit(first)
        _order, second = self._store_credit_case(quantity=1)
        self._credit(second)
        card = first.credit_note_ids.store_credit_card_id
        self.assertEqual(second.credit_note_ids.store_credit_card_id, card)
        self.assertEqual(self.env['loyalty.card'].search_count([('program_id', '=', ewallet.id)]), 1)
        self.assertAlmostEqual(card.points, 2 * 150.0 * (1 + self.tax_rate), places=2)
        self.assertAlmostEqual(second.store_credit_issued, 150.0 * (1 + self.tax_rate), places=2)

    def test_refund_and_store_credit_on_one_credit_note(self):
        order = self._paid_order([(self.product_chair, 2, 150.0), (self.product_desk, 1, 420.0)])
        chair, desk = order.order_line
        case = self._create_return({chair: 1, desk: 1}, order=order)
        case.line_ids.filtered(lambda line: line.sale_line_id == desk).disposition = 'store_credit'
        self._receive(self._submit_and_approve(case))
        notes, _action = self._credit(case)
        self.assertEqual(len(notes), 1)
        self.assertAlmostEqual(notes.amount_total, 570.0 * (1 + self.tax_rate), places=2)
        self.assertAlmostEqual(notes.store_credit_card_id.points, 420.0 * (1 + self.tax_rate) * 1.10, places=2)
        # the chair is refunded in money: that part of the credit note is still to pay
        self.assertEqual(notes.payment_state, 'partial')
        self.assertAlmostEqual(notes.amount_residual, 150.0 * (1 + self.tax_rate), places=2)


@tagged('post_install', '-at_install')
class TestPortalStoreCredit(portal_common.PortalCommon):

    def test_portal_page_shows_the_card_code(self):
        order = self._create_delivered_invoiced_order(self.customer, [(self.product_chair, 2, 150.0)])
        case = self._create_return({order.order_line: 1}, order=order, partner_id=self.customer_contact.id)
        case.line_ids.disposition = 'store_credit'
        self._receive(self._submit_and_approve(case))
        notes, _action = self._credit(case)
        card = notes.store_credit_card_id
        self._login(self.portal_a)
        page = self._get(case.access_url)
        self.assertInPage('o_ccr_store_credit', page.text)
        self.assertInPage(card.code, page.text)
        self._login(self.portal_b)
        self.assertForbiddenOrMissing(self._get(case.access_url))
