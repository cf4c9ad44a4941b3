"""PDF reports rendered for real by wkhtmltopdf: the return authorization and the complaint report.

Where wkhtmltopdf is missing these tests are skipped, with the reason in `make test`'s summary.
"""
import io

from PyPDF2 import PdfReader

from odoo.tests import tagged
from odoo.tests.common import users, warmup

import common
import return_common

MODULE = 'customer_complaint_return'
# Queries to render the return authorization as the approval mail does (HTML in tests, as Odoo
# renders every report while testing), measured on its own: the approval budget adds them where
# the mail carries the PDF, that is where wkhtmltopdf is installed.
AUTHORIZATION_RENDER_QUERIES = 23


def pdf_text(content):
    """The words of every page of the PDF ``content``, separated by single spaces."""
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


@tagged('post_install', '-at_install')
class TestReports(return_common.ReturnCommon):

    def setUp(self):
        super().setUp()
        if not common.pdf_rendering_available(self.env):
            self.skipTest(common.NO_PDF_REASON)

    def _render_pdf(self, report_xmlid, records):
        # Odoo renders HTML instead of PDF while testing unless asked explicitly.
        content, report_type = self.env['ir.actions.report'].with_context(
            force_report_rendering=True)._render_qweb_pdf(report_xmlid, records.ids)
        self.assertEqual(report_type, 'pdf')
        self.assertTrue(content.startswith(b'%PDF-'), "wkhtmltopdf did not produce a PDF")
        return content

    def test_return_authorization_pdf(self):
        case = self._create_return({self.sale_line_chair: 2})
        self._submit_and_approve(case)
        text = pdf_text(self._render_pdf(f'{MODULE}.action_report_customer_return', case))
        self.assertIn(case.name, text)
        self.assertIn("Office Chair", text)
        self.assertIn(self.order.name, text)

    def test_complaint_report_pdf(self):
        complaint = self._create_complaint(sale_order_id=self.order.id)
        text = pdf_text(self._render_pdf(f'{MODULE}.action_report_customer_complaint', complaint))
        self.assertIn(complaint.name, text)
        self.assertIn("Chair arrived with a broken leg", text)

    def test_approval_mail_carries_the_authorization(self):
        """The approval mail is queued and the mail queue prints the authorization when it sends
        it: the approver's click prints nothing, the customer's mail and the chatter get the PDF."""
        case = self._create_return({self.sale_line_chair: 2})
        self._submit_and_approve(case)
        approval = case.message_ids.filtered(lambda message: 'approved' in (message.subject or '').lower())
        self.assertEqual(len(approval), 1)
        self.assertFalse(approval.attachment_ids)
        mails = self.env['mail.mail'].search([('mail_message_id', '=', approval.id)])
        self.assertEqual(set(mails.mapped('state')), {'outgoing'})
        self.assertEqual(mails.deferred_report_template_id, self.env.ref(f'{MODULE}.mail_template_return_approved'))
        self.assertIn(self.customer, mails.recipient_ids)
        # the other steps' mails print nothing
        others = self.env['mail.mail'].search([('model', '=', 'customer.return'), ('res_id', '=', case.id),
                                               ('mail_message_id', '!=', approval.id)])
        self.assertFalse(others.deferred_report_template_id)

        self.env['mail.mail'].process_email_queue(email_ids=mails.ids)
        self.assertEqual(len(approval.attachment_ids), 1)
        # A PDF on a server; Odoo renders reports as HTML while testing.
        self.assertEqual(approval.attachment_ids.name.rsplit('.', 1)[0], f"Return Authorization - {case.name}")
        self.assertEqual((approval.attachment_ids.res_model, approval.attachment_ids.res_id), ('customer.return', case.id))
        # printed once for the message, whatever the number of its mails
        self.assertFalse(mails.exists().deferred_report_template_id)

    @users('ccr_manager')
    @warmup
    def test_authorization_render_query_budget(self):
        case = self._create_return({self.sale_line_chair: 2}, user=False)
        case.with_user(self.user_agent_1).action_submit()
        self.env.flush_all()
        self.env.invalidate_all()
        case = case.with_env(self.env)
        with self.assertQueryCount(ccr_manager=AUTHORIZATION_RENDER_QUERIES):
            self.env['ir.actions.report']._render_qweb_pdf(f'{MODULE}.action_report_customer_return', case.ids)
