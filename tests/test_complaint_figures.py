"""Figures a manager can trust: the on-time shares, averages and counts of the dashboard and the
digest against hand-computed values on a mixed set (in time and late, an answer in 0 hours, cases
not answered, another company), and first responses made by people only, never by the system.

Fixture calendar: Monday to Friday, 08:00-12:00 and 13:00-17:00 UTC; normal severity 8h/40h: a
case received Monday 2026-11-02 09:00 is to be answered by Tuesday 09:00 (24 hours later) and
resolved by Monday 2026-11-09 09:00 (168 hours later).
"""
from datetime import date, datetime

from odoo.tests import freeze_time, tagged

import common

RECEIVED = '2026-11-02 09:00:00'
PERIOD = (date(2026, 11, 1), date(2026, 11, 30))


@tagged('post_install', '-at_install')
class TestComplaintFigures(common.ComplaintCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.env['res.company'].create({'name': "Shenzhen Branch"})
        cls.env['customer.complaint.deadline'].sudo().create(
            {'severity': 'normal', 'response_hours': 8, 'resolution_hours': 40, 'company_id': cls.company_2.id})
        cls.cases = {}
        # (key, answered at, resolved at): answered 0h, 72h, 96h and 48h after receipt; one never.
        for key, answered, resolved in (
                ('instant', RECEIVED, '2026-11-03 09:00:00'),      # 0h (met), resolved in 24h (met)
                ('late_3d', '2026-11-05 09:00:00', '2026-11-11 09:00:00'),  # 72h, resolved in 216h (breached)
                ('late_4d', '2026-11-06 09:00:00', None),          # 96h
                ('late_2d', '2026-11-04 09:00:00', None),          # 48h
                ('silent', None, None)):
            complaint = cls._received(f"Case {key}", resolution="<p>Done.</p>")
            if answered:
                with freeze_time(answered):
                    complaint.action_start()
            if resolved:
                with freeze_time(resolved):
                    complaint.action_resolve()
            cls.cases[key] = complaint
        # Another company's case, answered late: never in this company's figures.
        with freeze_time(RECEIVED):
            cls.other = cls.env['customer.complaint'].sudo().with_company(cls.company_2).create({
                'partner_id': cls.customer.id, 'company_id': cls.company_2.id, 'subject': "Shenzhen case",
                'date_received': datetime(2026, 11, 2, 9, 0)})
        with freeze_time('2026-11-20 09:00:00'):
            cls.other.action_start()

    @classmethod
    def _received(cls, subject, **values):
        with freeze_time(RECEIVED):
            return cls._create_complaint(subject=subject, date_received=datetime(2026, 11, 2, 9, 0), **values)

    def _figures(self, company=None):
        with freeze_time('2026-12-01 07:00:00'):
            return self.env['customer.complaint.dashboard']._get_figures(company or self.company, *PERIOD)

    def test_service_level_results_by_hand(self):
        results = {key: (c.sla_response_result, c.sla_resolution_result) for key, c in self.cases.items()}
        self.assertEqual(results, {
            'instant': ('met', 'met'), 'late_3d': ('breached', 'breached'), 'late_4d': ('breached', False),
            'late_2d': ('breached', False), 'silent': (False, False)})
        self.assertEqual(self.cases['instant'].date_response_deadline, datetime(2026, 11, 3, 9, 0))
        self.assertEqual(self.cases['instant'].date_resolution_deadline, datetime(2026, 11, 9, 9, 0))

    def test_on_time_shares_count_late_and_instant_answers(self):
        figures = self._figures()
        self.assertEqual(figures['received'], 5)
        # answered: 0 + 72 + 96 + 48 = 216 h / 4 = 54 h, each allowed 24 h; 1 of 4 in time
        self.assertEqual(figures['response'], {'count': 4, 'hours': 54.0, 'allowed': 24.0, 'judged': 4,
                                               'on_time': 25.0})
        # resolved: 24 h and 216 h -> 120 h, each allowed 168 h; 1 of 2 in time
        self.assertEqual(figures['resolution'], {'count': 2, 'hours': 120.0, 'allowed': 168.0, 'judged': 2,
                                                 'on_time': 50.0})
        other = self._figures(self.company_2)
        self.assertEqual((other['received'], other['response']['count'], other['response']['on_time']),
                         (1, 1, 0.0))

    def test_dashboard_and_digest_show_the_same_share(self):
        with freeze_time('2026-12-01 07:00:00'):
            dashboard = self.env['customer.complaint.dashboard'].create(
                {'company_id': self.company.id, 'date_from': PERIOD[0], 'date_to': PERIOD[1]})
            self.assertRecordValues(dashboard, [{
                'received_count': 5, 'response_on_time': 25.0, 'resolution_on_time': 50.0}])
            _subject, body = self.env['customer.complaint.dashboard']._render_digest(self.company, *PERIOD)
        self.assertIn("25 %", str(body))
        self.assertIn("54.0", str(body))


@tagged('post_install', '-at_install')
class TestFirstResponseIsAPerson(common.ComplaintCommon):

    def test_acknowledgement_is_no_first_response(self):
        complaint = self._create_complaint(channel='portal', partner_id=self.customer_contact.id)
        with freeze_time('2026-11-02 09:00:05'):
            complaint._send_acknowledgement()
        acknowledgement = complaint.message_ids.filtered(lambda m: m.message_type == 'comment')
        self.assertEqual(len(acknowledgement), 1)
        # posted by the system, in the name of the case's responsible: not their answer
        self.assertTrue(acknowledgement.create_uid._is_superuser())
        self.assertEqual(acknowledgement.author_id, complaint.user_id.partner_id)
        self.assertFalse(complaint.date_first_response)
        self.assertEqual(complaint.sla_response_status, 'breached')
        # OdooBot's other messages to the customer are not answers either
        with freeze_time('2026-11-02 09:10:00'):
            complaint.with_user(self.env.ref('base.user_root')).message_post(
                body="Automatic update", message_type='comment', subtype_xmlid='mail.mt_comment')
        self.assertFalse(complaint.date_first_response)
        # a person's answer is
        with freeze_time('2026-11-02 10:30:00'):
            complaint.with_user(self.user_agent_1).message_post(
                body="We are sending a technician.", message_type='comment', subtype_xmlid='mail.mt_comment')
        self.assertEqual(complaint.date_first_response, datetime(2026, 11, 2, 10, 30))
        self.assertEqual(complaint.sla_response_result, 'met')

    def test_portal_submissions_are_not_answered_by_the_system(self):
        """Complaints submitted and acknowledged in a burst: none is answered by the acknowledgement."""
        complaints = self.env['customer.complaint'].create([{
            'partner_id': self.customer_contact.id, 'subject': f"Portal case {i}", 'channel': 'portal',
        } for i in range(5)])
        complaints._send_acknowledgement()
        self.assertEqual(complaints.mapped('date_first_response'), [False] * 5)

    def test_an_employee_answering_by_email_is_a_response(self):
        complaint = self._create_complaint()
        with freeze_time('2026-11-02 11:00:00'):
            complaint.message_post(
                body="Answer sent from my mailbox", message_type='email', subtype_xmlid='mail.mt_comment',
                author_id=self.user_agent_1.partner_id.id, partner_ids=self.customer.ids)
        self.assertEqual(complaint.date_first_response, datetime(2026, 11, 2, 11, 0))
