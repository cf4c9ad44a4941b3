"""Spike alerts: on a synthetic 13-week history, the daily detection fires once, only for the product
(and the lot) whose complaints of the last 7 days exceed the weekly mean + 2 sigma of the 12 weeks
before, with at least 3 cases; each alert proposes one corrective action owned by the leader of the
category's team; a second run, the next day's run and another company's complaints change nothing."""
import time
from datetime import datetime, timedelta

from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import freeze_time, new_test_user, tagged

import common

NOW = datetime(2026, 11, 20, 10, 0)
OWNER_ACTIVITY = 'customer_complaint_return.mail_act_corrective_action'
# Weekly complaints of the 12 weeks before this one (index 0 = the week just before).
STEADY_HISTORY = [2, 4, 1, 3] * 3        # mean 2.5, population sigma 1.118: threshold 4.74
SPIKING_HISTORY = [0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1]  # mean 0.33, sigma 0.47: threshold 3 (the minimum)


@tagged('post_install', '-at_install')
class TestComplaintSpike(common.ComplaintCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.setup_other_company(name="Lin Wei Trading Shenzhen")['company']
        (cls.company | cls.company_2).write({'complaint_recurrence_count': 0})
        cls.category_quality.default_team_id = cls.team_specialists
        cls.product_lamp = cls._create_storable_product("LED Lamp", 49.0, tracking='lot')
        cls.lot_ok = cls.env['stock.lot'].create({'name': "LMP-OK", 'product_id': cls.product_lamp.id})
        cls.lot_bad = cls.env['stock.lot'].create({'name': "LMP-BAD", 'product_id': cls.product_lamp.id})
        Spike = cls.env['customer.complaint.spike']
        cls.Spike = Spike

        vals = []
        # The lamp: a steady flow of delivery complaints (lot LMP-OK), and this week 4 about the lot LMP-BAD.
        vals += cls._history_vals(STEADY_HISTORY, cls.product_lamp, cls.lot_ok, cls.category_delay)
        vals += cls._week_vals(0, 4, cls.product_lamp, cls.lot_bad, cls.category_delay)
        # The desk: almost nothing for 12 weeks, then 6 quality complaints this week.
        vals += cls._history_vals(SPIKING_HISTORY, cls.product_desk, None, cls.category_quality)
        vals += cls._week_vals(0, 6, cls.product_desk, None, cls.category_quality)
        # The chair: 2 this week after nothing: more than usual, but fewer than 3 cases.
        vals += cls._week_vals(0, 2, cls.product_chair, None, cls.category_quality)
        cls.complaints = cls.env['customer.complaint'].create(vals)
        cls.desk_this_week = cls.complaints.filtered(
            lambda c: c.product_ids == cls.product_desk and c.date_received > NOW - timedelta(days=7))
        cls.lamp_bad = cls.complaints.filtered(lambda c: c.lot_ids == cls.lot_bad)
        # Another company: 6 desk complaints this week, its own spike, which never mixes with ours.
        other_vals = [dict(v, company_id=cls.company_2.id, category_id=False)
                      for v in cls._week_vals(0, 6, cls.product_desk, None, None)]
        cls.other_complaints = cls.env['customer.complaint'].with_company(cls.company_2).create(other_vals)

    @classmethod
    def _week_vals(cls, weeks_ago, count, product, lot, category):
        return [{
            'partner_id': cls.customer.id,
            'subject': f"{product.name} complaint {weeks_ago}-{index}",
            'date_received': NOW - timedelta(days=7 * weeks_ago + 1 + index % 5, hours=index),
            'product_ids': [Command.set(product.ids)],
            'lot_ids': [Command.set(lot.ids)] if lot else [],
            'category_id': category.id if category else False,
        } for index in range(count)]

    @classmethod
    def _history_vals(cls, history, product, lot, category):
        return [vals for weeks_ago, count in enumerate(history, start=1)
                for vals in cls._week_vals(weeks_ago, count, product, lot, category)]

    def _alerts(self, company=None):
        return self.Spike.search([('company_id', '=', (company or self.company).id)], order='id')

    def _owner_activities(self, actions):
        return actions.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(OWNER_ACTIVITY))

    def test_history_counts_once_per_week(self):
        self.assertEqual(len(self.complaints), sum(STEADY_HISTORY) + 4 + sum(SPIKING_HISTORY) + 6 + 2)
        self.assertEqual(len(self.desk_this_week), 6)
        self.assertEqual(len(self.lamp_bad), 4)

    def test_cron_fires_once_only_for_the_spiking_product_and_lot(self):
        cron = self.env.ref('customer_complaint_return.ir_cron_complaint_spike')
        with freeze_time(NOW), self.enter_registry_test_mode():
            cron.sudo().method_direct_trigger()
        self.env.invalidate_all()
        alerts = self._alerts()
        self.assertEqual(len(alerts), 2)
        desk, lot = alerts.filtered(lambda a: not a.lot_id), alerts.filtered('lot_id')
        self.assertRecordValues(desk, [{
            'date': NOW.date(), 'product_id': self.product_desk.id, 'lot_id': False, 'complaint_count': 6,
            'complaint_ids': self.desk_this_week.ids, 'user_id': self.user_specialist.id,  # leader of the category's team
        }])
        self.assertAlmostEqual(desk.weekly_mean, 4 / 12, places=4)
        self.assertAlmostEqual(desk.weekly_sigma, (4 / 12 - (4 / 12) ** 2) ** 0.5, places=4)
        self.assertEqual(desk.threshold, 3.0)
        self.assertRecordValues(lot, [{
            'product_id': self.product_lamp.id, 'lot_id': self.lot_bad.id, 'complaint_count': 4,
            'weekly_mean': 0.0, 'weekly_sigma': 0.0, 'threshold': 3.0, 'complaint_ids': self.lamp_bad.ids,
            # no team on the category: the leader of the complaints' own team
            'user_id': self.lamp_bad.team_id.leader_id.id,
        }])
        # The steady lamp (4 <= 2.5 + 2 x 1.118), its usual lot and the chair (2 < 3 cases) raise nothing.
        self.assertFalse(alerts.filtered(lambda a: a.product_id == self.product_chair))

        actions = alerts.corrective_action_id
        self.assertEqual(len(actions), 2)
        self.assertRecordValues(desk.corrective_action_id, [{
            'state': 'open', 'origin': 'spike', 'company_id': self.company.id,
            'cluster_product_id': self.product_desk.id, 'product_ids': self.product_desk.ids, 'lot_ids': [],
            'category_id': self.category_quality.id, 'user_id': self.user_specialist.id,
            'complaint_ids': self.desk_this_week.ids, 'title': "Spike: Standing Desk",
        }])
        self.assertRecordValues(lot.corrective_action_id, [{
            'origin': 'spike', 'lot_ids': self.lot_bad.ids, 'complaint_ids': self.lamp_bad.ids,
            'title': "Spike: LED Lamp, lot LMP-BAD",
        }])
        self.assertIn("Proposed after a spike of 6 complaints about Standing Desk in the last 7 days (weekly mean "
                      "0.33, standard deviation 0.47 over the previous 12 weeks, threshold 3.00)",
                      desk.corrective_action_id.message_ids[0].body)
        for complaint in self.desk_this_week:
            self.assertIn(desk.corrective_action_id.name, complaint.message_ids[0].body)
        # One to-do for the leader per alert: the proposed action's.
        activities = self._owner_activities(desk.corrective_action_id)
        self.assertRecordValues(activities, [{'user_id': self.user_specialist.id, 'summary': "Spike: Standing Desk"}])
        progress = self.env['ir.cron.progress'].search([('cron_id', '=', cron.id)], order='id desc', limit=1)
        self.assertEqual((progress.done, progress.remaining), (3, 0))  # 2 alerts here, 1 in the other company

        # The other company: its own alert on its own complaints, its own action.
        other = self._alerts(self.company_2)
        self.assertRecordValues(other, [{
            'product_id': self.product_desk.id, 'complaint_count': 6, 'complaint_ids': self.other_complaints.ids}])
        self.assertEqual(other.corrective_action_id.company_id, self.company_2)
        self.assertEqual(other.corrective_action_id.complaint_ids, self.other_complaints)

        # Again, and the next days of the same week: nothing new.
        all_actions = self.env['customer.corrective.action'].search([('origin', '=', 'spike')])
        for day in (0, 1, 6):
            with freeze_time(NOW + timedelta(days=day, hours=1)):
                self.assertFalse(self.Spike._detect_spikes())
        self.assertEqual(self.Spike.search([]), alerts | other)
        self.assertEqual(self.env['customer.corrective.action'].search([('origin', '=', 'spike')]), all_actions)
        self.assertEqual(len(self._owner_activities(actions)), 2)

    def test_a_week_later_a_lasting_spike_is_raised_again(self):
        with freeze_time(NOW):
            first = self.Spike._detect_spikes()
        self.assertEqual(len(first), 3)
        later = self.env['customer.complaint'].create([
            dict(vals, date_received=NOW + timedelta(days=6, hours=-index)) for index, vals
            in enumerate(self._week_vals(0, 6, self.product_desk, None, self.category_quality))])
        with freeze_time(NOW + timedelta(days=7, hours=1)):
            again = self.Spike._detect_spikes()
        # Our desk again (6 new complaints; the history now holds last week's 6), not the other company's.
        self.assertEqual(again.mapped('product_id'), self.product_desk)
        self.assertEqual(again.company_id, self.company)
        self.assertEqual(again.complaint_ids, later)

    def test_cancelled_and_archived_complaints_do_not_count(self):
        self.desk_this_week[:4]._cancel("Duplicate")  # 2 left: fewer than 3 cases
        with freeze_time(NOW):
            alerts = self.Spike._detect_spikes()
        self.assertFalse(alerts.filtered(lambda a: a.company_id == self.company and not a.lot_id))

    def test_batches_are_committed_one_by_one(self):
        calls = []

        def commit_progress(processed=0, *, remaining=None, deactivate=False):
            calls.append((processed, remaining, self.Spike.search_count([])))
            return 60.0

        with freeze_time(NOW):
            self.Spike._detect_spikes(batch_size=2, commit_progress=commit_progress)
        self.assertEqual(calls, [(0, 3, 0), (2, None, 2), (1, None, 3)])

    def test_detection_query_budget(self):
        self.env.invalidate_all()
        # Three alerts (two companies), their corrective actions with references, owner activities and
        # chatter notes on 3 actions and 16 complaints: 165 queries measured, grows with alerts only.
        with freeze_time(NOW), self.assertQueryCount(180):
            self.Spike._detect_spikes()
        self.env.invalidate_all()
        # Nothing new to raise: two grouped queries (products, lots) and the recent alerts.
        with freeze_time(NOW), self.assertQueryCount(3):
            self.Spike._detect_spikes()

    def test_access(self):
        with freeze_time(NOW):
            self.Spike._detect_spikes()
        agent = self.user_agent_1
        alerts = self.Spike.with_user(agent).search([])
        self.assertEqual(len(alerts), 2)  # their company's only
        with self.assertRaises(AccessError):
            alerts[0].with_user(agent).write({'complaint_count': 1})
        with self.assertRaises(AccessError):
            self.Spike.with_user(agent).create({
                'date': NOW.date(), 'company_id': self.company.id, 'product_id': self.product_chair.id})
        employee = new_test_user(self.env, login='ccr_spike_employee', groups='base.group_user')
        with self.assertRaises(AccessError):
            self.Spike.with_user(employee).search([])


@tagged('post_install', '-at_install')
class TestComplaintSpikeScale(common.ComplaintCommon):
    """The detection on ``bench_scale.fill``'s synthetic history (20,000 complaints over three years,
    two companies, hundreds of products and their lots): two grouped queries, whatever the volume."""

    COUNT = 20000

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        import bench_scale  # noqa: PLC0415 - the benchmark's fill, as the dashboard's scale test uses it
        cls.now = datetime(2026, 11, 20, 12, 0)
        cls.timings, cls.data = bench_scale.fill(cls.env, cls.COUNT, now=cls.now)

    def test_detection_at_scale(self):
        Spike = self.env['customer.complaint.spike']
        # freeze_time would stop the clock too: the detection is told the time instead.
        with self.assertQueryCount(3):
            started = time.monotonic()
            candidates = Spike._spike_candidates(self.now)
            detect_seconds = time.monotonic() - started
        self.assertTrue(candidates)
        for _company_id, _product_id, _lot_id, stats in candidates:
            self.assertGreaterEqual(stats['count'], 3)
            self.assertGreater(stats['count'], stats['mean'] + 2 * stats['sigma'])
        started = time.monotonic()
        alerts = Spike._detect_spikes(now=self.now)
        total_seconds = time.monotonic() - started
        self.assertEqual(len(alerts), len(candidates))
        self.assertEqual(len(alerts.corrective_action_id), len(alerts))
        self.assertFalse(Spike._detect_spikes(now=self.now))
        print(f"\n[spike scale] {self.COUNT} complaints: {len(candidates)} spikes found in "
              f"{detect_seconds * 1000:.0f} ms (3 queries); alerts and actions created in {total_seconds:.2f} s")
        self.assertLess(detect_seconds, 5.0)
