"""Routing of complaint cases to teams (severity, category) and to users (leader, round-robin)."""
from markupsafe import Markup

from odoo.fields import Command
from odoo.tests import tagged

import common


@tagged('post_install', '-at_install')
class TestComplaintRouting(common.ComplaintCommon):

    def _reroute_notes(self, complaint):
        return complaint.message_ids.filtered(lambda message: 'Re-routed' in message.body)

    # ------------------------------------------------------------------
    # Severity decides the team
    # ------------------------------------------------------------------
    def test_normal_and_low_cases_go_to_customer_service(self):
        normal = self._create_complaint(severity='normal')
        low = self._create_complaint(severity='low')
        self.assertEqual(normal.team_id, self.team_service)
        self.assertEqual(low.team_id, self.team_service)
        # round-robin: the first two cases of the team go to agent 1 then agent 2
        self.assertEqual(normal.user_id, self.user_agent_1)
        self.assertEqual(low.user_id, self.user_agent_2)
        self.assertTrue(normal.date_assigned)

    def test_no_severity_given_means_normal(self):
        complaint = self._create_complaint()
        self.assertEqual(complaint.severity, 'normal')
        self.assertEqual(complaint.team_id, self.team_service)

    def test_high_and_critical_cases_go_to_the_specialists_leader(self):
        high = self._create_complaint(severity='high')
        critical = self._create_complaint(severity='critical')
        for complaint in high | critical:
            self.assertEqual(complaint.team_id, self.team_specialists)
            # the specialists team assigns every case to its leader
            self.assertEqual(complaint.user_id, self.user_specialist)

    def test_category_default_severity_routes_to_specialists(self):
        complaint = self._create_complaint(category_id=self.category_safety.id)
        self.assertEqual(complaint.severity, 'critical')
        self.assertEqual(complaint.team_id, self.team_specialists)
        self.assertEqual(complaint.user_id, self.user_specialist)

    def test_category_default_severity_low(self):
        complaint = self._create_complaint(category_id=self.category_delay.id)
        self.assertEqual(complaint.severity, 'low')
        self.assertEqual(complaint.team_id, self.team_service)
        self.assertEqual(complaint.user_id, self.user_agent_1)

    # ------------------------------------------------------------------
    # Round-robin among the members of the service team
    # ------------------------------------------------------------------
    def test_round_robin_one_by_one(self):
        users = [self._create_complaint(severity='normal').user_id for _index in range(4)]
        self.assertEqual(users, [self.user_agent_1, self.user_agent_2, self.user_agent_1, self.user_agent_2])

    def test_round_robin_in_one_batch(self):
        values = {'partner_id': self.customer.id, 'subject': "Late answer", 'severity': 'normal'}
        batch = self.env['customer.complaint'].create([dict(values) for _index in range(3)])
        self.assertEqual(batch.team_id, self.team_service)
        self.assertEqual(batch.mapped('user_id'), self.user_agent_1 | self.user_agent_2)
        self.assertEqual(
            [complaint.user_id for complaint in batch],
            [self.user_agent_1, self.user_agent_2, self.user_agent_1])
        # agent 2 had the fewest recent cases of the batch: the next case is hers
        self.assertEqual(self._create_complaint(severity='low').user_id, self.user_agent_2)
        # and a second batch goes on from there
        second = self.env['customer.complaint'].create([dict(values) for _index in range(3)])
        self.assertEqual(
            [complaint.user_id for complaint in second],
            [self.user_agent_1, self.user_agent_2, self.user_agent_1])

    def test_round_robin_after_one_by_one_then_batch(self):
        first = self._create_complaint(severity='normal')
        self.assertEqual(first.user_id, self.user_agent_1)
        batch = self.env['customer.complaint'].create([
            {'partner_id': self.customer.id, 'subject': f"Case {index}", 'severity': 'normal'}
            for index in range(3)
        ])
        self.assertEqual(
            [complaint.user_id for complaint in batch],
            [self.user_agent_2, self.user_agent_1, self.user_agent_2])

    def test_round_robin_skips_archived_member(self):
        self.user_agent_1.active = False
        complaints = self.env['customer.complaint'].browse()
        for _index in range(3):
            complaints |= self._create_complaint(severity='normal')
        self.assertEqual(complaints.team_id, self.team_service)
        self.assertEqual([c.user_id for c in complaints], [self.user_agent_2] * 3)

    def test_round_robin_skips_removed_member(self):
        self.team_service.member_ids = [Command.unlink(self.user_agent_1.id)]
        batch = self.env['customer.complaint'].create([
            {'partner_id': self.customer.id, 'subject': f"Case {index}", 'severity': 'low'}
            for index in range(2)
        ])
        self.assertEqual([c.user_id for c in batch], [self.user_agent_2] * 2)

    # ------------------------------------------------------------------
    # Categories: default team, specialised teams
    # ------------------------------------------------------------------
    def test_category_default_team(self):
        # Both teams take high cases; the service team comes first in the order,
        # so only the category's default team can send a high quality case to the specialists.
        self.team_service.severity_max = 'critical'
        self.team_specialists.sequence = 30
        baseline = self._create_complaint(category_id=self.category_quality.id, severity='high')
        self.assertEqual(baseline.team_id, self.team_service)

        self.category_quality.default_team_id = self.team_specialists
        complaint = self._create_complaint(category_id=self.category_quality.id, severity='high')
        self.assertEqual(complaint.team_id, self.team_specialists)
        self.assertEqual(complaint.user_id, self.user_specialist)

    def test_category_default_team_not_taking_the_severity(self):
        self.category_quality.default_team_id = self.team_specialists
        complaint = self._create_complaint(category_id=self.category_quality.id, severity='normal')
        # the specialists take high and critical only: the case falls back to customer service
        self.assertEqual(complaint.team_id, self.team_service)
        self.assertEqual(complaint.user_id, self.user_agent_1)

    def test_team_listing_categories_comes_before_generic_team(self):
        quality_desk = self.env['customer.complaint.team'].create({
            'name': "Quality Desk",
            'sequence': 50,  # after the generic service team
            'severity_min': 'low',
            'severity_max': 'normal',
            'category_ids': [Command.set(self.category_quality.ids)],
            'assignment_method': 'leader',
            'leader_id': self.user_agent_2.id,
            'company_id': self.company.id,
        })
        quality = self._create_complaint(category_id=self.category_quality.id)
        self.assertEqual(quality.team_id, quality_desk)
        self.assertEqual(quality.user_id, self.user_agent_2)
        # other categories, or none, still go to the generic team
        delay = self._create_complaint(category_id=self.category_delay.id)
        self.assertEqual(delay.team_id, self.team_service)
        no_category = self._create_complaint(severity='normal')
        self.assertEqual(no_category.team_id, self.team_service)
        # the quality desk does not take high cases: specialists do
        urgent_quality = self._create_complaint(category_id=self.category_quality.id, severity='high')
        self.assertEqual(urgent_quality.team_id, self.team_specialists)

    # ------------------------------------------------------------------
    # No team, other companies
    # ------------------------------------------------------------------
    def test_no_matching_team(self):
        (self.team_service | self.team_specialists).active = False
        complaint = self._create_complaint(severity='normal')
        self.assertFalse(complaint.team_id)
        self.assertFalse(complaint.user_id)
        self.assertFalse(complaint.date_assigned)

    def test_team_of_another_company_is_never_used(self):
        other_company = self.env['res.company'].create({'name': "Complaint Test Other Co"})
        other_team = self.env['customer.complaint.team'].sudo().create({
            'name': "Other Company Service",
            'sequence': 1,
            'severity_min': 'low',
            'severity_max': 'critical',
            'company_id': other_company.id,
        })
        # the other company's team does take its own company's cases
        other_case = self.env['customer.complaint'].sudo().create({
            'partner_id': self.customer.id, 'subject': "Elsewhere", 'company_id': other_company.id})
        self.assertEqual(other_case.team_id, other_team)

        normal = self._create_complaint(severity='normal')
        critical = self._create_complaint(severity='critical')
        self.assertEqual(normal.team_id, self.team_service)
        self.assertEqual(critical.team_id, self.team_specialists)

        (self.team_service | self.team_specialists).active = False
        orphan = self._create_complaint(severity='normal')
        self.assertEqual(orphan.company_id, self.company)
        self.assertFalse(orphan.team_id)
        self.assertFalse(orphan.user_id)

    # ------------------------------------------------------------------
    # Re-routing
    # ------------------------------------------------------------------
    def test_severity_change_reroutes_open_case(self):
        complaint = self._create_complaint(severity='normal')
        self.assertEqual(complaint.team_id, self.team_service)
        self.assertEqual(complaint.user_id, self.user_agent_1)
        self.assertFalse(self._reroute_notes(complaint))

        complaint.severity = 'critical'
        self.assertEqual(complaint.team_id, self.team_specialists)
        self.assertEqual(complaint.user_id, self.user_specialist)
        note = self._reroute_notes(complaint)
        self.assertEqual(len(note), 1)
        self.assertEqual(note.subtype_id, self.env.ref('mail.mt_note'))
        self.assertEqual(
            note.body,
            Markup("<p>Re-routed from Customer Service to Specialists after the severity or category changed "
                   "(severity: Critical, category: none).</p>"))

    def test_category_change_reroutes_in_progress_case(self):
        complaint = self._create_complaint(category_id=self.category_quality.id)
        complaint.action_start()
        self.assertEqual(complaint.team_id, self.team_service)
        complaint.category_id = self.category_safety
        self.assertEqual(complaint.severity, 'critical')
        self.assertEqual(complaint.team_id, self.team_specialists)
        self.assertEqual(complaint.user_id, self.user_specialist)
        note = self._reroute_notes(complaint)
        self.assertEqual(len(note), 1)
        self.assertIn("Re-routed from Customer Service to Specialists", note.body)
        self.assertIn("category: Product Safety", note.body)

    def test_severity_change_of_same_team_posts_nothing(self):
        complaint = self._create_complaint(severity='normal')
        complaint.severity = 'low'
        self.assertEqual(complaint.team_id, self.team_service)
        self.assertEqual(complaint.user_id, self.user_agent_1)
        self.assertFalse(self._reroute_notes(complaint))

    def test_severity_change_of_handled_case_keeps_its_team(self):
        resolved = self._create_complaint(severity='normal', resolution="<p>Replaced the chair.</p>")
        closed = self._create_complaint(severity='normal', resolution="<p>Refunded.</p>")
        (resolved | closed).action_resolve()
        closed.action_close()
        users = {complaint: complaint.user_id for complaint in resolved | closed}

        (resolved | closed).write({'severity': 'critical'})
        for complaint in resolved | closed:
            self.assertEqual(complaint.severity, 'critical')
            self.assertEqual(complaint.team_id, self.team_service)
            self.assertEqual(complaint.user_id, users[complaint])
            self.assertFalse(self._reroute_notes(complaint))
        self.assertEqual(resolved.state, 'resolved')
        self.assertEqual(closed.state, 'closed')

    def test_explicit_team_in_same_write_wins(self):
        complaint = self._create_complaint(severity='normal')
        complaint.write({'severity': 'critical', 'team_id': self.team_service.id})
        self.assertEqual(complaint.severity, 'critical')
        self.assertEqual(complaint.team_id, self.team_service)
        self.assertEqual(complaint.user_id, self.user_agent_1)
        self.assertFalse(self._reroute_notes(complaint))

    def test_explicit_team_change_assigns_its_users(self):
        complaint = self._create_complaint(severity='normal')
        complaint.team_id = self.team_specialists
        self.assertEqual(complaint.user_id, self.user_specialist)
        self.assertEqual(complaint.severity, 'normal')

    # ------------------------------------------------------------------
    # Explicit responsible
    # ------------------------------------------------------------------
    def test_explicit_user_at_creation_is_kept(self):
        # the specialist is not a member of the service team that takes the case
        complaint = self._create_complaint(severity='normal', user_id=self.user_specialist.id)
        self.assertEqual(complaint.team_id, self.team_service)
        self.assertEqual(complaint.user_id, self.user_specialist)
        # the round-robin did not count this case: the next one goes to agent 1
        self.assertEqual(self._create_complaint(severity='normal').user_id, self.user_agent_1)

    def test_explicit_team_and_user_at_creation_are_kept(self):
        complaint = self._create_complaint(
            severity='critical', team_id=self.team_service.id, user_id=self.user_agent_2.id)
        self.assertEqual(complaint.team_id, self.team_service)
        self.assertEqual(complaint.user_id, self.user_agent_2)
