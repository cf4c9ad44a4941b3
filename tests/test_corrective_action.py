"""Corrective actions: owner and due date with the owner's activity, the process from open to
verified (or not effective and reopened), the complaint that cannot close while its required
action is pending, and who may verify, tried with real users of each group."""
from datetime import date, datetime

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import freeze_time, new_test_user, tagged

import common

OWNER_ACTIVITY = 'customer_complaint_return.mail_act_corrective_action'
VERIFY_ACTIVITY = 'customer_complaint_return.mail_act_corrective_action_verify'


@tagged('post_install', '-at_install')
class TestCorrectiveAction(common.ComplaintCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cause_packaging = cls.env['customer.complaint.cause'].create(
            {'name': "Packaging (test)", 'company_id': cls.company.id})
        cls.user_manager_2 = new_test_user(
            cls.env, login='ccr_manager_2', name="Second Manager", groups=f'base.group_user,{common.GROUP_MANAGER}',
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])
        cls.category_quality.write({'default_team_id': cls.team_specialists.id})

    def _create_action(self, user=None, **values):
        env = self.env(user=user) if user else self.env
        return env['customer.corrective.action'].create({
            'title': "Ship lamps with corner protectors",
            'root_cause_id': self.cause_packaging.id,
            'date_deadline': date(2026, 11, 20),
            **values,
        })

    def _activities(self, action, xmlid):
        return action.activity_ids.filtered(lambda activity: activity.activity_type_id == self.env.ref(xmlid))

    # ------------------------------------------------------------------
    # Owner, due date, reminders
    # ------------------------------------------------------------------
    def test_reference_owner_activity_and_reminder(self):
        action = self._create_action(user=self.user_agent_1)
        self.assertRegex(action.name, r'^CA/\d{4}/\d{5}$')
        self.assertEqual((action.state, action.origin, action.user_id), ('open', 'manual', self.user_agent_1))
        activity = self._activities(action, OWNER_ACTIVITY)
        self.assertRecordValues(activity, [{
            'user_id': self.user_agent_1.id, 'date_deadline': date(2026, 11, 20),
            'summary': "Ship lamps with corner protectors"}])
        # New due date and new owner: the same to-do moves.
        action.write({'date_deadline': date(2026, 11, 27), 'user_id': self.user_agent_2.id})
        self.assertEqual(self._activities(action, OWNER_ACTIVITY), activity)
        self.assertRecordValues(activity, [{'user_id': self.user_agent_2.id, 'date_deadline': date(2026, 11, 27)}])
        # The reminder: the to-do is late once the action is due, and the action is overdue.
        with freeze_time('2026-11-28 09:00:00'):
            action.invalidate_recordset(['is_overdue'])
            activity.invalidate_recordset(['state'])
            self.assertEqual(activity.state, 'overdue')
            self.assertTrue(action.is_overdue)
            self.assertEqual(self.env['customer.corrective.action'].search(
                [('id', '=', action.id), ('is_overdue', '=', True)]), action)
        with freeze_time('2026-11-27 09:00:00'):
            action.invalidate_recordset(['is_overdue'])
            self.assertFalse(action.is_overdue)

    def test_process_to_verified(self):
        action = self._create_action(user=self.user_agent_1, verifier_id=self.user_manager.id)
        with freeze_time('2026-11-10 10:00:00'):
            action.action_start()
            self.assertEqual(action.state, 'in_progress')
            action.action_done()
        self.assertRecordValues(action, [{
            'state': 'done', 'date_done': datetime(2026, 11, 10, 10, 0), 'date_verification': date(2026, 12, 10)}])
        self.assertFalse(self._activities(action, OWNER_ACTIVITY))  # done with, kept in the chatter
        verify = self._activities(action, VERIFY_ACTIVITY)
        self.assertRecordValues(verify, [{'user_id': self.user_manager.id, 'date_deadline': date(2026, 12, 10)}])
        with freeze_time('2026-12-10 11:00:00'):
            action.with_user(self.user_manager).action_verify_effective()
        self.assertRecordValues(action, [{
            'state': 'verified', 'verification_result': 'effective', 'verified_user_id': self.user_manager.id,
            'date_verified': datetime(2026, 12, 10, 11, 0)}])
        self.assertFalse(self._activities(action, VERIFY_ACTIVITY))

    def test_not_effective_then_reopened(self):
        action = self._create_action(user=self.user_agent_1)
        action.action_done()
        action.with_user(self.user_agent_2).action_verify_not_effective()
        self.assertRecordValues(action, [{'state': 'not_effective', 'verification_result': 'not_effective'}])
        action.action_reopen()
        self.assertRecordValues(action, [{
            'state': 'reopened', 'reopen_count': 1, 'verification_result': False, 'date_done': False}])
        self.assertEqual(len(self._activities(action, OWNER_ACTIVITY)), 1)
        action.action_done()
        self.assertEqual(action.state, 'done')

    def test_wrong_states_are_refused(self):
        action = self._create_action()
        for method in ('action_verify_effective', 'action_verify_not_effective', 'action_reopen', 'action_set_open'):
            with self.subTest(method=method), self.assertRaises(UserError):
                getattr(action, method)()
        self.assertEqual(action.state, 'open')
        action.action_done()
        for method in ('action_start', 'action_done', 'action_cancel'):
            with self.subTest(method=method), self.assertRaises(UserError):
                getattr(action, method)()
        self.assertEqual(action.state, 'done')

    def test_cancel_and_open_again(self):
        action = self._create_action(user=self.user_agent_1)
        action.action_cancel()
        self.assertEqual(action.state, 'cancelled')
        self.assertFalse(action.activity_ids)
        action.action_set_open()
        self.assertEqual(action.state, 'open')
        self.assertEqual(len(self._activities(action, OWNER_ACTIVITY)), 1)

    # ------------------------------------------------------------------
    # The complaint and its actions
    # ------------------------------------------------------------------
    def _resolved_complaint(self, **values):
        complaint = self._create_complaint(resolution="<p>Replaced.</p>", **values)
        complaint.action_resolve()
        return complaint

    def test_category_requires_an_action_to_close(self):
        self.category_quality.corrective_action_required = True
        complaint = self._resolved_complaint(category_id=self.category_quality.id)
        self.assertTrue(complaint.corrective_action_required)
        with self.assertRaisesRegex(UserError, "needs a corrective action carried out"):
            complaint.action_close()
        action = self._create_action(complaint_ids=[Command.link(complaint.id)])
        self.assertEqual((complaint.corrective_action_count, complaint.corrective_action_ids), (1, action))
        with self.assertRaisesRegex(UserError, f"while its corrective actions {action.name} are not carried out"):
            complaint.action_close()
        self.assertEqual(complaint.state, 'resolved')
        action.action_done()
        complaint.action_close()
        self.assertEqual(complaint.state, 'closed')

    def test_severity_requires_an_action_to_close(self):
        self.company.complaint_corrective_severity = 'high'
        normal = self._resolved_complaint(severity='normal')
        critical = self._resolved_complaint(severity='critical')
        self.assertEqual((normal.corrective_action_required, critical.corrective_action_required), (False, True))
        normal.action_close()
        with self.assertRaises(UserError):
            critical.action_close()
        # A cancelled action does not count.
        action = self._create_action(complaint_ids=[Command.link(critical.id)])
        action.action_cancel()
        with self.assertRaises(UserError):
            critical.action_close()
        self.assertEqual(critical.state, 'resolved')

    def test_without_requirement_pending_actions_do_not_block(self):
        complaint = self._resolved_complaint(category_id=self.category_delay.id)
        self._create_action(complaint_ids=[Command.link(complaint.id)])
        complaint.action_close()
        self.assertEqual(complaint.state, 'closed')

    def test_complaint_shows_its_actions(self):
        complaint = self._create_complaint(
            category_id=self.category_quality.id, product_ids=[Command.set(self.product_chair.ids)],
            responsible_department="Warehouse")
        complaint.root_cause_id = self.cause_packaging
        action = complaint.action_view_corrective_actions()
        self.assertEqual(action['res_model'], 'customer.corrective.action')
        self.assertEqual(action['domain'], [('complaint_ids', 'in', complaint.ids)])
        # A new action from the smart button starts from the complaint.
        new = self.env['customer.corrective.action'].with_context(action['context']).create({})
        self.assertRecordValues(new, [{
            'title': complaint.subject, 'complaint_ids': complaint.ids, 'root_cause_id': self.cause_packaging.id,
            'category_id': self.category_quality.id, 'product_ids': self.product_chair.ids,
            'responsible_department': "Warehouse", 'verifier_id': self.user_specialist.id}])
        self.assertEqual(complaint.corrective_action_count, 1)
        view = new.action_view_complaints()
        self.assertEqual((view['res_model'], view['res_id']), ('customer.complaint', complaint.id))

    # ------------------------------------------------------------------
    # Rights, with real users
    # ------------------------------------------------------------------
    def test_owner_cannot_verify_when_category_requires_a_manager(self):
        self.category_quality.corrective_action_manager_verify = True
        action = self._create_action(user=self.user_agent_1, category_id=self.category_quality.id)
        action.with_user(self.user_agent_1).action_done()
        self.assertTrue(action.requires_manager_verification)
        # the owner, another agent, and a manager who owns it may not verify it
        for user in (self.user_agent_1, self.user_agent_2):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                action.with_user(user).action_verify_effective()
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                action.with_user(user).write({'state': 'verified'})
        managed = self._create_action(user=self.user_manager, category_id=self.category_quality.id)
        managed.action_done()
        with self.assertRaisesRegex(AccessError, "You own"):
            managed.with_user(self.user_manager).action_verify_not_effective()
        self.assertEqual((action.state, managed.state), ('done', 'done'))
        # another manager verifies both
        action.with_user(self.user_manager).action_verify_effective()
        managed.with_user(self.user_manager_2).action_verify_not_effective()
        self.assertEqual((action.state, managed.state), ('verified', 'not_effective'))
        self.assertEqual(action.verified_user_id, self.user_manager)

    def test_owner_verifies_when_category_does_not_require_a_manager(self):
        action = self._create_action(user=self.user_agent_1, category_id=self.category_delay.id)
        action.with_user(self.user_agent_1).action_done()
        action.with_user(self.user_agent_1).action_verify_effective()
        self.assertEqual(action.state, 'verified')

    def test_agents_work_on_actions_but_do_not_delete(self):
        action = self._create_action(user=self.user_agent_1)
        action.with_user(self.user_agent_2).write({'description': "<p>New cartons ordered.</p>"})
        with self.assertRaises(AccessError):
            action.with_user(self.user_agent_1).unlink()
        with self.assertRaises(AccessError):
            self.env['customer.corrective.action'].with_user(self.user_employee).search([])
        started = self._create_action()
        started.action_start()
        with self.assertRaises(UserError):
            started.with_user(self.user_manager).unlink()
        action.with_user(self.user_manager).unlink()
        self.assertFalse(action.exists())

    def test_other_company_actions_are_not_seen(self):
        company_2 = self.env['res.company'].create({'name': "Corrective Co 2"})
        other = self.env['customer.corrective.action'].sudo().create({'title': "Other company", 'company_id': company_2.id})
        self.assertRegex(other.name, r'^CA/\d{4}/00001$')
        mine = self._create_action()
        Action = self.env['customer.corrective.action'].with_user(self.user_agent_1)
        self.assertEqual(Action.search([('id', 'in', (other | mine).ids)]), mine)
        with self.assertRaises(UserError):
            mine.sudo().write({'complaint_ids': [Command.link(self.env['customer.complaint'].sudo().create({
                'partner_id': self.customer.id, 'company_id': company_2.id}).id)]})
