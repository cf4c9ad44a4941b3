from odoo import api, models
from odoo.fields import Domain
from odoo.tools.misc import format_amount

# Causes named in the digest's cost of poor quality.
TOP_COST_CAUSES = 3


class CustomerComplaintDashboard(models.TransientModel):
    _inherit = 'customer.complaint.dashboard'

    @api.model
    def _get_figures(self, company, date_from, date_to, trend_from=None):
        figures = super()._get_figures(company, date_from, date_to, trend_from=trend_from)
        figures['quality_cost'] = self._quality_cost_figures(company, date_from, date_to)
        return figures

    @api.model
    def _quality_cost_figures(self, company, date_from, date_to):
        """The period's cost of poor quality, its split by type and its top causes, in one query
        (grouping sets would not be shorter: the ledger holds one row per document line)."""
        domain = Domain('company_id', '=', company.id) & Domain('date', '>=', date_from) & Domain('date', '<=', date_to)
        groups = self.env['customer.quality.cost'].sudo()._read_group(domain, ['cause_id', 'cost_type'], ['amount:sum'])
        by_cause, by_type = {}, {}
        for cause, cost_type, amount in groups:
            by_cause[cause] = by_cause.get(cause, 0.0) + amount
            by_type[cost_type] = by_type.get(cost_type, 0.0) + amount
        currency = company.currency_id
        total = sum(by_cause.values())
        types = dict(self.env['customer.quality.cost']._fields['cost_type']._description_selection(self.env))
        causes = sorted(by_cause.items(), key=lambda item: (-item[1], item[0].display_name or ''))
        return {
            'amount': currency.round(total),
            'amount_text': format_amount(self.env, total, currency),
            'by_type': [{
                'label': types[key], 'amount': amount, 'amount_text': format_amount(self.env, amount, currency),
            } for key, amount in sorted(by_type.items(), key=lambda item: -item[1])],
            'top_causes': [{
                'cause': cause,
                'label': cause.display_name if cause else self.env._("Not analysed yet"),
                'amount': currency.round(amount),
                'amount_text': format_amount(self.env, amount, currency),
                'percent': 100.0 * amount / total if total else 0.0,
            } for cause, amount in causes[:TOP_COST_CAUSES]],
        }
