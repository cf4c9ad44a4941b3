"""Spike alerts: a product (or a lot) that suddenly gets far more complaints than usual.

Each day the cron counts each product's and each lot's complaints of the last 7 days and of each of
the 12 weeks before, in one grouped query per dimension (all companies at once). A key spikes when
this week's count is at least ``SPIKE_MIN_COUNT`` and above the weekly mean plus ``SPIKE_SIGMAS``
population standard deviations of the 12 previous weeks (weeks without complaints count as 0).
Each spike is recorded once (``customer.complaint.spike``), proposes one corrective action linking
this week's complaints, owned by the leader of their category's team (the owner gets the action's
to-do), and is not raised again for the same product or lot within 7 days.
"""
import math
from collections import Counter
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.fields import Command
from odoo.tools import SQL

from odoo.addons.customer_complaint_return.const import GROUP_MANAGER

SPIKE_HISTORY_WEEKS = 12
SPIKE_SIGMAS = 2.0
SPIKE_MIN_COUNT = 3
# Alerts (and their corrective actions) created per committed batch of the cron.
SPIKE_BATCH_SIZE = 100
WEEK_SECONDS = 7 * 24 * 3600


class CustomerComplaintSpike(models.Model):
    _name = 'customer.complaint.spike'
    _description = "Complaint Spike Alert"
    _order = 'date desc, id desc'
    _check_company_auto = True
    _rec_name = 'product_id'

    date = fields.Date(string="Detected On", required=True, readonly=True, index=True)
    company_id = fields.Many2one('res.company', required=True, readonly=True, index=True)
    product_id = fields.Many2one(
        'product.product', string="Product", required=True, readonly=True, index=True, check_company=True)
    lot_id = fields.Many2one(
        'stock.lot', string="Lot/Serial Number", readonly=True, index='btree_not_null', check_company=True,
        help="Empty: the alert is about the product as a whole.")
    complaint_count = fields.Integer(string="Complaints (last 7 days)", readonly=True)
    weekly_mean = fields.Float(string="Weekly Mean", readonly=True,
                               help="Mean number of complaints per week over the 12 weeks before.")
    weekly_sigma = fields.Float(string="Standard Deviation", readonly=True,
                                help="Population standard deviation of the 12 weekly counts.")
    threshold = fields.Float(readonly=True, help="Max(mean + 2 sigma, 3).")
    complaint_ids = fields.Many2many(
        'customer.complaint', 'customer_complaint_spike_complaint_rel', 'spike_id', 'complaint_id',
        string="Complaints", readonly=True, check_company=True)
    corrective_action_id = fields.Many2one(
        'customer.corrective.action', string="Corrective Action", readonly=True, index='btree_not_null',
        check_company=True, ondelete='set null')
    user_id = fields.Many2one('res.users', string="Notified", readonly=True)

    # Two runs on the same day never record the same spike twice.
    _spike_day_uniq = models.UniqueIndex('(company_id, product_id, COALESCE(lot_id, 0), date)')

    @api.depends('product_id', 'lot_id', 'date')
    def _compute_display_name(self):
        for spike in self:
            spike.display_name = f"{spike._spike_subject()} ({spike.date})"

    def _spike_subject(self):
        """The product, or the product and lot, the spike is about."""
        self.ensure_one()
        if self.lot_id:
            return f"{self.product_id.display_name} / {self.lot_id.name}"
        return self.product_id.display_name or ""

    def action_view_complaints(self):
        self.ensure_one()
        return self.env['customer.case.mixin']._action_view_records(
            self.complaint_ids, 'customer_complaint_return.action_customer_complaint')

    # ------------------------------------------------------------------
    # Detection
    # ------------------------------------------------------------------
    @api.model
    def _cron_detect_spikes(self, batch_size=SPIKE_BATCH_SIZE):
        self._detect_spikes(batch_size, self.env['ir.cron']._commit_progress)

    @api.model
    def _detect_spikes(self, batch_size=SPIKE_BATCH_SIZE, commit_progress=None, now=None):
        """Record the spikes of today (of ``now``) not recorded yet and propose their corrective
        actions, batch after batch (committed with ``commit_progress`` in a cron); returns the new alerts."""
        now = now or fields.Datetime.now()
        candidates = self._spike_candidates(now)
        spikes = self.browse()
        if commit_progress:
            commit_progress(remaining=len(candidates))
        for start in range(0, len(candidates), batch_size):
            batch = candidates[start:start + batch_size]
            spikes |= self._create_spikes(batch, fields.Date.to_date(now))
            if commit_progress and not commit_progress(len(batch)):
                break
        return spikes

    @api.model
    def _spike_candidates(self, now):
        """[(company, product, lot, stats)] of the keys spiking now and not alerted in the last 7 days."""
        self.env.flush_all()
        rows = [row for row in self._weekly_counts('product', now) + self._weekly_counts('lot', now)
                if self._is_spike(row[3])]
        if not rows:
            return []
        recent = self.sudo().search_fetch([
            ('date', '>', fields.Date.to_date(now) - timedelta(days=7)),
            ('product_id', 'in', list({row[1] for row in rows}))], ['company_id', 'product_id', 'lot_id'])
        alerted = {(spike.company_id.id, spike.product_id.id, spike.lot_id.id) for spike in recent}
        return sorted((row for row in rows if row[:3] not in alerted), key=lambda row: (row[0], row[1], row[2] or 0))

    @api.model
    def _weekly_counts(self, dimension, now):
        """[(company, product, lot or False, stats)] per product (``dimension`` 'product') or lot ('lot')
        of the complaints: this week's complaints and the sums of the 12 weeks before, in one query;
        only keys with at least ``SPIKE_MIN_COUNT`` complaints this week. Products and lots of another
        company than the complaint's (data from before a change of company) are left out."""
        if dimension == 'lot':
            key_join = SQL("""JOIN customer_complaint_stock_lot_rel rel ON rel.complaint_id = c.id
                              JOIN stock_lot k ON k.id = rel.lot_id""")
            product, lot, key_company = SQL("k.product_id"), SQL("k.id"), SQL("k.company_id")
        else:
            key_join = SQL("""JOIN customer_complaint_product_rel rel ON rel.complaint_id = c.id
                              JOIN product_product k ON k.id = rel.product_id
                              JOIN product_template t ON t.id = k.product_tmpl_id""")
            product, lot, key_company = SQL("k.id"), SQL("NULL::int"), SQL("t.company_id")
        start = now - timedelta(weeks=SPIKE_HISTORY_WEEKS + 1)
        rows = self.env.execute_query(SQL("""
            WITH weekly AS (
                SELECT c.company_id, %(product)s AS product_id, %(lot)s AS lot_id,
                       FLOOR(EXTRACT(EPOCH FROM (%(now)s - c.date_received)) / %(week)s)::int AS week,
                       ARRAY_AGG(DISTINCT c.id) AS complaint_ids
                  FROM customer_complaint c
                  %(key_join)s
                 WHERE c.active AND c.state != 'cancelled'
                   AND c.date_received > %(start)s AND c.date_received <= %(now)s
                   AND (%(key_company)s IS NULL OR %(key_company)s = c.company_id)
              GROUP BY 1, 2, 3, 4
            )
            SELECT company_id, product_id, lot_id,
                   MAX(complaint_ids) FILTER (WHERE week = 0),
                   COALESCE(SUM(CARDINALITY(complaint_ids)) FILTER (WHERE week > 0), 0),
                   COALESCE(SUM(CARDINALITY(complaint_ids) ^ 2) FILTER (WHERE week > 0), 0)
              FROM weekly
          GROUP BY company_id, product_id, lot_id
            HAVING MAX(CARDINALITY(complaint_ids)) FILTER (WHERE week = 0) >= %(min_count)s
        """, product=product, lot=lot, key_join=key_join, key_company=key_company, now=now, start=start,
            week=WEEK_SECONDS, min_count=SPIKE_MIN_COUNT))
        return [(company_id, product_id, lot_id or False, self._spike_stats(complaint_ids, total, squares))
                for company_id, product_id, lot_id, complaint_ids, total, squares in rows]

    @api.model
    def _spike_stats(self, complaint_ids, total, squares):
        mean = float(total) / SPIKE_HISTORY_WEEKS
        sigma = math.sqrt(max(float(squares) / SPIKE_HISTORY_WEEKS - mean ** 2, 0.0))
        return {
            'complaint_ids': sorted(complaint_ids),
            'count': len(complaint_ids),
            'mean': mean,
            'sigma': sigma,
            'threshold': max(mean + SPIKE_SIGMAS * sigma, SPIKE_MIN_COUNT),
        }

    @api.model
    def _is_spike(self, stats):
        return stats['count'] >= SPIKE_MIN_COUNT and stats['count'] > stats['mean'] + SPIKE_SIGMAS * stats['sigma']

    # ------------------------------------------------------------------
    # Alerts and their corrective actions
    # ------------------------------------------------------------------
    @api.model
    def _create_spikes(self, rows, today):
        """Record the spikes of ``rows`` and their corrective actions, each kind in one batch."""
        Complaint = self.env['customer.complaint'].sudo()
        managers = self.env['customer.case.mixin']._escalation_users(
            GROUP_MANAGER, self.env['res.company'].browse({row[0] for row in rows}))
        vals_list = []
        for company_id, product_id, lot_id, stats in rows:
            complaints = Complaint.browse(stats['complaint_ids'])
            company = self.env['res.company'].browse(company_id)
            vals_list.append({
                'date': today,
                'company_id': company_id,
                'product_id': product_id,
                'lot_id': lot_id,
                'complaint_count': stats['count'],
                'weekly_mean': stats['mean'],
                'weekly_sigma': stats['sigma'],
                'threshold': stats['threshold'],
                'complaint_ids': [Command.set(complaints.ids)],
                'user_id': self._spike_owner(complaints, managers.get(company)).id,
            })
        spikes = self.sudo().create(vals_list)
        actions = self.env['customer.corrective.action'].sudo()._process_create(
            [spike._prepare_corrective_action_vals() for spike in spikes])
        for spike, action in zip(spikes, actions):
            spike.corrective_action_id = action
        spikes._log_corrective_actions()
        return spikes

    @api.model
    def _spike_owner(self, complaints, managers):
        """The leader of the team of the complaints' most frequent category, else of their own team,
        else a complaint manager of the company."""
        leader = self._spike_category(complaints).default_team_id.leader_id
        return leader or complaints.team_id.leader_id[:1] or (managers or self.env['res.users'])[:1]

    @api.model
    def _spike_category(self, complaints):
        """The most frequent category of ``complaints`` (the smallest id among equals)."""
        counts = Counter(complaint.category_id.id for complaint in complaints if complaint.category_id)
        if not counts:
            return self.env['customer.complaint.category']
        return self.env['customer.complaint.category'].browse(
            min(counts, key=lambda category_id: (-counts[category_id], category_id)))

    def _prepare_corrective_action_vals(self):
        """The corrective action proposed for this spike: open, owned by the notified leader."""
        self.ensure_one()
        return {
            'title': self._spike_title(),
            'company_id': self.company_id.id,
            'origin': 'spike',
            'cluster_product_id': self.product_id.id,
            'product_ids': [Command.set(self.product_id.ids)],
            'lot_ids': [Command.set(self.lot_id.ids)],
            'category_id': self._spike_category(self.complaint_ids).id,
            'user_id': self.user_id.id,
            'complaint_ids': [Command.set(self.complaint_ids.ids)],
        }

    def _log_corrective_actions(self):
        """Why each action was proposed, in its chatter; the action, in each complaint's."""
        actions = self.corrective_action_id
        actions._message_log_batch(bodies={
            spike.corrective_action_id.id: Markup("%s %s") % (spike._spike_reason(), Markup(", ").join(
                complaint._get_html_link() for complaint in spike.complaint_ids))
            for spike in self})
        notes = {}
        for spike in self:
            note = Markup("%s %s") % (self.env._("Part of a complaint spike, followed by corrective action"),
                                      spike.corrective_action_id._get_html_link())
            notes.update({complaint.id: note for complaint in spike.complaint_ids})
        self.complaint_ids._message_log_batch(bodies=notes)

    def _spike_title(self):
        if self.lot_id:
            return self.env._("Spike: %(product)s, lot %(lot)s", product=self.product_id.display_name,
                              lot=self.lot_id.name)
        return self.env._("Spike: %(product)s", product=self.product_id.display_name)

    def _spike_reason(self):
        return self.env._(
            "Proposed after a spike of %(count)s complaints about %(what)s in the last 7 days (weekly mean "
            "%(mean)s, standard deviation %(sigma)s over the previous 12 weeks, threshold %(threshold)s):",
            count=self.complaint_count, what=self._spike_subject(),
            mean=f"{self.weekly_mean:.2f}", sigma=f"{self.weekly_sigma:.2f}", threshold=f"{self.threshold:.2f}")
