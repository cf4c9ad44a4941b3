"""Escalation of late return milestones: review overdue (approvers), received goods not settled
within the working days of Settings (finance for refunds, the warehouse for replacements), credit
note posted and not paid within the days of Settings (finance). Once per milestone.

Fixture calendar: Monday to Friday, 08:00-12:00 and 13:00-17:00 UTC; review time 16 working hours.
2026-11-02 is a Monday.
"""
from datetime import datetime

from odoo.tests import freeze_time, tagged
from odoo.tests.common import warmup

import return_common

REVIEW = 'customer_complaint_return.mail_act_return_review_escalation'
SETTLE = 'customer_complaint_return.mail_act_return_settle_escalation'
PAYMENT = 'customer_complaint_return.mail_act_return_payment_escalation'


@tagged('post_install', '-at_install')
class TestReturnEscalation(return_common.ReturnCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.approvers = cls._group_users(return_common.GROUP_APPROVER)
        cls.finance = cls._group_users('account.group_account_invoice')
        cls.warehouse_users = cls._group_users('stock.group_stock_user')

    @classmethod
    def _group_users(cls, xmlid):
        return cls.env['res.users'].search([
            ('all_group_ids', 'in', cls.env.ref(xmlid).ids), ('share', '=', False),
            ('company_ids', 'in', cls.company.ids)])

    def _escalate(self, when):
        with freeze_time(when):
            self.env['customer.return']._escalate_overdue_milestones()
        self.env.invalidate_all()

    def _activities(self, case, xmlid):
        return self.env['mail.activity'].search([
            ('res_model', '=', 'customer.return'), ('res_id', '=', case.id),
            ('activity_type_id', '=', self.env.ref(xmlid).id)])

    def _submitted(self, when='2026-11-02 09:00:00', **values):
        case = self._create_return({self.sale_line_chair: 2}, **values)
        with freeze_time(when):
            case.with_user(self.user_agent_1).action_submit()
        return case

    def _received(self, disposition='refund'):
        case = self._submitted()
        case.line_ids.disposition = disposition
        with freeze_time('2026-11-04 10:00:00'):
            case.with_user(self.user_manager).action_approve()
            self._receive(case.picking_ids)
        return case

    def test_review_overdue_goes_to_the_approvers(self):
        case = self._submitted()
        # 16 working hours from Monday 09:00: Monday 7h, Tuesday 15h, Wednesday 08:00-09:00.
        self.assertEqual(case.date_review_deadline, datetime(2026, 11, 4, 9, 0))
        self._escalate('2026-11-04 09:00:00')
        self.assertFalse(case.date_review_escalated)
        self._escalate('2026-11-04 09:30:00')
        self.assertEqual(case.date_review_escalated, datetime(2026, 11, 4, 9, 30))
        self.assertTrue(case.is_escalated)
        self.assertEqual(self.env['customer.return'].search([('id', '=', case.id), ('is_escalated', '=', True)]), case)
        activities = self._activities(case, REVIEW)
        self.assertEqual(activities.user_id, self.approvers)
        self.assertIn(self.user_approver, self.approvers)
        self.assertEqual(set(activities.mapped('summary')), {"Return review overdue"})
        note = case.message_ids.filtered(lambda message: 'Review overdue' in (message.body or ''))
        self.assertEqual(len(note), 1)
        self.assertIn("The request was not approved or rejected by its review deadline.", note.body)
        self._escalate('2026-11-05 09:30:00')
        self.assertEqual(self._activities(case, REVIEW), activities)
        # Approved: the approvers' reminders are done with at the next run.
        with freeze_time('2026-11-05 10:00:00'):
            case.with_user(self.user_approver).action_approve()
        self._escalate('2026-11-05 11:00:00')
        self.assertFalse(self._activities(case, REVIEW))
        self.assertEqual(len(case.message_ids.filtered(lambda message: 'Review overdue' in (message.body or ''))), 1)

    def test_received_refund_not_settled_goes_to_finance(self):
        case = self._received('refund')
        self.assertEqual(case.state, 'received')
        self.assertEqual(case.date_goods_received, datetime(2026, 11, 4, 10, 0))
        # 5 working days = 40h: Wednesday 6h, Thu 14h, Fri 22h, Mon 30h, Tue 38h, Wednesday 08:00-10:00.
        self.assertEqual(case.date_settle_deadline, datetime(2026, 11, 11, 10, 0))
        self._escalate('2026-11-11 09:59:00')
        self.assertFalse(case.date_settle_escalated)
        self._escalate('2026-11-11 10:30:00')
        self.assertEqual(self._activities(case, SETTLE).user_id, self.finance)
        self.assertIn(self.user_finance, self.finance)
        self.assertNotIn(self.user_warehouse, self.finance)
        note = case.message_ids.filtered(lambda message: 'Settlement overdue' in (message.body or ''))
        self.assertIn("The goods came back more than 5 working days ago and the return is not settled yet.",
                      note.body)

    def test_received_replacement_not_settled_goes_to_the_warehouse(self):
        case = self._received('replace')
        self._escalate('2026-11-11 10:30:00')
        self.assertEqual(self._activities(case, SETTLE).user_id, self.warehouse_users)
        self.assertIn(self.user_warehouse, self.warehouse_users)

    def test_posted_credit_note_not_paid_goes_to_finance(self):
        # The customer paid the invoice: the credit note is money to pay back.
        self.env['account.payment.register'].with_context(
            active_model='account.move', active_ids=self.invoice.ids).create({})._create_payments()
        case = self._received('refund')
        with freeze_time('2026-11-04 11:00:00'):
            notes, _action = self._credit(case)
        self.assertEqual((case.state, notes.payment_state, notes.date), ('done', 'not_paid', datetime(2026, 11, 4).date()))
        self._escalate('2026-11-17 10:00:00')
        self.assertFalse(case.date_payment_escalated)
        self.assertFalse(case.date_settle_escalated)  # done: nothing left to settle
        self._escalate('2026-11-18 10:00:00')
        self.assertEqual(self._activities(case, PAYMENT).user_id, self.finance)
        self.assertIn("A credit note of this return was posted more than 14 days ago and is not paid yet.",
                      case.message_ids.filtered(lambda message: 'Refund not paid' in (message.body or '')).body)
        # Paid: the reminder goes.
        self.env['account.payment.register'].with_context(
            active_model='account.move', active_ids=notes.ids).create({})._create_payments()
        self._escalate('2026-11-18 11:00:00')
        self.assertFalse(self._activities(case, PAYMENT))
        self.assertTrue(case.date_payment_escalated)

    def test_unpaid_refund_stays_escalated_beside_a_draft_note(self):
        """One rule selects and clears the unpaid-refund escalation: a second credit note in draft
        does not make the posted, unpaid one paid."""
        self.env['account.payment.register'].with_context(
            active_model='account.move', active_ids=self.invoice.ids).create({})._create_payments()
        case = self._received('refund')
        with freeze_time('2026-11-04 11:00:00'):
            notes, _action = self._credit(case)
        self._escalate('2026-11-18 10:00:00')
        activities = self._activities(case, PAYMENT)
        self.assertEqual(activities.user_id, self.finance)
        draft = notes.copy()
        draft.sudo().customer_return_id = case
        self.assertEqual((draft.state, case.credit_payment_state), ('draft', 'draft'))
        self._escalate('2026-11-18 11:00:00')
        self.assertEqual(self._activities(case, PAYMENT), activities)
        # paid, the escalation is over, whatever the draft
        self.env['account.payment.register'].with_context(
            active_model='account.move', active_ids=notes.ids).create({})._create_payments()
        self._escalate('2026-11-18 12:00:00')
        self.assertFalse(self._activities(case, PAYMENT))

    def test_resubmitted_return_escalates_again(self):
        case = self._submitted()
        self._escalate('2026-11-04 09:30:00')
        self.assertEqual(case.date_review_escalated, datetime(2026, 11, 4, 9, 30))
        with freeze_time('2026-11-04 10:00:00'):
            case.with_user(self.user_approver)._reject("Photos of the damage are missing.")
            case.with_user(self.user_approver).action_draft()
        self.assertRecordValues(case, [{'state': 'draft', 'date_review_escalated': False, 'is_escalated': False}])
        self.assertTrue(case.message_ids.filtered(lambda m: 'escalations of the earlier request are over' in (m.body or '')))
        with freeze_time('2026-11-09 09:00:00'):
            case.with_user(self.user_agent_1).action_submit()
        self.assertEqual(case.date_review_deadline, datetime(2026, 11, 11, 9, 0))
        self._escalate('2026-11-11 09:30:00')
        self.assertEqual(case.date_review_escalated, datetime(2026, 11, 11, 9, 30))
        self.assertEqual(len(case.message_ids.filtered(lambda m: 'Review overdue' in (m.body or ''))), 2)

    def test_thresholds_from_settings(self):
        self.company.write({'return_settle_days': 1, 'return_payment_days': 0})
        case = self._received('refund')
        # 1 working day = 8h from Wednesday 10:00: Thursday 10:00.
        self.assertEqual(case.date_settle_deadline, datetime(2026, 11, 5, 10, 0))
        self.company.return_settle_days = 2
        self.assertEqual(case.date_settle_deadline, datetime(2026, 11, 6, 10, 0))
        self.company.return_settle_days = 0
        self.assertFalse(case.date_settle_deadline)
        self._escalate('2026-12-30 10:00:00')
        self.assertFalse(case.date_settle_escalated)


@tagged('post_install', '-at_install')
class TestReturnEscalationQueries(return_common.ReturnCommon):
    """Escalating late reviews costs the same for 10 and for 100 returns."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partners = cls.env['res.partner'].create([{'name': f"Review customer {i}"} for i in range(10)])
        cls.cases = cls.env['customer.return'].with_context(tracking_disable=True).create([{
            'partner_id': partners[i % 10].id, 'reason_id': cls.reason_defective.id, 'user_id': cls.user_agent_1.id,
        } for i in range(100)])
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE customer_return SET state = 'to_approve', date_review_deadline = '2026-11-02 09:00' WHERE id IN %s",
            [tuple(cls.cases.ids)])
        cls.env.invalidate_all()

    def _escalate_cases(self, count, budget):
        self.env.cr.execute("UPDATE customer_return SET state = 'draft' WHERE id IN %s",
                            [tuple(self.cases.ids[count:]) or (0,)])
        self.env.invalidate_all()
        with freeze_time('2026-11-05 10:00:00'), self.assertQueryCount(budget):
            self.env['customer.return']._escalate_overdue_milestones()
        self.env.invalidate_all()
        self.assertTrue(all(self.cases[:count].mapped('date_review_escalated')))
        self.assertFalse(any(self.cases[count:].mapped('date_review_escalated')))

    @warmup
    def test_escalate_10_returns_query_budget(self):
        self._escalate_cases(10, 52)

    @warmup
    def test_escalate_100_returns_query_budget(self):
        self._escalate_cases(100, 56)
