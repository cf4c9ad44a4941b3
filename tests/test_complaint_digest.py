"""The complaints dashboard and the manager digest: the figures of a company over a period, exact;
the digest mailed to each manager of the company in their language, once per period; another
company's cases never appear.

Period: the week of Monday 2026-11-02 to Sunday 2026-11-08; the digest goes on Monday 9th at 07:00.
Fixture calendar: Monday to Friday, 08:00-12:00 and 13:00-17:00 UTC. Fixture table: low 16h/80h,
normal 8h/40h, Product Quality + normal 4h/24h.
"""
from datetime import date, datetime

from lxml import html

from odoo.fields import Command
from odoo.tests import freeze_time, new_test_user, tagged

import common
import return_common

DIGEST_TIME = '2026-11-09 07:00:00'
PERIOD = (date(2026, 11, 2), date(2026, 11, 8))


@tagged('post_install', '-at_install')
class TestComplaintDigest(return_common.ReturnCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env_zh = cls._load_chinese()
        cls.category_quality.with_context(lang='zh_CN').name = "产品质量"
        cls.cause_packaging = cls.env['customer.complaint.cause'].create(
            {'name': "Packaging (test)", 'company_id': cls.company.id})
        cls.cause_packaging.with_context(lang='zh_CN').name = "包装不当"
        cls.manager_zh = new_test_user(
            cls.env, login='ccr_manager_zh', name="Wang Manager", groups=f'base.group_user,{common.GROUP_MANAGER}',
            lang='zh_CN', company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])
        cls._build_period()
        cls._build_other_company()

    @classmethod
    def _complaint(cls, when, **values):
        with freeze_time(when):
            return cls._create_complaint(date_received=datetime.fromisoformat(when), **values)

    @classmethod
    def _build_period(cls):
        quality = {'category_id': cls.category_quality.id, 'root_cause_id': cls.cause_packaging.id,
                   'product_ids': [Command.set(cls.product_chair.ids)]}
        delay = {'category_id': cls.category_delay.id, 'product_ids': [Command.set(cls.product_desk.ids)]}
        # Before the period, still open: breached long ago.
        cls.c7 = cls._complaint('2026-10-26 09:00', subject="Old case", category_id=cls.category_quality.id)
        with freeze_time('2026-10-26 10:00:00'):
            cls.c7.action_start()
        # In the period
        cls.c1 = cls._complaint('2026-11-02 09:00', subject="Chair box crushed", resolution="<p>Replaced.</p>", **quality)
        with freeze_time('2026-11-02 10:00:00'):
            cls.c1.action_start()
        with freeze_time('2026-11-03 10:00:00'):
            cls.c1.action_resolve()
            cls.c1.action_close()
        cls.c2 = cls._complaint('2026-11-03 09:00', subject="Chair scratched in its box", **quality)
        with freeze_time('2026-11-03 10:00:00'):
            cls.c2.action_start()
        cls.c3 = cls._complaint('2026-11-04 09:00', subject="Armrest broken in transit", **quality)
        cls.c4 = cls._complaint('2026-11-05 09:00', subject="Desk two days late", **delay)
        cls.c5 = cls._complaint('2026-11-06 16:00', subject="Desk late (duplicate)", **delay)
        cls.c5._cancel("Duplicate of the other delay")
        cls.c6 = cls._complaint('2026-11-08 10:00', subject="Wobbly chair", category_id=cls.category_quality.id)

        # The third packaging case proposed a corrective action: overdue; another one due this week.
        cls.recurring_action = cls.c3.corrective_action_ids
        cls.recurring_action.date_deadline = date(2026, 11, 6)
        cls.due_action = cls.env['customer.corrective.action'].create({
            'title': "Train the carrier's drivers", 'date_deadline': date(2026, 11, 12), 'user_id': cls.user_agent_1.id})
        cls.env.flush_all()
        cls.env.cr.execute("UPDATE customer_corrective_action SET create_date = '2026-11-04 09:00' WHERE id IN %s",
                           [tuple((cls.recurring_action | cls.due_action).ids)])

        # A desk delivered and one of the four returned in the period: 25% of returns.
        with freeze_time('2026-11-03 11:00:00'):
            cls.desk_order = cls._create_delivered_invoiced_order(cls.customer, [(cls.product_desk, 4, 420.0)])
            cls.desk_return = cls._create_return_case(cls.desk_order.order_line, 1)
        # Escalation runs before the digest.
        with freeze_time('2026-11-09 06:00:00'):
            cls.env['customer.complaint']._escalate_overdue()
        cls.env.invalidate_all()

    @classmethod
    def _create_return_case(cls, sale_line, quantity):
        case = cls.env['customer.return'].create({
            'partner_id': sale_line.order_id.partner_id.id, 'sale_order_id': sale_line.order_id.id,
            'reason_id': cls.reason_defective.id,
            'line_ids': [Command.create({'sale_line_id': sale_line.id, 'quantity': quantity, 'condition': 'damaged'})],
        })
        case.action_submit()
        case.action_approve()
        cls._validate_delivery(case)  # the return receipt, in full
        return case

    @classmethod
    def _build_other_company(cls):
        cls.company_2 = cls.env['res.company'].create({'name': "Shenzhen Branch"})
        Complaint_2 = cls.env['customer.complaint'].sudo().with_company(cls.company_2)
        cause_2 = cls.env['customer.complaint.cause'].sudo().create(
            {'name': "Shenzhen carton supplier", 'company_id': cls.company_2.id})
        cls.other_cases = Complaint_2.create([{
            'partner_id': cls.customer.id, 'company_id': cls.company_2.id, 'subject': f"Shenzhen case {i}",
            'date_received': datetime(2026, 11, 3 + i, 9, 0), 'root_cause_id': cause_2.id,
            'product_ids': [Command.set(cls.product_chair.ids)],
        } for i in range(3)])

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------
    def _figures(self, env=None):
        with freeze_time(DIGEST_TIME):
            return (env or self.env)['customer.complaint.dashboard']._get_figures(self.company, *PERIOD)

    def test_figures_are_exact(self):
        figures = self._figures()
        self.assertEqual(figures['received'], 6)
        self.assertEqual([(key, count) for key, _label, count in figures['by_state']],
                         [('new', 3), ('in_progress', 1), ('resolved', 0), ('closed', 1), ('cancelled', 1)])
        self.assertEqual(figures['open'], 5)  # c2, c3, c4, c6 and the older c7
        self.assertEqual(figures['sla'], {'on_track': 1, 'at_risk': 1, 'breached': 3})
        self.assertEqual(figures['escalated'], 3)
        self.assertEqual(figures['causes'], [
            {'label': "Not analysed yet", 'count': 3, 'percent': 50.0, 'cumulative': 50.0},
            {'label': "Packaging (test)", 'count': 3, 'percent': 50.0, 'cumulative': 100.0},
        ])
        self.assertEqual([(row['label'], row['count'], round(row['percent'], 1), round(row['cumulative'], 1))
                          for row in figures['categories']],
                         [("Product Quality", 4, 66.7, 66.7), ("Delivery Delay", 2, 33.3, 100.0)])
        self.assertEqual([(row['product'], row['count']) for row in figures['top_products']],
                         [(self.product_chair, 3), (self.product_desk, 2)])
        self.assertEqual(figures['top_return_rates'], [
            {'product': self.product_desk, 'returned': 1.0, 'delivered': 4.0, 'rate': 25.0}])
        # c1 and c2 answered 1h after receipt, allowed 5h (4 working hours); c1 resolved in 25h of 72h allowed.
        self.assertEqual(figures['response'], {'count': 2, 'hours': 1.0, 'allowed': 5.0, 'judged': 2, 'on_time': 100.0})
        self.assertEqual(figures['resolution'], {'count': 1, 'hours': 25.0, 'allowed': 72.0, 'judged': 1,
                                                 'on_time': 100.0})
        self.assertEqual([(row['product'], row['cause'], row['count']) for row in figures['recurring']],
                         [(self.product_chair, self.cause_packaging, 3)])
        self.assertEqual(figures['actions_overdue'], self.recurring_action)
        self.assertEqual(figures['actions_due'], self.due_action)
        self.assertEqual(figures['actions_created'], 2)
        self.assertEqual(figures['returns'], {'requested': 1, 'escalated': 0})
        self.assertEqual(figures['trend'], [{'label': "Nov 2026", 'received': 6, 'resolved': 1}])

    def test_return_rates_count_as_the_product_does(self):
        """A replacement is a delivery to the customer: the dashboard's return rate counts it as
        the product's own return figures do."""
        line = self.desk_return.line_ids
        line.disposition = 'replace'
        with freeze_time('2026-11-04 10:00:00'):
            self.desk_return.with_user(self.user_warehouse).action_send_replacement()
            replacement = self.desk_return.delivery_ids
            self._validate_delivery(self.desk_return.sale_order_id)
        self.assertEqual(replacement.state, 'done')
        self.assertEqual(line.qty_replaced, 1.0)
        self.assertEqual(self._figures()['top_return_rates'], [
            {'product': self.product_desk, 'returned': 1.0, 'delivered': 5.0, 'rate': 20.0}])
        desk = self.product_desk.with_context(return_date_from=PERIOD[0], return_date_to=PERIOD[1])
        self.assertEqual((desk.return_qty, desk.return_delivered_qty, desk.return_rate), (1.0, 5.0, 20.0))

    def test_dashboard(self):
        with freeze_time(DIGEST_TIME):
            dashboard = self.env['customer.complaint.dashboard'].with_user(self.user_manager).create(
                {'date_from': PERIOD[0], 'date_to': PERIOD[1]})
            self.assertRecordValues(dashboard, [{
                'company_id': self.company.id, 'received_count': 6, 'open_count': 5, 'on_track_count': 1,
                'at_risk_count': 1, 'breached_count': 3, 'escalated_count': 3, 'response_on_time': 100.0,
                'resolution_on_time': 100.0, 'actions_overdue_count': 1, 'actions_due_count': 1}])
            tree = html.fromstring(dashboard.figures_html)
            self.assertEqual(self._table(tree, 'o_complaint_categories'),
                             [['Product Quality', '4', '67 %', '67 %'], ['Delivery Delay', '2', '33 %', '100 %']])
            received = dashboard.action_view_received()
            self.assertEqual(self.env['customer.complaint'].search_count(received['domain']), 6)
            breached = dashboard.action_view_breached()
            self.assertEqual(self.env['customer.complaint'].search(breached['domain']), self.c2 | self.c3 | self.c7)
            causes = dashboard.action_view_causes()
            self.assertEqual(causes['res_model'], 'customer.complaint.report')
            self.assertEqual(self.env['customer.complaint.report'].search_count(causes['domain']), 6)
        # The menu opens it through a server action, for managers.
        action = self.env.ref('customer_complaint_return.action_complaint_dashboard')
        self.assertEqual(action.group_ids, self.env.ref(common.GROUP_MANAGER))
        opened = self.env['customer.complaint.dashboard'].with_user(self.user_manager).action_open()
        self.assertEqual(opened['res_model'], 'customer.complaint.dashboard')

    @staticmethod
    def _table(tree, css_class):
        [table] = tree.xpath(f"//table[contains(@class, '{css_class}')]")
        return [[cell.text_content().strip() for cell in row.xpath('./th|./td')] for row in table.xpath('.//tr')
                if row.xpath('./td')]

    # ------------------------------------------------------------------
    # Digest
    # ------------------------------------------------------------------
    def _managers(self):
        return self.env['res.users'].search([
            ('all_group_ids', 'in', self.env.ref(common.GROUP_MANAGER).ids), ('share', '=', False),
            ('company_ids', 'in', self.company.ids), ('email', '!=', False)])

    def _run_digest_cron(self):
        cron = self.env.ref('customer_complaint_return.ir_cron_complaint_digest')
        with freeze_time(DIGEST_TIME), self.enter_registry_test_mode():
            cron.sudo().method_direct_trigger()
        self.env.invalidate_all()

    def _digests(self, company=None):
        return self.env['mail.mail'].search([
            ('body_html', 'like', 'o_complaint_figures'), ('subject', '=like', f"{(company or self.company).name}%")])

    def test_digest_per_manager_in_their_language(self):
        self.assertEqual(self.company.complaint_digest_frequency, 'weekly')
        self._run_digest_cron()
        self.assertEqual(self.company.complaint_digest_sent_until, PERIOD[1])
        mails = self._digests()
        managers = self._managers()
        self.assertIn(self.manager_zh, managers)
        self.assertIn(self.user_manager, managers)
        self.assertEqual(sorted(mails.recipient_ids.ids), sorted(managers.partner_id.ids))
        self.assertEqual(len(mails), len(managers))

        english = mails.filtered(lambda mail: mail.recipient_ids == self.user_manager.partner_id)
        self.assertEqual(english.subject, f"{self.company.name}: complaints and returns, 11/02/2026 - 11/08/2026")
        tree = html.fromstring(english.body_html)
        self.assertEqual(self._table(tree, 'o_complaint_status'), [
            ['Received in the period', '6'], ['New', '3'], ['In Progress', '1'], ['Resolved', '0'],
            ['Closed', '1'], ['Cancelled', '1'], ['Open now', '5'], ['On track', '1'], ['At risk', '1'],
            ['Breached', '3'], ['Escalated', '3']])
        self.assertEqual(self._table(tree, 'o_complaint_causes'),
                         [['Not analysed yet', '3', '50 %', '50 %'], ['Packaging (test)', '3', '50 %', '100 %']])
        self.assertEqual(self._table(tree, 'o_complaint_times'),
                         [['First response', '2', '1.0', '5.0', '100 %'], ['Resolution', '1', '25.0', '72.0', '100 %']])
        self.assertEqual(self._table(tree, 'o_complaint_products'), [['Office Chair', '3'], ['Standing Desk', '2']])
        self.assertEqual(self._table(tree, 'o_complaint_return_rates'), [['Standing Desk', '1', '4', '25.0 %']])
        self.assertEqual(self._table(tree, 'o_complaint_recurring'), [['Office Chair', 'Packaging (test)', '3']])
        self.assertEqual(self._table(tree, 'o_complaint_trend')[-2:], [['Oct 2026', '1', '0'], ['Nov 2026', '6', '1']])
        overdue = self._table(tree, 'o_complaint_actions_overdue')
        self.assertEqual(overdue, [[self.recurring_action.name, self.recurring_action.title, self.user_manager.name,
                                    '11/06/2026']])
        links = tree.xpath('//a/@href')
        base_url = self.company.get_base_url()
        self.assertIn(f"{base_url}/odoo/corrective-actions/{self.recurring_action.id}", links)
        self.assertIn(f"{base_url}/odoo/complaint-dashboard", links)
        self.assertIn(f"{base_url}/odoo/overdue-complaints", links)

        chinese = mails.filtered(lambda mail: mail.recipient_ids == self.manager_zh.partner_id)
        self.assertTrue(chinese.subject.startswith(f"{self.company.name}："))
        tree_zh = html.fromstring(chinese.body_html)
        status_zh = self._table(tree_zh, 'o_complaint_status')
        self.assertEqual([count for _label, count in status_zh], ['6', '3', '1', '0', '1', '1', '5', '1', '1', '3', '3'])
        self.assertEqual(status_zh[1][0], "新建")
        self.assertEqual(self._table(tree_zh, 'o_complaint_categories')[0][:2], ["产品质量", '4'])
        self.assertEqual(self._table(tree_zh, 'o_complaint_causes')[1][:2], ["包装不当", '3'])
        self.assertNotIn("Received in the period", chinese.body_html)

        # Nothing of the other company, in any language.
        for mail in mails:
            self.assertNotIn("Shenzhen", mail.body_html)

    def test_digest_once_per_period(self):
        self._run_digest_cron()
        count = len(self._digests())
        self.assertTrue(count)
        self._run_digest_cron()
        self.assertEqual(len(self._digests()), count)
        Dashboard = self.env['customer.complaint.dashboard']
        self.assertEqual(Dashboard._digest_period('weekly', date(2026, 11, 9)), PERIOD)
        self.assertEqual(Dashboard._digest_period('weekly', date(2026, 11, 15)), PERIOD)
        self.assertEqual(Dashboard._digest_period('monthly', date(2026, 11, 9)), (date(2026, 10, 1), date(2026, 10, 31)))
        self.company.complaint_digest_frequency = 'none'
        self.company.complaint_digest_sent_until = False
        self._run_digest_cron()
        self.assertEqual(len(self._digests()), count)

    def test_other_company_digest_has_only_its_cases(self):
        manager_2 = new_test_user(
            self.env, login='ccr_manager_shenzhen', name="Shenzhen Manager",
            groups=f'base.group_user,{common.GROUP_MANAGER}',
            company_id=self.company_2.id, company_ids=[Command.set(self.company_2.ids)])
        with freeze_time(DIGEST_TIME):
            mails = self.env['customer.complaint.dashboard']._send_digest(self.company_2, *PERIOD)
        # its own manager, and the set-up user who created the company (a manager of both)
        self.assertEqual(mails.recipient_ids, manager_2.partner_id | self.env.user.partner_id)
        self.assertNotIn(self.user_manager.partner_id, mails.recipient_ids)
        tree = html.fromstring(mails[0].body_html)
        self.assertEqual(self._table(tree, 'o_complaint_status')[0], ['Received in the period', '3'])
        self.assertEqual(self._table(tree, 'o_complaint_causes'), [['Shenzhen carton supplier', '3', '100 %', '100 %']])
        for mail in mails:
            self.assertNotIn("Packaging (test)", mail.body_html)
            self.assertNotIn("Product Quality", mail.body_html)
            self.assertNotIn(self.recurring_action.name, mail.body_html)
