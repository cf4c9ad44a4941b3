"""Compensation from a complaint: a coupon or gift card of Odoo's Loyalty app, or a goodwill credit
note reversing the complaint's invoice, issued at once within the author's limit, else approved or
refused by a complaint manager; logged on the case, shown on the portal, counted in the dashboard."""
import json
from datetime import date

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, tagged

import portal_common
import return_common

APPROVAL_ACTIVITY = 'customer_complaint_return.mail_act_compensation_approval'
HOSTILE_AMOUNTS = (float('nan'), float('inf'), float('-inf'), float('1e309'), -5.0, 0.0)


def _setup_compensation(cls):
    """Limits of the company (users 50, managers 500), a coupon program worth 1 per point and a
    gift card program, both of Odoo's Loyalty app with their own e-mail at creation."""
    cls.company.write({'complaint_compensation_limit_user': 50.0, 'complaint_compensation_limit_manager': 500.0})
    Program = cls.env['loyalty.program']
    cls.program_coupon = Program.with_context(default_program_type='coupons').create({
        'name': "Goodwill Coupons (test)", 'company_id': cls.company.id})
    # the Loyalty app's coupon program gives 10%: this one gives 1.00 per point
    cls.program_coupon.reward_ids.write({'discount_mode': 'per_point', 'discount': 1.0, 'required_points': 1})
    cls.program_gift = Program.with_context(default_program_type='gift_card').create({
        'name': "Goodwill Gift Cards (test)", 'company_id': cls.company.id})
    cls.goodwill_product = cls.env.ref('customer_complaint_return.product_goodwill_gesture')


def _offer(test, user, complaint, compensation_type, amount, program=None, invoice=None,
           reason="Sorry for the broken leg."):
    """Offer compensation as ``user`` does: the complaint's button, then its wizard."""
    action = complaint.with_user(user).action_offer_compensation()
    wizard_form = Form(test.env[action['res_model']].with_user(user).with_context(action['context']))
    wizard_form.compensation_type = compensation_type
    if program:
        wizard_form.program_id = program
    if invoice:
        wizard_form.invoice_id = invoice
    wizard_form.amount = amount
    wizard_form.reason = reason
    wizard_form.save().action_offer()
    return test.env['customer.complaint.compensation'].search([('complaint_id', '=', complaint.id)], limit=1)


@tagged('post_install', '-at_install')
class TestComplaintCompensation(return_common.ReturnCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        _setup_compensation(cls)
        cls.tax_rate = cls.tax_sale_a.amount / 100

    def _complaint(self, **values):
        """A complaint in progress about the order of 5 chairs, its invoice linked."""
        complaint = self._create_complaint(
            partner_id=self.customer_contact.id, sale_order_id=self.order.id, invoice_ids=self.invoice.ids, **values)
        complaint.action_start()
        return complaint

    def _offer(self, user, complaint, compensation_type, amount, **kwargs):
        return _offer(self, user, complaint, compensation_type, amount, **kwargs)

    def _cards_of(self, complaint):
        return self.env['loyalty.card'].search([('customer_complaint_id', '=', complaint.id)])

    def _card_mails(self, card):
        return self.env['mail.mail'].search([('model', '=', 'loyalty.card'), ('res_id', '=', card.id)])

    def _logs(self, complaint, title):
        return complaint.message_ids.filtered(lambda message: title in (message.body or ''))

    def _refunds(self):
        return self.env['account.move'].search_count([('move_type', '=', 'out_refund')])

    # ------------------------------------------------------------------
    # Coupons and gift cards
    # ------------------------------------------------------------------
    def test_coupon_within_the_limit_is_issued_at_once(self):
        complaint = self._complaint()
        compensation = self._offer(self.user_agent_1, complaint, 'coupon', 40.0, program=self.program_coupon)
        card = compensation.loyalty_card_id
        self.assertRecordValues(compensation, [{
            'state': 'issued', 'compensation_type': 'coupon', 'amount': 40.0, 'company_id': self.company.id,
            'requested_by': self.user_agent_1.id, 'approved_by': self.user_agent_1.id,
            'reason': "Sorry for the broken leg.", 'partner_id': self.customer.id,
        }])
        self.assertTrue(compensation.date_issued)
        self.assertRecordValues(card, [{
            'program_id': self.program_coupon.id, 'partner_id': self.customer.id, 'points': 40.0,
            'customer_complaint_id': complaint.id,
        }])
        self.assertEqual(self._cards_of(complaint), card)
        self.assertRecordValues(card.history_ids, [{
            'issued': 40.0, 'used': 0.0, 'order_model': 'customer.complaint', 'order_id': complaint.id}])
        self.assertFalse(compensation.activity_ids)
        self.assertEqual(complaint.compensation_count, 1)
        # the agent, without rights on Loyalty, reads the code of the card they issued, in the
        # offer's form and from the complaint's
        self.assertEqual(compensation.with_user(self.user_agent_1).card_code, card.code)
        self.assertEqual(Form(compensation.with_user(self.user_agent_1)).card_code, card.code)
        self.assertEqual(Form(complaint.with_user(self.user_agent_1)).compensation_count, 1)
        # the program's own e-mail takes the code to the customer
        mail = self._card_mails(card)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertIn(card.code, mail.body_html)
        # logged on the case
        log = self._logs(complaint, "Compensation issued")
        self.assertEqual(len(log), 1)
        self.assertIn(card.code, log.body)
        self.assertIn("Sorry for the broken leg.", log.body)

        # the coupon takes 40.00 off the customer's next order, as Sales applies any coupon
        new_order = self.env['sale.order'].create({
            'partner_id': self.customer.id,
            'order_line': [Command.create({'product_id': self.product_desk.id, 'product_uom_qty': 1,
                                           'price_unit': 420.0})],
        })
        before = new_order.amount_total  # 483.00 with 15%
        self.assertAlmostEqual(before, 420.0 * (1 + self.tax_rate), places=2)
        action = self.env['sale.loyalty.coupon.wizard'].create({
            'order_id': new_order.id, 'coupon_code': card.code}).action_apply()
        reward_wizard = self.env['sale.loyalty.reward.wizard'].with_context(action['context']).create({})
        reward_wizard.selected_reward_id = reward_wizard.reward_ids[:1]
        reward_wizard.action_apply()
        self.assertAlmostEqual(new_order.amount_total, before - 40.0, places=2)
        self._put_in_stock(self.product_desk, 1)
        new_order.action_confirm()
        self.assertAlmostEqual(card.points, 0.0, places=2)

    def test_gift_card_above_the_limit_waits_for_a_manager(self):
        complaint = self._complaint()
        compensation = self._offer(self.user_agent_1, complaint, 'gift_card', 120.0, program=self.program_gift)
        self.assertEqual(compensation.state, 'to_approve')
        self.assertFalse(compensation.loyalty_card_id)
        self.assertFalse(compensation.approved_by)
        self.assertFalse(self._cards_of(complaint))
        activities = compensation.activity_ids
        self.assertIn(self.user_manager, activities.user_id)
        self.assertNotIn(self.user_agent_1, activities.user_id)
        self.assertEqual(activities.activity_type_id, self.env.ref(APPROVAL_ACTIVITY))
        self.assertEqual(len(self._logs(complaint, "waiting for a manager's approval")), 1)

        # the agent can neither approve, nor refuse, nor write the decision
        agent_view = compensation.with_user(self.user_agent_1)
        with self.assertRaises(AccessError):
            agent_view.action_approve_compensation()
        with self.assertRaises(AccessError):
            agent_view.action_refuse_compensation()
        with self.assertRaises(AccessError):
            agent_view._refuse("Not worth it")
        for vals in ({'state': 'issued'}, {'approved_by': self.user_agent_1.id}, {'amount': 10.0}):
            with self.assertRaises(AccessError):
                agent_view.write(vals)
        self.assertEqual((compensation.state, compensation.amount), ('to_approve', 120.0))
        self.assertFalse(self._cards_of(complaint))

        compensation.with_user(self.user_manager).action_approve_compensation()
        card = compensation.loyalty_card_id
        self.assertRecordValues(compensation, [{
            'state': 'issued', 'requested_by': self.user_agent_1.id, 'approved_by': self.user_manager.id}])
        self.assertRecordValues(card, [{
            'program_id': self.program_gift.id, 'partner_id': self.customer.id, 'points': 120.0,
            'customer_complaint_id': complaint.id,
        }])
        self.assertFalse(compensation.activity_ids)
        mail = self._card_mails(card)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertIn(card.code, mail.body_html)
        self.assertEqual(len(self._logs(complaint, "Compensation issued")), 1)
        # approving again issues nothing twice
        with self.assertRaises(UserError):
            compensation.with_user(self.user_manager).action_approve_compensation()
        self.assertEqual(self._cards_of(complaint), card)
        self.assertEqual(card.points, 120.0)

    def test_manager_refuses_with_a_reason(self):
        complaint = self._complaint()
        compensation = self._offer(self.user_agent_1, complaint, 'coupon', 200.0, program=self.program_coupon)
        self.assertEqual(compensation.state, 'to_approve')
        with self.assertRaises(UserError):
            compensation.with_user(self.user_manager)._refuse("   ")
        action = compensation.with_user(self.user_manager).action_refuse_compensation()
        wizard_form = Form(self.env[action['res_model']].with_user(self.user_manager).with_context(action['context']))
        wizard_form.reason = "A coupon of 20.00 was already given for this order."
        wizard_form.save().action_confirm()
        self.assertRecordValues(compensation, [{
            'state': 'refused', 'refused_by': self.user_manager.id, 'approved_by': False,
            'refuse_reason': "A coupon of 20.00 was already given for this order.", 'loyalty_card_id': False,
        }])
        self.assertFalse(compensation.activity_ids)
        self.assertFalse(self._cards_of(complaint))
        log = self._logs(complaint, "Compensation refused")
        self.assertEqual(len(log), 1)
        self.assertIn("A coupon of 20.00 was already given for this order.", log.body)
        with self.assertRaises(UserError):
            compensation.with_user(self.user_manager).action_approve_compensation()
        self.assertEqual(compensation.state, 'refused')

    def test_limits_of_users_and_managers(self):
        complaint = self._complaint()
        Compensation = self.env['customer.complaint.compensation']
        # exactly the user's limit: at once
        at_limit = self._offer(self.user_agent_1, complaint, 'coupon', 50.0, program=self.program_coupon)
        self.assertEqual(at_limit.state, 'issued')
        # a manager within the managers' limit: at once, whatever the users' limit
        by_manager = self._offer(self.user_manager, complaint, 'gift_card', 450.0, program=self.program_gift)
        self.assertRecordValues(by_manager, [{'state': 'issued', 'approved_by': self.user_manager.id}])
        self.assertEqual(by_manager.loyalty_card_id.points, 450.0)
        # above the managers' limit: nobody may grant it, the offer is refused and nothing written
        for user in (self.user_agent_1, self.user_manager):
            with self.assertRaises(UserError):
                self._offer(user, complaint, 'gift_card', 500.01, program=self.program_gift)
        self.assertEqual(Compensation.search_count([('complaint_id', '=', complaint.id)]), 2)
        self.assertEqual(len(self._cards_of(complaint)), 2)
        # a limit lowered after the offer: the manager cannot approve above it
        waiting = self._offer(self.user_agent_1, complaint, 'coupon', 300.0, program=self.program_coupon)
        self.company.complaint_compensation_limit_manager = 250.0
        with self.assertRaises(UserError):
            waiting.with_user(self.user_manager).action_approve_compensation()
        self.assertEqual(waiting.state, 'to_approve')
        # no managers' limit (0): managers grant any amount
        self.company.complaint_compensation_limit_manager = 0.0
        big = self._offer(self.user_manager, complaint, 'gift_card', 2000.0, program=self.program_gift)
        self.assertEqual((big.state, big.loyalty_card_id.points), ('issued', 2000.0))
        # no users' limit (0): every offer of a complaint user waits for a manager
        self.company.complaint_compensation_limit_user = 0.0
        small = self._offer(self.user_agent_1, complaint, 'coupon', 1.0, program=self.program_coupon)
        self.assertEqual(small.state, 'to_approve')
        # limits cannot be negative, nor the users' above the managers'
        with self.assertRaises(ValidationError):
            self.company.complaint_compensation_limit_user = -1.0
        self.company.complaint_compensation_limit_manager = 100.0
        with self.assertRaises(ValidationError):
            self.company.complaint_compensation_limit_user = 100.01

    def test_what_a_card_is_worth_follows_the_program(self):
        complaint = self._complaint()
        Program = self.env['loyalty.program']
        fixed = Program.with_context(default_program_type='coupons').create({
            'name': "Coupon of 25 (test)", 'company_id': self.company.id})
        fixed.reward_ids.write({'discount_mode': 'per_order', 'discount': 25.0, 'required_points': 1})
        percent = Program.with_context(default_program_type='coupons').create({
            'name': "10% coupon (test)", 'company_id': self.company.id})
        # a coupon of a fixed amount: worth exactly its amount, one use
        with self.assertRaises(UserError):
            self._offer(self.user_agent_1, complaint, 'coupon', 30.0, program=fixed)
        compensation = self._offer(self.user_agent_1, complaint, 'coupon', 25.0, program=fixed)
        self.assertEqual(compensation.loyalty_card_id.points, 1.0)
        # a percentage is no amount of money; coupons of 1.00 per point are spent in whole points
        with self.assertRaises(UserError):
            self._offer(self.user_agent_1, complaint, 'coupon', 10.0, program=percent)
        with self.assertRaises(UserError):
            self._offer(self.user_agent_1, complaint, 'coupon', 12.5, program=self.program_coupon)
        # gift cards take cents
        gift = self._offer(self.user_agent_1, complaint, 'gift_card', 12.5, program=self.program_gift)
        self.assertEqual(gift.loyalty_card_id.points, 12.5)
        # the type decides the programs: no gift card program for a coupon, nor another company's
        with self.assertRaises(UserError):
            self._offer(self.user_agent_1, complaint, 'coupon', 10.0, program=self.program_gift)
        company_2 = self.setup_other_company(name="Compensation Test Other Co")['company']
        foreign = Program.with_context(default_program_type='gift_card').create({
            'name': "Gift cards elsewhere (test)", 'company_id': company_2.id})
        with self.assertRaises(UserError):
            self.env['customer.complaint.compensation'].with_user(self.user_agent_1).create({
                'complaint_id': complaint.id, 'compensation_type': 'gift_card', 'program_id': foreign.id,
                'amount': 10.0, 'reason': "Elsewhere"})
        self.assertEqual(len(self._cards_of(complaint)), 2)

    def test_ewallet_is_topped_up(self):
        complaint = self._complaint()
        ewallet = self.env['loyalty.program'].with_context(default_program_type='ewallet').create({
            'name': "eWallet (compensation test)", 'company_id': self.company.id})
        wallet = self.env['loyalty.card'].create({'program_id': ewallet.id, 'partner_id': self.customer.id,
                                                  'points': 10.0})
        compensation = self._offer(self.user_agent_1, complaint, 'gift_card', 30.0, program=ewallet)
        self.assertEqual(compensation.loyalty_card_id, wallet)
        self.assertEqual(wallet.points, 40.0)
        self.assertEqual(self.env['loyalty.card'].search_count([('program_id', '=', ewallet.id)]), 1)
        self.assertEqual(wallet.history_ids.filtered(lambda h: h.order_model == 'customer.complaint').issued, 30.0)

    # ------------------------------------------------------------------
    # Goodwill credit notes
    # ------------------------------------------------------------------
    def test_goodwill_credit_note_on_the_complaints_invoice(self):
        complaint = self._complaint()
        compensation = self._offer(self.user_agent_1, complaint, 'credit_note', 45.0, invoice=self.invoice)
        note = compensation.credit_note_id
        self.assertRecordValues(compensation, [{
            'state': 'issued', 'invoice_id': self.invoice.id, 'approved_by': self.user_agent_1.id,
            'loyalty_card_id': False}])
        self.assertRecordValues(note, [{
            'move_type': 'out_refund', 'state': 'draft', 'reversed_entry_id': self.invoice.id,
            'partner_id': self.invoice.partner_id.id, 'journal_id': self.invoice.journal_id.id,
            'currency_id': self.invoice.currency_id.id, 'amount_untaxed': 45.0, 'amount_tax': 0.0,
            'amount_total': 45.0,
        }])
        self.assertRecordValues(note.invoice_line_ids, [{
            'product_id': self.goodwill_product.id, 'quantity': 1.0, 'price_unit': 45.0, 'price_subtotal': 45.0,
            'price_total': 45.0, 'tax_ids': [], 'sale_line_ids': [],
        }])
        self.assertIn(complaint.name, note.ref)
        self.assertIn(complaint.name, note.invoice_line_ids.name)
        log = self._logs(complaint, "Compensation issued")
        self.assertEqual(len(log), 1)
        self.assertIn(f'data-oe-id="{note.id}"', log.body)
        # finance posts it in Invoicing; complaint users cannot
        with self.assertRaises(AccessError):
            note.with_user(self.user_agent_1).action_post()
        note.with_user(self.user_finance).action_post()
        self.assertEqual(note.state, 'posted')
        # Invoicing applies it to the unpaid invoice it reverses: the customer owes 45.00 less
        self.assertEqual(note.amount_residual, 0.0)
        self.assertAlmostEqual(self.invoice.amount_residual, 750.0 * (1 + self.tax_rate) - 45.0, places=2)
        # no goods came back: the order stays invoiced and delivered as before
        self.assertEqual((self.order.order_line.qty_delivered, self.order.order_line.qty_invoiced), (5.0, 5.0))
        self.assertEqual(self.order.invoice_ids, self.invoice)

    def test_goodwill_credit_note_above_the_limit_and_within_the_invoice(self):
        complaint = self._complaint()
        compensation = self._offer(self.user_agent_1, complaint, 'credit_note', 80.0, invoice=self.invoice)
        self.assertEqual((compensation.state, compensation.credit_note_id.id), ('to_approve', False))
        self.assertEqual(self.invoice.reversal_move_ids, self.env['account.move'])
        compensation.with_user(self.user_manager).action_approve_compensation()
        self.assertEqual(compensation.credit_note_id.amount_total, 80.0)
        # never more than the invoice's total left to credit (862.50 - 80.00 = 782.50)
        self.company.complaint_compensation_limit_manager = 0.0
        self.assertAlmostEqual(self.invoice.amount_total, 750.0 * (1 + self.tax_rate), places=2)
        with self.assertRaises(UserError):
            self._offer(self.user_manager, complaint, 'credit_note', 782.51, invoice=self.invoice)
        rest = self._offer(self.user_manager, complaint, 'credit_note', 782.5, invoice=self.invoice)
        self.assertEqual(rest.credit_note_id.amount_total, 782.5)
        self.assertEqual(len(self.invoice.reversal_move_ids), 2)

    def test_settings_give_the_limits_and_the_goodwill_product(self):
        own_goodwill = self.env['product.product'].create({
            'name': "Commercial Gesture (test)", 'type': 'service', 'taxes_id': [Command.clear()]})
        settings = Form(self.env['res.config.settings'])
        settings.complaint_compensation_limit_user = 30.0
        settings.complaint_compensation_limit_manager = 300.0
        settings.complaint_goodwill_product_id = own_goodwill
        settings.save().execute()
        self.assertRecordValues(self.company, [{
            'complaint_compensation_limit_user': 30.0, 'complaint_compensation_limit_manager': 300.0,
            'complaint_goodwill_product_id': own_goodwill.id}])
        complaint = self._complaint()
        waiting = self._offer(self.user_agent_1, complaint, 'credit_note', 30.01, invoice=self.invoice)
        self.assertEqual(waiting.state, 'to_approve')
        issued = self._offer(self.user_agent_1, complaint, 'credit_note', 30.0, invoice=self.invoice)
        self.assertEqual(issued.credit_note_id.invoice_line_ids.product_id, own_goodwill)
        # without a product of its own, the company uses the addon's Goodwill Gesture
        self.company.complaint_goodwill_product_id = False
        self.assertEqual(self.company._get_complaint_goodwill_product(), self.goodwill_product)
        self.assertRecordValues(self.goodwill_product, [{'type': 'service', 'taxes_id': [], 'sale_ok': False}])

    def test_invoice_of_another_customer_is_refused(self):
        complaint = self._complaint()
        other_invoice = self._create_delivered_invoiced_order(
            self.other_customer, [(self.product_desk, 1, 420.0)]).invoice_ids
        unrelated_invoice = self._create_delivered_invoiced_order(
            self.customer, [(self.product_desk, 1, 420.0)]).invoice_ids
        refunds = self._refunds()
        for invoice in (other_invoice, unrelated_invoice):
            with self.subTest(invoice=invoice.name):
                with self.assertRaisesRegex(UserError, "is not a posted invoice of"):
                    self._offer(self.user_agent_1, complaint, 'credit_note', 20.0, invoice=invoice)
                with self.assertRaisesRegex(UserError, "is not a posted invoice of"):
                    self.env['customer.complaint.compensation'].with_user(self.user_agent_1).create({
                        'complaint_id': complaint.id, 'compensation_type': 'credit_note',
                        'invoice_id': invoice.id, 'amount': 20.0, 'reason': "RPC"})
        self.assertFalse(complaint.compensation_ids)
        self.assertEqual(self._refunds(), refunds)
        self.assertFalse(other_invoice.reversal_move_ids | unrelated_invoice.reversal_move_ids)
        # the invoice of the complaint's order counts even when not linked to the complaint
        complaint.invoice_ids = [Command.clear()]
        compensation = self._offer(self.user_agent_1, complaint, 'credit_note', 20.0, invoice=self.invoice)
        self.assertEqual(compensation.credit_note_id.reversed_entry_id, self.invoice)

    # ------------------------------------------------------------------
    # Guards
    # ------------------------------------------------------------------
    def test_hostile_amounts_are_refused_and_nothing_written(self):
        complaint = self._complaint()
        Compensation = self.env['customer.complaint.compensation'].with_user(self.user_agent_1)
        Offer = self.env['customer.complaint.compensation.offer'].with_user(self.user_agent_1)
        refunds = self._refunds()
        cards = self.env['loyalty.card'].search_count([])
        for amount in HOSTILE_AMOUNTS:
            for compensation_type, extra in (('coupon', {'program_id': self.program_coupon.id}),
                                             ('credit_note', {'invoice_id': self.invoice.id})):
                vals = {'complaint_id': complaint.id, 'compensation_type': compensation_type, 'amount': amount,
                        'reason': "Hostile", **extra}
                with self.subTest(amount=amount, compensation_type=compensation_type):
                    with self.assertRaises(ValidationError):
                        Compensation.create(vals)
                    with self.assertRaises(ValidationError):
                        Offer.create(vals)
        self.assertEqual(self.env['customer.complaint.compensation'].search_count([]), 0)
        self.assertEqual(self.env['loyalty.card'].search_count([]), cards)
        self.assertEqual(self._refunds(), refunds)
        self.assertFalse(self._logs(complaint, "Compensation"))

    def test_only_complaints_in_progress_or_resolved(self):
        new = self._create_complaint(partner_id=self.customer_contact.id, sale_order_id=self.order.id)
        cancelled = self._complaint()
        cancelled._cancel("Duplicate")
        closed = self._complaint(resolution="<p>Settled.</p>")
        closed.action_resolve()
        closed.action_close()
        for complaint in (new, cancelled, closed):
            with self.subTest(state=complaint.state):
                with self.assertRaises(UserError):
                    complaint.with_user(self.user_agent_1).action_offer_compensation()
                with self.assertRaises(UserError):
                    self.env['customer.complaint.compensation'].with_user(self.user_agent_1).create({
                        'complaint_id': complaint.id, 'compensation_type': 'coupon',
                        'program_id': self.program_coupon.id, 'amount': 10.0, 'reason': "RPC"})
        self.assertEqual(self.env['customer.complaint.compensation'].search_count([]), 0)
        resolved = self._complaint(resolution="<p>A new chair was sent.</p>")
        resolved.action_resolve()
        self.assertEqual(
            self._offer(self.user_agent_1, resolved, 'coupon', 10.0, program=self.program_coupon).state, 'issued')

    def test_offers_are_not_changed_once_made(self):
        complaint = self._complaint()
        compensation = self._offer(self.user_agent_1, complaint, 'coupon', 40.0, program=self.program_coupon)
        for user in (self.user_agent_1, self.user_manager):
            for vals in ({'amount': 400.0}, {'program_id': self.program_gift.id}, {'compensation_type': 'gift_card'},
                         {'state': 'to_approve'}, {'loyalty_card_id': False}):
                with self.subTest(user=user.login, vals=vals), self.assertRaises(AccessError):
                    compensation.with_user(user).write(vals)
            with self.assertRaises(AccessError):
                compensation.with_user(user).unlink()
        self.assertRecordValues(compensation, [{'amount': 40.0, 'state': 'issued', 'compensation_type': 'coupon'}])
        # an employee outside complaints offers nothing; nor may anybody create an offer already issued
        with self.assertRaises(AccessError):
            self.env['customer.complaint.compensation'].with_user(self.user_employee).create({
                'complaint_id': complaint.id, 'compensation_type': 'coupon', 'program_id': self.program_coupon.id,
                'amount': 10.0, 'reason': "RPC"})
        with self.assertRaises(AccessError):
            self.env['customer.complaint.compensation'].with_user(self.user_agent_1).create({
                'complaint_id': complaint.id, 'compensation_type': 'coupon', 'program_id': self.program_coupon.id,
                'amount': 400.0, 'reason': "RPC", 'state': 'issued', 'approved_by': self.user_agent_1.id})
        self.assertEqual(len(complaint.compensation_ids), 1)

    # ------------------------------------------------------------------
    # Dashboard
    # ------------------------------------------------------------------
    def test_dashboard_counts_what_was_issued_in_the_company(self):
        complaint = self._complaint()
        self._offer(self.user_manager, complaint, 'coupon', 40.0, program=self.program_coupon)  # issued
        approved = self._offer(self.user_agent_1, complaint, 'gift_card', 120.0, program=self.program_gift)
        approved.with_user(self.user_manager).action_approve_compensation()  # issued
        refused = self._offer(self.user_agent_1, complaint, 'coupon', 200.0, program=self.program_coupon)
        refused.with_user(self.user_manager)._refuse("Too much")
        self._offer(self.user_agent_1, complaint, 'credit_note', 300.0, invoice=self.invoice)  # waiting
        # another company's compensation, issued
        company_2 = self.setup_other_company(name="Compensation Dashboard Other Co")['company']
        env_2 = self.env(context=dict(self.env.context, allowed_company_ids=[company_2.id, self.company.id]))
        program_2 = env_2['loyalty.program'].with_context(default_program_type='gift_card').create({
            'name': "Gift cards of company 2 (test)", 'company_id': company_2.id})
        complaint_2 = env_2['customer.complaint'].create({
            'partner_id': self.customer.id, 'subject': "Elsewhere", 'company_id': company_2.id})
        complaint_2.action_start()
        other = env_2['customer.complaint.compensation'].create({
            'complaint_id': complaint_2.id, 'compensation_type': 'gift_card', 'program_id': program_2.id,
            'amount': 70.0, 'reason': "Elsewhere"})
        self.assertEqual((other.state, other.company_id), ('issued', company_2))

        Dashboard = env_2['customer.complaint.dashboard']
        dashboard = Dashboard.create({'company_id': self.company.id})
        self.assertEqual((dashboard.compensation_count, dashboard.compensation_amount), (2, 160.0))
        self.assertEqual(dashboard.compensation_currency_id, self.company.currency_id)
        dashboard_2 = Dashboard.create({'company_id': company_2.id})
        self.assertEqual((dashboard_2.compensation_count, dashboard_2.compensation_amount), (1, 70.0))
        # another period: nothing
        dashboard.write({'date_from': date(2020, 1, 1), 'date_to': date(2020, 12, 31)})
        self.assertEqual((dashboard.compensation_count, dashboard.compensation_amount), (0, 0.0))
        # the digest's figures and the drill-down list agree
        today = fields.Date.context_today(dashboard)
        figures = Dashboard._get_figures(self.company, today, today)
        self.assertEqual(figures['compensations'], {'count': 2, 'amount': 160.0})
        dashboard.write({'date_from': today, 'date_to': today})
        action = dashboard.action_view_compensations()
        listed = env_2['customer.complaint.compensation'].search(action['domain'])
        self.assertEqual(sorted(listed.mapped('amount')), [40.0, 120.0])


@tagged('post_install', '-at_install')
class TestComplaintCompensationPortal(portal_common.PortalCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        _setup_compensation(cls)

    def _call_kw(self, model, method, args, number_literal):
        """POST /web/dataset/call_kw with a raw JSON body whose "AMOUNT" is ``number_literal``."""
        body = json.dumps({'jsonrpc': '2.0', 'method': 'call', 'id': 1, 'params': {
            'model': model, 'method': method, 'args': args, 'kwargs': {}}}).replace('"AMOUNT"', number_literal)
        response = self.url_open(f'/web/dataset/call_kw/{model}/{method}', data=body,
                                 headers={'Content-Type': 'application/json'})
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_portal_page_shows_the_code_and_amount_of_what_was_issued(self):
        complaint = self.complaint_a  # resolved
        gift = _offer(self, self.user_manager, complaint, 'gift_card', 80.0, program=self.program_gift)
        waiting = _offer(self, self.user_agent_1, complaint, 'coupon', 333.0, program=self.program_coupon)
        goodwill = _offer(self, self.user_agent_1, complaint, 'credit_note', 45.0, invoice=self.invoice)
        self.assertEqual((gift.state, waiting.state, goodwill.state), ('issued', 'to_approve', 'issued'))
        card = gift.loyalty_card_id
        self._login(self.portal_a)
        page = self._get(complaint.access_url).text
        self.assertInPage("Our compensation", page)
        self.assertInPage(card.code, page)
        self.assertInPage("80.00", page)
        self.assertInPage("Gift Card", page)
        self.assertInPage("45.00", page)
        self.assertInPage("being prepared by our accounting", page)
        self.assertNotInPage("333.00", page)
        # once finance posts it, the customer sees the credit note
        goodwill.credit_note_id.with_user(self.user_finance).action_post()
        page = self._get(complaint.access_url).text
        self.assertInPage(goodwill.credit_note_id.name, page)
        self.assertEqual(page.count('o_ccr_compensation_line'), 2)
        # the other customer sees nothing of it
        self._login(self.portal_b)
        self.assertForbiddenOrMissing(self._get(complaint.access_url))
        page_b = self._get(self.complaint_b.access_url).text
        self.assertNotInPage(card.code, page_b)
        self.assertNotInPage("Our compensation", page_b)

    def test_json_rpc_hostile_amounts_write_nothing(self):
        self.authenticate(self.user_agent_1.login, self.user_agent_1.login)
        vals = {'complaint_id': self.complaint_a.id, 'compensation_type': 'gift_card',
                'program_id': self.program_gift.id, 'amount': "AMOUNT", 'reason': "RPC"}
        for literal in ('NaN', 'Infinity', '-Infinity', '1e309', '-5', '0'):
            with self.subTest(amount=literal):
                reply = self._call_kw('customer.complaint.compensation', 'create', [vals], literal)
                self.assertIn('error', reply, reply)
                self.assertEqual(reply['error']['data']['name'], 'odoo.exceptions.ValidationError')
        self.assertFalse(self.env['customer.complaint.compensation'].search([]))
        self.assertFalse(self.env['loyalty.card'].search([('customer_complaint_id', '=', self.complaint_a.id)]))
