"""Return policy rules: the company's own rules decide each line of a return request.

Rules are read in order (sequence, id); the first one whose conditions all hold decides the line:
approve at once, review, or refuse. A line no rule matches is reviewed.
"""
import ast
import math

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import float_compare

from odoo.addons.customer_complaint_return.const import CHANNELS, KEEP_GOODS_DISPOSITIONS
from odoo.addons.customer_complaint_return.models.customer_process_mixin import check_finite_numbers

RULE_ACTIONS = [
    ('auto_approve', "Approve at Once"),
    ('review', "Review"),
    ('refuse', "Refuse"),
]
# Changing these changes which rules apply, and in which order: the cached list is cleared.
RULE_ORDER_FIELDS = {'sequence', 'active', 'company_id'}


class CustomerReturnRule(models.Model):
    _name = 'customer.return.rule'
    _description = "Return Rule"
    _order = 'sequence, id'
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        'res.company', required=True, index=True, default=lambda self: self.env.company)
    company_currency_id = fields.Many2one(related='company_id.currency_id', string="Company Currency")

    # ------------------------------------------------------------------
    # Conditions: all must hold
    # ------------------------------------------------------------------
    domain = fields.Char(
        string="Lines", default='[]',
        help="The return lines this rule is about (product, category, declared condition, reason...).")
    days_since_delivery_min = fields.Integer(
        string="Delivered At Least (days)",
        help="Days between the delivery and the request, at least. 0: no limit.")
    days_since_delivery_max = fields.Integer(
        string="Delivered At Most (days)",
        help="Days between the delivery and the request, at most. 0: no limit.")
    value_min = fields.Monetary(
        string="Value From", currency_field='company_currency_id',
        help="Value of the requested goods (unit price after discount times quantity, in the company's "
             "currency), at least. 0: no limit.")
    value_max = fields.Monetary(
        string="Value Up To", currency_field='company_currency_id',
        help="Value of the requested goods (unit price after discount times quantity, in the company's "
             "currency), at most. 0: no limit.")
    channel = fields.Selection(CHANNELS, help="Only requests received through this channel. Empty: any channel.")
    customer_return_rate_max = fields.Float(
        string="Customer Return Rate Up To (%)", digits=(16, 2),
        help="The customer's return rate (value returned / value delivered over the last 12 months, in "
             "this company), at most. 0: no limit.")

    # ------------------------------------------------------------------
    # Decision
    # ------------------------------------------------------------------
    action = fields.Selection(RULE_ACTIONS, string="Decision", required=True, default='review')
    message = fields.Text(
        translate=True, help="Shown to the customer when this rule refuses a request.")
    keep_goods = fields.Boolean(
        string="Customer Keeps the Goods",
        help="Refund or replace without taking the goods back: no receipt, for goods not worth the "
             "shipping. Only on lines to refund or replace.")
    restocking_fee_percent = fields.Float(
        string="Restocking Fee (%)", digits=(16, 2),
        help="Share of the credited value kept as a restocking fee: a line of its own on the credit note, "
             "with the company's restocking fee product and the taxes of the goods. Never charged when "
             "the return reason is the company's fault, unless the next option is set.")
    fee_on_defective = fields.Boolean(
        string="Fee on Company's Fault Too",
        help="Charge the restocking fee also when the return reason is the company's fault (defective, "
             "damaged, wrong item).")
    return_location_id = fields.Many2one(
        'stock.location', string="Return Location", check_company=True,
        domain="[('usage', '=', 'internal')]",
        help="Where the goods of the lines this rule decides come back to (e.g. a refurbishing centre), "
             "instead of the return location of the delivery's warehouse.")

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_finite_numbers(self, vals)
        rules = super().create(vals_list)
        self.env.registry.clear_cache()
        return rules

    def write(self, vals):
        check_finite_numbers(self, vals)
        result = super().write(vals)
        if vals.keys() & RULE_ORDER_FIELDS:
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains('days_since_delivery_min', 'days_since_delivery_max', 'value_min', 'value_max',
                    'restocking_fee_percent', 'customer_return_rate_max')
    def _check_numbers(self):
        for rule in self:
            numbers = (rule.days_since_delivery_min, rule.days_since_delivery_max, rule.value_min, rule.value_max,
                       rule.restocking_fee_percent, rule.customer_return_rate_max)
            if any(not math.isfinite(number) or number < 0 for number in numbers):
                raise ValidationError(self.env._(
                    "Rule %(name)s: days, values and fees cannot be negative.", name=rule.name))
            if rule.restocking_fee_percent > 100 or rule.customer_return_rate_max > 100:
                raise ValidationError(self.env._(
                    "Rule %(name)s: the restocking fee and the return rate are percentages, between 0 and 100.",
                    name=rule.name))
            for low, high in ((rule.days_since_delivery_min, rule.days_since_delivery_max),
                              (rule.value_min, rule.value_max)):
                if high and low > high:
                    raise ValidationError(self.env._(
                        "Rule %(name)s: a minimum cannot be above its maximum.", name=rule.name))

    @api.constrains('action', 'message')
    def _check_message(self):
        for rule in self:
            if rule.action == 'refuse' and not (rule.message or '').strip():
                raise ValidationError(self.env._(
                    "Rule %(name)s refuses requests: give the message the customer reads.", name=rule.name))

    @api.constrains('action', 'keep_goods', 'return_location_id', 'restocking_fee_percent')
    def _check_outcome(self):
        for rule in self:
            if rule.action == 'refuse' and (rule.keep_goods or rule.return_location_id or rule.restocking_fee_percent):
                raise ValidationError(self.env._(
                    "Rule %(name)s refuses requests: it cannot also keep the goods, charge a fee or choose where "
                    "goods come back.", name=rule.name))
            if rule.keep_goods and rule.return_location_id:
                raise ValidationError(self.env._(
                    "Rule %(name)s lets the customer keep the goods: they come back nowhere, remove the return "
                    "location.", name=rule.name))

    @api.constrains('domain')
    def _check_domain(self):
        for rule in self:
            rule._get_line_domain()

    def _get_line_domain(self):
        """The rule's domain on return lines, parsed and checked (a clear error when it is not one)."""
        self.ensure_one()
        Line = self.env['customer.return.line']
        try:
            value = ast.literal_eval((self.domain or '').strip() or '[]')
            if not isinstance(value, (list, tuple)):
                raise ValueError(self.domain)
            # the fields and operators checked as filtered_domain will read them
            domain = Domain(value).optimize(Line)
        except (UserError, ValueError, TypeError, SyntaxError, KeyError, MemoryError, RecursionError) as error:
            raise ValidationError(self.env._(
                "Rule %(name)s: the lines it is about are not a valid filter of return lines (%(error)s).",
                name=self.name, error=error)) from None
        return domain

    # ------------------------------------------------------------------
    # Matching
    # ------------------------------------------------------------------
    @api.model
    @tools.ormcache('company_id')
    def _get_active_rule_ids(self, company_id):
        """Ids of the active rules of a company, in order: read at every submission, cached
        until a rule is created, deleted, reordered, archived or moved to another company."""
        rules = self.sudo().with_context(active_test=True).search([('company_id', '=', company_id)])
        return tuple(rules.ids)

    @api.model
    def _match_lines(self, lines):
        """{return line: rule deciding it} (rules as superuser: the company's policy applies
        whoever submits). Lines no rule matches are left out: they are reviewed.

        Each rule filters the lines still undecided once (one ``filtered_domain`` per rule),
        then its figures are compared in memory: the cost does not grow with the lines. The
        figures are read once, and only when a rule asks for them."""
        decisions = {}
        facts = {}
        for company, company_lines in lines.grouped('company_id').items():
            undecided = company_lines
            for rule in self.sudo().browse(self._get_active_rule_ids(company.id)):
                rule._complete_facts(lines, facts)
                matched = rule._select_lines(undecided, facts)
                decisions.update(dict.fromkeys(matched, rule))
                undecided -= matched
                if not undecided:
                    break
        return decisions

    def _complete_facts(self, lines, facts):
        """Add to ``facts`` the figures of ``lines`` this rule compares, once: the days since
        delivery and values (``figures``), the customers' return rates (``customer_rates``)."""
        self.ensure_one()
        if self._needs_figures() and 'figures' not in facts:
            facts['figures'] = self._get_line_facts(lines)
        if self.customer_return_rate_max and 'customer_rates' not in facts:
            facts['customer_rates'] = self._get_customer_rates(lines)
        return facts

    def _needs_figures(self):
        self.ensure_one()
        return bool(self.days_since_delivery_min or self.days_since_delivery_max or self.value_min or self.value_max)

    def _select_lines(self, lines, facts):
        """The ``lines`` (in their own environment) all this rule's conditions hold for."""
        self.ensure_one()
        domain = self._get_line_domain()
        candidates = lines.sudo().filtered_domain(domain) if not domain.is_true() else lines.sudo()
        if self.channel:
            candidates = candidates.filtered(lambda line: line.return_id.channel == self.channel)
        if self._needs_figures():
            candidates = candidates.filtered(lambda line: self._match_figures(*facts['figures'][line.id]))
        if self.customer_return_rate_max:
            rates = facts['customer_rates']
            candidates = candidates.filtered(
                lambda line: float_compare(rates[line.id], self.customer_return_rate_max, precision_digits=2) <= 0)
        return candidates.with_env(lines.env)  # (unsaved lines too: the portal's preview)

    def _match_figures(self, days, value):
        """Whether the days since delivery and the value of a line are within this rule's limits
        (0: no limit; a line never delivered matches no limit on days)."""
        if self.days_since_delivery_min or self.days_since_delivery_max:
            if days is None or days < self.days_since_delivery_min \
                    or (self.days_since_delivery_max and days > self.days_since_delivery_max):
                return False
        currency = self.company_currency_id
        if self.value_min and currency.compare_amounts(value, self.value_min) < 0:
            return False
        if self.value_max and currency.compare_amounts(value, self.value_max) > 0:
            return False
        return True

    @api.model
    def _get_line_facts(self, lines):
        """{line id: (days from the delivery to the request or None, value in the company's
        currency)}. The delivery date is the one the return window is checked against."""
        rates = {}
        facts = {}
        for line in lines.sudo():
            company = line.company_id
            date_request = line.return_id.date_request or fields.Date.context_today(self)
            currency = line.sale_line_id.currency_id or company.currency_id
            key = (currency, company, date_request)
            if key not in rates:
                rates[key] = self.env['res.currency']._get_conversion_rate(
                    currency, company.currency_id, company, date_request)
            days = (date_request - line.date_delivered).days if line.date_delivered else None
            facts[line.id] = (days, company.currency_id.round(line._get_unit_value() * line.quantity * rates[key]))
        return facts

    @api.model
    def _get_customer_rates(self, lines):
        """{line id: the return rate of its customer in its company, in percent}: one figure per
        customer and company (res.partner._get_customer_return_rates)."""
        rates = {}
        lines = lines.sudo()
        for company, company_lines in lines.grouped('company_id').items():
            per_customer = company_lines.return_id.partner_id._get_customer_return_rates(company)
            for line in company_lines:
                rates[line.id] = per_customer.get(line.return_id.partner_id.commercial_partner_id, 0.0)
        return rates

    def _prepare_line_decision(self, line):
        """Values of ``line`` this rule decides (``self`` empty: no rule decides it): the rule,
        whether the customer keeps the goods (lines to refund or replace only), the restocking
        fee (never when the company is at fault, unless the rule says so) and where the goods
        come back to."""
        if not self:
            return {'rule_id': False, 'keep_goods': False, 'restocking_fee_percent': 0.0, 'return_location_id': False}
        self.ensure_one()
        keep = self.keep_goods and line.disposition in KEEP_GOODS_DISPOSITIONS
        charged = self.fee_on_defective or not line.reason_id.is_company_fault
        return {
            'rule_id': self.id,
            'keep_goods': keep,
            'restocking_fee_percent': self.restocking_fee_percent if charged else 0.0,
            'return_location_id': self.return_location_id.id if not keep else False,
        }

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_test_rule(self):
        """Pick a return line and see which rule decides it."""
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'name': self.env._("Test the Return Rules"),
            'res_model': 'customer.return.rule.test',
            'view_mode': 'form',
            'target': 'new',
            'context': {'default_tested_rule_id': self.id},
        }
