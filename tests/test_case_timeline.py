"""One timeline of a case and its documents: a complaint whose return is approved, received,
inspected, credited (posted and paid), a corrective action opened and verified, and the
customer's rating; read from the documents, in time order, with links each user may follow,
on the back office and on the portal."""
import re
from contextlib import contextmanager
from datetime import datetime
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError
from odoo.sql_db import Cursor
from odoo.tests import Form, freeze_time, tagged

import portal_common
import return_common

FULL_ORDER = [
    'received', 'routed', 'first_response', 'started', 'return_requested', 'return_approved',
    'receipt_done', 'inspected', 'credit_note_posted', 'return_done', 'paid',
    'corrective_opened', 'corrective_done', 'corrective_verified', 'resolved', 'closed', 'rating',
]


# Queries to build the timeline of a case, whatever its number of returns, receipts and credit notes.
QUERY_BUDGET = 35


class CaseTimelineSteps:
    """Walks one case through its life, each step at its own moment."""

    @classmethod
    def _ask_for_ratings(cls):
        template = cls.env.ref('customer_complaint_return.mail_template_complaint_rating')
        cls.team_service.write({'rating_active': True, 'rating_template_id': template.id})

    def setUp(self):
        super().setUp()
        # A test runs in one transaction, whose clock stamps every create_date/write_date with
        # the same moment; each step of a case is its own transaction in real life.
        self.startPatcher(patch.object(Cursor, 'now', lambda cr: fields.Datetime.now()))

    @contextmanager
    def _at(self, moment):
        """A step done at ``moment``; its chatter tracking is written at its end, as at a commit."""
        with freeze_time(moment):
            yield
            self.env.flush_all()
            self.env.cr.precommit.run()

    def _pay(self, moves):
        self.env['account.payment.register'].with_user(self.user_finance).with_context(
            active_model='account.move', active_ids=moves.ids).create({})._create_payments()

    def _walk_the_case(self, partner=None):
        """The whole case over four days; returns (complaint, return, credit note, corrective action)."""
        with self._at(datetime(2026, 11, 1, 9, 0)):
            self._pay(self.invoice)  # the customer paid: the credit note is money to pay back
        with self._at(datetime(2026, 11, 2, 9, 5)):
            complaint = self._create_complaint(
                partner_id=(partner or self.customer).id, sale_order_id=self.order.id, subject="Broken chairs")
        agent = complaint.user_id.with_user(complaint.user_id)
        with self._at(datetime(2026, 11, 2, 9, 30)):
            complaint.with_user(agent).message_post(
                body="We are sorry, we take the chairs back.", message_type='comment', subtype_xmlid='mail.mt_comment')
        with self._at(datetime(2026, 11, 2, 10, 0)):
            complaint.with_user(agent).action_start()
        with self._at(datetime(2026, 11, 2, 11, 0)):
            case = self._create_return({self.sale_line_chair: 2}, user=agent, complaint_id=complaint.id)
            case.with_user(agent).action_submit()
        with self._at(datetime(2026, 11, 2, 12, 0)):
            case.with_user(self.user_approver).action_approve()
        with self._at(datetime(2026, 11, 3, 9, 0)):
            self._receive(case.picking_ids)
            case.line_ids.with_user(self.user_warehouse).write({'condition_found': 'damaged'})
        with self._at(datetime(2026, 11, 3, 10, 0)):
            note, _action = self._credit(case, post=False)
        with self._at(datetime(2026, 11, 3, 10, 30)):
            note.with_user(self.user_finance).action_post()
        with self._at(datetime(2026, 11, 3, 11, 0)):
            self._pay(note)
        with self._at(datetime(2026, 11, 4, 9, 0)):
            action = self.env['customer.corrective.action'].with_user(self.user_manager).create({
                'title': "Check the chair legs before shipping", 'complaint_ids': complaint.ids})
        with self._at(datetime(2026, 11, 4, 10, 0)):
            action.with_user(self.user_manager).action_done()
        with self._at(datetime(2026, 11, 4, 11, 0)):
            action.with_user(self.user_manager).action_verify_effective()
        with self._at(datetime(2026, 11, 4, 12, 0)):
            complaint.write({'resolution': "<p>Chairs credited.</p>"})
            complaint.with_user(agent).action_resolve()
        with self._at(datetime(2026, 11, 4, 13, 0)):
            complaint.with_user(agent).action_close()
        with self._at(datetime(2026, 11, 5, 8, 0)):
            complaint.rating_apply(5, token=complaint.rating_ids.access_token)
        return complaint, case, note, action

    def _events(self, record, user):
        return self.env['customer.case.timeline'].with_user(user)._get_events(record.with_user(user))


@tagged('post_install', '-at_install')
class TestCaseTimeline(CaseTimelineSteps, return_common.ReturnCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._ask_for_ratings()

    def test_order_dates_and_links(self):
        complaint, case, note, action = self._walk_the_case()
        self.assertEqual(case.state, 'done')
        self.assertIn(note.payment_state, ('paid', 'in_payment'))
        receipt, rating = case.picking_ids, complaint.rating_ids
        self.assertEqual((len(receipt), len(note), rating.rating), (1, 1, 5.0))

        events = self._events(complaint, self.user_manager)
        self.assertEqual([event['kind'] for event in events], FULL_ORDER)
        expected = [
            ('customer.complaint', complaint.id, datetime(2026, 11, 2, 9, 0)),
            ('customer.complaint', complaint.id, datetime(2026, 11, 2, 9, 5)),
            ('customer.complaint', complaint.id, datetime(2026, 11, 2, 9, 30)),
            ('customer.complaint', complaint.id, datetime(2026, 11, 2, 10, 0)),
            ('customer.return', case.id, datetime(2026, 11, 2, 11, 0)),
            ('customer.return', case.id, datetime(2026, 11, 2, 12, 0)),
            ('stock.picking', receipt.id, datetime(2026, 11, 3, 9, 0)),
            ('customer.return', case.id, datetime(2026, 11, 3, 9, 0)),
            ('account.move', note.id, datetime(2026, 11, 3, 10, 30)),
            ('customer.return', case.id, datetime(2026, 11, 3, 10, 30)),
            ('account.move', note.id, datetime(2026, 11, 3, 11, 0)),
            ('customer.corrective.action', action.id, datetime(2026, 11, 4, 9, 0)),
            ('customer.corrective.action', action.id, datetime(2026, 11, 4, 10, 0)),
            ('customer.corrective.action', action.id, datetime(2026, 11, 4, 11, 0)),
            ('customer.complaint', complaint.id, datetime(2026, 11, 4, 12, 0)),
            ('customer.complaint', complaint.id, datetime(2026, 11, 4, 13, 0)),
            ('rating.rating', rating.id, datetime(2026, 11, 5, 8, 0)),
        ]
        self.assertEqual([(e['res_model'], e['res_id'], e['date']) for e in events], expected)
        self.assertEqual([e['url'] for e in events], [f'/odoo/{model}/{res_id}' for model, res_id, _d in expected])
        by_kind = {event['kind']: event for event in events}
        self.assertEqual(by_kind['credit_note_posted']['name'], note.display_name)
        self.assertIn("345.00", by_kind['credit_note_posted']['description'])
        self.assertEqual(by_kind['return_approved']['description'], "By Return Approver")
        self.assertEqual(by_kind['inspected']['description'], "Office Chair: 2.00 accepted, 0.00 rejected")
        self.assertEqual(by_kind['corrective_verified']['description'], "Effective")
        self.assertEqual(by_kind['routed']['description'], f"Customer Service, {complaint.user_id.name}")

        # The return shows the same case, and its form renders it.
        self.assertEqual(self._events(case, self.user_manager), events)
        html = str(case.with_user(self.user_manager).timeline_html)
        self.assertEqual(re.findall(r'data-kind="(\w+)"', html), FULL_ORDER)
        self.assertIn(f'href="/odoo/account.move/{note.id}"', html)
        self.assertIn('name="timeline_html"', case.get_views([(False, 'form')])['views']['form']['arch'])
        self.assertIn('name="timeline_html"', complaint.get_views([(False, 'form')])['views']['form']['arch'])

    def test_each_user_links_only_what_they_may_read(self):
        complaint, case, _note, _action = self._walk_the_case()
        # The warehouse reads the return and the receipts, not the complaint, the actions or the invoices:
        # it sees the facts, unnamed and unlinked.
        events = self._events(case, self.user_warehouse)
        self.assertEqual([event['kind'] for event in events], FULL_ORDER)
        linked = {(event['kind'], event['res_model']) for event in events if event['url']}
        self.assertLessEqual({
            ('return_requested', 'customer.return'), ('return_approved', 'customer.return'),
            ('receipt_done', 'stock.picking'), ('inspected', 'customer.return'), ('return_done', 'customer.return'),
        }, linked)
        hidden = [event for event in events
                  if event['res_model'] in ('account.move', 'customer.complaint', 'customer.corrective.action')]
        self.assertEqual(len(hidden), 11)
        self.assertFalse([event for event in hidden if event['url'] or event['name'] or event['description']])
        # Finance links the return and its credit note, not the complaint nor the corrective action.
        events = self._events(case, self.user_finance)
        linked = {event['res_model'] for event in events if event['url']}
        self.assertLessEqual({'customer.return', 'account.move'}, linked)
        self.assertFalse(linked & {'customer.complaint', 'customer.corrective.action'})
        # An agent links the whole case.
        events = self._events(complaint, self.user_agent_2)
        self.assertLessEqual({'customer.complaint', 'customer.return', 'account.move', 'stock.picking',
                              'customer.corrective.action'}, {event['res_model'] for event in events if event['url']})
        # Who may not read the case gets no timeline at all.
        with self.assertRaises(AccessError):
            self._events(complaint, self.user_employee)
        with self.assertRaises(AccessError):
            self._events(case, self.user_employee)

    def test_rejection_and_cancellation_at_their_tracked_moments(self):
        """No field records when a return was rejected or a complaint cancelled: the chatter's tracking does."""
        with self._at(datetime(2026, 11, 2, 9, 5)):
            complaint = self._create_complaint(sale_order_id=self.order.id)
        with self._at(datetime(2026, 11, 2, 11, 0)):
            case = self._create_return({self.sale_line_chair: 1}, complaint_id=complaint.id)
            case.with_user(self.user_agent_1).action_submit()
        with self._at(datetime(2026, 11, 2, 15, 0)):
            action = case.with_user(self.user_approver).action_reject()
            decision = Form(self.env['customer.return.decision'].with_user(self.user_approver).with_context(
                **action['context']))
            decision.reason = "Bought more than a year ago."
            decision.save().action_confirm()
        with self._at(datetime(2026, 11, 3, 9, 0)):
            self.env['customer.complaint.reason'].with_user(self.user_agent_1).create({
                'complaint_ids': complaint.ids, 'operation': 'cancel', 'reason': "Customer withdrew"}).action_confirm()
        self.assertEqual((case.state, complaint.state), ('rejected', 'cancelled'))
        events = self._events(case, self.user_agent_1)
        self.assertEqual(
            [(event['kind'], event['date'], event['description']) for event in events],
            [('received', datetime(2026, 11, 2, 9, 0), "Phone"),
             ('routed', datetime(2026, 11, 2, 9, 5), f"Customer Service, {complaint.user_id.name}"),
             ('return_requested', datetime(2026, 11, 2, 11, 0), self.reason_defective.name),
             ('return_rejected', datetime(2026, 11, 2, 15, 0), "Bought more than a year ago."),
             ('cancelled', datetime(2026, 11, 3, 9, 0), "Customer withdrew")])
        html = str(complaint.with_user(self.user_agent_1).timeline_html)
        self.assertIn("Bought more than a year ago.", html)
        self.assertIn(f'href="/odoo/customer.return/{case.id}"', html)
        # What a user types is shown as text, never as markup.
        self.assertNotIn("<script", str(self.env['customer.case.timeline']._render_html([
            dict(events[-1], description="<script>alert(1)</script>", url=False)])))

    def test_replacement_of_a_return_without_complaint(self):
        """A return alone is its own case: its receipt, the inspection and the replacement delivery."""
        self._put_in_stock(self.product_chair, 2)
        with self._at(datetime(2026, 11, 2, 11, 0)):
            case = self._create_return({self.sale_line_chair: 2})
            case.line_ids.with_user(self.user_agent_1).disposition = 'replace'
            receipt = self._submit_and_approve(case)
        with self._at(datetime(2026, 11, 3, 9, 0)):
            self._receive(receipt)
        with self._at(datetime(2026, 11, 3, 9, 30)):
            case.line_ids.with_user(self.user_warehouse).write({'condition_found': 'used'})
            case.with_user(self.user_warehouse).action_send_replacement()
        replacement = case.delivery_ids
        with self._at(datetime(2026, 11, 4, 8, 0)):
            self._receive(replacement)
        self.assertEqual(case.state, 'done')
        events = self._events(case, self.user_warehouse)
        self.assertEqual(
            [(event['kind'], event['res_model'], event['res_id'], event['date']) for event in events],
            [('return_requested', 'customer.return', case.id, datetime(2026, 11, 2, 11, 0)),
             ('return_approved', 'customer.return', case.id, datetime(2026, 11, 2, 11, 0)),
             ('receipt_done', 'stock.picking', receipt.id, datetime(2026, 11, 3, 9, 0)),
             ('inspected', 'customer.return', case.id, datetime(2026, 11, 3, 9, 0)),
             ('delivery_done', 'stock.picking', replacement.id, datetime(2026, 11, 4, 8, 0)),
             ('return_done', 'customer.return', case.id, datetime(2026, 11, 4, 8, 0))])
        self.assertEqual([event['url'] for event in events[2:5:2]],
                         [f'/odoo/stock.picking/{receipt.id}', f'/odoo/stock.picking/{replacement.id}'])

    def _count_queries(self, complaint):
        timeline = self.env['customer.case.timeline'].with_user(self.user_manager)
        timeline._get_events(complaint.with_user(self.user_manager))  # warm the rules' and views' caches
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(QUERY_BUDGET):
            before = self.env.cr.sql_log_count
            events = timeline._get_events(complaint.with_user(self.user_manager))
            queries = self.env.cr.sql_log_count - before
        return queries, events

    def test_fixed_number_of_queries(self):
        complaint, _case, _note, _action = self._walk_the_case()
        queries, events = self._count_queries(complaint)
        self.assertEqual(len(events), len(FULL_ORDER))
        self.assertLessEqual(queries, QUERY_BUDGET)
        # Two more returns, each approved, received and credited: the same number of queries.
        with self._at(datetime(2026, 11, 6, 9, 0)):
            other_order = self._create_delivered_invoiced_order(self.customer, [(self.product_chair, 4, 150.0)])
            for _index in range(2):
                more = self._create_return({other_order.order_line: 2}, complaint_id=complaint.id)
                self._submit_and_approve(more)
                self._receive(more.picking_ids)
                self._credit(more)
        queries_3, events = self._count_queries(complaint)
        self.assertEqual([event['kind'] for event in events].count('credit_note_posted'), 3)
        self.assertEqual([event['kind'] for event in events].count('receipt_done'), 3)
        self.assertLessEqual(queries_3, queries)


@tagged('post_install', '-at_install')
class TestCaseTimelinePortal(CaseTimelineSteps, portal_common.PortalCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._ask_for_ratings()

    @staticmethod
    def _timeline_html(html):
        return re.search(r'<section class="mb-4 o_ccr_timeline">(.*?)</section>', html, re.DOTALL).group(1)

    def test_portal_shows_the_customers_events_in_order(self):
        complaint, case, note, _action = self._walk_the_case(self.customer_contact)
        self._login(self.portal_a)
        page = self._get(f'/my/complaints/{complaint.id}')
        self.assertEqual(page.status_code, 200)
        kinds = re.findall(r'o_ccr_timeline_event" data-kind="(\w+)"', page.text)
        self.assertEqual(kinds, [kind for kind in FULL_ORDER if not kind.startswith('corrective_')])
        self.assertInPage(f'href="/my/returns/{case.id}"', page.text)
        self.assertInPage(f'/my/invoices/{note.id}?access_token=', page.text)
        timeline = self._timeline_html(page.text)
        for secret in ("Check the chair legs", "Return Approver", "Customer Service,", '/odoo/', "Escalated"):
            self.assertNotInPage(secret, timeline)
        # The return page tells the same story.
        page = self._get(f'/my/returns/{case.id}')
        self.assertEqual(re.findall(r'o_ccr_timeline_event" data-kind="(\w+)"', page.text), kinds)
        # A visitor holding the case's token (a forwarded mail) sees the events, without links.
        self.authenticate(None, None)
        page = self._get(f'/my/complaints/{complaint.id}?access_token={complaint._portal_ensure_token()}')
        self.assertEqual(re.findall(r'o_ccr_timeline_event" data-kind="(\w+)"', page.text), kinds)
        self.assertNotIn('href=', self._timeline_html(page.text))
        # Another customer sees neither page, nor the timeline.
        self._login(self.portal_b)
        for url in (f'/my/complaints/{complaint.id}', f'/my/returns/{case.id}'):
            response = self._get(url)
            self.assertForbiddenOrMissing(response)
            self.assertNotIn('o_ccr_timeline_event', response.text)
        page = self._get(f'/my/returns/{self.return_b.id}')
        self.assertEqual(re.findall(r'o_ccr_timeline_event" data-kind="(\w+)"', page.text), ['return_requested'])
        self.assertNotIn(complaint.name, page.text)
        with self.assertRaises(AccessError):
            self._events(case, self.portal_b)
        # The back-office rendering (internal events) is not for customers, even on their own case.
        for record in (complaint, case):
            self.assertNotIn('timeline_html', record.with_user(self.portal_a).fields_get())
            with self.assertRaises(AccessError):
                record.with_user(self.portal_a).read(['timeline_html'])
