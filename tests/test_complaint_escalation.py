"""Escalation of overdue complaints: level 1 to the team leader, level 2 to the complaint managers,
each once per case, in batches whose cost does not grow with the number of cases.

Fixture calendar: Monday to Friday, 08:00-12:00 and 13:00-17:00 UTC. Fixture table: normal 8h/40h,
high 4h/16h. Managers are told 8 working hours after the resolution deadline.
A high case received Monday 2026-11-02 09:00: response due 14:00, resolution Wednesday 4th 09:00,
managers Thursday 5th 09:00.
"""
import threading
from datetime import datetime

from psycopg2.errors import SerializationFailure

from odoo import api
from odoo.fields import Command
from odoo.tests import TransactionCase, freeze_time, tagged
from odoo.tests.common import warmup
from odoo.tools import SQL, mute_logger

import common

ESCALATION = 'customer_complaint_return.mail_act_case_escalation'


@tagged('post_install', '-at_install')
class TestComplaintEscalation(common.ComplaintCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.escalation_type = cls.env.ref(ESCALATION)
        cls.managers = cls.env['res.users'].search([
            ('all_group_ids', 'in', cls.env.ref(common.GROUP_MANAGER).ids), ('company_ids', 'in', cls.company.ids)])

    def _escalate(self, when):
        with freeze_time(when):
            self.env['customer.complaint']._escalate_overdue()
        self.env.invalidate_all()

    def _escalation_activities(self, complaints):
        return self.env['mail.activity'].search([
            ('res_model', '=', 'customer.complaint'), ('res_id', 'in', complaints.ids),
            ('activity_type_id', '=', self.escalation_type.id)])

    def _escalation_notes(self, complaint):
        return complaint.message_ids.filtered(lambda message: 'Escalated to' in (message.body or ''))

    def test_levels_at_the_right_working_hour(self):
        complaint = self._create_complaint(severity='high')
        self.assertEqual(complaint.team_id, self.team_specialists)
        self.assertEqual(complaint.date_response_deadline, datetime(2026, 11, 2, 14, 0))
        self.assertEqual(complaint.date_escalation_deadline, datetime(2026, 11, 5, 9, 0))

        self._escalate('2026-11-02 14:00:00')  # the deadline itself: not breached yet
        self.assertEqual(complaint.escalation_level, 0)
        self.assertFalse(self._escalation_activities(complaint))

        self._escalate('2026-11-02 14:05:00')
        self.assertEqual(complaint.escalation_level, 1)
        self.assertEqual(complaint.date_escalated, datetime(2026, 11, 2, 14, 5))
        activity = self._escalation_activities(complaint)
        self.assertRecordValues(activity, [{
            'user_id': self.user_specialist.id, 'summary': "Complaint overdue",
            'date_deadline': datetime(2026, 11, 2).date()}])
        self.assertIn(self.user_specialist.partner_id, complaint.message_partner_ids)
        note = self._escalation_notes(complaint)
        self.assertEqual(len(note), 1)
        self.assertIn("Escalated to the team leader", note.body)
        self.assertIn("The first response deadline passed without an answer to the customer.", note.body)
        self.assertIn("Escalated to: Quality Specialist.", note.body)
        self.assertEqual(note.subtype_id, self.env.ref('mail.mt_note'))

        # Answered late, still open: the managers hear of it the configured hours after the resolution deadline.
        with freeze_time('2026-11-02 15:00:00'):
            complaint.action_start()
        self._escalate('2026-11-05 08:59:00')
        self.assertEqual(complaint.escalation_level, 1)
        self._escalate('2026-11-05 09:01:00')
        self.assertEqual(complaint.escalation_level, 2)
        activities = self._escalation_activities(complaint)
        self.assertEqual(activities.filtered(lambda a: a.summary == "Complaint still open after escalation").user_id,
                         self.managers)
        self.assertIn(self.user_manager, self.managers)
        self.assertLessEqual(set(self.managers.partner_id.ids), set(complaint.message_partner_ids.ids))
        notes = self._escalation_notes(complaint)
        self.assertEqual(len(notes), 2)
        self.assertIn("The case is still open 8 working hours after its resolution deadline.", notes[0].body)
        self.assertEqual(complaint.severity, 'high')  # the option is off

    def test_running_twice_changes_nothing(self):
        complaints = self._create_complaint(severity='high') | self._create_complaint(severity='normal')
        self._escalate('2026-11-05 10:00:00')
        # high: response and resolution breached, managers' moment passed: level 1 then level 2.
        # normal: response due Tuesday 09:00 breached, resolution due Monday 9th: level 1 only.
        self.assertEqual(complaints.mapped('escalation_level'), [2, 1])
        activities = self._escalation_activities(complaints)
        messages = complaints.message_ids
        self.assertEqual(len(activities), 1 + len(self.managers) + 1)
        self._escalate('2026-11-05 10:00:00')
        self._escalate('2026-11-05 11:00:00')
        self.assertEqual(self._escalation_activities(complaints), activities)
        self.assertEqual(complaints.message_ids, messages)

    def test_leader_missing_goes_to_managers(self):
        self.team_specialists.leader_id = False
        complaint = self._create_complaint(severity='high')
        complaint.user_id = self.user_specialist
        self._escalate('2026-11-02 15:00:00')
        self.assertEqual(self._escalation_activities(complaint).user_id, self.managers)

    def test_raised_severity_reroutes(self):
        self.company.complaint_escalation_raise_severity = True
        complaint = self._create_complaint(severity='normal', category_id=self.category_delay.id)
        self.assertEqual(complaint.team_id, self.team_service)
        deadlines = (complaint.date_response_deadline, complaint.date_resolution_deadline)
        # normal: response due Tuesday 3rd 09:00, resolution Monday 9th 09:00, managers Tuesday 10th 09:00.
        self.assertEqual(deadlines, (datetime(2026, 11, 3, 9, 0), datetime(2026, 11, 9, 9, 0)))
        self._escalate('2026-11-10 09:30:00')
        self.assertEqual(complaint.escalation_level, 2)
        self.assertEqual(complaint.severity, 'high')
        self.assertEqual(complaint.team_id, self.team_specialists)
        self.assertEqual(complaint.user_id, self.user_specialist)
        self.assertTrue(complaint.message_ids.filtered(lambda m: 'Re-routed from Customer Service to Specialists' in (m.body or '')))
        # The deadlines it was given stay, and the chatter says why: its service levels are not judged
        # again against the tighter deadlines of "high" (4h/16h from the receipt).
        self.assertEqual((complaint.date_response_deadline, complaint.date_resolution_deadline), deadlines)
        self.assertTrue(complaint.message_ids.filtered(
            lambda m: 'Severity raised from Normal to High by the escalation' in (m.body or '')
            and 'deadlines stay those of Normal' in (m.body or '')))
        with freeze_time('2026-11-10 10:00:00'):
            complaint.action_start()
        self.assertEqual(complaint.sla_response_result, 'breached')
        self.assertEqual(complaint.date_response_deadline, datetime(2026, 11, 3, 9, 0))
        self._escalate('2026-11-10 11:00:00')
        self.assertEqual(len(self._escalation_notes(complaint)), 2)

    def test_reopened_case_escalates_again(self):
        complaint = self._create_complaint(severity='high', resolution="<p>New chair sent.</p>")
        self._escalate('2026-11-02 14:05:00')
        self.assertEqual(complaint.escalation_level, 1)
        with freeze_time('2026-11-02 15:00:00'):
            complaint.action_start()
            complaint.action_resolve()
        self.assertEqual(complaint.escalation_level, 1)
        with freeze_time('2026-11-03 10:00:00'):
            complaint._reopen("The new chair wobbles too.")
        self.assertRecordValues(complaint, [{'state': 'in_progress', 'escalation_level': 0, 'date_escalated': False,
                                             'reopen_count': 1}])
        # Still open after its resolution deadline (Wednesday 4th 09:00): escalated again.
        self._escalate('2026-11-04 09:30:00')
        self.assertEqual(complaint.escalation_level, 1)
        self.assertEqual(complaint.date_escalated, datetime(2026, 11, 4, 9, 30))
        notes = self._escalation_notes(complaint)
        self.assertEqual(len(notes), 2, "both escalations stay in the chatter")
        self.assertIn("The resolution deadline passed.", notes[0].body)

    def test_settled_and_archived_cases(self):
        resolved = self._create_complaint(severity='high', resolution="<p>Done.</p>")
        self._escalate('2026-11-02 15:00:00')
        self.assertEqual(len(self._escalation_activities(resolved)), 1)
        with freeze_time('2026-11-02 16:00:00'):
            resolved.action_resolve()
        self._escalate('2026-11-06 10:00:00')
        self.assertEqual(resolved.escalation_level, 1)  # no level 2 for a resolved case
        self.assertFalse(self._escalation_activities(resolved))  # the leader's to-do is gone with the case
        archived = self._create_complaint(severity='high')
        archived.active = False
        self._escalate('2026-11-06 10:00:00')
        self.assertEqual(archived.escalation_level, 0)

    def test_runs_as_a_scheduled_action(self):
        complaints = self._create_complaint(severity='high') | self._create_complaint(severity='high')
        cron = self.env.ref('customer_complaint_return.ir_cron_complaint_escalation')
        with freeze_time('2026-11-02 15:00:00'), self.enter_registry_test_mode():
            cron.sudo().method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(complaints.mapped('escalation_level'), [1, 1])
        progress = self.env['ir.cron.progress'].search([('cron_id', '=', cron.id)], order='id desc', limit=1)
        self.assertEqual((progress.done, progress.remaining), (2, 0))

    def test_batches_are_committed_one_by_one(self):
        complaints = self.env['customer.complaint'].browse(
            [self._create_complaint(severity='high').id for _i in range(5)])
        calls = []

        def commit_progress(processed=0, *, remaining=None, deactivate=False):
            calls.append((processed, remaining, sorted(complaints.filtered(lambda c: c.escalation_level).ids)))
            return 60.0

        with freeze_time('2026-11-02 15:00:00'):
            self.env['customer.complaint']._escalate_overdue(batch_size=2, commit_progress=commit_progress)
        first_ids = sorted(complaints.ids)
        # remaining announced first, then one call per batch of level 1 (2 + 2 + 1), then the end
        self.assertEqual([(processed, remaining) for processed, remaining, _ids in calls],
                         [(0, 5), (2, None), (2, None), (1, None), (0, None)])
        self.assertEqual(calls[1][2], first_ids[:2])
        self.assertEqual(calls[2][2], first_ids[:4])


@tagged('post_install', '-at_install')
class TestComplaintEscalationQueries(common.ComplaintCommon):
    """The escalation costs the same for 10 and for 1,000 open cases: one batch, queries per batch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partners = cls.env['res.partner'].create([{'name': f"Escalation customer {i}"} for i in range(20)])
        cls.complaints = cls.env['customer.complaint'].with_context(
            tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True,
        ).create([{
            'partner_id': partners[i % 20].id,
            'subject': f"Overdue case {i}",
            'severity': ('normal', 'high')[i % 2],
            'date_received': datetime(2026, 11, 2, 9, 0),
        } for i in range(1000)])
        cls.env.flush_all()

    def _escalate_cases(self, count, budget):
        # Close the cases beyond ``count`` so that only ``count`` are open and overdue.
        self.env.cr.execute(
            "UPDATE customer_complaint SET state = 'cancelled' WHERE id IN %s",
            [tuple(self.complaints.ids[count:]) or (0,)])
        self.env.invalidate_all()
        with freeze_time('2026-11-05 10:00:00'), self.assertQueryCount(budget):
            self.env['customer.complaint']._escalate_overdue()
        self.env.invalidate_all()
        cases = self.complaints[:count]
        self.assertEqual(sorted(set(cases.mapped('escalation_level'))), [1, 2] if count > 1 else [2])
        managers = self.env['res.users'].search_count([
            ('all_group_ids', 'in', self.env.ref(common.GROUP_MANAGER).ids), ('company_ids', 'in', self.company.ids)])
        self.assertEqual(managers, 2)
        # one for the leader of each case, one for each manager of the high ones
        self.assertEqual(self.env['mail.activity'].search_count([
            ('res_model', '=', 'customer.complaint'), ('res_id', 'in', cases.ids)]), count + count // 2 * managers)

    @warmup
    def test_escalate_10_cases_query_budget(self):
        # Two levels, one batch each: claim, read, activities, followers, notes; the same for any number.
        self._escalate_cases(10, 47)

    @warmup
    def test_escalate_1000_cases_query_budget(self):
        # The same queries; only Odoo's own INSERTs go in chunks of 100 rows (activities, notes, followers).
        self._escalate_cases(1000, 113)


@tagged('post_install', '-at_install')
class TestComplaintEscalationConcurrency(TransactionCase):
    """Two workers at once, each on its own database connection, committing: every case is
    escalated exactly once. The data is committed for real, then removed."""

    def _with_new_env(self, function):
        with self.registry.cursor() as cr:
            result = function(api.Environment(cr, api.SUPERUSER_ID, {}))
            cr.commit()
            return result

    def setUp(self):
        super().setUp()

        def create(env):
            partner = env['res.partner'].create({'name': "Concurrency customer"})
            leader = env['res.users'].create({
                'name': "Concurrency leader", 'login': 'ccr_concurrency_leader',
                'group_ids': [Command.set([env.ref(common.GROUP_USER).id])]})
            team = env['customer.complaint.team'].create({
                'name': "Concurrency team", 'sequence': 0, 'leader_id': leader.id,
                'assignment_method': 'leader', 'company_id': env.ref('base.main_company').id})
            complaints = env['customer.complaint'].create([{
                'partner_id': partner.id, 'subject': f"Concurrent case {i}", 'team_id': team.id,
                'company_id': env.ref('base.main_company').id,
                'severity': 'normal', 'date_received': datetime(2026, 11, 2, 9, 0),
            } for i in range(12)])
            return partner.id, leader.id, team.id, complaints.ids

        self.partner_id, self.leader_id, self.team_id, self.complaint_ids = self._with_new_env(create)
        self.addCleanup(self._with_new_env, self._remove)

    def _remove(self, env):
        complaints = env['customer.complaint'].with_context(active_test=False).browse(self.complaint_ids)
        env['mail.activity'].search([('res_model', '=', 'customer.complaint'), ('res_id', 'in', complaints.ids)]).unlink()
        complaints.unlink()
        env['customer.complaint.team'].browse(self.team_id).unlink()
        leader = env['res.users'].browse(self.leader_id)
        leader_partner = leader.partner_id
        leader.unlink()
        (leader_partner | env['res.partner'].browse(self.partner_id)).unlink()

    def test_two_workers_escalate_each_case_once(self):
        barrier = threading.Barrier(2)
        escalated = []
        errors = []

        def worker():
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, api.SUPERUSER_ID, {})
                    barrier.wait(timeout=30)
                    # outside a cron, _commit_progress commits each batch on this connection
                    env['customer.complaint']._cron_escalate(batch_size=2)
                    escalated.append(True)
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)

        with freeze_time('2026-11-04 10:00:00'):
            threads = [threading.Thread(target=worker) for _i in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        self.assertEqual(errors, [])
        self.assertEqual(len(escalated), 2)

        def check(env):
            complaints = env['customer.complaint'].browse(self.complaint_ids)
            activities = env['mail.activity'].search([
                ('res_model', '=', 'customer.complaint'), ('res_id', 'in', complaints.ids)])
            notes = env['mail.message'].search([
                ('model', '=', 'customer.complaint'), ('res_id', 'in', complaints.ids),
                ('body', 'ilike', 'Escalated to the team leader')])
            return (set(complaints.mapped('escalation_level')), len(activities), sorted(activities.mapped('res_id')),
                    sorted(notes.mapped('res_id')))

        levels, activity_count, activity_cases, note_cases = self._with_new_env(check)
        self.assertEqual(levels, {1})
        self.assertEqual(activity_count, 12)
        self.assertEqual(activity_cases, sorted(self.complaint_ids))
        self.assertEqual(note_cases, sorted(self.complaint_ids))

    def test_a_conflict_never_throws_away_the_callers_transaction(self):
        """A worker whose transaction began before another one escalated its cases: outside a cron
        the conflict is raised with the caller's work intact (Odoo retries a request); in a cron the
        run commits and claims what is left."""
        def escalate_one(env):
            env['customer.complaint'].browse(self.complaint_ids[:1])._claim_for_escalation(
                env['customer.complaint']._escalation_pending_sql(1, datetime(2026, 11, 4, 10, 0)),
                SQL("escalation_level = 1, date_escalated = %s", datetime(2026, 11, 4, 10, 0)),
                ['escalation_level', 'date_escalated'], 1)

        with freeze_time('2026-11-04 10:00:00'), self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            partner = env['res.partner'].browse(self.partner_id)
            partner.name = "Work of the caller"  # not committed yet
            env.flush_all()
            self.assertEqual(env['customer.complaint'].search_count([('id', 'in', self.complaint_ids)]), 12)
            self._with_new_env(escalate_one)  # another worker, committed after this transaction began
            with self.assertRaises(SerializationFailure), mute_logger('odoo.sql_db'), cr.savepoint():
                env['customer.complaint']._escalate_overdue(batch_size=20)
            self.assertEqual(partner.name, "Work of the caller")
            cr.execute("SELECT name FROM res_partner WHERE id = %s", [self.partner_id])
            self.assertEqual(cr.fetchone()[0], "Work of the caller")
            cr.rollback()

        with freeze_time('2026-11-04 10:00:00'), self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env['customer.complaint'].search_count([('id', 'in', self.complaint_ids)])  # the snapshot
            self._with_new_env(escalate_one)
            env['customer.complaint']._cron_escalate(batch_size=20)

        def levels(env):
            return env['customer.complaint'].browse(self.complaint_ids).mapped('escalation_level')
        self.assertEqual(self._with_new_env(levels), [1] * 12)
