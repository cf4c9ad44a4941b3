"""Deadlines on the company's working calendar, first response, overdue cases, deadline table.

Fixture calendar: Monday to Friday, 08:00-12:00 and 13:00-17:00 UTC (8 working hours a day).
Fixture table: low 16h/80h, normal 8h/40h, high 4h/16h, critical 2h/8h, Product Quality + normal 4h/24h.
2026-11-02 and 2026-11-09 are Mondays.
"""
from datetime import date, datetime

from psycopg2.errors import UniqueViolation

from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

import common

DUPLICATE_MESSAGE = "There is already a deadline for this severity and category in this company."


@tagged('post_install', '-at_install')
class TestComplaintDeadlines(common.ComplaintCommon):

    def _assert_deadlines(self, complaint, response, resolution):
        self.assertEqual(complaint.date_response_deadline, response)
        self.assertEqual(complaint.date_resolution_deadline, resolution)

    def _generic_line(self, severity):
        return self.env['customer.complaint.deadline'].search([
            ('company_id', '=', self.company.id), ('severity', '=', severity), ('category_id', '=', False)])

    # ------------------------------------------------------------------
    # Deadline computation
    # ------------------------------------------------------------------
    def test_friday_evening_normal_case(self):
        complaint = self._create_complaint(severity='normal', date_received=datetime(2026, 11, 6, 18, 0))
        # Friday 18:00 is after hours; the weekend has none.
        # First response, 8h: Monday 9th 08:00-12:00 (4h) + 13:00-17:00 (4h) -> Monday 2026-11-09 17:00.
        # Resolution, 40h = five full days: Mon 9 (8h), Tue 10 (16h), Wed 11 (24h), Thu 12 (32h),
        # Fri 13 (40h) -> Friday 2026-11-13 17:00.
        self._assert_deadlines(complaint, datetime(2026, 11, 9, 17, 0), datetime(2026, 11, 13, 17, 0))

    def test_monday_morning_critical_case(self):
        complaint = self._create_complaint(severity='critical', date_received=datetime(2026, 11, 2, 9, 0))
        # First response, 2h: 09:00 + 2h -> Monday 11:00.
        # Resolution, 8h: Monday 09:00-12:00 (3h) + 13:00-17:00 (7h) + Tuesday 08:00-09:00 (8h)
        # -> Tuesday 2026-11-03 09:00.
        self._assert_deadlines(complaint, datetime(2026, 11, 2, 11, 0), datetime(2026, 11, 3, 9, 0))

    def test_received_during_lunch_break(self):
        complaint = self._create_complaint(severity='critical', date_received=datetime(2026, 11, 2, 12, 30))
        # The clock starts at 13:00. Response 2h -> 15:00. Resolution 8h: Monday 13:00-17:00 (4h)
        # + Tuesday 08:00-12:00 (8h) -> Tuesday 12:00.
        self._assert_deadlines(complaint, datetime(2026, 11, 2, 15, 0), datetime(2026, 11, 3, 12, 0))

    def test_category_line_wins_over_generic_line(self):
        complaint = self._create_complaint(
            category_id=self.category_quality.id, date_received=datetime(2026, 11, 2, 9, 0))
        self.assertEqual(complaint.severity, 'normal')
        # Product Quality + normal: 4h / 24h (the generic normal line says 8h / 40h).
        # Response 4h: 09:00-12:00 (3h) + 13:00-14:00 -> Monday 14:00.
        # Resolution 24h: Monday 7h, Tuesday 15h, Wednesday 23h, Thursday 08:00-09:00 -> Thursday 09:00.
        self._assert_deadlines(complaint, datetime(2026, 11, 2, 14, 0), datetime(2026, 11, 5, 9, 0))

    def test_category_without_own_line_uses_generic_line(self):
        complaint = self._create_complaint(
            category_id=self.category_quality.id, severity='high', date_received=datetime(2026, 11, 2, 9, 0))
        # No Product Quality + high line: the generic high line (4h / 16h) applies.
        # Response -> Monday 14:00; resolution 16h: Monday 7h, Tuesday 15h, Wednesday 08:00-09:00.
        self._assert_deadlines(complaint, datetime(2026, 11, 2, 14, 0), datetime(2026, 11, 4, 9, 0))

    def test_public_holiday_is_not_worked(self):
        self._add_public_holiday(date(2026, 11, 9))
        complaint = self._create_complaint(severity='normal', date_received=datetime(2026, 11, 6, 18, 0))
        # Monday 9th is off: response 8h -> Tuesday 2026-11-10 17:00;
        # resolution 40h: Tue 10, Wed 11, Thu 12, Fri 13 (32h), Mon 16 (40h) -> Monday 2026-11-16 17:00.
        self._assert_deadlines(complaint, datetime(2026, 11, 10, 17, 0), datetime(2026, 11, 16, 17, 0))

    def test_severity_change_recomputes_from_received_date(self):
        complaint = self._create_complaint(severity='normal', date_received=datetime(2026, 11, 2, 9, 0))
        # normal 8h: Monday 09:00-12:00 (3h) + 13:00-17:00 (7h) + Tuesday 08:00-09:00 -> Tuesday 09:00;
        # 40h: Mon 7h, Tue 15h, Wed 23h, Thu 31h, Fri 39h, next Monday 08:00-09:00 -> Monday 9th 09:00.
        self._assert_deadlines(complaint, datetime(2026, 11, 3, 9, 0), datetime(2026, 11, 9, 9, 0))
        complaint.severity = 'high'
        # high 4h -> Monday 14:00; 16h -> Wednesday 09:00, counted from the same received date.
        self._assert_deadlines(complaint, datetime(2026, 11, 2, 14, 0), datetime(2026, 11, 4, 9, 0))
        complaint.severity = 'low'
        # low 16h -> Wednesday 09:00; 80h = ten days of 8h minus the first hour: Monday 16th 09:00.
        self._assert_deadlines(complaint, datetime(2026, 11, 4, 9, 0), datetime(2026, 11, 16, 9, 0))

    def test_received_date_change_recomputes(self):
        complaint = self._create_complaint(severity='critical', date_received=datetime(2026, 11, 2, 9, 0))
        complaint.date_received = datetime(2026, 11, 6, 16, 0)
        # Friday 16:00-17:00 (1h) + Monday 08:00-09:00 -> Monday 09:00; 8h -> Monday 16:00.
        self._assert_deadlines(complaint, datetime(2026, 11, 9, 9, 0), datetime(2026, 11, 9, 16, 0))

    def test_line_change_recomputes_nothing_for_existing_cases(self):
        # Deadlines are promises made when the case came in: they are stored on the case.
        complaint = self._create_complaint(severity='critical', date_received=datetime(2026, 11, 2, 9, 0))
        self._generic_line('critical').write({'response_hours': 1, 'resolution_hours': 4})
        self._assert_deadlines(complaint, datetime(2026, 11, 2, 11, 0), datetime(2026, 11, 3, 9, 0))
        newer = self._create_complaint(severity='critical', date_received=datetime(2026, 11, 2, 9, 0))
        self._assert_deadlines(newer, datetime(2026, 11, 2, 10, 0), datetime(2026, 11, 2, 14, 0))

    def test_no_deadline_line_means_no_deadlines(self):
        self._generic_line('high').unlink()
        complaint = self._create_complaint(severity='high', date_received=datetime(2026, 11, 2, 9, 0))
        self._assert_deadlines(complaint, False, False)
        with_category = self._create_complaint(
            category_id=self.category_quality.id, severity='high', date_received=datetime(2026, 11, 2, 9, 0))
        self._assert_deadlines(with_category, False, False)
        with freeze_time('2026-12-31 12:00:00'):
            (complaint | with_category).invalidate_recordset(['is_overdue', 'is_response_overdue'])
            self.assertFalse(complaint.is_overdue)
            self.assertFalse(complaint.is_response_overdue)

    # ------------------------------------------------------------------
    # First response
    # ------------------------------------------------------------------
    def test_start_records_first_response(self):
        complaint = self._create_complaint()
        self.assertFalse(complaint.date_first_response)
        with freeze_time('2026-11-02 10:15:00'):
            complaint.action_start()
        self.assertEqual(complaint.date_started, datetime(2026, 11, 2, 10, 15))
        self.assertEqual(complaint.date_first_response, datetime(2026, 11, 2, 10, 15))

    def test_public_message_by_employee_records_first_response(self):
        complaint = self._create_complaint()
        agent_view = complaint.with_user(self.user_agent_1)
        with freeze_time('2026-11-02 09:40:00'):
            agent_view.message_post(
                body="Internal: check the stock of legs.", message_type='comment', subtype_xmlid='mail.mt_note')
        self.assertFalse(complaint.date_first_response)

        with freeze_time('2026-11-02 10:30:00'):
            agent_view.message_post(
                body="We are sorry, a new chair is on its way.", message_type='comment',
                subtype_xmlid='mail.mt_comment')
        self.assertEqual(complaint.date_first_response, datetime(2026, 11, 2, 10, 30))
        self.assertEqual(complaint.state, 'new')

        with freeze_time('2026-11-02 11:45:00'):
            complaint.with_user(self.user_agent_2).message_post(
                body="Tracking number: 12345.", message_type='comment', subtype_xmlid='mail.mt_comment')
            complaint.action_start()
        self.assertEqual(complaint.date_first_response, datetime(2026, 11, 2, 10, 30))
        self.assertEqual(complaint.date_started, datetime(2026, 11, 2, 11, 45))

    def test_customer_message_is_not_a_response(self):
        complaint = self._create_complaint()
        with freeze_time('2026-11-02 10:30:00'):
            complaint.message_post(
                body="Any news?", message_type='comment', subtype_xmlid='mail.mt_comment',
                author_id=self.customer_contact.id)
        self.assertFalse(complaint.date_first_response)

    def test_start_after_response_keeps_first_date(self):
        complaint = self._create_complaint()
        with freeze_time('2026-11-02 10:00:00'):
            complaint.action_start()
        with freeze_time('2026-11-02 15:00:00'):
            complaint.message_post(body="Update", message_type='comment', subtype_xmlid='mail.mt_comment')
            complaint.resolution = "<p>Chair replaced.</p>"
            complaint.action_resolve()
        self.assertEqual(complaint.date_first_response, datetime(2026, 11, 2, 10, 0))
        self.assertEqual(complaint.date_resolved, datetime(2026, 11, 2, 15, 0))

    # ------------------------------------------------------------------
    # Overdue
    # ------------------------------------------------------------------
    def test_overdue_flags_and_search(self):
        self._generic_line('high').unlink()
        received = datetime(2026, 11, 2, 9, 0)
        with freeze_time('2026-11-02 10:00:00'):
            # normal: response due Tuesday 09:00, resolution Monday 9th 09:00; never answered
            silent = self._create_complaint(subject="Silent", severity='normal', date_received=received)
            # normal, answered at 10:00
            answered = self._create_complaint(subject="Answered", severity='normal', date_received=received)
            answered.action_start()
            # normal, settled
            resolved = self._create_complaint(
                subject="Resolved", severity='normal', date_received=received, resolution="<p>Refunded.</p>")
            resolved.action_resolve()
            # high has no deadline line
            no_deadline = self._create_complaint(subject="No deadline", severity='high', date_received=received)
            # critical: answered at 10:00 but resolution due Tuesday 09:00
            late = self._create_complaint(subject="Late", severity='critical', date_received=received)
            late.action_start()
        cases = silent | answered | resolved | no_deadline | late
        self.assertEqual(late.date_resolution_deadline, datetime(2026, 11, 3, 9, 0))
        Complaint = self.env['customer.complaint']

        def search(domain):
            return Complaint.search([('id', 'in', cases.ids)] + domain)

        with freeze_time('2026-11-02 12:00:00'):
            cases.invalidate_recordset(['is_overdue', 'is_response_overdue'])
            self.assertEqual(cases.filtered('is_overdue'), Complaint)
            self.assertEqual(search([('is_overdue', '=', True)]), Complaint)
            self.assertEqual(search([('is_overdue', '=', False)]), cases)

        with freeze_time('2026-11-03 10:00:00'):
            cases.invalidate_recordset(['is_overdue', 'is_response_overdue'])
            self.assertEqual(cases.filtered('is_overdue'), silent | late)
            self.assertEqual(cases.filtered('is_response_overdue'), silent)
            self.assertEqual(search([('is_overdue', '=', True)]), silent | late)
            self.assertEqual(search([('is_overdue', '=', False)]), answered | resolved | no_deadline)
            self.assertEqual(search([('is_overdue', '!=', True)]), answered | resolved | no_deadline)
            self.assertEqual(search([('is_response_overdue', '=', True)]), silent)
            self.assertEqual(search([('is_response_overdue', '=', False)]), answered | resolved | no_deadline | late)

        with freeze_time('2026-11-30 10:00:00'):
            cases.invalidate_recordset(['is_overdue', 'is_response_overdue'])
            # the resolution deadlines have all passed; only the settled case and the one without
            # deadline are not overdue
            self.assertEqual(search([('is_overdue', '=', True)]), silent | answered | late)
            self.assertFalse(resolved.is_overdue)
            self.assertFalse(resolved.is_response_overdue)
            self.assertFalse(answered.is_response_overdue)
            self.assertTrue(answered.is_overdue)

    def test_closed_and_cancelled_cases_are_never_overdue(self):
        received = datetime(2026, 11, 2, 9, 0)
        closed = self._create_complaint(severity='critical', date_received=received, resolution="<p>Done.</p>")
        closed.action_resolve()
        closed.action_close()
        cancelled = self._create_complaint(severity='critical', date_received=received)
        cancelled._cancel("Duplicate of another case")
        cases = closed | cancelled
        with freeze_time('2026-12-01 10:00:00'):
            cases.invalidate_recordset(['is_overdue', 'is_response_overdue'])
            self.assertFalse(any(cases.mapped('is_overdue')))
            self.assertFalse(any(cases.mapped('is_response_overdue')))
            self.assertFalse(self.env['customer.complaint'].search(
                [('id', 'in', cases.ids), ('is_overdue', '=', True)]))

    # ------------------------------------------------------------------
    # Deadline table
    # ------------------------------------------------------------------
    def test_negative_hours_are_refused(self):
        Deadline = self.env['customer.complaint.deadline']
        with self.assertRaises(ValidationError):
            Deadline.create({'severity': 'high', 'category_id': self.category_delay.id,
                             'response_hours': -1, 'resolution_hours': 8})
        with self.assertRaises(ValidationError):
            Deadline.create({'severity': 'high', 'category_id': self.category_delay.id,
                             'response_hours': 0, 'resolution_hours': -8})
        self.assertFalse(Deadline.search([('category_id', '=', self.category_delay.id)]))

    def test_response_after_resolution_is_refused(self):
        line = self._generic_line('normal')
        with self.assertRaises(ValidationError):
            line.write({'response_hours': 41})
        self.assertEqual(line.response_hours, 8)
        with self.assertRaises(ValidationError):
            self.env['customer.complaint.deadline'].create({
                'severity': 'high', 'category_id': self.category_delay.id,
                'response_hours': 10, 'resolution_hours': 6})
        # equal hours are fine
        line.write({'response_hours': 40})
        self.assertEqual(line.response_hours, 40)

    def test_duplicate_lines_are_refused(self):
        Deadline = self.env['customer.complaint.deadline']
        # two lines without category for the same severity
        with mute_logger('odoo.sql_db'), self.assertRaises(UniqueViolation) as caught:
            Deadline.create({'severity': 'normal', 'response_hours': 2, 'resolution_hours': 4})
        self.assertEqual(Deadline._sql_error_to_message(caught.exception), DUPLICATE_MESSAGE)
        # two lines for the same category and severity
        with mute_logger('odoo.sql_db'), self.assertRaises(UniqueViolation):
            Deadline.create({'severity': 'normal', 'category_id': self.category_quality.id,
                             'response_hours': 2, 'resolution_hours': 4})
        self.assertEqual(len(Deadline.search([('severity', '=', 'normal'), ('company_id', '=', self.company.id)])), 2)

        # another severity, or the same severity in another company, is a different line
        high_quality = Deadline.create({'severity': 'high', 'category_id': self.category_quality.id,
                                        'response_hours': 1, 'resolution_hours': 4})
        other_company = self.env['res.company'].create({'name': "Deadline Test Other Co"})
        other_line = Deadline.sudo().create({'severity': 'normal', 'company_id': other_company.id,
                                             'response_hours': 8, 'resolution_hours': 40})
        self.assertTrue(high_quality.exists())
        self.assertTrue(other_line.exists())
