"""Recurring complaints: the third complaint about a product with the same root cause within the
window proposes one corrective action linking them all; the fourth joins it; another cause, another
product, an old complaint or another company's complaint does not count."""
from datetime import datetime, timedelta

from odoo.fields import Command
from odoo.tests import freeze_time, tagged

import common

NOW = '2026-11-20 10:00:00'


@tagged('post_install', '-at_install')
class TestComplaintRecurrence(common.ComplaintCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Cause = cls.env['customer.complaint.cause']
        cls.cause_packaging = Cause.create({'name': "Packaging (test)", 'company_id': cls.company.id})
        cls.cause_supplier = Cause.create({'name': "Supplier defect (test)", 'company_id': cls.company.id})
        cls.category_quality.default_team_id = cls.team_specialists
        cls.Action = cls.env['customer.corrective.action']

    def _complaint(self, days_ago=1, product=None, cause=None, **values):
        return self._create_complaint(
            date_received=datetime(2026, 11, 20, 9, 0) - timedelta(days=days_ago),
            category_id=self.category_quality.id,
            product_ids=[Command.set((product or self.product_chair).ids)],
            root_cause_id=(cause or self.cause_packaging).id,
            **values)

    def _recurrence_actions(self):
        return self.Action.search([('origin', '=', 'recurrence'), ('company_id', '=', self.company.id)])

    @freeze_time(NOW)
    def test_third_opens_one_action_fourth_joins_other_cause_does_not(self):
        first = self._complaint(days_ago=20)
        second = self._complaint(days_ago=10)
        self.assertFalse(self._recurrence_actions())
        third = self._complaint(days_ago=1)
        action = self._recurrence_actions()
        self.assertEqual(len(action), 1)
        self.assertRecordValues(action, [{
            'state': 'open',
            'cluster_product_id': self.product_chair.id,
            'product_ids': self.product_chair.ids,
            'root_cause_id': self.cause_packaging.id,
            'category_id': self.category_quality.id,
            'user_id': self.user_specialist.id,  # leader of the category's team
            'complaint_ids': (first | second | third).ids,
        }])
        self.assertEqual(action.title, "Recurring: Office Chair - Packaging (test)")
        self.assertIn("Proposed after 3 complaints about Office Chair with the root cause Packaging (test) "
                      "within 30 days", action.message_ids[0].body)
        for complaint in first | second | third:
            self.assertEqual(complaint.corrective_action_ids, action)
            self.assertIn(action.name, complaint.message_ids[0].body)
        owner_activity = action.activity_ids
        self.assertEqual(owner_activity.user_id, self.user_specialist)

        fourth = self._complaint(days_ago=0)
        self.assertEqual(self._recurrence_actions(), action)
        self.assertEqual(action.complaint_ids, first | second | third | fourth)
        self.assertIn("Recurring complaints joined this action", action.message_ids[0].body)

        other_cause = self._complaint(days_ago=0, cause=self.cause_supplier)
        other_product = self._complaint(days_ago=0, product=self.product_desk)
        self.assertEqual(self._recurrence_actions(), action)
        self.assertFalse(other_cause.corrective_action_ids)
        self.assertFalse(other_product.corrective_action_ids)
        self.assertEqual(len(action.complaint_ids), 4)

    @freeze_time(NOW)
    def test_old_and_cancelled_complaints_do_not_count(self):
        self._complaint(days_ago=45)  # outside the 30-day window
        cancelled = self._complaint(days_ago=3)
        cancelled._cancel("Duplicate")
        self._complaint(days_ago=2)
        self._complaint(days_ago=1)
        self.assertFalse(self._recurrence_actions())
        self._complaint(days_ago=0)
        self.assertEqual(len(self._recurrence_actions().complaint_ids), 3)

    @freeze_time(NOW)
    def test_cause_found_later_triggers(self):
        self._complaint(days_ago=5)
        self._complaint(days_ago=4)
        open_question = self._complaint(days_ago=3, cause=self.cause_supplier)
        self.assertFalse(self._recurrence_actions())
        open_question.root_cause_id = self.cause_packaging  # the investigation found the cause
        action = self._recurrence_actions()
        self.assertEqual(len(action.complaint_ids), 3)
        self.assertIn(open_question, action.complaint_ids)

    @freeze_time(NOW)
    def test_batch_of_complaints_opens_one_action(self):
        complaints = self.env['customer.complaint'].create([{
            'partner_id': self.customer.id,
            'date_received': datetime(2026, 11, 19, 9, 0),
            'category_id': self.category_quality.id,
            'product_ids': [Command.set(self.product_chair.ids)],
            'root_cause_id': self.cause_packaging.id,
        } for _i in range(4)])
        action = self._recurrence_actions()
        self.assertEqual(len(action), 1)
        self.assertEqual(action.complaint_ids, complaints)

    @freeze_time(NOW)
    def test_category_as_the_cause(self):
        self.company.complaint_recurrence_basis = 'category'
        complaints = self.env['customer.complaint'].browse([
            self._create_complaint(
                date_received=datetime(2026, 11, 19, 9, 0), category_id=self.category_delay.id,
                product_ids=[Command.set(self.product_desk.ids)]).id
            for _i in range(3)])
        action = self._recurrence_actions()
        self.assertRecordValues(action, [{
            'category_id': self.category_delay.id, 'root_cause_id': False,
            'cluster_product_id': self.product_desk.id, 'complaint_ids': complaints.ids,
            'user_id': self.user_manager.id,  # no team on the category: the leader of the complaints' team
        }])
        self.assertIn("in the category Delivery Delay", action.message_ids[0].body)

    @freeze_time(NOW)
    def test_settings_count_window_and_off(self):
        self.company.write({'complaint_recurrence_count': 2, 'complaint_recurrence_days': 7})
        self._complaint(days_ago=8)
        self._complaint(days_ago=6)
        self.assertFalse(self._recurrence_actions())
        self._complaint(days_ago=1)
        self.assertEqual(len(self._recurrence_actions().complaint_ids), 2)
        self.company.complaint_recurrence_count = 0
        self._complaint(days_ago=0, product=self.product_desk)
        self._complaint(days_ago=0, product=self.product_desk)
        self._complaint(days_ago=0, product=self.product_desk)
        self.assertEqual(len(self._recurrence_actions()), 1)

    @freeze_time(NOW)
    def test_verified_action_is_not_joined(self):
        for days_ago in (3, 2, 1):
            self._complaint(days_ago=days_ago)
        action = self._recurrence_actions()
        action.action_done()
        action.with_user(self.user_manager).action_verify_effective()
        later = self._complaint(days_ago=0)
        self.assertEqual(self._recurrence_actions(), action)
        self.assertFalse(later.corrective_action_ids)
        self.assertEqual(len(action.complaint_ids), 3)

    @freeze_time(NOW)
    def test_other_company_does_not_count(self):
        company_2 = self.env['res.company'].create({'name': "Recurrence Co 2"})
        cause_2 = self.env['customer.complaint.cause'].sudo().create({'name': "Packaging", 'company_id': company_2.id})
        Complaint_2 = self.env['customer.complaint'].sudo()
        for _i in range(2):
            Complaint_2.create({
                'partner_id': self.customer.id, 'company_id': company_2.id,
                'date_received': datetime(2026, 11, 19, 9, 0),
                'product_ids': [Command.set(self.product_chair.ids)], 'root_cause_id': cause_2.id})
        self._complaint(days_ago=1)
        self._complaint(days_ago=1)
        self.assertFalse(self.Action.sudo().search([('origin', '=', 'recurrence')]))
        third_2 = Complaint_2.create({
            'partner_id': self.customer.id, 'company_id': company_2.id,
            'date_received': datetime(2026, 11, 19, 9, 0),
            'product_ids': [Command.set(self.product_chair.ids)], 'root_cause_id': cause_2.id})
        action_2 = self.Action.sudo().search([('origin', '=', 'recurrence')])
        self.assertEqual(action_2.company_id, company_2)
        self.assertEqual(len(action_2.complaint_ids), 3)
        self.assertIn(third_2, action_2.complaint_ids)
        self.assertFalse(self._recurrence_actions())
