"""The complaints dashboard at scale: its title, its charts, the queries it costs to open (a budget
that does not grow with the data), and the scale fill of ``make bench BENCH_ARGS="--scale N"`` run
at a tiny N so that CI checks the bench code runs and the dashboard's figures match the rows."""
from datetime import date, datetime, time, timedelta

import bench_scale
import common
from lxml import html
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Command
from odoo.tests import tagged
from odoo.tests.common import users, warmup

PERIOD = (date(2026, 1, 1), date(2026, 12, 31))


@tagged('post_install', '-at_install')
class TestDashboardBudget(common.ComplaintCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cause = cls.env['customer.complaint.cause'].create({'name': "Loose screws"})
        start = datetime(2026, 11, 2, 9, 0)
        cls.complaints = cls.env['customer.complaint'].create([{
            'partner_id': cls.customer.id,
            'subject': f"Case {index}",
            'category_id': (cls.category_quality, cls.category_delay)[index % 2].id,
            'root_cause_id': cls.cause.id if index % 3 else False,
            'product_ids': [Command.set((cls.product_chair | cls.product_desk)[:1 + index % 2].ids)],
            'date_received': start + timedelta(hours=index),
        } for index in range(30)])
        cls.complaints[:10].action_start()
        cls.env.flush_all()
        cls.spec = bench_scale._view_spec(cls.env(user=cls.user_manager), 'customer.complaint.dashboard', 'form')

    def _open(self):
        """What the web client does: the menu's server action creates the dashboard, the form reads it."""
        Dashboard = self.env['customer.complaint.dashboard']
        action = Dashboard.action_open()
        dashboard = Dashboard.browse(action['res_id'])
        dashboard.write({'date_from': PERIOD[0], 'date_to': PERIOD[1]})
        return action, dashboard.web_read(self.spec)[0]

    @users('ccr_manager')
    @warmup
    def test_open_query_budget(self):
        # The action's create, the period's write, then the form's read: one grouping-sets query for
        # the period's status, causes, categories, months and handling times, one for the open cases
        # by service level, one for the products and recurring causes, one for the resolutions by
        # month, one for the return rates, two for corrective actions, one for returns, compensation,
        # the cost of poor quality (its figures and the chart by cause), and the names of the rows
        # shown (categories, causes, products); nothing per complaint.
        with self.assertQueryCount(ccr_manager=23):
            action, values = self._open()
        self.assertEqual(action['name'], "Complaints Dashboard")
        self.assertEqual(values['display_name'], "Complaints Dashboard")
        self.assertEqual((values['received_count'], values['open_count']), (30, 30))
        tree = html.fromstring(values['figures_html'])
        bars = tree.xpath("//div[contains(@class, 'o_complaint_chart_categories')]//tr")
        self.assertEqual([row.xpath('./td')[0].text_content().strip() for row in bars],
                         [self.category_delay.name, self.category_quality.name])  # 15 each: by name

    @users('ccr_manager')
    @warmup
    def test_open_budget_does_not_grow_with_the_data(self):
        self._open()
        self.env['customer.complaint'].sudo().create([{
            'partner_id': self.customer.id, 'subject': f"More {index}", 'category_id': self.category_delay.id,
            'root_cause_id': self.cause.id, 'product_ids': [Command.set(self.product_chair.ids)],
            'date_received': datetime(2026, 11, 20, 9, 0) + timedelta(hours=index),
        } for index in range(40)])
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(ccr_manager=23):
            _action, values = self._open()
        self.assertEqual(values['received_count'], 70)

    def test_charts(self):
        dashboard = self.env['customer.complaint.dashboard'].with_user(self.user_manager).create(
            {'date_from': date(2026, 9, 1), 'date_to': date(2026, 11, 30)})
        tree = html.fromstring(dashboard.figures_html)
        # Pareto of causes: "Loose screws" 20 of 30, then the 10 cases not analysed, cumulated
        causes = tree.xpath("//div[contains(@class, 'o_complaint_chart_causes')]//tr")
        self.assertEqual([[cell.text_content().strip() for cell in row.xpath('./td')] for row in causes],
                         [["Loose screws", '', '20 (67 %)'], ["Not analysed yet", '', '10 (100 %)']])
        widths = tree.xpath("//div[contains(@class, 'o_complaint_chart_causes')]//td/div/@style")
        self.assertIn("width: 100.0%", widths[0])
        self.assertIn("width: 50.0%", widths[1])
        # trend: three months, all received in November, as columns 110 px high at most
        trend = tree.xpath("//table[contains(@class, 'o_complaint_chart_trend')]//tr[2]/td")
        self.assertEqual([cell.text_content().strip() for cell in trend], ["Sep 2026", "Oct 2026", "Nov 2026"])
        heights = tree.xpath("//table[contains(@class, 'o_complaint_chart_trend')]//tr[1]/td/div/@style")
        self.assertIn("height: 110px", heights[4])
        self.assertIn("height: 0px", heights[0])
        # products: chair in every case, desk in half of them
        products = tree.xpath("//div[contains(@class, 'o_complaint_chart_products')]//tr")
        self.assertEqual([[cell.text_content().strip() for cell in row.xpath('./td')] for row in products],
                         [["Office Chair", '', '30'], ["Standing Desk", '', '15']])
        # the product button opens the graph of the monthly product figures: the same counts
        products_action = dashboard.action_view_products()
        self.assertEqual(products_action['res_model'], 'customer.complaint.product.figure')
        counts = self.env[products_action['res_model']].with_user(self.user_manager)._read_group(
            products_action['domain'], ['product_id'], ['complaint_count:sum'])
        self.assertEqual(dict(counts), {self.product_chair: 30, self.product_desk: 15})
        # the Pareto and trend buttons open Odoo's graph views of the same complaints
        causes_action = dashboard.action_view_causes()
        self.assertEqual((causes_action['res_model'], causes_action['context']['graph_groupbys']),
                         ('customer.complaint.report', ['root_cause_id']))
        trend_action = dashboard.action_view_trend()
        self.assertEqual((trend_action['res_model'], trend_action['context']['graph_mode']),
                         ('customer.complaint.month.figure', 'line'))
        months = self.env[trend_action['res_model']].with_user(self.user_manager)._read_group(
            trend_action['domain'], ['month:month'], ['complaint_count:sum'])
        self.assertEqual([(month.month, count) for month, count in months], [(11, 30)])

    def test_cost_chart(self):
        """The cost of poor quality by root cause, from the quality cost ledger, largest first."""
        Cost = self.env['customer.quality.cost'].sudo()
        other_cause = self.env['customer.complaint.cause'].create({'name': "Carrier"})
        Cost.create([{
            'company_id': self.company.id, 'date': date(2026, 11, day), 'cost_type': 'credit_note', 'amount': amount,
            'cause_id': cause.id, 'res_model': 'res.partner', 'res_id': 100000 + day,
        } for day, amount, cause in ((3, 100.0, self.cause), (4, 250.0, other_cause), (5, 50.0, self.cause),
                                     (6, 999.0, self.env['customer.complaint.cause']))] + [{
            'company_id': self.company.id, 'date': date(2025, 1, 1), 'cost_type': 'scrap', 'amount': 5000.0,
            'cause_id': self.cause.id, 'res_model': 'res.partner', 'res_id': 100000}])
        dashboard = self.env['customer.complaint.dashboard'].with_user(self.user_manager).create(
            {'date_from': date(2026, 11, 1), 'date_to': date(2026, 11, 30)})
        self.assertTrue(dashboard.has_quality_costs)
        rows = html.fromstring(dashboard.figures_html).xpath("//div[contains(@class, 'o_complaint_chart_costs')]//tr")
        labels = [row.xpath('./td')[0].text_content().strip() for row in rows]
        self.assertEqual(labels, ["Not analysed yet", "Carrier", "Loose screws"])
        action = dashboard.action_view_cost_by_cause()
        groups = self.env['customer.quality.cost'].with_user(self.user_manager)._read_group(
            action['domain'], ['cause_id'], ['amount:sum'])
        self.assertEqual(sorted(amount for _cause, amount in groups), [150.0, 250.0, 999.0])

    def _both_ways(self, date_from, date_to):
        """The figures from the monthly figures and from the complaints' rows only."""
        Dashboard = self.env['customer.complaint.dashboard']
        keep = ('received', 'by_state', 'causes', 'categories', 'top_products', 'response', 'resolution', 'trend',
                'recurring')
        figures = Dashboard._get_figures(self.company, date_from, date_to)
        rows = Dashboard.with_context(complaint_figures_from_rows=True)._get_figures(self.company, date_from, date_to)
        def rounded(values):
            # sums of hours in another order: equal to the last bits
            return {key: ({name: round(value, 6) for name, value in value.items()} if key in ('response', 'resolution')
                          else value) for key, value in values.items() if key in keep}
        return rounded(figures), rounded(rows)

    def test_monthly_figures_follow_every_change(self):
        """Whole months come from the monthly figures the triggers keep: after creating, answering,
        resolving, re-classifying, changing products, archiving and deleting complaints, and after
        compaction, they say what the complaints' rows say."""
        self.company.complaint_recurrence_count = 3
        figures, rows = self._both_ways(date(2026, 10, 1), date(2026, 12, 31))
        self.assertEqual(figures, rows)
        self.assertEqual(figures['received'], 30)
        complaints = self.complaints
        complaints[10:15].action_start()
        complaints[:3].write({'resolution': "<p>Fixed.</p>"})
        complaints[:3].action_resolve()
        complaints[15:20].write({'root_cause_id': False, 'category_id': self.category_safety.id})
        complaints[20:22].write({'product_ids': [Command.set(self.product_desk.ids)]})
        complaints[22].write({'date_received': datetime(2026, 12, 1, 8, 0)})
        complaints[23].action_archive()
        complaints[24].sudo().unlink()
        self.env['customer.complaint'].create({
            'partner_id': self.customer.id, 'subject': "December", 'root_cause_id': self.cause.id,
            'product_ids': [Command.set(self.product_chair.ids)], 'date_received': datetime(2026, 12, 2, 9, 0)})
        figures, rows = self._both_ways(date(2026, 10, 1), date(2026, 12, 31))
        self.assertEqual(figures, rows)
        self.assertEqual(figures['received'], 29)
        self.assertEqual([month['received'] for month in figures['trend']], [0, 27, 2])
        self.assertEqual(figures['resolution']['count'], 3)
        self.env['customer.complaint.figure']._compact()
        self.assertEqual(self._both_ways(date(2026, 10, 1), date(2026, 12, 31)), (figures, rows))
        # a period cut in the middle of months: whole November from the figures, the days around from rows
        self.assertEqual(*self._both_ways(date(2026, 10, 15), date(2026, 12, 1)))
        self.env.cr.execute("SELECT COUNT(*) FROM customer_complaint_figure WHERE company_id = %s", [self.company.id])
        self.assertLess(self.env.cr.fetchone()[0], 20)

    def test_title(self):
        dashboard = self.env['customer.complaint.dashboard'].with_user(self.user_manager).create({})
        self.assertEqual(dashboard.display_name, "Complaints Dashboard")
        self.assertEqual(self.env.ref('customer_complaint_return.action_complaint_dashboard').name,
                         "Complaints Dashboard")

    def test_bad_periods_refused(self):
        Dashboard = self.env['customer.complaint.dashboard'].with_user(self.user_manager)
        with self.assertRaisesRegex(ValidationError, "start before it ends"):
            Dashboard.create({'date_from': date(2026, 12, 1), 'date_to': date(2026, 1, 1)})
        # a period of eight thousand years would build a trend of a hundred thousand months
        with self.assertRaisesRegex(ValidationError, "more than 10 years"):
            Dashboard.onchange({'company_id': self.company.id, 'date_from': '1000-01-01', 'date_to': '9999-12-31'},
                               ['date_from'], self.spec)
        dashboard = Dashboard.create({'date_from': date(2026, 1, 1), 'date_to': date(2026, 12, 31)})
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            dashboard.write({'date_to': date(2025, 6, 30)})

    def test_other_company_refused(self):
        other = self.env['res.company'].create({'name': "Not Yours Ltd"})
        Dashboard = self.env['customer.complaint.dashboard'].with_user(self.user_manager)
        with self.assertRaises(AccessError):
            Dashboard.create({'company_id': other.id})
        with self.assertRaises(AccessError):
            Dashboard.onchange({'company_id': other.id, 'date_from': '2026-01-01', 'date_to': '2026-12-31'},
                               ['company_id'], self.spec)


@tagged('post_install', '-at_install')
class TestScaleFill(common.ComplaintCommon):
    """``bench_scale.fill`` at 2,000 complaints: the rows it makes are consistent, the dashboard
    counts exactly what SQL counts, and every measured request runs."""

    COUNT = 2000

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.now = datetime(2026, 11, 20, 12, 0)
        cls.timings, cls.data = bench_scale.fill(cls.env, cls.COUNT, now=cls.now)

    def _sql(self, query, *params):
        self.env.cr.execute(query, params)
        return self.env.cr.fetchall()

    def test_fill(self):
        companies = self.data['companies']
        [(count, first_share, open_count, chinese)] = self._sql("""
            SELECT COUNT(*), AVG((company_id = %s)::int), COUNT(*) FILTER (WHERE state IN ('new', 'in_progress')),
                   COUNT(*) FILTER (WHERE subject ~ '[\u4e00-\u9fff]')
              FROM customer_complaint WHERE name LIKE 'SCALE/%%'""", companies[0].id)
        self.assertEqual(count, self.COUNT)
        self.assertAlmostEqual(float(first_share), bench_scale.FIRST_COMPANY_SHARE, delta=0.05)
        self.assertTrue(0 < open_count < count / 4)
        self.assertTrue(0.2 * count < chinese < 0.4 * count)
        # in both companies, each case with its own company's category, over three years
        [(foreign, oldest, newest, late, products)] = self._sql("""
            SELECT COUNT(*) FILTER (WHERE cat.company_id != c.company_id), MIN(c.date_received),
                   MAX(c.date_received), COUNT(*) FILTER (WHERE c.sla_resolution_result = 'breached'),
                   (SELECT COUNT(*) FROM customer_complaint_product_rel rel
                     JOIN customer_complaint x ON x.id = rel.complaint_id WHERE x.name LIKE 'SCALE/%%')
              FROM customer_complaint c JOIN customer_complaint_category cat ON cat.id = c.category_id
             WHERE c.name LIKE 'SCALE/%%'""")
        self.assertEqual(foreign, 0)
        self.assertGreater(oldest, self.now - timedelta(days=365 * 3 + 1))
        self.assertLessEqual(newest, self.now)
        self.assertTrue(late > 0)
        self.assertTrue(self.COUNT <= products < 1.4 * self.COUNT)
        self.assertTrue(self._sql("SELECT COUNT(*) FROM customer_return WHERE name LIKE 'SCALE-RMA/%%'")[0][0] > 0)
        # the indexes dropped for the load are back
        self.assertTrue(self._sql("SELECT 1 FROM pg_indexes WHERE tablename = 'customer_complaint' "
                                  "AND indexname LIKE %s", '%company_date_received_idx'))
        self.assertIn('total', self.timings)

    def test_dashboard_counts_what_sql_counts(self):
        company = self.data['companies'][0]
        date_to = self.now.date()
        date_from = date_to.replace(day=1, year=date_to.year - 1)
        figures = self.env['customer.complaint.dashboard']._get_figures(company, date_from, date_to)
        start, stop = datetime.combine(date_from, time.min), datetime.combine(date_to + timedelta(days=1), time.min)
        rows = dict(self._sql("""
            SELECT state, COUNT(*) FROM customer_complaint
             WHERE company_id = %s AND date_received >= %s AND date_received < %s GROUP BY state""",
                              company.id, start, stop))
        self.assertEqual(figures['received'], sum(rows.values()))
        self.assertEqual({key: count for key, _label, count in figures['by_state'] if count}, rows)
        [(open_count, escalated)] = self._sql("""
            SELECT COUNT(*), COUNT(*) FILTER (WHERE escalation_level > 0) FROM customer_complaint
             WHERE company_id = %s AND state IN ('new', 'in_progress')""", company.id)
        self.assertEqual((figures['open'], figures['escalated']), (open_count, escalated))
        self.assertEqual(sum(figures['sla'].values()), open_count)
        self.assertEqual(sum(row['count'] for row in figures['causes']), figures['received'])
        self.assertEqual(sum(month['received'] for month in figures['trend']), figures['received'])

    def test_monthly_figures_match_the_rows(self):
        company = self.data['companies'][0]
        Dashboard = self.env['customer.complaint.dashboard']
        for date_from, date_to in ((date(2025, 12, 1), date(2026, 11, 20)), (date(2024, 3, 17), date(2026, 2, 3))):
            figures = Dashboard._get_figures(company, date_from, date_to)
            rows = Dashboard.with_context(complaint_figures_from_rows=True)._get_figures(company, date_from, date_to)
            for key in ('received', 'by_state', 'causes', 'categories', 'top_products', 'trend', 'recurring'):
                self.assertEqual(figures[key], rows[key], key)
            for kind in ('response', 'resolution'):
                self.assertEqual(figures[kind]['count'], rows[kind]['count'])
                self.assertAlmostEqual(figures[kind]['hours'], rows[kind]['hours'], places=6)
                self.assertAlmostEqual(figures[kind]['on_time'], rows[kind]['on_time'], places=6)

    def test_requests_run(self):
        results = bench_scale.measure(self.env, self.data, rounds=1)
        self.assertEqual(len(results), len(bench_scale.requests(self.env, self.data)))
        for label, queries, ms, samples, _target in results:
            self.assertTrue(queries > 0 and ms > 0 and len(samples) == 1, label)
        report = bench_scale.format_report(self.COUNT, self.timings, results)
        self.assertIn("dashboard: open (action + web_read)", report)
        self.assertIn("complaints (SQL)", report)

    def test_command_line(self):
        import benchmark
        options = benchmark.parse_command_line(["--scale", "100000", "--rounds", "3"])
        self.assertEqual((options.scale, options.rounds), (100000, 3))
        self.assertIsNone(benchmark.parse_command_line([]).scale)
        with self.assertRaises(SystemExit):
            bench_scale.run_scale(0)
