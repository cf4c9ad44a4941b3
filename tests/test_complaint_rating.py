"""Satisfaction rating: a closed complaint asks its customer for a rating (per team), answered in
one click from the mail or the portal through Odoo's /rate routes; the team's satisfaction, the
complaint analysis, and an activity for the team leader after a low rating."""
import re

from odoo.tests import tagged

import portal_common


@tagged('post_install', '-at_install')
class TestComplaintRating(portal_common.PortalCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env.ref('customer_complaint_return.mail_template_complaint_rating')
        cls.team_service.write({'rating_active': True, 'rating_template_id': cls.template.id})

    def _close(self, complaint):
        complaint.with_user(self.user_agent_1).action_close()
        return complaint.message_ids.filtered(lambda m: m.subject and 'how did we handle' in m.subject)

    def _rating_token(self, request_message):
        return re.search(r'/rate/([\w-]+)/5', request_message.body).group(1)

    def test_closing_sends_the_rating_request(self):
        request_message = self._close(self.complaint_a)
        self.assertEqual(len(request_message), 1)
        self.assertIn(self.customer_contact, request_message.notified_partner_ids)
        rating = self.complaint_a.rating_ids
        self.assertEqual((rating.partner_id, rating.consumed, rating.parent_res_id, rating.parent_res_model),
                         (self.customer_contact, False, self.team_service.id, 'customer.complaint.team'))
        self.assertEqual(self._rating_token(request_message), rating.access_token)
        self.assertIn(f'/my/complaints/{self.complaint_a.id}?access_token=', request_message.body)

    def test_no_request_when_the_team_does_not_ask(self):
        self.team_service.rating_active = False
        self.assertFalse(self._close(self.complaint_a))
        self.assertFalse(self.complaint_a.rating_ids)

    def test_one_click_from_the_mail_with_comment(self):
        token = self._rating_token(self._close(self.complaint_a))
        self.authenticate(None, None)  # the customer clicks in their mailbox
        page = self._get(f'/rate/{token}/5')
        self.assertEqual(page.status_code, 200)
        self.assertInPage(f'/rate/{token}/submit_feedback', page.text)
        response = self._post(f'/rate/{token}/submit_feedback', {'rate': 5, 'feedback': "Quick and friendly"})
        self.assertEqual(response.status_code, 200)
        rating = self.complaint_a.rating_ids
        self.assertEqual((rating.rating, rating.feedback, rating.consumed), (5.0, "Quick and friendly", True))
        self.assertEqual(self.complaint_a.rating_last_value, 5.0)
        self.assertEqual(rating.message_id.subtype_id, self.env.ref('customer_complaint_return.mt_complaint_rating'))
        self.assertEqual(rating.message_id.author_id, self.customer_contact)
        self.assertFalse(self.complaint_a.activity_ids, "a happy customer needs no follow-up")
        self.assertEqual(self.team_service.rating_percentage_satisfaction, 100)

    def test_low_rating_schedules_an_activity_for_the_team_leader(self):
        token = self._rating_token(self._close(self.complaint_a))
        self.authenticate(None, None)
        self._post(f'/rate/{token}/submit_feedback', {'rate': 1, 'feedback': "Nobody called me back"})
        activity = self.complaint_a.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.team_service.leader_id)
        self.assertEqual(activity.summary, f"Unhappy customer: {self.complaint_a.name}")
        self.assertIn("Nobody called me back", activity.note)

    def test_rating_from_the_portal_page(self):
        self._close(self.complaint_a)
        self._login(self.portal_a)
        page = self._get(f'/my/complaints/{self.complaint_a.id}').text
        self.assertInPage('o_ccr_rating', page)
        token = re.search(r'/rate/([\w-]+)/3', page).group(1)
        self.assertEqual(token, self.complaint_a.rating_ids.access_token)
        self._post(f'/rate/{token}/submit_feedback', {'rate': 3})
        self.assertEqual(self.complaint_a.rating_ids.rating, 3.0)
        # once rated, the page does not ask again
        self.assertNotInPage('o_ccr_rating', self._get(f'/my/complaints/{self.complaint_a.id}').text)
        # the other customer cannot see, nor rate from, this page
        self._login(self.portal_b)
        self.assertEqual(self._get(f'/my/complaints/{self.complaint_a.id}').status_code, 403)

    def test_team_satisfaction_and_complaint_analysis(self):
        other = self._create_complaint(partner_id=self.customer_contact.id, subject="Late delivery",
                                       resolution="<p>Sorry.</p>")
        other.action_resolve()
        for complaint, rate in ((self.complaint_a, 5), (other, 1)):
            self._close(complaint)
            complaint.rating_ids.sudo()._compute_rating_text()
            complaint.rating_apply(rate, token=complaint.rating_ids.access_token)
        self.assertEqual(self.team_service.rating_count, 2)
        self.assertEqual(self.team_service.rating_percentage_satisfaction, 50)
        groups = self.env['customer.complaint']._read_group(
            [('id', 'in', (self.complaint_a | other).ids)], ['team_id'], ['rating_last_value:avg'])
        self.assertEqual(groups, [(self.team_service, 3.0)])
        unhappy = self.env['customer.complaint'].search(
            [('id', 'in', (self.complaint_a | other).ids), ('rating_last_value', '>', 0), ('rating_last_value', '<', 3)])
        self.assertEqual(unhappy, other)
        pivot = self.env['customer.complaint'].get_views([(False, 'pivot')])['views']['pivot']['arch']
        self.assertIn('rating_last_value', pivot)
