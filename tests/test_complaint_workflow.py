"""States of a complaint case and their guards: start, resolve, close, cancel, reopen, delete, history."""
from datetime import datetime

from markupsafe import Markup

from odoo.exceptions import UserError
from odoo.tests import Form, freeze_time, tagged

import common


@tagged('post_install', '-at_install')
class TestComplaintWorkflow(common.ComplaintCommon):

    def _resolved_complaint(self, **values):
        complaint = self._create_complaint(resolution="<p>A new chair was delivered.</p>", **values)
        complaint.action_start()
        complaint.action_resolve()
        return complaint

    def _closed_complaint(self):
        complaint = self._resolved_complaint()
        complaint.action_close()
        return complaint

    def _confirm_reason_wizard(self, action, reason):
        wizard_form = Form(self.env[action['res_model']].with_context(action['context']))
        wizard_form.reason = reason
        return wizard_form.save().action_confirm()

    # ------------------------------------------------------------------
    # Start, resolve, close
    # ------------------------------------------------------------------
    def test_full_lifecycle_sets_dates(self):
        complaint = self._create_complaint()
        self.assertEqual(complaint.state, 'new')
        self.assertTrue(complaint.name.startswith('CMP/'))
        with freeze_time('2026-11-02 10:00:00'):
            self.assertIs(complaint.action_start(), True)
        self.assertEqual(complaint.state, 'in_progress')
        self.assertEqual(complaint.date_started, datetime(2026, 11, 2, 10, 0))

        complaint.resolution = "<p>The chair was replaced.</p>"
        with freeze_time('2026-11-03 15:30:00'):
            complaint.action_resolve()
        self.assertEqual(complaint.state, 'resolved')
        self.assertEqual(complaint.date_resolved, datetime(2026, 11, 3, 15, 30))
        self.assertEqual(complaint.date_started, datetime(2026, 11, 2, 10, 0))
        self.assertFalse(complaint.date_closed)

        with freeze_time('2026-11-04 08:05:00'):
            complaint.action_close()
        self.assertEqual(complaint.state, 'closed')
        self.assertEqual(complaint.date_closed, datetime(2026, 11, 4, 8, 5))

    def test_resolve_straight_from_new_sets_start(self):
        complaint = self._create_complaint(resolution="<p>Explained the delay.</p>")
        with freeze_time('2026-11-02 11:00:00'):
            complaint.action_resolve()
        self.assertEqual(complaint.state, 'resolved')
        self.assertEqual(complaint.date_started, datetime(2026, 11, 2, 11, 0))
        self.assertEqual(complaint.date_resolved, datetime(2026, 11, 2, 11, 0))

    def test_resolve_needs_a_resolution(self):
        complaint = self._create_complaint()
        complaint.action_start()
        for empty in (False, '', '<p><br></p>', '<p> </p>'):
            complaint.resolution = empty
            with self.assertRaises(UserError):
                complaint.action_resolve()
            self.assertEqual(complaint.state, 'in_progress')
            self.assertFalse(complaint.date_resolved)

    def test_close_only_resolved_cases(self):
        new = self._create_complaint()
        started = self._create_complaint()
        started.action_start()
        for complaint, state in ((new, 'new'), (started, 'in_progress')):
            with self.assertRaises(UserError):
                complaint.action_close()
            self.assertEqual(complaint.state, state)
            self.assertFalse(complaint.date_closed)

    def test_start_twice_is_refused(self):
        complaint = self._create_complaint()
        with freeze_time('2026-11-02 10:00:00'):
            complaint.action_start()
        with freeze_time('2026-11-02 11:00:00'), self.assertRaises(UserError):
            complaint.action_start()
        self.assertEqual(complaint.state, 'in_progress')
        self.assertEqual(complaint.date_started, datetime(2026, 11, 2, 10, 0))

    def test_batch_start_is_atomic(self):
        new = self._create_complaint()
        started = self._create_complaint()
        started.action_start()
        with self.assertRaises(UserError):
            (new | started).action_start()
        self.assertEqual(new.state, 'new')
        self.assertFalse(new.date_started)
        self.assertFalse(new.date_first_response)
        self.assertEqual(started.state, 'in_progress')

    def test_batch_resolve_with_one_missing_resolution_changes_nothing(self):
        ready = self._create_complaint(resolution="<p>Refunded.</p>")
        missing = self._create_complaint()
        with self.assertRaises(UserError):
            (ready | missing).action_resolve()
        self.assertEqual((ready | missing).mapped('state'), ['new', 'new'])
        self.assertFalse(ready.date_resolved)

    # ------------------------------------------------------------------
    # Cancel
    # ------------------------------------------------------------------
    def test_cancel_opens_reason_wizard(self):
        complaint = self._create_complaint()
        action = complaint.action_cancel()
        self.assertEqual(action['type'], 'ir.actions.act_window')
        self.assertEqual(action['res_model'], 'customer.complaint.reason')
        self.assertEqual(action['target'], 'new')
        self.assertEqual(action['context']['default_operation'], 'cancel')
        self.assertEqual(action['context']['default_complaint_ids'], complaint.ids)
        self.assertEqual(complaint.state, 'new')  # the button alone cancels nothing

    def test_cancel_with_reason(self):
        complaint = self._create_complaint()
        complaint.action_start()
        messages_before = complaint.message_ids
        result = self._confirm_reason_wizard(complaint.action_cancel(), "Customer withdrew the complaint")
        self.assertEqual(result, {'type': 'ir.actions.act_window_close'})
        self.assertEqual(complaint.state, 'cancelled')
        self.assertEqual(complaint.cancel_reason, "Customer withdrew the complaint")
        note = complaint.message_ids - messages_before
        self.assertEqual(len(note), 1)
        self.assertEqual(note.subtype_id, self.env.ref('mail.mt_note'))
        self.assertEqual(
            note.body, Markup("<span><strong>Complaint cancelled</strong><br>Customer withdrew the complaint</span>"))

    def test_cancel_several_cases_at_once(self):
        complaints = self._create_complaint() | self._resolved_complaint()
        self._confirm_reason_wizard(complaints.action_cancel(), "Duplicates of <b>CMP</b> & co")
        self.assertEqual(complaints.mapped('state'), ['cancelled', 'cancelled'])
        self.assertEqual(complaints.mapped('cancel_reason'), ["Duplicates of <b>CMP</b> & co"] * 2)
        for complaint in complaints:
            # the reason is plain text: logged escaped, once on each case
            notes = complaint.message_ids.filtered(lambda message: 'Complaint cancelled' in message.body)
            self.assertEqual(len(notes), 1)
            self.assertEqual(notes.body, Markup(
                "<span><strong>Complaint cancelled</strong><br>Duplicates of &lt;b&gt;CMP&lt;/b&gt; &amp; co</span>"))

    def test_cancel_without_reason_is_refused(self):
        complaint = self._create_complaint()
        messages_before = complaint.message_ids
        wizard = self.env['customer.complaint.reason'].create({
            'complaint_ids': complaint.ids, 'operation': 'cancel', 'reason': "   \n  "})
        with self.assertRaises(UserError):
            wizard.action_confirm()
        for empty in ('', False, None):
            with self.assertRaises(UserError):
                complaint._cancel(empty)
        self.assertEqual(complaint.state, 'new')
        self.assertFalse(complaint.cancel_reason)
        self.assertEqual(complaint.message_ids, messages_before)

    def test_cancel_closed_case_is_refused(self):
        complaint = self._closed_complaint()
        with self.assertRaises(UserError):
            complaint.action_cancel()
        with self.assertRaises(UserError):
            complaint._cancel("Too late")
        self.assertEqual(complaint.state, 'closed')
        self.assertFalse(complaint.cancel_reason)

    def test_cancel_cancelled_case_is_refused(self):
        complaint = self._create_complaint()
        complaint._cancel("Spam")
        with self.assertRaises(UserError):
            complaint.action_cancel()
        self.assertEqual(complaint.cancel_reason, "Spam")

    # ------------------------------------------------------------------
    # Reopen
    # ------------------------------------------------------------------
    def test_reopen_resolved_case(self):
        complaint = self._resolved_complaint()
        self.assertTrue(complaint.date_resolved)
        action = complaint.action_reopen()
        self.assertEqual(action['res_model'], 'customer.complaint.reason')
        self.assertEqual(action['context']['default_operation'], 'reopen')
        messages_before = complaint.message_ids
        self._confirm_reason_wizard(action, "The new chair is broken too")
        self.assertEqual(complaint.state, 'in_progress')
        self.assertFalse(complaint.date_resolved)
        self.assertEqual(complaint.reopen_count, 1)
        note = complaint.message_ids - messages_before
        self.assertEqual(len(note), 1)
        self.assertEqual(note.subtype_id, self.env.ref('mail.mt_note'))
        self.assertEqual(
            note.body, Markup("<span><strong>Complaint reopened</strong><br>The new chair is broken too</span>"))

    def test_reopen_closed_case_twice(self):
        complaint = self._closed_complaint()
        self.assertTrue(complaint.date_closed)
        self._confirm_reason_wizard(complaint.action_reopen(), "Customer called back")
        self.assertEqual(complaint.state, 'in_progress')
        self.assertFalse(complaint.date_resolved)
        self.assertFalse(complaint.date_closed)
        self.assertEqual(complaint.reopen_count, 1)
        self.assertIn("Customer called back", complaint.message_ids[:1].body)

        complaint.action_resolve()  # the resolution is still there
        complaint.action_close()
        self._confirm_reason_wizard(complaint.action_reopen(), "Again")
        self.assertEqual(complaint.state, 'in_progress')
        self.assertEqual(complaint.reopen_count, 2)

    def test_reopen_open_case_is_refused(self):
        new = self._create_complaint()
        started = self._create_complaint()
        started.action_start()
        for complaint, state in ((new, 'new'), (started, 'in_progress')):
            with self.assertRaises(UserError):
                complaint.action_reopen()
            with self.assertRaises(UserError):
                complaint._reopen("Why not")
            self.assertEqual(complaint.state, state)
            self.assertEqual(complaint.reopen_count, 0)

    def test_reopen_without_reason_is_refused(self):
        complaint = self._resolved_complaint()
        with self.assertRaises(UserError):
            complaint._reopen("  ")
        self.assertEqual(complaint.state, 'resolved')
        self.assertTrue(complaint.date_resolved)
        self.assertEqual(complaint.reopen_count, 0)

    # ------------------------------------------------------------------
    # Deletion and archiving
    # ------------------------------------------------------------------
    def test_manager_deletes_new_and_cancelled_cases(self):
        new = self._create_complaint()
        cancelled = self._create_complaint()
        cancelled._cancel("Entered twice")
        (new | cancelled).with_user(self.user_manager).unlink()
        self.assertFalse((new | cancelled).exists())

    def test_processed_cases_cannot_be_deleted_but_archived(self):
        started = self._create_complaint()
        started.action_start()
        resolved = self._resolved_complaint()
        closed = self._closed_complaint()
        for complaint in started | resolved | closed:
            with self.assertRaises(UserError):
                complaint.with_user(self.user_manager).unlink()
            self.assertTrue(complaint.exists())
        # a batch with one deletable case deletes nothing
        new = self._create_complaint()
        with self.assertRaises(UserError):
            (new | closed).with_user(self.user_manager).unlink()
        self.assertTrue(new.exists())

        (started | resolved | closed).with_user(self.user_manager).action_archive()
        self.assertEqual((started | resolved | closed).mapped('active'), [False, False, False])
        self.assertTrue((started | resolved | closed).exists())
        self.assertFalse(self.env['customer.complaint'].search([('id', 'in', (started | resolved | closed).ids)]))

    # ------------------------------------------------------------------
    # History
    # ------------------------------------------------------------------
    def test_state_changes_are_tracked(self):
        complaint = self._create_complaint()
        self.env.flush_all()
        self.env.cr.precommit.run()

        complaint.action_start()
        self.env.flush_all()
        self.env.cr.precommit.run()

        trackings = self.env['mail.tracking.value'].sudo().search([
            ('mail_message_id.model', '=', 'customer.complaint'),
            ('mail_message_id.res_id', '=', complaint.id),
            ('field_id.name', '=', 'state'),
        ])
        self.assertEqual(len(trackings), 1)
        self.assertEqual(trackings.old_value_char, "New")
        self.assertEqual(trackings.new_value_char, "In Progress")
        self.assertIn(trackings.mail_message_id, complaint.message_ids)

        complaint.resolution = "<p>Done.</p>"
        complaint.action_resolve()
        self.env.flush_all()
        self.env.cr.precommit.run()
        trackings = self.env['mail.tracking.value'].sudo().search([
            ('mail_message_id.model', '=', 'customer.complaint'),
            ('mail_message_id.res_id', '=', complaint.id),
            ('field_id.name', '=', 'state'),
        ], order='id')
        self.assertEqual(
            [(t.old_value_char, t.new_value_char) for t in trackings],
            [("New", "In Progress"), ("In Progress", "Resolved")])
