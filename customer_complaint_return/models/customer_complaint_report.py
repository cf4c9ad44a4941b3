from odoo import fields, models, tools
from odoo.tools import SQL

from odoo.addons.customer_complaint_return.const import (
    CHANNELS,
    COMPLAINT_OPEN_STATES,
    COMPLAINT_STATES,
    SEVERITIES,
    SLA_STATUSES,
)


class CustomerComplaintReport(models.Model):
    """One row per complaint with its service levels and handling times, for pivot and graph views.

    The service level of an open case depends on the time of the query: it is computed by the
    view itself from the stored deadlines and at-risk moments, so that it can be grouped by and is
    never stale (no cron has to refresh it)."""
    _name = 'customer.complaint.report'
    _description = "Complaint Service Levels"
    _auto = False
    _order = 'date_received desc, id desc'
    _rec_name = 'name'

    complaint_id = fields.Many2one('customer.complaint', string="Complaint", readonly=True)
    name = fields.Char(string="Reference", readonly=True)
    company_id = fields.Many2one('res.company', readonly=True)
    date_received = fields.Datetime(string="Received On", readonly=True)
    state = fields.Selection(COMPLAINT_STATES, string="Status", readonly=True)
    severity = fields.Selection(SEVERITIES, readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    category_id = fields.Many2one('customer.complaint.category', string="Category", readonly=True)
    root_cause_id = fields.Many2one('customer.complaint.cause', string="Root Cause", readonly=True)
    team_id = fields.Many2one('customer.complaint.team', string="Team", readonly=True)
    user_id = fields.Many2one('res.users', string="Responsible", readonly=True)
    partner_id = fields.Many2one('res.partner', string="Customer", readonly=True)
    sla_response_status = fields.Selection(SLA_STATUSES, string="First Response SLA", readonly=True)
    sla_resolution_status = fields.Selection(SLA_STATUSES, string="Resolution SLA", readonly=True)
    sla_status = fields.Selection(SLA_STATUSES, string="SLA", readonly=True)
    escalation_level = fields.Integer(readonly=True, aggregator='max')
    response_hours = fields.Float(string="First Response Time (h)", readonly=True, aggregator='avg')
    response_allowed_hours = fields.Float(string="First Response Allowed (h)", readonly=True, aggregator='avg')
    response_on_time = fields.Float(
        string="First Response On Time (%)", readonly=True, aggregator='avg',
        help="Share of the answered complaints answered by their deadline.")
    resolution_hours = fields.Float(string="Resolution Time (h)", readonly=True, aggregator='avg')
    resolution_allowed_hours = fields.Float(string="Resolution Allowed (h)", readonly=True, aggregator='avg')
    resolution_on_time = fields.Float(
        string="Resolved On Time (%)", readonly=True, aggregator='avg',
        help="Share of the resolved complaints resolved by their deadline.")
    complaint_count = fields.Integer(string="Complaints", readonly=True, aggregator='sum')
    return_count = fields.Integer(string="Returns", readonly=True, aggregator='sum')
    corrective_action_count = fields.Integer(string="Corrective Actions", readonly=True, aggregator='sum')

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()))

    @staticmethod
    def _hours(stop, start):
        return SQL("EXTRACT(EPOCH FROM (%s - %s)) / 3600.0", SQL.identifier('c', stop), SQL.identifier('c', start))

    def _live_status(self, kind):
        """The service level of ``kind`` at the time of the query, as the complaint computes it."""
        result = SQL.identifier('c', f'sla_{kind}_result')
        deadline = SQL.identifier('c', f'date_{kind}_deadline')
        at_risk = SQL.identifier('c', f'date_{kind}_at_risk')
        return SQL(
            "CASE WHEN %(result)s IS NOT NULL THEN %(result)s"
            " WHEN c.state NOT IN %(open)s OR %(deadline)s IS NULL THEN NULL"
            " WHEN %(deadline)s < (NOW() AT TIME ZONE 'UTC') THEN 'breached'"
            " WHEN %(at_risk)s <= (NOW() AT TIME ZONE 'UTC') THEN 'at_risk'"
            " ELSE 'on_track' END",
            result=result, deadline=deadline, at_risk=at_risk, open=COMPLAINT_OPEN_STATES)

    def _query(self):
        return SQL("""
            SELECT s.*,
                   CASE WHEN 'breached' IN (s.sla_response_status, s.sla_resolution_status) THEN 'breached'
                        WHEN 'at_risk' IN (s.sla_response_status, s.sla_resolution_status) THEN 'at_risk'
                        WHEN 'on_track' IN (s.sla_response_status, s.sla_resolution_status) THEN 'on_track'
                        WHEN 'met' IN (s.sla_response_status, s.sla_resolution_status) THEN 'met'
                   END AS sla_status
              FROM (
                SELECT c.id, c.id AS complaint_id, c.name, c.company_id, c.date_received, c.state, c.severity,
                       c.channel, c.category_id, c.root_cause_id, c.team_id, c.user_id,
                       c.commercial_partner_id AS partner_id, c.escalation_level,
                       %(response_status)s AS sla_response_status,
                       %(resolution_status)s AS sla_resolution_status,
                       %(response_hours)s AS response_hours,
                       CASE WHEN c.date_first_response IS NOT NULL THEN %(response_allowed)s END
                           AS response_allowed_hours,
                       CASE WHEN c.sla_response_result = 'met' THEN 100.0
                            WHEN c.sla_response_result = 'breached' THEN 0.0 END AS response_on_time,
                       %(resolution_hours)s AS resolution_hours,
                       CASE WHEN c.date_resolved IS NOT NULL THEN %(resolution_allowed)s END
                           AS resolution_allowed_hours,
                       CASE WHEN c.sla_resolution_result = 'met' THEN 100.0
                            WHEN c.sla_resolution_result = 'breached' THEN 0.0 END AS resolution_on_time,
                       1 AS complaint_count,
                       (SELECT COUNT(*) FROM customer_return r WHERE r.complaint_id = c.id) AS return_count,
                       (SELECT COUNT(*) FROM customer_corrective_action_complaint_rel rel
                         WHERE rel.complaint_id = c.id) AS corrective_action_count
                  FROM customer_complaint c
                 WHERE c.active
              ) s
        """,
            response_status=self._live_status('response'),
            resolution_status=self._live_status('resolution'),
            response_hours=self._hours('date_first_response', 'date_received'),
            response_allowed=self._hours('date_response_deadline', 'date_received'),
            resolution_hours=self._hours('date_resolved', 'date_received'),
            resolution_allowed=self._hours('date_resolution_deadline', 'date_received'),
        )

    def action_open_complaint(self):
        self.ensure_one()
        return self.complaint_id.get_formview_action()


class CustomerComplaintProductReport(models.Model):
    """One row per product of each complaint: which products draw complaints, for what and from whom."""
    _name = 'customer.complaint.product.report'
    _description = "Complaints by Product"
    _auto = False
    _order = 'date_received desc, id desc'
    _rec_name = 'product_id'

    complaint_id = fields.Many2one('customer.complaint', string="Complaint", readonly=True)
    product_id = fields.Many2one('product.product', string="Product", readonly=True)
    product_categ_id = fields.Many2one('product.category', string="Product Category", readonly=True)
    company_id = fields.Many2one('res.company', readonly=True)
    date_received = fields.Datetime(string="Received On", readonly=True)
    state = fields.Selection(COMPLAINT_STATES, string="Status", readonly=True)
    severity = fields.Selection(SEVERITIES, readonly=True)
    category_id = fields.Many2one('customer.complaint.category', string="Category", readonly=True)
    root_cause_id = fields.Many2one('customer.complaint.cause', string="Root Cause", readonly=True)
    partner_id = fields.Many2one('res.partner', string="Customer", readonly=True)
    complaint_count = fields.Integer(string="Complaints", readonly=True, aggregator='sum')

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("""
            CREATE OR REPLACE VIEW %s AS (
                -- no window function: the filters of a graph or pivot reach the tables (1M complaints)
                SELECT (rel.complaint_id::bigint << 31) + rel.product_id AS id,
                       rel.complaint_id, rel.product_id, tmpl.categ_id AS product_categ_id, c.company_id,
                       c.date_received, c.state, c.severity, c.category_id, c.root_cause_id,
                       c.commercial_partner_id AS partner_id, 1 AS complaint_count
                  FROM customer_complaint_product_rel rel
                  JOIN customer_complaint c ON c.id = rel.complaint_id
                  JOIN product_product product ON product.id = rel.product_id
                  JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
                 WHERE c.active
            )""", SQL.identifier(self._table)))
