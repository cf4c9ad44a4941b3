"""E-mail intake: raw RFC 822 messages fed to Odoo's mail gateway (message_process) become
complaints of the team whose alias they were sent to, thread into their case, and never break
the gateway."""
from email.header import Header

from odoo.tests import Form, tagged
from odoo.tools import mute_logger

import common

ALIAS = "complaints"
DOMAIN = "ccr-test.example.com"


@tagged('post_install', '-at_install')
class TestComplaintMailGateway(common.ComplaintCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        alias_domain = cls.env['mail.alias.domain'].create({'name': DOMAIN})
        cls.company.alias_domain_id = alias_domain
        cls.team_service.write({'alias_name': ALIAS, 'alias_domain_id': alias_domain.id})
        cls.alias_email = f"{ALIAS}@{DOMAIN}"
        cls.Complaint = cls.env['customer.complaint']

    def _mail(self, subject="Broken chair", body="The chair broke.", sender='"Lin Wei" <lin.wei@linwei.example.com>',
              message_id="<first-mail@linwei.example.com>", extra_headers="", content_type="text/plain; charset=utf-8",
              to=None):
        headers = [f"From: {sender}"] if sender is not None else []
        headers += [
            f"To: {to or self.alias_email}",
            f"Subject: {subject}",
            f"Message-ID: {message_id}",
            "Date: Mon, 02 Nov 2026 09:00:00 +0000",
            "MIME-Version: 1.0",
            f"Content-Type: {content_type}",
        ]
        if extra_headers:
            headers.append(extra_headers.strip())
        return "\r\n".join(headers) + "\r\n\r\n" + body

    def _process(self, raw):
        return self.env['mail.thread'].message_process(None, raw)

    def _new_cases(self):
        return self.Complaint.search([('channel', '=', 'email')])

    # ------------------------------------------------------------------
    # New cases
    # ------------------------------------------------------------------
    def test_plain_mail_from_known_contact(self):
        thread_id = self._process(self._mail(subject=f"Broken chair on order {self.order.name}, please help"))
        case = self._new_cases()
        self.assertEqual(case.id, thread_id)
        self.assertEqual((case.channel, case.partner_id, case.commercial_partner_id, case.team_id, case.company_id),
                         ('email', self.customer_contact, self.customer, self.team_service, self.company))
        self.assertEqual(case.subject, f"Broken chair on order {self.order.name}, please help")
        self.assertRegex(case.name, r'^CMP/\d{4}/\d{5}$')
        self.assertEqual(case.email, "lin.wei@linwei.example.com")
        self.assertIn("The chair broke.", case.description)
        # the order named in the subject is the customer's: linked, with its documents
        self.assertEqual((case.sale_order_id, case.delivery_ids, case.invoice_ids, case.product_ids),
                         (self.order, self.delivery, self.invoice, self.product_chair))
        # routed to the alias's team, deadlined, the mail in the chatter, the customer acknowledged
        self.assertIn(case.user_id, self.user_agent_1 | self.user_agent_2)
        self.assertTrue(case.date_response_deadline)
        incoming = case.message_ids.filtered(lambda m: m.message_type == 'email')
        self.assertEqual((incoming.author_id, incoming.message_id), (self.customer_contact, "<first-mail@linwei.example.com>"))
        ack = case.message_ids.filtered(lambda m: m.subject and 'we received your complaint' in m.subject)
        self.assertEqual(len(ack), 1)
        self.assertIn(self.customer_contact, ack.notified_partner_ids)

    def test_order_of_another_customer_is_not_linked(self):
        other_order = self._create_delivered_invoiced_order(self.other_customer, [(self.product_desk, 1, 420.0)])
        self._process(self._mail(subject=f"About {other_order.name}", body=f"See also {other_order.name}."))
        case = self._new_cases()
        self.assertEqual(case.partner_id, self.customer_contact)
        self.assertFalse(case.sale_order_id)
        self.assertFalse(case.delivery_ids)

    def test_customer_reference_in_html_body(self):
        self.order.client_order_ref = "PO-7781"
        body = "<html><body><p>Hello,</p><p>our purchase order <b>PO-7781</b> arrived damaged.</p>" \
               "<img src='x' onerror='alert(1)'><script>alert(2)</script></body></html>"
        self._process(self._mail(body=body, content_type="text/html; charset=utf-8"))
        case = self._new_cases()
        self.assertEqual(case.sale_order_id, self.order)
        self.assertIn("arrived damaged", case.description)
        self.assertNotIn("<script", case.description)
        self.assertNotIn("onerror", case.description)

    def test_unknown_sender_keeps_the_address(self):
        self._process(self._mail(sender='"Chen Jie" <chen.jie@unknown.example.com>',
                                 subject=f"Problem with {self.order.name}"))
        case = self._new_cases()
        self.assertFalse(case.partner_id)
        self.assertEqual((case.email, case.contact_name), ("chen.jie@unknown.example.com", "Chen Jie"))
        self.assertFalse(case.sale_order_id, "an unknown sender links no order")
        self.assertFalse(self.env['res.partner'].search([('email', 'ilike', 'chen.jie@unknown')]))
        # no automatic answer to an address nobody matched yet
        self.assertFalse(case.message_ids.filtered(lambda m: m.subject and 'we received' in m.subject))
        # customer service matches the contact later
        case.partner_id = self.customer_contact
        self.assertEqual(case.commercial_partner_id, self.customer)

    def test_attachments_are_evidence(self):
        raw = (
            f"From: \"Lin Wei\" <lin.wei@linwei.example.com>\r\nTo: {self.alias_email}\r\n"
            "Subject: Photos of the damage\r\nMessage-ID: <with-files@linwei.example.com>\r\n"
            "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XYZ\"\r\n\r\n"
            "--XYZ\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the photos.\r\n"
            "--XYZ\r\nContent-Type: image/png; name=\"leg.png\"\r\nContent-Disposition: attachment; filename=\"leg.png\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4DwQACfsD/Z8fLAAAAAAASUVORK5CYII=\r\n"
            "--XYZ\r\nContent-Type: application/pdf; name=\"note.pdf\"\r\nContent-Disposition: attachment; filename=\"note.pdf\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJSVFT0YK\r\n"
            "--XYZ--\r\n")
        self._process(raw)
        case = self._new_cases()
        self.assertEqual(sorted(case.attachment_ids.mapped('name')), ['leg.png', 'note.pdf'])
        self.assertEqual(set(case.attachment_ids.mapped('res_id')), {case.id})

    def test_non_utf8_mail(self):
        subject = Header("Chaise cassée – 椅子坏了", 'utf-8').encode()
        body = "La chaise est cassée, numéro de commande {}.".format(self.order.name).encode('iso-8859-1')
        raw = (f"From: =?iso-8859-1?q?Ren=E9_Dupont?= <lin.wei@linwei.example.com>\r\nTo: {self.alias_email}\r\n"
               f"Subject: {subject}\r\nMessage-ID: <latin1@linwei.example.com>\r\nMIME-Version: 1.0\r\n"
               "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n").encode() + body
        self.env['mail.thread'].message_process(None, raw)
        case = self._new_cases()
        self.assertEqual(case.subject, "Chaise cassée – 椅子坏了")
        self.assertIn("La chaise est cassée", case.description)
        self.assertEqual(case.sale_order_id, self.order)

    def test_huge_body_keeps_a_short_description(self):
        body = ("Lorem ipsum dolor sit amet. " * 20000)
        self._process(self._mail(body=body))
        case = self._new_cases()
        self.assertLess(len(case.description), 20000)
        self.assertTrue(case.description)
        incoming = case.message_ids.filtered(lambda m: m.message_type == 'email')
        self.assertGreater(len(incoming.body), 500000, "the whole mail stays in the chatter")

    # ------------------------------------------------------------------
    # Mails that must not create cases or break the gateway
    # ------------------------------------------------------------------
    # Robots' mails: automatic replies, bulk mail, mailing lists and newsletters
    AUTOMATIC_HEADERS = {
        "auto-submitted": "Auto-Submitted: auto-replied",
        "x-autoreply": "X-Autoreply: yes",
        "precedence auto_reply": "Precedence: auto_reply",
        "precedence bulk": "Precedence: bulk",
        "precedence junk": "Precedence: Junk",
        "precedence list": "Precedence: list",
        "list-id": "List-Id: Furniture news <news.furniture.example.com>",
        "list-unsubscribe": "List-Unsubscribe: <mailto:unsubscribe@furniture.example.com>",
    }

    def test_auto_replies_and_bounces_create_nothing(self):
        for index, (label, header) in enumerate(self.AUTOMATIC_HEADERS.items()):
            with self.subTest(label):
                self._process(self._mail(subject="Out of office", extra_headers=header,
                                         message_id=f"<auto-{index}@linwei.example.com>"))
                self.assertFalse(self._new_cases())
        with mute_logger('odoo.addons.mail.models.mail_thread'):
            self._process(self._mail(sender="MAILER-DAEMON@mx.example.com", subject="Undelivered Mail Returned",
                                     message_id="<bounce@mx.example.com>"))
        self.assertFalse(self._new_cases())
        # "Auto-Submitted: no" is a person
        self._process(self._mail(extra_headers="Auto-Submitted: no", message_id="<human@linwei.example.com>"))
        self.assertEqual(len(self._new_cases()), 1)

    def test_automatic_mail_to_a_restricted_alias_gets_no_bounce(self):
        self.team_service.alias_id.alias_contact = 'partners'
        bounces = []
        self.patch(type(self.env['mail.thread']), '_routing_create_bounce_email',
                   lambda thread, email_from, *args, **kwargs: bounces.append(email_from))
        self._process(self._mail(sender="news@furniture.example.com", extra_headers="Precedence: bulk",
                                 message_id="<news@furniture.example.com>"))
        self.assertEqual((self._new_cases(), bounces), (self.Complaint, []))
        # a person the alias does not know is bounced, as Odoo does
        self._process(self._mail(sender="person@furniture.example.com", message_id="<person@furniture.example.com>"))
        self.assertEqual((self._new_cases(), bounces), (self.Complaint, ["person@furniture.example.com"]))

    def test_automatic_mails_create_nothing_through_an_incoming_mail_server(self):
        """An incoming mail server set to create complaints routes every mail to the model
        (Odoo's fallback route), not through the team's alias."""
        for index, (label, header) in enumerate(self.AUTOMATIC_HEADERS.items()):
            with self.subTest(label):
                result = self.env['mail.thread'].message_process('customer.complaint', self._mail(
                    subject="Newsletter", extra_headers=header, to="service@linwei-shop.example.com",
                    message_id=f"<server-auto-{index}@linwei.example.com>"))
                self.assertFalse(result)
                self.assertFalse(self._new_cases())
        thread_id = self.env['mail.thread'].message_process('customer.complaint', self._mail(
            to="service@linwei-shop.example.com", message_id="<server-human@linwei.example.com>"))
        case = self._new_cases()
        self.assertEqual((case.id, case.partner_id, case.subject), (thread_id, self.customer_contact, "Broken chair"))

    def test_automatic_reply_to_a_deleted_case_creates_nothing(self):
        case = self._case_from_mail()
        parent = case.message_ids.filtered(lambda m: m.message_type == 'email')
        # the case is gone (its messages stay in the database): Odoo falls back on creating one
        self.env.cr.execute("UPDATE mail_message SET res_id = %s WHERE id = %s", [case.id + 100000, parent.id])
        self.env.invalidate_all()

        def reply(message_id, header=""):
            self._process(self._mail(
                subject="Re: Broken chair", message_id=message_id, to="somebody@elsewhere.example.com",
                extra_headers=f"In-Reply-To: {parent.message_id}" + (f"\r\n{header}" if header else "")))

        for index, (label, header) in enumerate(self.AUTOMATIC_HEADERS.items()):
            with self.subTest(label):
                reply(f"<orphan-auto-{index}@x>", header)
                self.assertEqual(self._new_cases(), case)
        reply("<orphan-human@x>")
        self.assertEqual(len(self._new_cases() - case), 1, "a person's reply still opens a case")

    def test_malformed_mails_never_break_the_gateway(self):
        # no sender at all: a case without customer nor address, for customer service to look at
        self._process(self._mail(sender=None, message_id="<no-sender@x>"))
        case = self._new_cases()
        self.assertEqual(len(case), 1)
        self.assertFalse(case.partner_id)
        self.assertFalse(case.email)
        # a sender that is no address, an empty subject and body
        self._process(self._mail(sender="not an address", subject="", body="", message_id="<garbage@x>"))
        garbage = self._new_cases() - case
        self.assertEqual(len(garbage), 1)
        self.assertFalse(garbage.email)
        self.assertEqual(garbage.subject, "No subject")
        self.assertFalse(garbage.description)
        # the same Message-ID twice: one case
        self._process(self._mail(sender=None, message_id="<no-sender@x>"))
        self.assertEqual(len(self._new_cases()), 2)

    # ------------------------------------------------------------------
    # Replies
    # ------------------------------------------------------------------
    def _case_from_mail(self):
        self._process(self._mail())
        return self._new_cases()

    def _reply(self, case, body="Any news?", extra_headers="", message_id="<reply-1@linwei.example.com>",
               sender='"Lin Wei" <lin.wei@linwei.example.com>'):
        parent = case.message_ids.filtered(lambda m: m.message_type == 'email')[:1]
        headers = f"In-Reply-To: {parent.message_id}"
        if extra_headers:
            headers += "\r\n" + extra_headers
        return self._process(self._mail(subject=f"Re: {case.subject}", body=body, message_id=message_id,
                                        extra_headers=headers, sender=sender, to="somebody@elsewhere.example.com"))

    def test_reply_threads_into_the_case(self):
        case = self._case_from_mail()
        self.assertEqual(self._reply(case), case.id)
        self.assertEqual(len(self._new_cases()), 1)
        reply = case.message_ids.filtered(lambda m: m.message_id == "<reply-1@linwei.example.com>")
        self.assertEqual((reply.author_id, reply.message_type), (self.customer_contact, 'email'))
        self.assertIn("Any news?", reply.body)
        self.assertEqual(case.state, 'new')

    def test_customer_mail_on_closed_case_reopens_it(self):
        case = self._case_from_mail()
        case.resolution = "<p>Replaced.</p>"
        case.action_resolve()
        case.action_close()
        # an out-of-office answer to the closing mail, a newsletter... change nothing
        for index, (label, header) in enumerate(self.AUTOMATIC_HEADERS.items()):
            with self.subTest(label):
                self._reply(case, body="I am away", extra_headers=header, message_id=f"<ooo-{index}@x>")
                self.assertEqual((case.state, case.reopen_count), ('closed', 0))
        self.assertEqual(len(case.message_ids.filtered(lambda m: 'I am away' in (m.body or ''))),
                         len(self.AUTOMATIC_HEADERS), "the robots' mails are still in the conversation")
        self._reply(case, body="The new chair is broken too.")
        self.assertEqual((case.state, case.reopen_count), ('in_progress', 1))
        self.assertFalse(case.date_closed)
        note = case.message_ids.filtered(lambda m: 'Complaint reopened' in (m.body or ''))
        self.assertIn("New e-mail from the customer", note.body)
        self.assertEqual(len(self._new_cases()), 1)

    def test_mail_from_someone_else_on_closed_case_does_not_reopen(self):
        case = self._case_from_mail()
        case.resolution = "<p>Replaced.</p>"
        case.action_resolve()
        case.action_close()
        self._reply(case, sender="zhang.san@example.com")
        self.assertEqual(case.state, 'closed')

    def test_case_without_customer_is_matched_in_the_form(self):
        self._process(self._mail(sender='"Chen Jie" <chen.jie@unknown.example.com>'))
        case = self._new_cases().with_user(self.user_agent_1)
        self.assertEqual(self.Complaint.search([('partner_id', '=', False), ('id', '=', case.id)]), case)
        with Form(case) as form:  # an e-mail case may wait for its customer
            form.category_id = self.category_quality
        with Form(case) as form:
            form.partner_id = self.customer_contact
        self.assertEqual((case.partner_id, case.commercial_partner_id), (self.customer_contact, self.customer))
        form = Form(self.Complaint.with_user(self.user_agent_1))
        form.channel = 'phone'
        form.subject = "Called about a chair"
        with self.assertRaises(AssertionError):  # other channels need the customer first
            form.save()
