"""The customer portal over real HTTP: each customer sees its own company's cases, nothing of the
other customer's, never the internal notes; a token gives read and reply, nothing else."""
from odoo.tests import tagged

from odoo.addons.customer_complaint_return.controllers.portal import CustomerCasePortal

import portal_common


@tagged('post_install', '-at_install')
class TestPortalAccess(portal_common.PortalCommon):

    # ------------------------------------------------------------------
    # Lists and counters
    # ------------------------------------------------------------------
    def test_home_counters(self):
        self._login(self.portal_a)
        counters = self.make_jsonrpc_request('/my/counters', {'counters': ['complaint_count', 'customer_return_count']})
        self.assertEqual(counters, {'complaint_count': 1, 'customer_return_count': 1})
        home = self._get('/my/home')
        self.assertEqual(home.status_code, 200)
        self.assertIn('/my/complaints', home.text)
        self.assertIn('/my/returns', home.text)

    def test_each_customer_lists_only_its_own_cases(self):
        for user, mine, theirs in ((self.portal_a, (self.complaint_a, self.return_a), (self.complaint_b, self.return_b)),
                                   (self.portal_b, (self.complaint_b, self.return_b), (self.complaint_a, self.return_a))):
            with self.subTest(user=user.login):
                self._login(user)
                complaints = self._get('/my/complaints')
                returns = self._get('/my/returns')
                self.assertEqual((complaints.status_code, returns.status_code), (200, 200))
                self.assertIn(mine[0].name, complaints.text)
                self.assertNotIn(theirs[0].name, complaints.text)
                self.assertIn(mine[1].name, returns.text)
                self.assertNotIn(theirs[1].name, returns.text)

    def test_colleagues_see_each_others_cases(self):
        self._login(self.portal_a2)  # Lin Mei, colleague of Lin Wei who made the cases
        self.assertIn(self.complaint_a.name, self._get('/my/complaints').text)
        page = self._get(f'/my/returns/{self.return_a.id}')
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.return_a.name, page.text)

    def test_list_filters_search_sorting_and_pager(self):
        extra = self.env['customer.complaint'].create([{
            'partner_id': self.customer_contact.id, 'subject': f"Extra case {i}", 'channel': 'phone',
        } for i in range(3)])
        self._login(self.portal_a)
        open_only = self._get('/my/complaints?filterby=open').text
        self.assertIn(extra[0].name, open_only)
        self.assertNotIn(self.complaint_a.name, open_only)  # resolved
        resolved = self._get('/my/complaints?filterby=resolved').text
        self.assertIn(self.complaint_a.name, resolved)
        self.assertNotIn(extra[0].name, resolved)
        found = self._get('/my/complaints?search=Wobbly&search_in=all').text
        self.assertIn(self.complaint_a.name, found)
        self.assertNotIn(extra[1].name, found)
        by_name = self._get('/my/complaints?sortby=name').text
        names = sorted((extra | self.complaint_a).mapped('name'), reverse=True)
        self.assertLess(by_name.index(names[0]), by_name.index(names[-1]))
        # a pager once there are more cases than a page holds
        self.patch(CustomerCasePortal, '_items_per_page', 2)
        first = self._get('/my/complaints?sortby=name').text
        self.assertIn('/my/complaints/page/2', first)
        second = self._get('/my/complaints/page/2?sortby=name').text
        self.assertIn(names[2], second)
        self.assertNotIn(names[0], second)
        self.assertEqual(self._get('/my/complaints?filterby=nonsense&sortby=evil').status_code, 200)

    # ------------------------------------------------------------------
    # Detail pages
    # ------------------------------------------------------------------
    def test_complaint_page_shows_public_facts_not_internal_ones(self):
        self._login(self.portal_a)
        page = self._get(f'/my/complaints/{self.complaint_a.id}')
        self.assertEqual(page.status_code, 200)
        html = page.text
        for shown in (self.complaint_a.name, "Wobbly chair", "We sent a new chair.", self.order.name,
                      self.invoice.name, self.delivery.name, 'o_portal_chatter', 'o_ccr_accept'):
            self.assertInPage(shown, html)
        for hidden in ("INTERNAL: supplier batch 42", "INTERNAL-ROOT-CAUSE", "INTERNAL-DEPT", "INTERNAL-NOTE"):
            self.assertNotInPage(hidden, html)
        # the progress bar: new and in progress done, resolved current
        self.assertIn('aria-current="step"', html)

    def test_portal_user_cannot_read_internal_fields_through_the_orm(self):
        complaint = self.complaint_a.with_user(self.portal_a)
        self.assertEqual(complaint.read(['subject'])[0]['subject'], "Wobbly chair")
        for field in ('investigation_notes', 'root_cause', 'responsible_department', 'root_cause_id'):
            with self.subTest(field=field):
                self.assertNotIn(field, complaint.fields_get())
        line = self.return_a.line_ids.with_user(self.portal_a)
        self.assertNotIn('inspection_note', line.fields_get())
        self.assertEqual(line.read(['quantity'])[0]['quantity'], 1.0)

    def test_return_page_lines_documents_and_authorization(self):
        self._login(self.portal_a)
        html = self._get(f'/my/returns/{self.return_a.id}').text
        self.assertIn(self.return_a.name, html)
        self.assertIn('o_ccr_return_lines', html)
        self.assertNotIn('o_ccr_print_authorization', html)  # not approved yet
        self.assertEqual(self._get(f'/my/returns/{self.return_a.id}?report_type=html').status_code, 404)

        self.return_a.with_user(self.user_manager).action_approve()
        html = self._get(f'/my/returns/{self.return_a.id}').text
        self.assertIn('o_ccr_print_authorization', html)
        self.assertIn(self.return_a.picking_ids.name, html)
        report = self._get(f'/my/returns/{self.return_a.id}?report_type=html')
        self.assertEqual(report.status_code, 200)
        self.assertIn(self.return_a.name, report.text)
        self.assertIn("Return Authorization", report.text)

    # ------------------------------------------------------------------
    # The other customer's ids on every route
    # ------------------------------------------------------------------
    def test_other_customer_ids_on_every_route(self):
        self._login(self.portal_a)
        complaint_b, return_b = self.complaint_b, self.return_b
        for url in (f'/my/complaints/{complaint_b.id}', f'/my/returns/{return_b.id}',
                    f'/my/returns/{return_b.id}?report_type=pdf', f'/my/returns/new?order_id={self.order_b.id}',
                    f'/my/complaints/new?order_id={self.order_b.id}'):
            with self.subTest(url=url):
                self.assertForbiddenOrMissing(self._get(url))
        for url, data in ((f'/my/complaints/{complaint_b.id}/accept', {}),
                          (f'/my/complaints/{complaint_b.id}/not_solved', {'words': "Not fixed"}),
                          ('/my/returns/submit', self._return_form_data(self.order_b, {self.sale_line_desk_b: 1})),
                          ('/my/complaints/submit', {'subject': "Hijack", 'order_id': self.order_b.id})):
            with self.subTest(url=url):
                self.assertForbiddenOrMissing(self._post(url, data))
        # an order line of the other customer slipped into our own order's form
        own_order_with_foreign_line = self._return_form_data(self.order, {self.sale_line_chair: 1})
        own_order_with_foreign_line[f'qty_{self.sale_line_desk_b.id}'] = '1'
        self.assertForbiddenOrMissing(self._post('/my/returns/submit', own_order_with_foreign_line))
        # a product of the other customer's order on a complaint
        self.assertForbiddenOrMissing(self._post('/my/complaints/submit', {
            'subject': "Foreign product", 'product_ids': self.product_desk.id}))

        self.assertEqual((complaint_b.state, return_b.state), ('resolved', 'to_approve'))
        self.assertEqual(self._returns_of(self.order_b), return_b)
        self.assertEqual(self._complaints_of(self.other_customer), complaint_b)
        self.assertEqual(self._complaints_of(self.customer), self.complaint_a)
        self.assertEqual(self._returns_of(self.order), self.return_a)

    def test_missing_ids(self):
        self._login(self.portal_a)
        self.assertEqual(self._get('/my/complaints/999999').status_code, 404)
        self.assertEqual(self._get('/my/returns/999999').status_code, 404)
        self.assertEqual(self._post('/my/complaints/999999/accept').status_code, 404)

    def test_forms_refuse_posts_without_csrf_token(self):
        self._login(self.portal_a)
        response = self.url_open(f'/my/complaints/{self.complaint_a.id}/accept', data={'x': '1'})
        self.assertEqual(response.status_code, 400)
        response = self.url_open('/my/complaints/submit', data={'subject': "No token"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.complaint_a.state, 'resolved')
        self.assertEqual(self._complaints_of(self.customer), self.complaint_a)

    # ------------------------------------------------------------------
    # Tokens
    # ------------------------------------------------------------------
    def test_forged_and_foreign_tokens(self):
        self.authenticate(None, None)
        token_b = self.return_b._portal_ensure_token()
        for url in (f'/my/returns/{self.return_a.id}?access_token=forged-{token_b}',
                    f'/my/returns/{self.return_a.id}?access_token={token_b}',  # a valid token of another case
                    f'/my/complaints/{self.complaint_a.id}?access_token=x'):
            with self.subTest(url=url):
                response = self._get(url)
                self.assertEqual(response.status_code, 403)
                self.assertNotIn(self.return_a.name, response.text)
        # without any token, a visitor is asked to log in
        response = self._get(f'/my/returns/{self.return_a.id}', allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn('/web/login', response.headers['Location'])
        # a logged-in customer with the other case's token gets nothing either
        self._login(self.portal_b)
        self.assertEqual(self._get(f'/my/returns/{self.return_a.id}?access_token={token_b}').status_code, 403)

    def test_customer_without_account_follows_the_mail_link_reads_and_replies_only(self):
        """The approval mail's link (the notification layout's access button) opens the case for
        a customer who has no portal account: read and reply, nothing else."""
        walk_in = self.env['res.partner'].create({
            'name': "Wang Wu Stores", 'is_company': True, 'email': "wang.wu@example.com"})
        order = self._create_delivered_invoiced_order(walk_in, [(self.product_chair, 2, 150.0)])
        case = self._make_return(order, walk_in, 1)
        mails = self.env['mail.mail'].search([('model', '=', 'customer.return'), ('res_id', '=', case.id),
                                               ('recipient_ids', 'in', walk_in.ids)])
        self.assertEqual(len(mails), 1, "the acknowledgement goes to the customer")
        links = [href for href in self._hrefs(mails.body_html) if 'access_token' in href]
        self.assertTrue(links, "the mail carries a tokenised link to the case")
        self.assertIn(f'res_id={case.id}', links[0].replace('&amp;', '&'))

        self.authenticate(None, None)
        page = self._get(links[0].replace('&amp;', '&'))
        self.assertEqual(page.status_code, 200)
        self.assertIn(f'/my/returns/{case.id}', page.url)
        self.assertIn(case.name, page.text)
        params = self._query(page.url)
        self.assertEqual(params['access_token'], case.access_token)

        # reply from the portal chatter, with the token
        self.make_jsonrpc_request('/mail/message/post', {
            'thread_model': 'customer.return', 'thread_id': case.id,
            'post_data': {'body': "Parcel is ready for pick-up", 'message_type': 'comment'},
            'token': params['access_token'], 'pid': params.get('pid'), 'hash': params.get('hash'),
        })
        reply = case.message_ids.filtered(lambda message: 'Parcel is ready' in (message.body or ''))
        self.assertEqual(reply.author_id, walk_in)
        self.assertFalse(reply.is_internal)

        # nothing else: no list, no form, no answer to another case, no other case with this token
        for url in ('/my/returns', '/my/returns/new', f'/my/returns/new?order_id={order.id}', '/my/complaints/new'):
            with self.subTest(url=url):
                response = self._get(url, allow_redirects=False)
                self.assertEqual(response.status_code, 303)
                self.assertIn('/web/login', response.headers['Location'])
        response = self._post('/my/returns/submit', self._return_form_data(order, {order.order_line: 1}),
                              allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn('/web/login', response.headers['Location'])
        self.assertEqual(self._returns_of(order), case)
        self.assertEqual(self._get(f'/my/returns/{self.return_a.id}?access_token={case.access_token}').status_code, 403)

    def _document_links(self, html):
        return [href for href in self._hrefs(html)
                if href.startswith(('/my/orders/', '/my/invoices/', '/my/picking/pdf/'))]

    def test_case_token_shows_the_documents_names_not_their_links(self):
        """A case's token reaches its case: the order's and invoices' own tokens (view, sign,
        pay) and the delivery slips are for the logged-in customer only."""
        self.return_a.with_user(self.user_manager).action_approve()
        self._receive(self.return_a.picking_ids)
        credit_note, _action = self._credit(self.return_a)
        self.assertEqual(credit_note.state, 'posted')
        documents_tokens = [record._portal_ensure_token() for record in (self.order, self.invoice, credit_note)]
        pages = {  # the case, the documents' names it shows
            self.complaint_a: (f'/my/complaints/{self.complaint_a.id}?access_token={self.complaint_a._portal_ensure_token()}',
                               (self.order.name, self.delivery.name, self.invoice.name)),
            self.return_a: (f'/my/returns/{self.return_a.id}?access_token={self.return_a._portal_ensure_token()}',
                            (self.order.name, credit_note.name)),
        }
        # a visitor with the mail's link, and a logged-in user of another company holding it
        for user in (None, self.portal_b):
            for case, (url, names) in pages.items():
                with self.subTest(user=user and user.login, case=case.name):
                    if user:
                        self._login(user)
                    else:
                        self.authenticate(None, None)
                    page = self._get(url)
                    self.assertEqual(page.status_code, 200)
                    html = page.text
                    for name in (case.name, *names):
                        self.assertInPage(name, html)
                    for token in documents_tokens:
                        self.assertNotInPage(token, html)
                    self.assertFalse(self._document_links(html))
                    self.assertNotInPage('/my/picking/pdf/', html)
        # the logged-in customer (here a colleague) opens them, with their tokens as before
        self._login(self.portal_a2)
        complaint_links = [link.replace('&amp;', '&') for link in self._document_links(self._get(pages[self.complaint_a][0]).text)]
        self.assertIn(f'/my/orders/{self.order.id}?access_token={self.order.access_token}', complaint_links)
        self.assertIn(f'/my/picking/pdf/{self.delivery.id}?access_token={self.order.access_token}', complaint_links)
        self.assertIn(f'/my/invoices/{self.invoice.id}?access_token={self.invoice.access_token}', complaint_links)
        return_links = [link.replace('&amp;', '&') for link in self._document_links(self._get(pages[self.return_a][0]).text)]
        self.assertIn(f'/my/invoices/{credit_note.id}?access_token={credit_note.access_token}', return_links)

    def test_chatter_of_another_customers_case_is_refused(self):
        self._login(self.portal_a)
        with self.assertRaises(Exception):
            self.make_jsonrpc_request('/mail/message/post', {
                'thread_model': 'customer.complaint', 'thread_id': self.complaint_b.id,
                'post_data': {'body': "Intrusion", 'message_type': 'comment'},
            })
        self.assertFalse(self.complaint_b.message_ids.filtered(lambda message: 'Intrusion' in (message.body or '')))

    # ------------------------------------------------------------------
    # Performance
    # ------------------------------------------------------------------
    def _page_queries(self, url):
        self.url_open(url)  # warm-up: assets, caches
        self.env.flush_all()
        before = self.cr.sql_log_count
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return self.cr.sql_log_count - before

    def test_lists_cost_the_same_for_one_case_or_forty(self):
        """A page of the lists reads its cases at once: no query per case."""
        self._login(self.portal_a)
        few = {url: self._page_queries(url) for url in ('/my/complaints', '/my/returns')}
        self.env['customer.complaint'].create([{
            'partner_id': self.customer_contact.id, 'subject': f"Case {i}", 'sale_order_id': self.order.id,
        } for i in range(40)])
        for _i in range(10):
            self._make_return(self.order, self.customer_contact, 0.25)
        many = {url: self._page_queries(url) for url in ('/my/complaints', '/my/returns')}
        self.assertEqual(many, few)
        # budget of a page (session, layout, count, search, the page's cases with their orders and reasons)
        self.assertLessEqual(many['/my/complaints'], 10)
        self.assertLessEqual(many['/my/returns'], 11)
