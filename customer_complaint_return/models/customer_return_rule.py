"""Return policy rules: the company's own rules decide each line of a return request.

Rules are read in order (sequence, id); the first one whose conditions all hold decides the line:
approve at once, review, or refuse. A line no rule matches is reviewed.
"""
import ast
import math

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain

from odoo.addons.customer_complaint_return.const import CHANNELS
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

    # ------------------------------------------------------------------
    # Decision
    # ------------------------------------------------------------------
    action = fields.Selection(RULE_ACTIONS, string="Decision", required=True, default='review')
    message = fields.Text(
        translate=True, help="Shown to the customer when this rule refuses a request.")
    # Later: what happens to the goods and the refund (stored now, applied by a later version).
    keep_goods = fields.Boolean(
        string="Customer Keeps the Goods",
        help="Refund without taking the goods back (not applied yet).")
    restocking_fee_percent = fields.Float(
        string="Restocking Fee (%)",
        help="Share of the refund kept as a restocking fee (not applied yet).")
    fee_on_defective = fields.Boolean(
        string="Fee on Defective Goods Too",
        help="Charge the restocking fee also on goods declared damaged or defective (not applied yet).")
    return_location_id = fields.Many2one(
        'stock.location', string="Return Location", check_company=True,
        domain="[('usage', '=', 'internal')]",
        help="Where the goods of the lines this rule decides come back to (not applied yet).")

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
                    'restocking_fee_percent')
    def _check_numbers(self):
        for rule in self:
            numbers = (rule.days_since_delivery_min, rule.days_since_delivery_max, rule.value_min, rule.value_max,
                       rule.restocking_fee_percent)
            if any(not math.isfinite(number) or number < 0 for number in numbers):
                raise ValidationError(self.env._(
                    "Rule %(name)s: days, values and fees cannot be negative.", name=rule.name))
            if rule.restocking_fee_percent > 100:
                raise ValidationError(self.env._(
                    "Rule %(name)s: the restocking fee is a percentage, between 0 and 100.", name=rule.name))
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
        then its figures are compared in memory: the cost does not grow with the lines."""
        decisions = {}
        facts = None
        for company, company_lines in lines.grouped('company_id').items():
            undecided = company_lines
            for rule in self.sudo().browse(self._get_active_rule_ids(company.id)):
                if facts is None and rule._needs_figures():
                    facts = self._get_line_facts(lines)
                matched = rule._select_lines(undecided, facts)
                decisions.update(dict.fromkeys(matched, rule))
                undecided -= matched
                if not undecided:
                    break
        return decisions

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
            candidates = candidates.filtered(lambda line: self._match_figures(*facts[line.id]))
        return lines.browse(candidates.ids)

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
            sale_line = line.sale_line_id
            company = line.company_id
            date_request = line.return_id.date_request or fields.Date.context_today(self)
            currency = sale_line.currency_id or company.currency_id
            key = (currency, company, date_request)
            if key not in rates:
                rates[key] = self.env['res.currency']._get_conversion_rate(
                    currency, company.currency_id, company, date_request)
            amount = sale_line.price_unit * (1.0 - (sale_line.discount or 0.0) / 100.0) * line.quantity
            days = (date_request - line.date_delivered).days if line.date_delivered else None
            facts[line.id] = (days, company.currency_id.round(amount * rates[key]))
        return facts

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
