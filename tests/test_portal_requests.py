"""What customers do on the portal, over real HTTP: submit a complaint, request a return, answer
a resolution. Bad input gets a message on the page and creates nothing."""
from datetime import timedelta
from html import escape as html_escape
from urllib.parse import urlencode

from odoo import fields
from odoo.tests import tagged

import portal_common
from portal_common import PDF, PNG, SVG


@tagged('post_install', '-at_install')
class TestPortalComplaintRequests(portal_common.PortalCommon):

    def _new_complaints(self):
        return self._complaints_of(self.customer) - self.complaint_a

    def test_submit_complaint_routed_deadlined_acknowledged(self):
        self._login(self.portal_a)
        form = self._get(f'/my/complaints/new?order_id={self.order.id}')
        self.assertEqual(form.status_code, 200)
        self.assertInPage(self.product_chair.display_name, form.text)
        response = self._post('/my/complaints/submit', {
            'subject': "Armrest cracked",
            'description': "The armrest cracked on day two.\n<script>alert('x')</script><b>bold?</b>",
            'order_id': self.order.id,
            'product_ids': self.product_chair.id,
        }, files=[('attachments', ('armrest.png', PNG, 'image/png')),
                  ('attachments', ('delivery-note.pdf', PDF, 'application/pdf'))])
        self.assertEqual(response.status_code, 200)
        complaint = self._new_complaints()
        self.assertEqual(len(complaint), 1)
        self.assertIn(f'/my/complaints/{complaint.id}', response.url)
        self.assertEqual((complaint.channel, complaint.partner_id, complaint.subject, complaint.state),
                         ('portal', self.customer_contact, "Armrest cracked", 'new'))
        self.assertEqual((complaint.sale_order_id, complaint.delivery_ids, complaint.invoice_ids, complaint.product_ids),
                         (self.order, self.delivery, self.invoice, self.product_chair))
        # routed and deadlined like any case
        self.assertEqual(complaint.team_id, self.team_service)
        self.assertIn(complaint.user_id, self.user_agent_1 | self.user_agent_2)
        self.assertTrue(complaint.date_response_deadline and complaint.date_resolution_deadline)
        # the description is text: the script is not markup anywhere
        self.assertNotIn('<script', complaint.description)
        self.assertNotIn('<b>', complaint.description)
        self.assertIn('&lt;script&gt;', complaint.description)
        self.assertNotIn('<script>alert', self._get(f'/my/complaints/{complaint.id}').text)
        # the files are evidence, in the customer's message
        self.assertEqual(sorted(complaint.attachment_ids.mapped('name')), ['armrest.png', 'delivery-note.pdf'])
        self.assertEqual(sorted(complaint.attachment_ids.mapped('mimetype')), ['application/pdf', 'image/png'])
        files_message = complaint.message_ids.filtered('attachment_ids')
        self.assertEqual(files_message.author_id, self.customer_contact)
        # acknowledged by e-mail, to the customer, with a link to the case
        ack = complaint.message_ids.filtered(lambda m: m.subject and 'we received your complaint' in m.subject)
        self.assertEqual(len(ack), 1)
        self.assertIn(self.customer_contact, ack.notified_partner_ids)
        self.assertIn(f'/my/complaints/{complaint.id}?access_token=', ack.body)

    def test_submit_complaint_without_order(self):
        self._login(self.portal_a)
        response = self._post('/my/complaints/submit', {'subject': "Rude driver", 'description': "He shouted."})
        self.assertEqual(response.status_code, 200)
        complaint = self._new_complaints()
        self.assertEqual((complaint.subject, complaint.sale_order_id.id, complaint.company_id),
                         ("Rude driver", False, self.company))

    def test_bad_complaint_input_creates_nothing(self):
        self._login(self.portal_a)
        self.env['ir.config_parameter'].sudo().set_param('customer_complaint_return.portal_upload_max_size_mb', 1)
        self.env['ir.config_parameter'].sudo().set_param('customer_complaint_return.portal_upload_max_files', 2)
        big = PNG + b'\0' * (1024 * 1024)
        cases = {
            "no subject": ({'subject': "  "}, [], "Say in a few words what the complaint is about."),
            "oversize": ({'subject': "Big"}, [('attachments', ('big.png', big, 'image/png'))],
                         "big.png is larger than 1 MB."),
            "svg named png": ({'subject': "Svg"}, [('attachments', ('photo.png', SVG, 'image/png'))],
                              "photo.png is not a photo (JPEG, PNG, GIF, WebP) or a PDF file."),
            "program": ({'subject': "Exe"}, [('attachments', ('invoice.pdf', b'MZ\x90\x00' + b'\0' * 64, 'application/pdf'))],
                        "invoice.pdf is not a photo (JPEG, PNG, GIF, WebP) or a PDF file."),
            "too many": ({'subject': "Many"}, [('attachments', (f'p{i}.png', PNG, 'image/png')) for i in range(3)],
                         "Send at most 2 files."),
        }
        for label, (data, files, message) in cases.items():
            with self.subTest(label):
                response = self._post('/my/complaints/submit', data, files=files or None)
                self.assertEqual(response.status_code, 200)
                self.assertIn('o_ccr_form_errors', response.text)
                self.assertInPage(message, response.text)
                self.assertFalse(self._new_complaints())
        self.assertFalse(self.env['ir.attachment'].search([('res_model', '=', 'customer.complaint'),
                                                           ('name', 'in', ['big.png', 'photo.png', 'invoice.pdf'])]))

    def test_ids_posted_by_the_browser_are_checked(self):
        self._login(self.portal_a)
        for data in ({'subject': "x", 'order_id': self.order_b.id},
                     {'subject': "x", 'order_id': "1 OR 1=1"},
                     {'subject': "x", 'order_id': self.order.id, 'product_ids': self.product_desk.id},
                     {'subject': "x", 'product_ids': "abc"}):
            with self.subTest(data=data):
                self.assertForbiddenOrMissing(self._post('/my/complaints/submit', data))
        # an attachment of another case, by id: not a parameter of the form, never linked
        foreign = self.env['ir.attachment'].create({
            'name': "b-secret.pdf", 'raw': PDF, 'res_model': 'customer.complaint', 'res_id': self.complaint_b.id})
        self._post('/my/complaints/submit', {'subject': "Sneaky", 'attachment_ids': foreign.id})
        complaint = self._new_complaints()
        self.assertEqual(complaint.subject, "Sneaky")
        self.assertFalse(complaint.attachment_ids)
        self.assertEqual((foreign.res_model, foreign.res_id), ('customer.complaint', self.complaint_b.id))

    # ------------------------------------------------------------------
    # Answer to a resolution
    # ------------------------------------------------------------------
    def test_customer_accepts_the_resolution(self):
        self.team_service.rating_active = True
        self._login(self.portal_a)
        response = self._post(f'/my/complaints/{self.complaint_a.id}/accept')
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.complaint_a.state, 'closed')
        self.assertTrue(self.complaint_a.date_closed)
        accepted = self.complaint_a.message_ids.filtered(lambda m: 'accepted the resolution' in (m.body or ''))
        self.assertEqual(accepted.author_id, self.customer_contact)
        # closing asked for a rating, offered on the page too
        self.assertInPage('/rate/', response.text)
        # twice: a clear message, nothing changes
        again = self._post(f'/my/complaints/{self.complaint_a.id}/accept')
        self.assertInPage("is not possible", again.text)
        self.assertEqual(self.complaint_a.state, 'closed')

    def test_customer_says_it_is_not_solved(self):
        self._login(self.portal_a)
        response = self._post(f'/my/complaints/{self.complaint_a.id}/not_solved',
                              {'words': "The new chair wobbles too <img src=x onerror=alert(1)>"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual((self.complaint_a.state, self.complaint_a.reopen_count), ('in_progress', 1))
        words = self.complaint_a.message_ids.filtered(lambda m: 'wobbles too' in (m.body or ''))
        public = words.filtered(lambda m: m.subtype_id == self.env.ref('mail.mt_comment'))
        self.assertEqual(public.author_id, self.customer_contact)
        self.assertNotIn('<img', public.body)
        self.assertIn('&lt;img', public.body)
        note = words - public
        self.assertEqual(note.subtype_id, self.env.ref('mail.mt_note'), "the reopening is logged with the words")
        # nothing to say: refused, the case stays as it is
        self.complaint_a.action_resolve()
        self._post(f'/my/complaints/{self.complaint_a.id}/not_solved', {'words': "   "})
        self.assertEqual(self.complaint_a.state, 'resolved')

    def test_answers_need_a_resolved_case(self):
        self.complaint_a.with_user(self.user_agent_1)._reopen("More to check")
        self._login(self.portal_a)
        page = self._post(f'/my/complaints/{self.complaint_a.id}/accept')
        self.assertInPage("is not possible", page.text)
        self.assertEqual(self.complaint_a.state, 'in_progress')

    # The page shows only the addon's own messages, by their key
    STATE_MESSAGE = "This is not possible anymore: the complaint is no longer waiting for your answer."
    WORDS_MESSAGE = "Tell us in a few words what is still wrong."
    FAILED_MESSAGE = "Your answer could not be recorded: please write to us in the conversation below."

    def test_error_parameter_never_reaches_the_page(self):
        url = f'/my/complaints/{self.complaint_a.id}'
        token = self.complaint_a._portal_ensure_token()
        hostile = ("<script>alert('x')</script>", "Your refund is ready: call +1 555 0100 now",
                   "state<b>", "STATE", "__class__")
        for login in (self.portal_a, None):
            for text in hostile:
                with self.subTest(user=login and login.login, error=text):
                    if login:
                        self._login(login)
                        response = self._get(f'{url}?{urlencode({"error": text})}')
                    else:
                        self.authenticate(None, None)
                        response = self._get(f'{url}?{urlencode({"error": text, "access_token": token})}')
                    self.assertEqual(response.status_code, 200)
                    for shown in (text, html_escape(text), "alert('x')", "555 0100"):
                        self.assertNotInPage(shown, response.text)
                    self.assertNotInPage('alert-danger', response.text)
        # a key of ours shows its message
        self._login(self.portal_a)
        self.assertInPage(self.STATE_MESSAGE, self._get(f'{url}?error=state').text)

    def test_each_refused_answer_shows_its_message(self):
        self._login(self.portal_a)
        url = f'/my/complaints/{self.complaint_a.id}'
        # nothing to say
        response = self._post(f'{url}/not_solved', {'words': "  "})
        self.assertEqual(self._query(response.url).get('error'), 'words')
        self.assertInPage(self.WORDS_MESSAGE, response.text)
        self.assertEqual(self.complaint_a.state, 'resolved')
        # the case can no longer be closed by the customer (a corrective action is required first):
        # nothing of the answer stays
        self.company.complaint_corrective_severity = 'low'
        response = self._post(f'{url}/accept')
        self.assertEqual(self._query(response.url).get('error'), 'failed')
        self.assertInPage(self.FAILED_MESSAGE, response.text)
        self.assertEqual(self.complaint_a.state, 'resolved')
        self.assertFalse(self.complaint_a.message_ids.filtered(lambda m: 'accepted the resolution' in (m.body or '')))
        self.assertNotInPage("corrective action", response.text)
        self.company.complaint_corrective_severity = False
        # no longer waiting for an answer
        self.complaint_a.with_user(self.user_agent_1)._reopen("More to check")
        for action, data in (('accept', {}), ('not_solved', {'words': "Still broken"})):
            with self.subTest(action=action):
                response = self._post(f'{url}/{action}', data)
                self.assertEqual(self._query(response.url).get('error'), 'state')
                self.assertInPage(self.STATE_MESSAGE, response.text)
                self.assertEqual(self.complaint_a.state, 'in_progress')


@tagged('post_install', '-at_install')
class TestPortalReturnRequests(portal_common.PortalCommon):

    def _new_returns(self):
        return self._returns_of(self.order) - self.return_a

    def test_request_return_from_the_order_page(self):
        self._login(self.portal_a)
        order_page = self._get(self.order.get_portal_url())
        self.assertInPage(f'/my/returns/new?order_id={self.order.id}', order_page.text)
        form = self._get(f'/my/returns/new?order_id={self.order.id}')
        self.assertEqual(form.status_code, 200)
        self.assertInPage('o_ccr_return_conditions', form.text)
        self.assertInPage("within 30 days", form.text)
        chooser = self._get('/my/returns/new')
        self.assertInPage(self.order.name, chooser.text)
        self.assertNotInPage(self.order_b.name, chooser.text)

    def test_request_return_creates_and_submits_the_case(self):
        self._login(self.portal_a)
        data = self._return_form_data(self.order, {self.sale_line_chair: 2}, description="Legs <b>bent</b>")
        response = self._post('/my/returns/submit', data, files=[('photos', ('legs.jpg', PNG, 'image/jpeg'))])
        self.assertEqual(response.status_code, 200)
        case = self._new_returns()
        self.assertEqual(len(case), 1)
        self.assertIn(f'/my/returns/{case.id}', response.url)
        self.assertInPage('o_ccr_return_submitted', response.text)
        self.assertEqual((case.state, case.channel, case.partner_id, case.reason_id),
                         ('to_approve', 'portal', self.customer_contact, self.reason_defective))
        self.assertTrue(case.date_submitted and case.date_review_deadline)
        self.assertEqual(case.line_ids.mapped(lambda l: (l.sale_line_id, l.quantity, l.condition, l.disposition)),
                         [(self.sale_line_chair, 2.0, 'damaged', 'refund')])
        self.assertNotIn('<b>', case.description)
        self.assertNotEqual(case.user_id.share, True, "a portal user is never the responsible")
        # the acknowledgement, to the customer
        ack = case.message_ids.filtered(lambda m: m.subject and 'we received your return request' in m.subject)
        self.assertEqual(len(ack), 1)
        self.assertIn(self.customer_contact, ack.notified_partner_ids)
        # the photo, from the customer
        photo = case.message_ids.filtered('attachment_ids')
        self.assertEqual(photo.author_id, self.customer_contact)
        self.assertEqual(photo.attachment_ids.mapped('name'), ['legs.jpg'])
        # and the approver can take it from there
        case.with_user(self.user_manager).action_approve()
        self.assertEqual(case.picking_ids.move_ids.product_uom_qty, 2.0)

    def test_over_return_is_refused_with_a_message(self):
        self._login(self.portal_a)
        # 5 delivered, 1 already on its way back with return_a: 4 returnable
        response = self._post('/my/returns/submit', self._return_form_data(self.order, {self.sale_line_chair: 5}))
        self.assertEqual(response.status_code, 200)
        self.assertInPage("5.0 requested, only 4.0 Units can be returned", response.text)
        self.assertFalse(self._new_returns())
        for bad in ("-1", "abc", "0"):
            with self.subTest(quantity=bad):
                response = self._post('/my/returns/submit', self._return_form_data(self.order, {self.sale_line_chair: bad}))
                self.assertIn('o_ccr_form_errors', response.text)
                self.assertFalse(self._new_returns())

    def test_quantities_that_are_no_numbers_are_refused(self):
        self._login(self.portal_a)
        for raw in ("nan", "NaN", "inf", "-inf", "1e309", "-1e309", "Infinity", "abc"):
            with self.subTest(quantity=raw):
                response = self._post('/my/returns/submit', self._return_form_data(self.order, {self.sale_line_chair: raw}))
                self.assertEqual(response.status_code, 200)
                self.assertIn('o_ccr_form_errors', response.text)
                self.assertInPage(f"{self.product_chair.display_name}: {raw} is not a quantity.", response.text)
                self.assertFalse(self._new_returns())

    def test_conditions_reason_and_photo_are_enforced(self):
        self._login(self.portal_a)
        cases = {
            "no reason": (self._return_form_data(self.order, {self.sale_line_chair: 1}, reason_id=''), None,
                          "Choose the reason of the return."),
            "other company's reason": (self._return_form_data(self.order, {self.sale_line_chair: 1},
                                                              reason_id=str(self.env.ref(
                                                                  'customer_complaint_return.return_reason_defective').id)),
                                       None, "Choose the reason of the return."),
            "no condition": (self._return_form_data(self.order, {self.sale_line_chair: 1}, condition=''), None,
                             "give the condition of the goods."),
            "photo required": (self._return_form_data(self.order, {self.sale_line_chair: 1}, reason=self.reason_photo),
                               None, "requires one."),
            "disallowed photo": (self._return_form_data(self.order, {self.sale_line_chair: 1}, reason=self.reason_photo),
                                 [('photos', ('photo.jpg', SVG, 'image/jpeg'))], "photo.jpg is not a photo"),
        }
        for label, (data, files, message) in cases.items():
            with self.subTest(label):
                response = self._post('/my/returns/submit', data, files=files)
                self.assertInPage(message, response.text)
                self.assertFalse(self._new_returns())
        # with a real photo the reason is accepted
        self._post('/my/returns/submit', self._return_form_data(self.order, {self.sale_line_chair: 1},
                                                                reason=self.reason_photo),
                   files=[('photos', ('box.png', PNG, 'image/png'))])
        self.assertEqual(self._new_returns().reason_id, self.reason_photo)

    def test_not_eligible_lines_are_shown_and_refused(self):
        self.product_chair.return_not_allowed = True
        self._login(self.portal_a)
        form = self._get(f'/my/returns/new?order_id={self.order.id}')
        self.assertInPage(f"{self.product_chair.display_name} cannot be returned.", form.text)
        response = self._post('/my/returns/submit', self._return_form_data(self.order, {self.sale_line_chair: 1}))
        self.assertInPage("cannot be returned.", response.text)
        self.assertFalse(self._new_returns())

    def test_return_window(self):
        old_order = self._create_delivered_invoiced_order(self.customer, [(self.product_desk, 2, 420.0)])
        long_ago = fields.Datetime.now() - timedelta(days=45)
        old_order.picking_ids.move_ids.write({'date': long_ago})
        self._login(self.portal_a)
        response = self._post('/my/returns/submit', self._return_form_data(old_order, {old_order.order_line: 1}))
        self.assertInPage("more than 30 days before the request", response.text)
        self.assertFalse(self._returns_of(old_order))

    def test_lots_must_be_delivered_on_the_line(self):
        lamp = self._create_storable_product("Desk Lamp", 40.0, tracking='lot')
        lot_a, lot_other = self.env['stock.lot'].create([
            {'name': "LOT-A", 'product_id': lamp.id, 'company_id': self.company.id},
            {'name': "LOT-OTHER", 'product_id': lamp.id, 'company_id': self.company.id}])
        self.env['stock.quant'].with_context(inventory_mode=True).create({
            'product_id': lamp.id, 'location_id': self.stock_location.id, 'lot_id': lot_a.id,
            'inventory_quantity': 4}).action_apply_inventory()
        order = self.env['sale.order'].create({
            'partner_id': self.customer.id,
            'order_line': [(0, 0, {'product_id': lamp.id, 'product_uom_qty': 4, 'price_unit': 40.0})]})
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.move_line_ids.write({'lot_id': lot_a.id, 'quantity': 4, 'picked': True})
        picking.button_validate()
        order._create_invoices().action_post()
        self._login(self.portal_a)
        line = order.order_line
        foreign = self._return_form_data(order, {line: 1}, **{f'lots_{line.id}': str(lot_other.id)})
        self.assertForbiddenOrMissing(self._post('/my/returns/submit', foreign))
        self.assertFalse(self._returns_of(order))
        self._post('/my/returns/submit', self._return_form_data(order, {line: 1}, **{f'lots_{line.id}': str(lot_a.id)}))
        self.assertEqual(self._returns_of(order).line_ids.lot_ids, lot_a)

    def test_double_submit_makes_two_requests_never_more_than_returnable(self):
        self._login(self.portal_a)
        data = self._return_form_data(self.order, {self.sale_line_chair: 4})
        self._post('/my/returns/submit', data)
        second = self._post('/my/returns/submit', data)
        self.assertEqual(len(self._new_returns()), 1)
        self.assertInPage("4.0 requested, only 0.0 Units can be returned", second.text)
