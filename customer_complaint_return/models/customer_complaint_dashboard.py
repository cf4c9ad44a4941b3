from collections import defaultdict
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from odoo import api, fields, models
from odoo.addons.customer_complaint_return.const import (
    COMPLAINT_OPEN_STATES,
    CORRECTIVE_ACTION_PENDING_STATES,
    GROUP_MANAGER,
)
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.misc import format_amount, format_date

# Rows of the Pareto tables and of the top products; the rest is summed up as "Others".
TOP_ROWS = 8
TOP_PRODUCTS = 5
# Days ahead that make a corrective action "due soon".
ACTIONS_DUE_DAYS = 7
# Months of the trend in the manager digest.
DIGEST_TREND_MONTHS = 6
# The longest period the dashboard shows.
MAX_PERIOD_YEARS = 10


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
    has_quality_costs = fields.Boolean(compute='_compute_has_quality_costs')

    def _compute_display_name(self):
        # the breadcrumb and the window title: the dashboard, not "customer.complaint.dashboard,7"
        for dashboard in self:
            dashboard.display_name = self.env._("Complaints Dashboard")

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

    @api.constrains('date_from', 'date_to')
    def _check_period(self):
        """A period that ends before it starts, or spans more than ``MAX_PERIOD_YEARS`` (a month per
        row of the trend), is refused, also in a form not saved yet."""
        for dashboard in self:
            if not dashboard.date_from or not dashboard.date_to:
                continue
            if dashboard.date_from > dashboard.date_to:
                raise ValidationError(self.env._("The period must start before it ends."))
            if dashboard.date_to > dashboard.date_from + relativedelta(years=MAX_PERIOD_YEARS):
                raise ValidationError(self.env._(
                    "The period cannot span more than %(years)s years.", years=MAX_PERIOD_YEARS))

    @api.depends('company_id', 'date_from', 'date_to')
    def _compute_figures(self):
        # also computed for a form not saved yet (the web client's onchange)
        self._check_allowed_company()
        self._check_period()
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
        ``date_from``). Complaints of other companies never count.

        At a million complaints no figure may scan the complaints of the period: whole months come
        from the monthly figures the database keeps (customer.complaint.figure), the days of a month
        the period only partly covers from the complaints, in one grouping-sets query; the open
        cases in one query of conditional counts (see the README, Dashboard at scale)."""
        start = datetime.combine(date_from, time.min)
        stop = datetime.combine(date_to + timedelta(days=1), time.min)
        company_domain = Domain('company_id', '=', company.id)
        trend_start = datetime.combine((trend_from or date_from).replace(day=1), time.min)
        groups = self._complaint_groups(company, start, stop)
        states = dict(self.env['customer.complaint']._fields['state']._description_selection(self.env))
        open_now = self._open_figures(company_domain)
        return {
            'company': company,
            'date_from': date_from,
            'date_to': date_to,
            'period': self.env._("%(start)s - %(stop)s", start=format_date(self.env, date_from),
                                 stop=format_date(self.env, date_to)),
            'received': sum(groups['state'].values()),
            'by_state': [(key, label, groups['state'].get(key, 0)) for key, label in states.items()],
            'open': open_now['open'],
            'sla': {status: open_now[status] for status in ('on_track', 'at_risk', 'breached')},
            'escalated': open_now['escalated'],
            'causes': self._pareto_rows(self._records('customer.complaint.cause', groups['root_cause_id']),
                                        self.env._("Not analysed yet")),
            'categories': self._pareto_rows(self._records('customer.complaint.category', groups['category_id']),
                                            self.env._("Not classified")),
            'top_products': self._top_rows(self._records('product.product', groups['products']), TOP_PRODUCTS),
            'top_return_rates': self._top_products_by_return_rate(company, start, stop),
            'response': self._times(groups['times'], 'response'),
            'resolution': self._times(groups['times'], 'resolution'),
            'trend': self._trend(company, trend_from or date_from, date_to,
                                 groups['months'] if trend_start == start else None),
            'recurring': self._recurring_rows(company, groups['pairs']),
            **self._corrective_action_figures(company, start, stop),
            'returns': self._return_figures(company, date_from, date_to),
            'cost_by_cause': self._cost_by_cause(company, date_from, date_to),
        }

    @api.model
    def _conditional_counts(self, model, domain, conditions):
        """{key: how many records of ``domain`` also match ``conditions[key]``}, in one query
        (``COUNT(*) FILTER (WHERE ...)``); access rules apply to ``domain`` as in a search."""
        query = model._search(domain)
        if query.is_empty():
            return dict.fromkeys(conditions, 0)
        terms = [
            SQL("COUNT(*) FILTER (WHERE %s)", Domain(condition).optimize_full(model)._to_sql(model, model._table, query))
            for condition in conditions.values()
        ]
        [row] = self.env.execute_query(query.select(*terms))
        return dict(zip(conditions, row))

    @api.model
    def _recurrence_basis(self, company):
        return 'root_cause_id' if company.complaint_recurrence_basis == 'cause' else 'category_id'

    @api.model
    def _split_period(self, company, start, stop):
        """(first month, last month, [(start, stop)]): the whole months of ``start`` to ``stop`` the
        monthly figures give (None when there is none), and the ranges left to count from the
        complaints. The month of ``stop`` counts whole when no complaint of it comes later (today's
        month, typically)."""
        if self.env.context.get('complaint_figures_from_rows'):
            return None, None, [(start, stop)]
        first = start.replace(day=1)
        ranges = []
        if start != first:
            first += relativedelta(months=1)
            ranges.append((start, min(first, stop)))
        last = stop.replace(day=1)
        if stop != last and last >= first:
            if self._has_complaints(company, 'date_received', stop, last + relativedelta(months=1)):
                ranges.append((last, stop))
            else:
                last += relativedelta(months=1)
        if first >= last:
            return None, None, ranges
        return first.date(), (last - relativedelta(months=1)).date(), ranges

    @api.model
    def _has_complaints(self, company, field_name, start, stop):
        return bool(self.env['customer.complaint'].sudo().with_context(active_test=False).search(
            [('company_id', '=', company.id), (field_name, '>=', start), (field_name, '<', stop)], limit=1))

    @api.model
    def _complaint_groups(self, company, start, stop):
        """The complaints received from ``start`` to ``stop``, counted by status, cause, category,
        month (UTC), product and (product, recurrence key), and their handling-time sums: ids and
        counts, the monthly figures' whole months plus the rows of the partly covered days."""
        basis = self._recurrence_basis(company)
        first, last, ranges = self._split_period(company, start, stop)
        groups = {'state': {}, 'root_cause_id': {}, 'category_id': {}, 'months': {}, 'times': {},
                  'products': {}, 'pairs': {}}
        parts = []
        if first:
            parts.append(self.env['customer.complaint.figure']._read_months(company, first, last, basis=basis))
        if ranges:
            domain = Domain('company_id', '=', company.id) & Domain.OR(
                Domain('date_received', '>=', range_start) & Domain('date_received', '<', range_stop)
                for range_start, range_stop in ranges)
            parts.append(self._row_groups(domain))
            parts.append(self._row_product_groups(domain, basis))
        for part in parts:
            for key, values in part.items():
                for value, count in values.items():
                    groups[key][value] = groups[key].get(value, 0) + (count or 0)
        return groups

    @api.model
    def _row_groups(self, domain):
        """As ``customer.complaint.figure._read_months``, from the complaints of ``domain`` (one
        grouping-sets query over the service-levels report)."""
        times = [f'{kind}_{spec}' for kind in ('response', 'resolution') for spec in (
            'hours:count', 'hours:sum', 'allowed_hours:count', 'allowed_hours:sum', 'on_time:count', 'on_time:sum')]
        results = self.env['customer.complaint.report'].with_context(tz='UTC')._read_grouping_sets(
            domain, [[], ['state'], ['root_cause_id'], ['category_id'], ['date_received:month']], ['__count', *times])
        groups = {
            'state': {key: count for key, count, *_times in results[1]},
            'root_cause_id': {key.id or None: count for key, count, *_times in results[2]},
            'category_id': {key.id or None: count for key, count, *_times in results[3]},
            'months': self._per_month((month, count) for month, count, *_times in results[4]),
            'times': {},
        }
        if results[0]:
            values = results[0][0][1:]
            for index, kind in enumerate(('response', 'resolution')):
                count, hours, allowed_count, allowed, judged, on_time = values[6 * index:6 * index + 6]
                groups['times'].update({
                    f'{kind}_count': count, f'{kind}_hours': hours or 0.0, f'{kind}_allowed_count': allowed_count,
                    f'{kind}_allowed_hours': allowed or 0.0, f'{kind}_judged': judged,
                    f'{kind}_met': round((on_time or 0.0) / 100.0),
                })
        return groups

    @api.model
    def _row_product_groups(self, domain, basis):
        """Complaints of ``domain`` by product and by (product, ``basis``), as ids (one query)."""
        results = self.env['customer.complaint'].with_context(active_test=True)._read_grouping_sets(
            domain, [['product_ids'], ['product_ids', basis]], ['__count'])
        return {
            'products': {product.id: count for product, count in results[0] if product},
            'pairs': {(product.id, key.id or None): count for product, key, count in results[1] if product},
        }

    @api.model
    def _records(self, model, counts):
        """[(record, count)] of {id: count}, the empty record for the None id; the records share
        their prefetch (names read in one query)."""
        records = self.env[model].browse([key for key, count in counts.items() if key and count])
        by_id = {record.id: record for record in records}
        return [(by_id[key] if key else self.env[model], count) for key, count in counts.items() if count]

    @api.model
    def _times(self, sums, kind):
        """Handling times of ``kind`` from their sums: see ``_handling_times``."""
        count, judged = sums.get(f'{kind}_count') or 0, sums.get(f'{kind}_judged') or 0
        allowed_count = sums.get(f'{kind}_allowed_count') or 0
        return {
            'count': count,
            'hours': (sums.get(f'{kind}_hours') or 0.0) / count if count else 0.0,
            'allowed': (sums.get(f'{kind}_allowed_hours') or 0.0) / allowed_count if allowed_count else 0.0,
            'judged': judged,
            'on_time': 100.0 * (sums.get(f'{kind}_met') or 0) / judged if judged else 0.0,
        }

    @api.model
    def _recurring_rows(self, company, pairs):
        """Products whose complaints share a cause (or category) often enough to recur."""
        threshold = company.complaint_recurrence_count or 0
        if threshold <= 0:
            return []
        model = 'customer.complaint.cause' if self._recurrence_basis(company) == 'root_cause_id' \
            else 'customer.complaint.category'
        pairs = {pair: count for pair, count in pairs.items() if pair[1] and count >= threshold}
        products = {product.id: product for product in self.env['product.product'].browse({p for p, _k in pairs})}
        keys = {key.id: key for key in self.env[model].browse({k for _p, k in pairs})}
        rows = [(products[product_id], keys[key_id], count) for (product_id, key_id), count in pairs.items()]
        rows.sort(key=lambda row: (-row[2], row[0].display_name, row[1].display_name))
        return [{'product': product, 'cause': key, 'count': count} for product, key, count in rows]

    @api.model
    def _open_figures(self, company_domain):
        """The open complaints now: how many, by service level, and escalated, in one query."""
        Complaint = self.env['customer.complaint'].with_context(active_test=True)
        return self._conditional_counts(
            Complaint, company_domain & Domain('state', 'in', COMPLAINT_OPEN_STATES), {
                'open': Domain.TRUE,
                **{status: Domain('sla_status', '=', status) for status in ('on_track', 'at_risk', 'breached')},
                'escalated': Domain('escalation_level', '>', 0),
            })

    @api.model
    def _pareto_rows(self, groups, empty_label):
        """Rows (label, count, percent, cumulative percent) of ``groups`` [(record, count)] sorted by
        count, the largest first; beyond ``TOP_ROWS`` the rest is summed up as "Others"."""
        groups = sorted(groups, key=lambda group: (-group[1], group[0].display_name or ''))
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
    def _pareto(self, domain, field_name, empty_label):
        """Pareto rows of the complaints of ``domain`` by ``field_name`` (see ``_pareto_rows``)."""
        return self._pareto_rows(
            self.env['customer.complaint']._read_group(domain, [field_name], ['__count']), empty_label)

    @api.model
    def _top_rows(self, groups, limit):
        """The ``limit`` products of ``groups`` [(product, count)] with the most complaints, ties by
        name: only the products that can make the cut have their names read."""
        groups = sorted(groups, key=lambda group: -group[1])
        if len(groups) > limit:
            groups = [group for group in groups if group[1] >= groups[limit - 1][1]]
        groups.sort(key=lambda group: (-group[1], group[0].display_name))
        return [{'product': product, 'count': count} for product, count in groups[:limit]]

    @api.model
    def _top_products_by_complaints(self, company, start, stop):
        groups = self._complaint_groups(company, start, stop)
        return self._top_rows(self._records('product.product', groups['products']), TOP_PRODUCTS)

    @api.model
    def _top_products_by_return_rate(self, company, start, stop):
        """Products the company delivered to customers in the period that came back, by return rate,
        counted as the product's own return figures count them (one query: moves by product and
        direction)."""
        moves = self.env['stock.move'].sudo()
        base = Domain('company_id', '=', company.id) & self.env['product.product']._customer_move_domain(start, stop)
        to_customer, from_customer = moves._to_customer_domain(), moves._from_customer_domain()
        groups = moves._read_group(
            base & (to_customer | from_customer),
            ['product_id', 'location_id.usage', 'location_dest_id.usage'], ['product_qty:sum'])
        delivered, returned = defaultdict(float), defaultdict(float)
        for product, source, destination, qty in groups:
            if destination == 'customer' and source != 'customer':
                delivered[product] += qty
            elif source == 'customer' and destination != 'customer':
                returned[product] += qty
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
    def _trend(self, company, date_from, date_to, received=None):
        """Complaints received and resolved per month (UTC), from the month of ``date_from`` to that
        of ``date_to``; ``received``: {month: count} when already counted."""
        first = date_from.replace(day=1)
        start = datetime.combine(first, time.min)
        stop = datetime.combine(date_to + timedelta(days=1), time.min)
        Complaint = self.env['customer.complaint'].with_context(tz='UTC')
        if received is None:
            received = self._per_month(Complaint._read_group(
                [('company_id', '=', company.id), ('date_received', '>=', start), ('date_received', '<', stop)],
                ['date_received:month'], ['__count']))
        resolved = self._resolved_by_month(company, start, stop)
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
    def _resolved_by_month(self, company, start, stop):
        """{month: complaints resolved}, ``start`` being a first day of a month: the monthly figures,
        and the complaints resolved in the last month when it is not whole."""
        last = stop.replace(day=1)
        resolved = {}
        if stop != last and (self.env.context.get('complaint_figures_from_rows') or self._has_complaints(
                company, 'date_resolved', stop, last + relativedelta(months=1))):
            resolved = self._per_month(self.env['customer.complaint'].with_context(tz='UTC')._read_group(
                [('company_id', '=', company.id), ('date_resolved', '>=', max(last, start)),
                 ('date_resolved', '<', stop)], ['date_resolved:month'], ['__count']))
        elif stop != last:
            last += relativedelta(months=1)
        if self.env.context.get('complaint_figures_from_rows'):
            resolved.update(self._per_month(self.env['customer.complaint'].with_context(tz='UTC')._read_group(
                [('company_id', '=', company.id), ('date_resolved', '>=', start), ('date_resolved', '<', last)],
                ['date_resolved:month'], ['__count'])))
        elif last > start:
            resolved.update(self.env['customer.complaint.figure']._read_resolved(
                company, start.date(), (last - relativedelta(months=1)).date()))
        return resolved

    @api.model
    def _per_month(self, groups):
        """{first day of the month (date): count} of a monthly read group."""
        return {(month.date() if isinstance(month, datetime) else month): count for month, count in groups if month}

    @api.model
    def _recurring_causes(self, company, period):
        """Products whose complaints of ``period`` (a domain) share a cause (or category) often enough to recur."""
        return self._recurring_rows(company, self._row_product_groups(
            Domain(period), self._recurrence_basis(company))['pairs'])

    @api.model
    def _corrective_action_figures(self, company, start, stop):
        """Pending actions overdue or due within ``ACTIONS_DUE_DAYS`` (one search, split by date),
        and the actions created in the period."""
        Action = self.env['customer.corrective.action']
        today = fields.Date.context_today(self)
        pending = Action.search(
            Domain('company_id', '=', company.id) & Domain('state', 'in', CORRECTIVE_ACTION_PENDING_STATES)
            & Domain('date_deadline', '<=', today + timedelta(days=ACTIONS_DUE_DAYS)),
            order='date_deadline, id')
        return {
            'actions_overdue': pending.filtered(lambda action: action.date_deadline < today),
            'actions_due': pending.filtered(lambda action: action.date_deadline >= today),
            'actions_created': Action.search_count([
                ('company_id', '=', company.id), ('create_date', '>=', start), ('create_date', '<', stop)]),
        }

    @api.model
    def _return_figures(self, company, date_from, date_to):
        """Returns requested in the period, and those escalated still open, in one query."""
        period = Domain('date_request', '>=', date_from) & Domain('date_request', '<=', date_to)
        escalated = Domain('is_escalated', '=', True) & Domain('state', 'in', ('to_approve', 'approved', 'received'))
        return self._conditional_counts(
            self.env['customer.return'], Domain('company_id', '=', company.id) & (period | escalated),
            {'requested': period, 'escalated': escalated})

    @api.model
    def _cost_by_cause(self, company, date_from, date_to):
        """Cost of poor quality of the period by root cause, the largest first, from the quality cost
        ledger (``customer.quality.cost``, in the company's currency) when it is there."""
        if 'customer.quality.cost' not in self.env:
            return []
        Cost = self.env['customer.quality.cost']
        groups = Cost._read_group(
            [('company_id', '=', company.id), ('date', '>=', date_from), ('date', '<=', date_to)],
            ['cause_id'], ['amount:sum'])
        groups.sort(key=lambda group: (-(group[1] or 0.0), group[0].display_name or ''))
        return [{
            'label': cause.display_name if cause else self.env._("Not analysed yet"),
            'amount': amount or 0.0,
            'amount_text': format_amount(self.env, amount or 0.0, company.currency_id),
        } for cause, amount in groups[:TOP_ROWS]]

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
        """Complaints by product over the months of the period, from the monthly figures (at once at
        a million complaints; the report per complaint is in the Reporting menu)."""
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id(
            'customer_complaint_return.action_customer_complaint_product_figure')
        action.update(
            name=self.env._("Complaints by Product"),
            domain=[('company_id', '=', self.company_id.id), ('kind', '=', 'category'),
                    ('month', '>=', self.date_from.replace(day=1)), ('month', '<=', self.date_to)],
            context={'create': False})
        return action

    def action_view_trend(self):
        """Complaints received per month over the months of the period, from the monthly figures."""
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id(
            'customer_complaint_return.action_customer_complaint_month_figure')
        action.update(
            name=self.env._("Complaint Trend"),
            domain=[('company_id', '=', self.company_id.id), ('month', '>=', self.date_from.replace(day=1)),
                    ('month', '<=', self.date_to)],
            context={'graph_groupbys': ['month:month'], 'graph_mode': 'line', 'create': False})
        return action

    def _compute_has_quality_costs(self):
        self.has_quality_costs = 'customer.quality.cost' in self.env

    def action_view_cost_by_cause(self):
        """The cost of poor quality of the period in a graph by root cause (quality cost ledger)."""
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'name': self.env._("Cost by Root Cause"),
            'res_model': 'customer.quality.cost',
            'view_mode': 'graph,pivot,list',
            'views': [(False, 'graph'), (False, 'pivot'), (False, 'list')],
            'domain': [('company_id', '=', self.company_id.id), ('date', '>=', self.date_from),
                       ('date', '<=', self.date_to)],
            'context': {'graph_groupbys': ['cause_id'], 'graph_order': 'desc', 'graph_measure': 'amount',
                        'pivot_row_groupby': ['cause_id'], 'pivot_measures': ['amount'], 'create': False},
        }

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
