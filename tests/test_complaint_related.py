"""Related and duplicate cases at intake (same customer, order, product, lot, or a similar text in
English or Chinese, by PostgreSQL trigrams), and the merge of duplicates into the kept case."""
import base64
from datetime import datetime

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import Form, tagged
from odoo.tools import SQL

import portal_common
import return_common

DOMAIN = "ccr-related.example.com"
RECEIVED = datetime(2026, 11, 2, 9, 0)


@tagged('post_install', '-at_install')
class TestComplaintRelated(return_common.ReturnCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Complaint = cls.env['customer.complaint']
        cls.stranger = cls.env['res.partner'].create({'name': "Wang Wu Furniture", 'is_company': True})
        cls.order_b = cls._create_delivered_invoiced_order(cls.other_customer, [(cls.product_desk, 2, 420.0)])

    def _case(self, partner=None, subject="", description="", **values):
        return self._create_complaint(
            partner_id=(partner or self.stranger).id, subject=subject, description=description, **values)

    def _related(self, complaint):
        return complaint._get_related_cases()[complaint.id]

    def _related_ids(self, complaint):
        return [row[0] for row in self._related(complaint)]

    # ------------------------------------------------------------------
    # Finding related cases
    # ------------------------------------------------------------------
    def test_trigram_available_and_customer_index_built(self):
        self.assertTrue(self.env.registry.has_trigram, "the test cluster has pg_trgm")
        rows = self.env.execute_query(SQL(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            'customer_complaint_commercial_partner_date_received_idx'))
        self.assertEqual(len(rows), 1)
        self.assertIn('(commercial_partner_id, date_received)', rows[0][0])

    def test_text_window_is_bounded(self):
        old = self._case(self.other_customer, "Office chair leg cracked after one week",
                         date_received=datetime(2026, 11, 1, 9, 0))
        self._case(self.customer, "Invoice address is wrong", date_received=datetime(2026, 11, 1, 10, 0))
        self.env['ir.config_parameter'].set_param('customer_complaint_return.related_text_window', '2')
        case = self._case(self.stranger, "Office chair leg cracked after a week")
        self.assertEqual(self._related_ids(case), [], "only the last case before is compared: not the old one")
        self.env['ir.config_parameter'].set_param('customer_complaint_return.related_text_window', '4')
        self.assertEqual(self._related_ids(case), [old.id])

    def test_english_near_duplicate_of_another_customer(self):
        first = self._case(self.other_customer, "Office chair leg cracked after one week",
                           "<p>The front left leg of the office chair cracked after one week of normal use.</p>")
        noise = self._case(self.customer, "Invoice address is wrong", "<p>Please fix the billing address.</p>")
        second = self._case(self.stranger, "Office chair leg cracked after a week",
                            "<p>Front left leg of our office chair cracked after a week of use.</p>")
        rows = self._related(second)
        self.assertEqual([row[0] for row in rows], [first.id], "the near duplicate, not the unrelated case")
        _other_id, reasons, similarity, score, is_open = rows[0]
        self.assertTrue(is_open)
        self.assertEqual(reasons, ['text'])
        self.assertGreater(similarity, 0.5)
        self.assertAlmostEqual(score, 5.0 * similarity, places=4)
        self.assertEqual(second.intake_related_count, 1, "counted at intake")
        self.assertEqual((second.related_complaint_ids, second.related_count, second.similar_open_count),
                         (first, 1, 1))
        self.assertNotIn(noise.id, self._related_ids(first))

    def test_chinese_near_duplicate(self):
        first = self._case(self.other_customer, "办公椅腿断裂", "<p>收到的办公椅使用一周后左前腿断裂，要求更换。</p>")
        unrelated = self._case(self.other_customer, "发票抬头错误", "<p>请重新开具发票，公司名称写错了。</p>")
        second = self._case(self.stranger, "办公椅的腿断了", "<p>办公椅使用一周后左前腿断裂了，请更换。</p>")
        # Chinese characters make trigrams here (C.UTF-8 classifies them as letters).
        trigrams = self.env.execute_query(SQL(
            "SELECT array_length(show_trgm(%s), 1)", "办公椅腿断裂"))[0][0]
        self.assertGreaterEqual(trigrams, 4)
        self.assertEqual(self._related_ids(second), [first.id])
        self.assertNotIn(unrelated.id, self._related_ids(second))
        self.assertEqual(second.similar_open_count, 1)

    def _near_duplicate_set(self, pairs):
        """Each (original, near duplicate) of ``pairs`` filed by a customer of its own; the best text
        match of every near duplicate, and the share of originals found."""
        partners = self.env['res.partner'].create([{'name': f"Set customer {i}"} for i in range(2 * len(pairs))])
        originals = self.Complaint.browse([
            self._case(partners[2 * i], subject).id for i, (subject, _duplicate) in enumerate(pairs)])
        duplicates = self.Complaint.browse([
            self._case(partners[2 * i + 1], duplicate).id for i, (_subject, duplicate) in enumerate(pairs)])
        related = duplicates._get_related_cases()
        best = [related[duplicate.id][0][0] if related[duplicate.id] else False for duplicate in duplicates]
        return originals, best

    def test_english_test_set(self):
        originals, best = self._near_duplicate_set([
            ("Desk arrived with a deep scratch on the top", "Deep scratch on the desk top on arrival"),
            ("Lamp stopped working after two days", "The lamp stopped working after 2 days"),
            ("Wrong colour delivered: ordered black, got white",
             "Delivered in the wrong colour, we ordered black, got white"),
            ("Courier left the box in the rain, carton wet and torn",
             "Box left in the rain by the courier, carton wet and torn"),
            ("Invoice charged twice for the same order", "We were charged twice on the invoice for the same order"),
        ])
        self.assertEqual(best, originals.ids)

    def test_chinese_test_set(self):
        originals, best = self._near_duplicate_set([
            # (a reordered phrase, "到货时桌面有很深的划痕", shares too few trigrams: below the threshold)
            ("桌面到货时有一道很深的划痕", "桌面到货时有很深的划痕"),
            ("台灯使用两天后不亮了", "台灯用了两天后不亮了"),
            ("颜色发错了，订的是黑色收到的是白色", "颜色发错了，订购黑色收到白色"),
            ("快递把包裹放在雨中，纸箱受潮破损", "快递把包裹放在雨里，纸箱受潮并且破损"),
            ("同一订单的发票重复扣款两次", "同一订单重复扣款了两次"),
        ])
        self.assertEqual(best, originals.ids)

    def test_exact_fields_ranked_order_lot_customer_product(self):
        lot_product = self._create_storable_product("Lamp", 30.0, tracking='lot')
        lot = self.env['stock.lot'].create(
            {'name': "LAMP-7", 'product_id': lot_product.id, 'company_id': self.company.id})
        same_order = self._case(self.customer, "A", sale_order_id=self.order.id)
        same_customer = self._case(self.customer_contact, "B")
        same_product = self._case(self.other_customer, "C", product_ids=[Command.set(self.product_chair.ids)])
        same_lot = self._case(self.stranger, "D", product_ids=[Command.set(lot_product.ids)],
                              lot_ids=[Command.set(lot.ids)])
        closed_long_ago = self._case(self.customer, "E", date_received=datetime(2026, 6, 1, 9, 0))
        closed_long_ago.write({'resolution': "<p>done</p>"})
        closed_long_ago.action_resolve()
        old_open = self._case(self.customer, "F", date_received=datetime(2026, 6, 1, 9, 0))
        cancelled = self._case(self.customer, "G")
        cancelled._cancel("test")
        case = self._case(self.customer, "Z", sale_order_id=self.order.id,
                          product_ids=[Command.set((self.product_chair | lot_product).ids)],
                          lot_ids=[Command.set(lot.ids)])
        rows = {row[0]: row for row in self._related(case)}
        # same order (4) + same customer (2); same lot (3) + product (1); customer alone (2); product alone (1)
        self.assertEqual(rows[same_order.id][3], 6.0)
        self.assertEqual(sorted(rows[same_order.id][1]), ['customer', 'order'])
        self.assertEqual(rows[same_lot.id][3], 4.0)
        self.assertEqual(sorted(rows[same_lot.id][1]), ['lot', 'product'])
        self.assertEqual(rows[same_customer.id][3], 2.0)
        self.assertEqual(rows[old_open.id][3], 2.0, "open cases count whatever their age")
        self.assertEqual(rows[same_product.id][3], 1.0)
        self.assertNotIn(closed_long_ago.id, rows, "resolved more than 90 days before: not recent")
        self.assertNotIn(cancelled.id, rows)
        self.assertEqual(self._related_ids(case)[:2], [same_order.id, same_lot.id], "ranked by score")
        self.assertEqual(case.intake_related_count, 5)

    def test_other_company_never_related(self):
        company_b = self.env['res.company'].create({'name': "Other Co (related)"})
        shared = self.env['res.partner'].create({'name': "Shared customer", 'is_company': True, 'company_id': False})
        text = "Office chair leg cracked after one week"
        theirs = self.Complaint.create({
            'partner_id': shared.id, 'subject': text, 'company_id': company_b.id, 'date_received': RECEIVED})
        ours = self._case(shared, text)
        self.assertEqual(self._related(ours), [])
        self.assertEqual(self._related(theirs), [])
        self.assertEqual(ours.intake_related_count, 0)
        with self.assertRaisesRegex(UserError, "different companies"):
            (ours | theirs)._merge_into(ours)

    def test_without_trigram_exact_fields_only(self):
        text = "Office chair leg cracked after one week"
        first = self._case(self.other_customer, text)
        same_customer = self._case(self.customer, "other")
        second = self._case(self.customer, text)
        self.assertEqual(set(self._related_ids(second)), {first.id, same_customer.id})
        self.patch(self.env.registry, 'has_trigram', False)
        self.assertEqual(self._related_ids(second), [same_customer.id])
        with self.assertLogs('odoo.addons.customer_complaint_return.models.customer_complaint_related',
                             'WARNING') as logs:
            self.Complaint._check_related_text_support()
        self.assertIn("pg_trgm is missing", logs.output[0])

    def test_check_at_intake_query_budget(self):
        self._case(self.other_customer, "Office chair leg cracked after one week")
        vals = {'partner_id': self.customer.id, 'subject': "Office chair leg cracked", 'date_received': RECEIVED}
        Complaint = self.Complaint.with_user(self.user_agent_1)
        # The related-cases check itself: one query to find, one to store.
        complaint = Complaint.create(dict(vals))
        self.assertEqual(complaint.intake_related_count, 1)
        self.env.flush_all()
        with self.assertQueryCount(2):
            complaint._record_intake_related_count()

    def test_mail_gateway_case_is_checked(self):
        alias_domain = self.env['mail.alias.domain'].create({'name': DOMAIN})
        self.company.alias_domain_id = alias_domain
        self.team_service.write({'alias_name': "related", 'alias_domain_id': alias_domain.id})
        first = self._case(self.other_customer, "Office chair leg cracked after one week")
        raw = (f"From: \"Lin Wei\" <lin.wei@linwei.example.com>\r\nTo: related@{DOMAIN}\r\n"
               "Subject: Office chair leg cracked after a week\r\nMessage-ID: <rel-1@linwei.example.com>\r\n"
               "Date: Mon, 02 Nov 2026 09:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
               "The chair leg cracked.")
        case = self.Complaint.browse(self.env['mail.thread'].message_process(None, raw))
        self.assertEqual(case.channel, 'email')
        self.assertIn(first.id, self._related_ids(case))
        self.assertGreaterEqual(case.intake_related_count, 1)

    def test_portal_user_sees_no_related_cases(self):
        portal = self.env['res.users'].with_context(no_reset_password=True).create({
            'name': "Lin Wei portal", 'login': 'ccr_related_portal', 'partner_id': self.customer_contact.id,
            'group_ids': [Command.set(self.env.ref('base.group_portal').ids)]})
        self._case(self.other_customer, "Office chair leg cracked after one week")
        mine = self._case(self.customer_contact, "Office chair leg cracked after a week")
        self.assertEqual(mine.related_count, 1)
        with self.assertRaises(AccessError):
            mine.with_user(portal).read(['related_complaint_ids'])
        with self.assertRaises(AccessError):
            mine.with_user(portal).read(['intake_related_count'])

    def test_form_banner_for_agent(self):
        first = self._case(self.other_customer, "Office chair leg cracked after one week")
        case = self._case(self.customer, "Office chair leg cracked after a week")
        form = Form(case.with_user(self.user_agent_1))
        self.assertEqual((form.similar_open_count, form.related_count), (1, 1))
        action = case.with_user(self.user_agent_1).action_view_related_complaints()
        self.assertEqual(action['res_id'], first.id)
        first._cancel("wrong case")
        self.env.invalidate_all()  # a new request
        self.assertEqual(Form(case.with_user(self.user_agent_1)).similar_open_count, 0, "cancelled: no banner")

    # ------------------------------------------------------------------
    # Merge
    # ------------------------------------------------------------------
    def _rich_duplicate(self):
        """A duplicate of the customer with a message, an attachment, a follower, an activity,
        documents, a return, a corrective action and a store of evidence."""
        lot_product = self._create_storable_product("Lamp", 30.0, tracking='lot')
        lot = self.env['stock.lot'].create(
            {'name': "LAMP-9", 'product_id': lot_product.id, 'company_id': self.company.id})
        evidence = self.env['ir.attachment'].create({'name': "photo.png", 'datas': base64.b64encode(b'png')})
        duplicate = self._case(
            self.customer_contact, "Chair broken", sale_order_id=self.order.id, delivery_ids=self.delivery.ids,
            invoice_ids=self.invoice.ids, product_ids=[Command.set((self.product_chair | lot_product).ids)],
            lot_ids=[Command.set(lot.ids)], attachment_ids=[Command.set(evidence.ids)])
        duplicate.message_post(body="The customer called twice", message_type='comment')
        chatter_file = self.env['ir.attachment'].create({
            'name': "call.txt", 'datas': base64.b64encode(b'call'), 'res_model': 'customer.complaint',
            'res_id': duplicate.id})
        follower = self.env['res.partner'].create({'name': "Quality Auditor", 'email': "audit@example.com"})
        duplicate.message_subscribe(partner_ids=follower.ids)
        activity = duplicate.activity_schedule('mail.mail_activity_data_todo', summary="Call back")
        case_return = self._create_return({self.sale_line_chair: 1}, complaint_id=duplicate.id)
        action = self.env['customer.corrective.action'].create({
            'title': "Check chair legs", 'complaint_ids': [Command.set(duplicate.ids)]})
        return duplicate, {'lot': lot, 'evidence': evidence, 'chatter_file': chatter_file, 'follower': follower,
                           'activity': activity, 'return': case_return, 'action': action,
                           'product': lot_product}

    def test_merge_keeps_everything_of_both_cases(self):
        kept = self._case(self.customer, "Chair leg broken")
        kept.message_post(body="Kept case note", message_type='comment')
        kept_messages = kept.message_ids
        duplicate, linked = self._rich_duplicate()
        duplicate_messages = duplicate.message_ids
        wizard = self.env['customer.complaint.merge'].with_user(self.user_manager).create({
            'complaint_ids': [Command.set((kept | duplicate).ids)], 'target_id': kept.id})
        wizard.action_merge()
        self.env.invalidate_all()
        # the duplicate: cancelled by the process, pointing to the kept case
        self.assertEqual((duplicate.state, duplicate.merged_into_id), ('cancelled', kept))
        self.assertEqual(duplicate.cancel_reason, f"Merged into {kept.name}.")
        self.assertEqual(kept.merged_ids, duplicate)
        self.assertEqual(kept.state, 'new')
        # messages, chatter attachments, activities and followers moved
        self.assertLessEqual(kept_messages | duplicate_messages, kept.message_ids)
        self.assertIn("The customer called twice", "".join(kept.message_ids.mapped('body')))
        self.assertEqual(linked['chatter_file'].res_id, kept.id)
        self.assertEqual(linked['activity'].res_id, kept.id)
        self.assertIn(linked['follower'], kept.message_partner_ids)
        self.assertEqual(len(kept.message_follower_ids.partner_id), len(kept.message_follower_ids),
                         "no follower twice")
        # documents, returns and corrective actions
        self.assertEqual(kept.sale_order_id, self.order)
        self.assertEqual(kept.delivery_ids, self.delivery)
        self.assertEqual(kept.invoice_ids, self.invoice)
        self.assertEqual(kept.product_ids, self.product_chair | linked['product'])
        self.assertEqual(kept.lot_ids, linked['lot'])
        self.assertEqual(kept.attachment_ids, linked['evidence'])
        self.assertEqual(linked['return'].complaint_id, kept)
        self.assertEqual(kept.customer_return_ids, linked['return'])
        self.assertIn(kept, linked['action'].complaint_ids)
        # links both ways in the chatters
        self.assertIn(f'data-oe-model="customer.complaint" data-oe-id="{duplicate.id}"', kept.message_ids[0].body)
        self.assertIn(f'data-oe-model="customer.complaint" data-oe-id="{kept.id}"', duplicate.message_ids[0].body)
        self.assertEqual(len(duplicate.message_ids), 2, "the merge note and the cancel reason stay on the duplicate")

    def test_merge_refusals(self):
        kept = self._case(self.customer, "Chair")
        duplicate = self._case(self.customer_contact, "Chair again")
        foreign = self._case(self.other_customer, "Chair")
        with self.assertRaisesRegex(UserError, "different customers"):
            (kept | foreign).with_user(self.user_manager)._merge_into(kept)
        with self.assertRaisesRegex(UserError, "at least one other case"):
            kept._merge_into(kept)
        closed = self._case(self.customer, "Closed")
        closed.write({'resolution': "<p>ok</p>"})
        closed.action_resolve()
        closed.action_close()
        with self.assertRaisesRegex(UserError, "Closed, cancelled or already merged"):
            (kept | closed)._merge_into(kept)
        (kept | duplicate)._merge_into(kept)
        with self.assertRaisesRegex(UserError, "Closed, cancelled or already merged"):
            (kept | duplicate)._merge_into(kept)  # a second click
        self.assertEqual(len(kept.merged_ids), 1)
        self.assertEqual(foreign.state, 'new', "nothing half-written")

    def test_merge_rights(self):
        kept = self._case(self.customer, "Chair", user_id=self.user_agent_1.id)
        duplicate = self._case(self.customer, "Chair again", user_id=self.user_agent_2.id)
        specialist_case = self._case(self.customer, "Chair third", severity='critical')
        self.assertEqual(specialist_case.team_id, self.team_specialists)
        # a plain employee: no access at all
        with self.assertRaises(AccessError):
            self.env['customer.complaint.merge'].with_user(self.user_employee).create({
                'complaint_ids': [Command.set((kept | duplicate).ids)], 'target_id': kept.id})
        # an agent of the team merges his team's cases, not the specialists'
        with self.assertRaisesRegex(AccessError, "Only a complaint manager"):
            (kept | specialist_case).with_user(self.user_agent_1)._merge_into(kept)
        self.assertEqual(specialist_case.state, 'new')
        (kept | duplicate).with_user(self.user_agent_1)._merge_into(kept)
        self.assertEqual(duplicate.merged_into_id, kept)

    def test_merged_into_not_writable_over_rpc(self):
        kept = self._case(self.customer, "Chair")
        duplicate = self._case(self.customer, "Chair again")
        for user in (self.user_agent_1, self.user_manager):
            with self.assertRaisesRegex(AccessError, "set by the process"):
                duplicate.with_user(user).write({'merged_into_id': kept.id})
            with self.assertRaisesRegex(AccessError, "set by the process"):
                duplicate.with_user(user).write({'intake_related_count': 9})
        self.assertFalse(duplicate.merged_into_id)

    def test_merge_from_form_proposes_similar_cases(self):
        first = self._case(self.customer, "Office chair leg cracked after one week")
        other_customer_case = self._case(self.other_customer, "Office chair leg cracked after one week")
        case = self._case(self.customer, "Office chair leg cracked after a week")
        action = case.with_user(self.user_manager).action_merge_related()
        wizard = self.env['customer.complaint.merge'].with_user(self.user_manager).with_context(
            action['context']).create({})
        self.assertEqual(wizard.target_id, case)
        self.assertEqual(wizard.complaint_ids, case | first, "only the same customer's cases are proposed")
        self.assertNotIn(other_customer_case, wizard.complaint_ids)
        wizard.action_merge()
        self.assertEqual(first.merged_into_id, case)
        # merged cases are no longer related
        self.assertNotIn(first.id, self._related_ids(case))


@tagged('post_install', '-at_install')
class TestComplaintRelatedPortal(portal_common.PortalCommon):
    """A complaint submitted on the portal is checked at intake: the agent sees the banner, the
    customer sees nothing of the other customers' cases."""

    def test_portal_complaint_checked_without_leaking(self):
        other = self._create_complaint(
            partner_id=self.contact_b.id, subject="Armrest cracked on the office chair",
            description="<p>The armrest of the office chair cracked on day two of use.</p>")
        self._login(self.portal_a)
        response = self._post('/my/complaints/submit', {
            'subject': "Armrest cracked on office chair",
            'description': "The armrest of the office chair cracked on day two.",
        })
        self.assertEqual(response.status_code, 200)
        complaint = self._complaints_of(self.customer) - self.complaint_a
        self.assertEqual((len(complaint), complaint.channel), (1, 'portal'))
        self.assertGreaterEqual(complaint.intake_related_count, 1)
        self.assertIn(other, complaint.with_user(self.user_agent_1).related_complaint_ids)
        self.assertEqual(complaint.with_user(self.user_agent_1).similar_open_count, 1)
        page = self._get(f'/my/complaints/{complaint.id}').text
        self.assertNotIn(other.name, page)
        self.assertNotIn("imilar open complaints", page)
