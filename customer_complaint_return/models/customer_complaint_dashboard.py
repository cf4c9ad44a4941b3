from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.tools.misc import format_date

from odoo.addons.customer_complaint_return.const import (
    COMPLAINT_OPEN_STATES,
    CORRECTIVE_ACTION_PENDING_STATES,
    GROUP_MANAGER,
)

# Rows of the Pareto tables and of the top products; the rest is summed up as "Others".
TOP_ROWS = 8
TOP_PRODUCTS = 5
# Days ahead that make a corrective action "due soon".
ACTIONS_DUE_DAYS = 7
# Months of the trend in the manager digest.
DIGEST_TREND_MONTHS = 6


class CustomerComplaintDashboard(models.TransientModel):
    """The complaints dashboard of a company over a period, and the figures of the manager digest.

    Both read the same figures (``_get_figures``): counts by status and service level, Pareto of
    root causes and categories, top products by complaints and by return rate, response and
    resolution times against their deadlines, the monthly trend, recurring causes and the
    corrective actions due or overdue."""
    _name = 'customer.complaint.dashboard'
    _description = "Complaints Dashboard"

    company_id = fields.Many2one(
        'res.company', required=True, default=lambda self: self.env.company,
        domain=lambda self: [('id', 'in', self.env.companies.ids)])
    date_from = fields.Date(
        string="From", required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1) - relativedelta(months=11))
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)
    received_count = fields.Integer(string="Received", compute='_compute_figures')
    open_count = fields.Integer(string="Open Now", compute='_compute_figures')
    on_track_count = fields.Integer(string="On Track", compute='_compute_figures')
    at_risk_count = fields.Integer(string="At Risk", compute='_compute_figures')
    breached_count = fields.Integer(string="Breached", compute='_compute_figures')
    escalated_count = fields.Integer(string="Escalated", compute='_compute_figures')
    response_on_time = fields.Float(string="Answered On Time (%)", compute='_compute_figures', digits=(16, 1))
    resolution_on_time = fields.Float(string="Resolved On Time (%)", compute='_compute_figures', digits=(16, 1))
    actions_overdue_count = fields.Integer(string="Actions Overdue", compute='_compute_figures')
    actions_due_count = fields.Integer(string="Actions Due Soon", compute='_compute_figures')
    figures_html = fields.Html(compute='_compute_figures', sanitize=False)

    @api.model
    def action_open(self):
        """The dashboard of the current company over the last twelve months."""
        dashboard = self.create({})
        return {
            'type': 'ir.actions.act_window',
            'name': self.env._("Complaints Dashboard"),
            'res_model': self._name,
            'res_id': dashboard.id,
            'view_mode': 'form',
            'views': [(False, 'form')],
            'target': 'current',
        }

    @api.model_create_multi
    def create(self, vals_list):
        dashboards = super().create(vals_list)
        dashboards._check_allowed_company()
        return dashboards

    def write(self, vals):
        result = super().write(vals)
        if 'company_id' in vals:
            self._check_allowed_company()
        return result

    def _check_allowed_company(self):
        """The figures of a company are for its users: the company picked in the form, or sent by
        an API client, must be one the user is allowed (the digest runs as superuser)."""
        if self.env.su:
            return
        foreign = self.company_id - self.env.user.company_ids
        if foreign:
            raise AccessError(self.env._(
                "You are not allowed to see the complaints figures of %(companies)s.",
                companies=", ".join(foreign.mapped('name'))))

    @api.depends('company_id', 'date_from', 'date_to')
    def _compute_figures(self):
        # also computed for a form not saved yet (the web client's onchange)
        self._check_allowed_company()
        for dashboard in self:
            if not dashboard.company_id or not dashboard.date_from or not dashboard.date_to:
                dashboard.update(dict.fromkeys(self._figure_fields(), 0) | {'figures_html': False})
                continue
            figures = self._get_figures(dashboard.company_id, dashboard.date_from, dashboard.date_to)
            dashboard.update({
                'received_count': figures['received'],
                'open_count': figures['open'],
                'on_track_count': figures['sla']['on_track'],
                'at_risk_count': figures['sla']['at_risk'],
                'breached_count': figures['sla']['breached'],
                'escalated_count': figures['escalated'],
                'response_on_time': figures['response']['on_time'],
                'resolution_on_time': figures['resolution']['on_time'],
                'actions_overdue_count': len(figures['actions_overdue']),
                'actions_due_count': len(figures['actions_due']),
                'figures_html': self.env['ir.qweb']._render(
                    'customer_complaint_return.complaint_figures', {'figures': figures, 'base_url': ''}),
            })

    @api.model
    def _figure_fields(self):
        return [name for name, field in self._fields.items() if field.compute == '_compute_figures'
                and name != 'figures_html']

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------
    @api.model
    def _get_figures(self, company, date_from, date_to, trend_from=None):
        """Everything the dashboard and the digest show for ``company`` from ``date_from`` to
        ``date_to`` (dates, both included), the trend by month from ``trend_from`` (default
        ``date_from``). Complaints of other companies never count."""
        start = datetime.combine(date_from, time.min)
        stop = datetime.combine(date_to + timedelta(days=1), time.min)
        Complaint = self.env['customer.complaint'].with_context(active_test=True)
        company_domain = Domain('company_id', '=', company.id)
        period = company_domain & Domain('date_received', '>=', start) & Domain('date_received', '<', stop)
        states = dict(Complaint._fields['state']._description_selection(self.env))
        by_state = dict(Complaint._read_group(period, ['state'], ['__count']))
        open_domain = company_domain & Domain('state', 'in', COMPLAINT_OPEN_STATES)
        return {
            'company': company,
            'date_from': date_from,
            'date_to': date_to,
            'period': self.env._("%(start)s - %(stop)s", start=format_date(self.env, date_from),
                                 stop=format_date(self.env, date_to)),
            'received': sum(by_state.values()),
            'by_state': [(key, label, by_state.get(key, 0)) for key, label in states.items()],
            'open': Complaint.search_count(open_domain),
            'sla': {status: Complaint.search_count(open_domain & Domain('sla_status', '=', status))
                    for status in ('on_track', 'at_risk', 'breached')},
            'escalated': Complaint.search_count(open_domain & Domain('escalation_level', '>', 0)),
            'causes': self._pareto(period, 'root_cause_id', self.env._("Not analysed yet")),
            'categories': self._pareto(period, 'category_id', self.env._("Not classified")),
            'top_products': self._top_products_by_complaints(company, start, stop),
            'top_return_rates': self._top_products_by_return_rate(company, start, stop),
            'response': self._handling_times(period, 'response'),
            'resolution': self._handling_times(period, 'resolution'),
            'trend': self._trend(company_domain, trend_from or date_from, date_to),
            'recurring': self._recurring_causes(company, period),
            **self._corrective_action_figures(company, start, stop),
            'returns': self._return_figures(company, date_from, date_to),
        }

    @api.model
    def _pareto(self, domain, field_name, empty_label):
        """Rows (label, count, percent, cumulative percent) sorted by count, the largest first."""
        groups = sorted(self.env['customer.complaint']._read_group(domain, [field_name], ['__count']),
                        key=lambda group: (-group[1], group[0].display_name or ''))
        total = sum(count for _key, count in groups)
        rows, cumulative = [], 0
        for index, (key, count) in enumerate(groups):
            if index == TOP_ROWS and len(groups) > TOP_ROWS + 1:
                count = sum(count for _key, count in groups[index:])
                label = self.env._("Others")
            else:
                label = key.display_name if key else empty_label
            cumulative += count
            rows.append({'label': label, 'count': count, 'percent': 100.0 * count / total,
                         'cumulative': 100.0 * cumulative / total})
            if label == self.env._("Others"):
                break
        return rows

    @api.model
    def _top_products_by_complaints(self, company, start, stop):
        groups = self.env['customer.complaint.product.report']._read_group(
            [('company_id', '=', company.id), ('date_received', '>=', start), ('date_received', '<', stop)],
            ['product_id'], ['__count'])
        groups.sort(key=lambda group: (-group[1], group[0].display_name))
        return [{'product': product, 'count': count} for product, count in groups[:TOP_PRODUCTS]]

    @api.model
    def _top_products_by_return_rate(self, company, start, stop):
        """Products the company delivered to customers in the period that came back, by return rate,
        counted as the product's own return figures count them."""
        moves = self.env['stock.move'].sudo()
        base = Domain('company_id', '=', company.id) & self.env['product.product']._customer_move_domain(start, stop)
        delivered = dict(moves._read_group(base & moves._to_customer_domain(), ['product_id'], ['product_qty:sum']))
        returned = dict(moves._read_group(base & moves._from_customer_domain(), ['product_id'], ['product_qty:sum']))
        rows = [{'product': product, 'returned': qty, 'delivered': delivered.get(product, 0.0),
                 'rate': 100.0 * qty / delivered[product] if delivered.get(product) else 100.0}
                for product, qty in returned.items() if qty > 0]
        rows.sort(key=lambda row: (-row['rate'], -row['returned'], row['product'].display_name))
        return rows[:TOP_PRODUCTS]

    @api.model
    def _handling_times(self, domain, kind):
        """For the complaints of ``domain`` answered (``kind`` 'response') or resolved ('resolution'):
        how many, their average time against the average time allowed, in hours, and the share done
        by the deadline among those that had one. The share is the complaints' own service-level
        result (met: 100, breached: 0), so a case done late counts, and one done in 0 hours too."""
        [(count, hours, allowed, judged, on_time)] = self.env['customer.complaint.report']._read_group(
            domain, [], [f'{kind}_hours:count', f'{kind}_hours:avg', f'{kind}_allowed_hours:avg',
                         f'{kind}_on_time:count', f'{kind}_on_time:avg'])
        return {'count': count, 'hours': hours or 0.0, 'allowed': allowed or 0.0, 'judged': judged,
                'on_time': on_time or 0.0}

    @api.model
    def _trend(self, company_domain, date_from, date_to):
        """Complaints received and resolved per month, from the month of ``date_from`` to that of ``date_to``."""
        first = date_from.replace(day=1)
        start = datetime.combine(first, time.min)
        stop = datetime.combine(date_to + timedelta(days=1), time.min)
        Complaint = self.env['customer.complaint']
        received = self._per_month(Complaint._read_group(
            company_domain & Domain('date_received', '>=', start) & Domain('date_received', '<', stop),
            ['date_received:month'], ['__count']))
        resolved = self._per_month(Complaint._read_group(
            company_domain & Domain('date_resolved', '>=', start) & Domain('date_resolved', '<', stop),
            ['date_resolved:month'], ['__count']))
        months = []
        month = first
        while month <= date_to:
            months.append({
                'label': format_date(self.env, month, date_format='MMM yyyy'),
                'received': received.get(month, 0),
                'resolved': resolved.get(month, 0),
            })
            month += relativedelta(months=1)
        return months

    @api.model
    def _per_month(self, groups):
        """{first day of the month (date): count} of a monthly read group."""
        return {(month.date() if isinstance(month, datetime) else month): count for month, count in groups if month}

    @api.model
    def _recurring_causes(self, company, period):
        """Products whose complaints of the period share a cause (or category) often enough to recur."""
        basis = 'root_cause_id' if company.complaint_recurrence_basis == 'cause' else 'category_id'
        threshold = company.complaint_recurrence_count or 0
        if threshold <= 0:
            return []
        domain = Domain(basis, '!=', False) & Domain('complaint_id', 'any', period)
        groups = self.env['customer.complaint.product.report']._read_group(
            domain, ['product_id', basis], ['__count'], having=[('__count', '>=', threshold)])
        groups.sort(key=lambda group: (-group[2], group[0].display_name, group[1].display_name))
        return [{'product': product, 'cause': key, 'count': count} for product, key, count in groups]

    @api.model
    def _corrective_action_figures(self, company, start, stop):
        Action = self.env['customer.corrective.action']
        today = fields.Date.context_today(self)
        pending = Domain('company_id', '=', company.id) & Domain('state', 'in', CORRECTIVE_ACTION_PENDING_STATES)
        return {
            'actions_overdue': Action.search(pending & Domain('date_deadline', '<', today), order='date_deadline, id'),
            'actions_due': Action.search(
                pending & Domain('date_deadline', '>=', today)
                & Domain('date_deadline', '<=', today + timedelta(days=ACTIONS_DUE_DAYS)),
                order='date_deadline, id'),
            'actions_created': Action.search_count([
                ('company_id', '=', company.id), ('create_date', '>=', start), ('create_date', '<', stop)]),
        }

    @api.model
    def _return_figures(self, company, date_from, date_to):
        Return = self.env['customer.return']
        period = [('company_id', '=', company.id), ('date_request', '>=', date_from), ('date_request', '<=', date_to)]
        return {
            'requested': Return.search_count(period),
            'escalated': Return.search_count([('company_id', '=', company.id), ('is_escalated', '=', True),
                                              ('state', 'in', ('to_approve', 'approved', 'received'))]),
        }

    # ------------------------------------------------------------------
    # Drill-down from the dashboard
    # ------------------------------------------------------------------
    def _complaint_action(self, domain, name, xmlid='customer_complaint_return.action_customer_complaint'):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id(xmlid)
        action.update(name=name, domain=[('company_id', '=', self.company_id.id)] + domain,
                      context={'create': False})
        return action

    def _period_domain(self, field='date_received'):
        self.ensure_one()
        start = datetime.combine(self.date_from, time.min)
        stop = datetime.combine(self.date_to + timedelta(days=1), time.min)
        return [(field, '>=', start), (field, '<', stop)]

    def action_view_received(self):
        return self._complaint_action(self._period_domain(), self.env._("Complaints Received"))

    def action_view_open(self):
        return self._complaint_action([('state', 'in', COMPLAINT_OPEN_STATES)], self.env._("Open Complaints"))

    def action_view_at_risk(self):
        return self._complaint_action([('state', 'in', COMPLAINT_OPEN_STATES), ('sla_status', '=', 'at_risk')],
                                      self.env._("Complaints at Risk"))

    def action_view_breached(self):
        return self._complaint_action([('state', 'in', COMPLAINT_OPEN_STATES), ('sla_status', '=', 'breached')],
                                      self.env._("Complaints Breached"))

    def action_view_escalated(self):
        return self._complaint_action([('state', 'in', COMPLAINT_OPEN_STATES), ('escalation_level', '>', 0)],
                                      self.env._("Escalated Complaints"))

    def action_view_service_levels(self):
        return self._complaint_action(
            self._period_domain(), self.env._("Service Levels"),
            'customer_complaint_return.action_customer_complaint_report')

    def action_view_causes(self):
        action = self._complaint_action(
            self._period_domain(), self.env._("Root Causes"),
            'customer_complaint_return.action_customer_complaint_report')
        action['context'] = {'graph_groupbys': ['root_cause_id'], 'pivot_row_groupby': ['root_cause_id'],
                             'graph_order': 'desc', 'create': False}
        return action

    def action_view_categories(self):
        action = self._complaint_action(
            self._period_domain(), self.env._("Categories"),
            'customer_complaint_return.action_customer_complaint_report')
        action['context'] = {'graph_groupbys': ['category_id'], 'pivot_row_groupby': ['category_id'],
                             'graph_order': 'desc', 'create': False}
        return action

    def action_view_products(self):
        return self._complaint_action(
            self._period_domain(), self.env._("Complaints by Product"),
            'customer_complaint_return.action_customer_complaint_product_report')

    def action_view_trend(self):
        action = self._complaint_action(
            self._period_domain(), self.env._("Complaint Trend"),
            'customer_complaint_return.action_customer_complaint_report')
        action['context'] = {'graph_groupbys': ['date_received:month'], 'graph_mode': 'line', 'create': False}
        return action

    def action_view_return_rates(self):
        self.ensure_one()
        wizard = self.env['customer.return.rate'].create({'date_from': self.date_from, 'date_to': self.date_to})
        return wizard.with_company(self.company_id).action_open()

    def action_view_actions_overdue(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id(
            'customer_complaint_return.action_customer_corrective_action')
        action['domain'] = [('company_id', '=', self.company_id.id), ('is_overdue', '=', True)]
        return action

    # ------------------------------------------------------------------
    # Manager digest (cron)
    # ------------------------------------------------------------------
    @api.model
    def _cron_send_manager_digests(self):
        """Each company's complaint managers receive the summary of the last finished week or month,
        once per period, in their own language."""
        today = fields.Date.context_today(self)
        companies = self.env['res.company'].search([('complaint_digest_frequency', '!=', 'none')])
        self.env['ir.cron']._commit_progress(remaining=len(companies))
        for company in companies:
            date_from, date_to = self._digest_period(company.complaint_digest_frequency, today)
            if not company.complaint_digest_sent_until or company.complaint_digest_sent_until < date_to:
                self._send_digest(company, date_from, date_to)
                company.complaint_digest_sent_until = date_to
            if not self.env['ir.cron']._commit_progress(1):
                break

    @api.model
    def _digest_period(self, frequency, today):
        """(first day, last day) of the last finished week (Monday to Sunday) or month before ``today``."""
        if frequency == 'monthly':
            last = today.replace(day=1) - timedelta(days=1)
            return last.replace(day=1), last
        last = today - timedelta(days=today.weekday() + 1)
        return last - timedelta(days=6), last

    @api.model
    def _send_digest(self, company, date_from, date_to):
        """Mail the digest of ``company`` for the period to each of its complaint managers, in the
        manager's language; return the mails."""
        managers = self.env['customer.case.mixin']._escalation_users(GROUP_MANAGER, company).get(company)
        managers = (managers or self.env['res.users']).filtered('email')
        mails = self.env['mail.mail']
        for lang, lang_managers in managers.grouped(lambda user: user.lang or 'en_US').items():
            env = self.with_context(lang=lang).with_company(company)
            subject, body = env._render_digest(company, date_from, date_to)
            mails |= self.env['mail.mail'].sudo().create([{
                'subject': subject,
                'body_html': body,
                'email_from': company.email_formatted or self.env.user.email_formatted,
                'recipient_ids': [fields.Command.link(manager.partner_id.id)],
                'auto_delete': True,
            } for manager in lang_managers])
        return mails

    @api.model
    def _render_digest(self, company, date_from, date_to):
        """(subject, html body) of the digest in the language of the environment."""
        figures = self._get_figures(
            company, date_from, date_to,
            trend_from=date_to.replace(day=1) - relativedelta(months=DIGEST_TREND_MONTHS - 1))
        body = self.env['ir.qweb']._render('customer_complaint_return.complaint_digest_mail', {
            'figures': figures,
            'base_url': company.get_base_url(),
            'company': company,
        })
        subject = self.env._("%(company)s: complaints and returns, %(period)s",
                             company=company.name, period=figures['period'])
        return subject, body
