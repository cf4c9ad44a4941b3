"""8D reports on corrective actions: the eight disciplines required along the action's states (through
the buttons and through a direct write, as over RPC), the problem description taken from the
complaints, and the PDF printed by wkhtmltopdf in the language of the complaining customer."""
import json
from datetime import datetime

from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

import common

REPORT = 'customer_complaint_return.action_report_corrective_action_8d'
HEADINGS_ZH = {
    "D1 Team": "D1 团队",
    "D2 Problem Description": "D2 问题描述",
    "D3 Containment Actions": "D3 临时围堵措施",
    "D4 Root Cause": "D4 根本原因",
    "D5 Chosen Corrective Actions": "D5 选定的纠正措施",
    "D6 Implemented and Verified": "D6 实施与验证",
    "D7 Prevention": "D7 预防再发生",
    "D8 Team Recognition": "D8 团队表彰",
}


@tagged('post_install', '-at_install')
class EightDCommon(common.ComplaintCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cause_packaging = cls.env['customer.complaint.cause'].create(
            {'name': "Packaging (test)", 'company_id': cls.company.id})
        cls.complaints = cls._create_complaint(
            subject="Leg snapped", product_ids=[Command.set(cls.product_chair.ids)],
            date_received=datetime(2026, 11, 2, 9, 0),
        ) | cls._create_complaint(
            subject="Leg bent", product_ids=[Command.set(cls.product_chair.ids)],
            date_received=datetime(2026, 11, 5, 9, 0),
        )

    def _create_action(self, **values):
        return self.env['customer.corrective.action'].with_user(self.user_agent_1).create({
            'title': "Stronger chair legs",
            'use_8d': True,
            'complaint_ids': [Command.set(self.complaints.ids)],
            'product_ids': [Command.set(self.product_chair.ids)],
            **values,
        })

    def _fill(self, action, *names):
        values = {
            'team_user_ids': [Command.set((self.user_agent_1 | self.user_specialist).ids)],
            'containment': "<p>Stock of the week blocked and inspected</p>",
            'root_cause': "Legs welded with the wrong current (5 whys).",
            'root_cause_id': self.cause_packaging.id,
            'chosen_actions': "<p>New welding procedure</p>",
            'implementation': "<p>Applied on line 2 from 10 November; 200 legs tested</p>",
            'prevention': "<p>Welding current in the control plan</p>",
            'recognition': "<p>Thanks to the line 2 team</p>",
        }
        action.write({name: values[name] for name in names})


@tagged('post_install', '-at_install')
class TestCorrectiveAction8D(EightDCommon):

    def test_disciplines_along_the_states(self):
        action = self._create_action()
        # D2 comes from the complaints.
        self.assertIn("2 complaints about Office Chair, received from 2026-11-02 to 2026-11-05",
                      str(action.problem_description))
        for complaint in self.complaints:
            self.assertIn(f"{complaint.name}: {complaint.subject}", str(action.problem_description))

        with self.assertRaisesRegex(ValidationError, r"follows the 8D method: to be In Progress it needs D1 Team\.$"), \
                self.cr.savepoint():
            action.action_start()
        self.assertEqual(action.state, 'open')
        self._fill(action, 'team_user_ids')
        action.action_start()
        self.assertEqual(action.state, 'in_progress')

        with self.assertRaises(ValidationError) as caught, self.cr.savepoint():
            action.action_done()
        self.assertIn("to be Done it needs D3 Containment Actions, D4 Root Cause, D5 Chosen Corrective Actions, "
                      "D6 Implemented and Verified.", str(caught.exception))
        self.assertEqual(action.state, 'in_progress')
        self.assertFalse(action.date_done)
        self._fill(action, 'containment', 'root_cause', 'root_cause_id', 'chosen_actions', 'implementation')
        action.action_done()
        self.assertEqual(action.state, 'done')

        # A direct write (what a JSON-RPC client sends) cannot empty a discipline the state needs.
        for name, empty in (('containment', "<p><br></p>"), ('root_cause', "  "), ('team_user_ids', [Command.clear()])):
            with self.assertRaises(ValidationError), self.cr.savepoint():
                action.with_user(self.user_agent_2).write({name: empty})
        self.assertEqual(len(action.team_user_ids), 2)

        with self.assertRaisesRegex(ValidationError, r"to be Verified Effective it needs D7 Prevention, D8 Team Recognition"), \
                self.cr.savepoint():
            action.with_user(self.user_manager).action_verify_effective()
        self.assertEqual(action.state, 'done')
        self._fill(action, 'prevention', 'recognition')
        action.with_user(self.user_manager).action_verify_effective()
        self.assertEqual((action.state, action.verification_result), ('verified', 'effective'))

    def test_turning_8d_on_late_and_actions_without_it(self):
        plain = self._create_action(use_8d=False)
        self.assertFalse(plain.problem_description)  # nothing is prefilled without the method
        plain.action_start()
        plain.action_done()
        self.assertEqual(plain.state, 'done')
        with self.assertRaisesRegex(ValidationError, "D1 Team, D2 Problem Description, D3 Containment Actions"), \
                self.cr.savepoint():
            plain.write({'use_8d': True, 'problem_description': False})
        self.assertFalse(plain.use_8d)
        # Cancelled actions need nothing.
        cancelled = self._create_action()
        cancelled.action_cancel()
        self.assertEqual(cancelled.state, 'cancelled')

    def test_other_company_team_member_and_double_click(self):
        company_2 = self.setup_other_company(name="Lin Wei Trading Shenzhen")['company']
        stranger = new_test_user(self.env, login='ccr_8d_stranger', groups=f'base.group_user,{common.GROUP_USER}',
                                 company_id=company_2.id, company_ids=[Command.set(company_2.ids)])
        action = self._create_action()
        with self.assertRaisesRegex(UserError, "company inconsistencies"), self.cr.savepoint():
            action.write({'team_user_ids': [Command.set((self.user_agent_1 | stranger).ids)]})
        self.assertFalse(action.team_user_ids)
        self._fill(action, 'team_user_ids')
        action.action_start()
        with self.assertRaises(UserError), self.cr.savepoint():
            action.action_start()  # the second click finds the action already started
        self.assertEqual(action.state, 'in_progress')

    def test_own_text_of_the_problem_is_kept(self):
        action = self._create_action(problem_description="<p>Our own description</p>")
        action.complaint_ids = [Command.link(self._create_complaint(subject="Third").id)]
        self.assertEqual(str(action.problem_description), "<p>Our own description</p>")

    # ------------------------------------------------------------------
    # The PDF, in the customer's language
    # ------------------------------------------------------------------
    def _complete_action(self):
        action = self._create_action()
        self._fill(action, 'team_user_ids', 'containment', 'root_cause', 'root_cause_id', 'chosen_actions',
                   'implementation', 'prevention', 'recognition')
        return action

    def _render_html(self, action):
        html, report_type = self.env['ir.actions.report']._render_qweb_html(REPORT, action.ids)
        self.assertEqual(report_type, 'html')
        return html.decode()

    def _render_pdf(self, action):
        if not common.pdf_rendering_available(self.env):
            self.skipTest(common.NO_PDF_REASON)
        content, report_type = self.env['ir.actions.report'].with_context(
            force_report_rendering=True)._render_qweb_pdf(REPORT, action.ids)
        self.assertEqual(report_type, 'pdf')
        self.assertTrue(content.startswith(b'%PDF-'), "wkhtmltopdf did not produce a PDF")
        return content

    def test_report_in_english(self):
        action = self._complete_action()
        self.assertEqual(action._get_8d_report_lang(), 'en_US')
        html = self._render_html(action)
        for heading in HEADINGS_ZH:
            self.assertIn(heading, html)
        self.assertIn(action.name, html)
        self.assertIn("New welding procedure", html)
        self.assertIn("Quality Specialist", html)  # D1
        self.assertIn(self.complaints[0].name, html)
        self._render_pdf(action)

    def test_report_in_chinese_for_a_chinese_customer(self):
        self.env['res.lang']._activate_lang('zh_CN')
        self.customer.lang = 'zh_CN'
        # The headings in Chinese (the addon's zh_CN.po carries them; set here so the test stands alone).
        view = self.env.ref('customer_complaint_return.report_corrective_action_8d_document')
        view.update_field_translations('arch_db', {'zh_CN': HEADINGS_ZH})
        action = self._complete_action()
        action.write({'containment': "<p>隔离本周库存并全数检验</p>"})
        self.assertEqual(action._get_8d_report_lang(), 'zh_CN')
        html = self._render_html(action)
        for heading in HEADINGS_ZH.values():
            self.assertIn(heading, html)
        self.assertNotIn("D3 Containment Actions", html)
        self.assertIn("隔离本周库存并全数检验", html)
        self._render_pdf(action)

    def test_print_button(self):
        action = self._complete_action()
        result = action.action_print_8d()
        self.assertEqual((result['type'], result['report_name']),
                         ('ir.actions.report', 'customer_complaint_return.report_corrective_action_8d'))


@tagged('post_install', '-at_install')
class TestCorrectiveAction8DOverJsonRpc(EightDCommon, HttpCase):
    """The same disciplines for a client talking JSON-RPC (/web/dataset/call_kw) to the server."""

    def _call_kw(self, model, method, args):
        body = json.dumps({'jsonrpc': '2.0', 'method': 'call', 'id': 1, 'params': {
            'model': model, 'method': method, 'args': args, 'kwargs': {}}})
        response = self.url_open(f'/web/dataset/call_kw/{model}/{method}', data=body,
                                 headers={'Content-Type': 'application/json'})
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_rpc_cannot_skip_or_empty_a_discipline(self):
        action = self._create_action()
        self.env.flush_all()
        self.authenticate(self.user_agent_1.login, self.user_agent_1.login)
        model = 'customer.corrective.action'
        reply = self._call_kw(model, 'action_start', [action.ids])
        self.assertEqual(reply['error']['data']['name'], 'odoo.exceptions.ValidationError', reply)
        self.assertIn("D1 Team", reply['error']['data']['message'])
        reply = self._call_kw(model, 'write', [action.ids, {'team_user_ids': [[6, 0, self.user_agent_1.ids]]}])
        self.assertNotIn('error', reply)
        self.assertNotIn('error', self._call_kw(model, 'action_start', [action.ids]))
        reply = self._call_kw(model, 'write', [action.ids, {'team_user_ids': [[5, 0, 0]], 'title': "Changed"}])
        self.assertEqual(reply['error']['data']['name'], 'odoo.exceptions.ValidationError', reply)
        self.env.invalidate_all()
        self.assertRecordValues(action, [{
            'state': 'in_progress', 'team_user_ids': self.user_agent_1.ids, 'title': "Stronger chair legs"}])
