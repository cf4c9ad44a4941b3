"""Service levels of complaints: on track, at risk, breached or met, for the first response and the
resolution, at the right working hour of the company's calendar.

Fixture calendar: Monday to Friday, 08:00-12:00 and 13:00-17:00 UTC (8 working hours a day).
Fixture table: normal 8h/40h, high 4h/16h, critical 2h/8h. At risk from 75% of the allowed time.
2026-11-02 and 2026-11-09 are Mondays.
"""
from datetime import date, datetime, timedelta

from lxml import etree

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged

import common


@tagged('post_install', '-at_install')
class TestComplaintSla(common.ComplaintCommon):

    def _statuses(self, complaint, when):
        with freeze_time(when):
            complaint.invalidate_recordset(['sla_response_status', 'sla_resolution_status', 'sla_status'])
            return complaint.sla_response_status, complaint.sla_resolution_status, complaint.sla_status

    def _search(self, complaints, when, **domain):
        with freeze_time(when):
            return self.env['customer.complaint'].search(
                [('id', 'in', complaints.ids)] + [(field, '=', value) for field, value in domain.items()])

    # ------------------------------------------------------------------
    # At-risk moments on the working calendar
    # ------------------------------------------------------------------
    def test_at_risk_moments_use_working_hours(self):
        complaint = self._create_complaint(severity='normal', date_received=datetime(2026, 11, 2, 9, 0))
        # Response: 8h, due Tuesday 09:00; 75% = 6h: Monday 09:00-12:00 (3h) + 13:00-16:00 -> Monday 16:00.
        self.assertEqual(complaint.date_response_deadline, datetime(2026, 11, 3, 9, 0))
        self.assertEqual(complaint.date_response_at_risk, datetime(2026, 11, 2, 16, 0))
        # Resolution: 40h, due Monday 9th 09:00; 75% = 30h: Mon 7h, Tue 15h, Wed 23h, Thursday
        # 08:00-12:00 (27h) + 13:00-16:00 -> Thursday 16:00.
        self.assertEqual(complaint.date_resolution_deadline, datetime(2026, 11, 9, 9, 0))
        self.assertEqual(complaint.date_resolution_at_risk, datetime(2026, 11, 5, 16, 0))
        # Managers are told 8 working hours after the resolution deadline: Monday 9th 09:00-12:00 (3h)
        # + 13:00-17:00 (7h) + Tuesday 08:00-09:00 -> Tuesday 10th 09:00.
        self.assertEqual(complaint.date_escalation_deadline, datetime(2026, 11, 10, 9, 0))

    def test_weekend_and_holiday_do_not_count(self):
        self._add_public_holiday(date(2026, 11, 9))
        complaint = self._create_complaint(severity='normal', date_received=datetime(2026, 11, 6, 18, 0))
        # Friday 18:00, weekend, Monday 9th off: the 8 response hours are Tuesday's, at risk after 6 of them.
        self.assertEqual(complaint.date_response_deadline, datetime(2026, 11, 10, 17, 0))
        self.assertEqual(complaint.date_response_at_risk, datetime(2026, 11, 10, 15, 0))
        self.assertEqual(self._statuses(complaint, '2026-11-09 16:00:00')[0], 'on_track')

    def test_response_status_through_the_day(self):
        complaint = self._create_complaint(severity='normal', date_received=datetime(2026, 11, 2, 9, 0))
        expected = [
            ('2026-11-02 15:59:00', 'on_track'),
            ('2026-11-02 16:00:00', 'at_risk'),
            # Evening and night: no working time passes, the case stays at risk until Tuesday 09:00.
            ('2026-11-02 23:00:00', 'at_risk'),
            ('2026-11-03 09:00:00', 'at_risk'),
            ('2026-11-03 09:01:00', 'breached'),
        ]
        for when, status in expected:
            with self.subTest(when=when):
                response, resolution, overall = self._statuses(complaint, when)
                self.assertEqual(response, status)
                self.assertEqual(resolution, 'on_track')
                self.assertEqual(overall, status)

    def test_resolution_status_through_the_week(self):
        complaint = self._create_complaint(severity='normal', date_received=datetime(2026, 11, 2, 9, 0))
        with freeze_time('2026-11-02 10:00:00'):
            complaint.action_start()
        expected = [
            ('2026-11-05 15:59:00', 'on_track'),
            ('2026-11-05 16:00:00', 'at_risk'),
            ('2026-11-07 12:00:00', 'at_risk'),
            ('2026-11-09 09:01:00', 'breached'),
        ]
        for when, status in expected:
            with self.subTest(when=when):
                response, resolution, overall = self._statuses(complaint, when)
                self.assertEqual(response, 'met')
                self.assertEqual(resolution, status)
                self.assertEqual(overall, status)

    def test_results_of_handled_cases(self):
        received = datetime(2026, 11, 2, 9, 0)
        in_time = self._create_complaint(severity='critical', date_received=received, resolution="<p>Done.</p>")
        with freeze_time('2026-11-02 10:00:00'):
            in_time.action_resolve()
        late = self._create_complaint(severity='critical', date_received=received, resolution="<p>Done.</p>")
        with freeze_time('2026-11-03 10:00:00'):
            # critical: response due Monday 11:00, resolution Tuesday 09:00: both missed.
            late.action_resolve()
        cancelled = self._create_complaint(severity='critical', date_received=received)
        cancelled._cancel("Duplicate")
        self.assertEqual((in_time.sla_response_result, in_time.sla_resolution_result), ('met', 'met'))
        self.assertEqual((late.sla_response_result, late.sla_resolution_result), ('breached', 'breached'))
        self.assertEqual(self._statuses(in_time, '2026-12-01 10:00:00'), ('met', 'met', 'met'))
        self.assertEqual(self._statuses(late, '2026-12-01 10:00:00'), ('breached', 'breached', 'breached'))
        self.assertEqual(self._statuses(cancelled, '2026-12-01 10:00:00'), (False, False, False))
        # Reopened: the resolution is open again and late now.
        with freeze_time('2026-11-04 10:00:00'):
            in_time._reopen("The customer called back")
        self.assertFalse(in_time.sla_resolution_result)
        self.assertEqual(self._statuses(in_time, '2026-11-04 10:00:00'), ('met', 'breached', 'breached'))

    def test_no_deadline_no_status(self):
        self.env['customer.complaint.deadline'].search(
            [('company_id', '=', self.company.id), ('severity', '=', 'high')]).unlink()
        complaint = self._create_complaint(severity='high', date_received=datetime(2026, 11, 2, 9, 0))
        self.assertFalse(complaint.date_response_at_risk)
        self.assertFalse(complaint.date_escalation_deadline)
        self.assertEqual(self._statuses(complaint, '2026-12-01 10:00:00'), (False, False, False))

    # ------------------------------------------------------------------
    # Search
    # ------------------------------------------------------------------
    def test_search_matches_the_computed_status(self):
        received = datetime(2026, 11, 2, 9, 0)
        with freeze_time('2026-11-02 09:30:00'):
            quiet = self._create_complaint(subject="Quiet", severity='normal', date_received=received)
            risky = self._create_complaint(
                subject="Risky", severity='normal', date_received=received - timedelta(hours=24 * 7))
            answered = self._create_complaint(subject="Answered", severity='normal', date_received=received)
            answered.action_start()
            critical = self._create_complaint(subject="Critical", severity='critical', date_received=received)
            closed = self._create_complaint(
                subject="Closed", severity='critical', date_received=received, resolution="<p>Done.</p>")
            closed.action_resolve()
            closed.action_close()
        cases = quiet | risky | answered | critical | closed
        when = '2026-11-02 12:30:00'
        # quiet: 3h of 8 used; risky: received a week earlier, breached; answered: response met,
        # resolution on track; critical: response due 11:00, breached; closed: met.
        expected = {quiet: 'on_track', risky: 'breached', answered: 'on_track', critical: 'breached', closed: 'met'}
        with freeze_time(when):
            cases.invalidate_recordset(['sla_status', 'sla_response_status', 'sla_resolution_status'])
            self.assertEqual({case: case.sla_status for case in cases}, expected)
        for status in ('on_track', 'at_risk', 'breached', 'met'):
            with self.subTest(status=status):
                wanted = self.env['customer.complaint'].union(*(c for c, s in expected.items() if s == status))
                self.assertEqual(self._search(cases, when, sla_status=status), wanted)
        self.assertEqual(self._search(cases, when, sla_response_status='met'), answered | closed)
        with freeze_time(when):
            Complaint = self.env['customer.complaint']
            self.assertEqual(Complaint.search([('id', 'in', cases.ids), ('sla_status', 'in', ('breached', 'at_risk'))]),
                             risky | critical)
            self.assertEqual(Complaint.search([('id', 'in', cases.ids), ('sla_status', 'not in', ('breached',))]),
                             quiet | answered | closed)
        # At 16:30 the quiet case has used more than 6 of its 8 hours.
        self.assertEqual(self._search(cases, '2026-11-02 15:59:00', sla_status='at_risk'), Complaint)
        self.assertEqual(self._search(cases, '2026-11-02 16:30:00', sla_status='at_risk'), quiet)
        self.assertEqual(self._search(cases, '2026-11-02 16:30:00', sla_response_status='at_risk'), quiet)

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------
    def test_changing_the_share_moves_open_cases(self):
        open_case = self._create_complaint(severity='normal', date_received=datetime(2026, 11, 2, 9, 0))
        closed = self._create_complaint(
            severity='normal', date_received=datetime(2026, 11, 2, 9, 0), resolution="<p>Done.</p>")
        closed.action_resolve()
        closed.action_close()
        settings = self.env['res.config.settings'].create({'complaint_sla_risk_percent': 50})
        settings.execute()
        self.assertEqual(self.company.complaint_sla_risk_percent, 50)
        # 50% of 8h = 4h: Monday 09:00-12:00 + 13:00-14:00.
        self.assertEqual(open_case.date_response_at_risk, datetime(2026, 11, 2, 14, 0))
        self.assertEqual(closed.date_response_at_risk, datetime(2026, 11, 2, 16, 0))  # history stays
        self.company.complaint_escalation_hours = 0
        self.assertEqual(open_case.date_escalation_deadline, open_case.date_resolution_deadline)

    def test_invalid_settings_are_refused(self):
        for values in ({'complaint_sla_risk_percent': 0}, {'complaint_sla_risk_percent': 100},
                       {'complaint_escalation_hours': -1}, {'return_settle_days': -2},
                       {'complaint_recurrence_count': 3, 'complaint_recurrence_days': 0}):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                self.company.write(values)
        self.assertEqual(self.company.complaint_sla_risk_percent, 75)

    # ------------------------------------------------------------------
    # Shown to the user
    # ------------------------------------------------------------------
    def test_status_shown_on_kanban_list_and_form(self):
        Complaint = self.env['customer.complaint']
        for view_type, names in (('kanban', {'sla_status', 'escalation_level'}),
                                  ('list', {'sla_status', 'escalation_level'}),
                                  ('form', {'sla_response_status', 'sla_resolution_status', 'escalation_level',
                                            'corrective_action_ids', 'corrective_action_count'})):
            with self.subTest(view=view_type):
                arch = etree.fromstring(Complaint.get_view(view_type=view_type)['arch'])
                self.assertLessEqual(names, {node.get('name') for node in arch.iter('field')})
        search = etree.fromstring(Complaint.get_view(view_type='search')['arch'])
        self.assertLessEqual({'sla_at_risk', 'sla_breached', 'escalated'},
                             {node.get('name') for node in search.iter('filter')})

    def test_service_levels_in_the_analysis(self):
        # The analysis computes the live status at query time (the database's clock).
        now = fields.Datetime.now()
        old = self._create_complaint(subject="Old", severity='normal', date_received=now - timedelta(days=60))
        fresh = self._create_complaint(subject="Fresh", severity='normal', date_received=now)
        met = self._create_complaint(
            subject="Met", severity='normal', date_received=now - timedelta(days=60), resolution="<p>Ok.</p>")
        with freeze_time(now - timedelta(days=60) + timedelta(minutes=1)):
            met.action_resolve()
        risky = self._create_complaint(subject="Risky", severity='normal', date_received=now)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE customer_complaint SET date_response_at_risk = %s, date_response_deadline = %s WHERE id = %s",
            [now - timedelta(days=1), now + timedelta(days=3), risky.id])
        cases = old | fresh | met | risky
        rows = self.env['customer.complaint.report'].search_read(
            [('complaint_id', 'in', cases.ids)], ['complaint_id', 'sla_status', 'sla_response_status'])
        statuses = {row['complaint_id'][0]: (row['sla_status'], row['sla_response_status']) for row in rows}
        self.assertEqual(statuses, {
            old.id: ('breached', 'breached'),
            fresh.id: ('on_track', 'on_track'),
            met.id: ('met', 'met'),
            risky.id: ('at_risk', 'at_risk'),
        })
        groups = dict(self.env['customer.complaint.report']._read_group(
            [('complaint_id', 'in', cases.ids)], ['sla_status'], ['__count']))
        self.assertEqual(groups, {'breached': 1, 'on_track': 1, 'met': 1, 'at_risk': 1})
        [(hours, allowed, on_time)] = self.env['customer.complaint.report']._read_group(
            [('complaint_id', '=', met.id)], [], ['response_hours:avg', 'response_allowed_hours:avg',
                                                   'response_on_time:avg'])
        self.assertAlmostEqual(hours, 1 / 60, places=3)
        self.assertEqual(on_time, 100.0)
        self.assertGreater(allowed, hours)
