"""The customer chooses the resolution of each returned line among those the return rule allows.

The rule that decides a line as its return reason suggests (the reason's default disposition)
lists the resolutions the customer may choose instead (``allowed_resolution_ids``; empty: the
reason's suggestion only, as before). The portal offers them per line, the preview tells the
outcome of the chosen one, and the submission refuses any other before anything is written.
Agents in the back office keep choosing any disposition their rights allow.
"""
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class CustomerReturnRule(models.Model):
    _inherit = 'customer.return.rule'

    allowed_resolution_ids = fields.Many2many(
        'customer.return.resolution', 'customer_return_rule_resolution_rel', 'rule_id', 'resolution_id',
        string="Customer May Choose",
        help="Resolutions the customer may choose on the portal for the lines this rule decides, instead of the "
             "one the return reason suggests. Empty: the reason's suggestion only.")

    @api.constrains('action', 'allowed_resolution_ids')
    def _check_allowed_resolutions(self):
        for rule in self:
            if rule.action == 'refuse' and rule.allowed_resolution_ids:
                raise ValidationError(self.env._(
                    "Rule %(name)s refuses requests: the customer has no resolution to choose.", name=rule.name))

    def _get_resolution_codes(self, line):
        """The dispositions the customer may choose for ``line``, which this rule decides with
        the disposition its reason suggests: that one first, then the rule's, in order."""
        self.ensure_one()
        default = line._get_suggested_disposition()
        if self.action == 'refuse':
            return [default]
        return [default] + [code for code in self.allowed_resolution_ids.mapped('code')
                            if code != default and line._can_be_resolved_as(code)]

    def _get_store_credit_bonus_for(self, line):
        """Bonus (%) of store credit for ``line`` decided by this rule (empty: no rule): the
        rule's own, else the company's, as the credited line gets it."""
        return (self.store_credit_bonus_percent if self else 0.0) \
            or line.company_id.return_store_credit_bonus_percent


class CustomerReturnLine(models.Model):
    _inherit = 'customer.return.line'

    def _get_suggested_disposition(self):
        """The disposition the return reason suggests (a refund without one)."""
        self.ensure_one()
        return self.return_id.reason_id.default_disposition or 'refund'

    def _can_be_resolved_as(self, disposition):
        """Whether the customer may ask for ``disposition`` on this line: an exchange on the
        portal is for another variant of the product, so the product needs one."""
        self.ensure_one()
        if disposition != 'exchange':
            return True
        return bool(self.product_id.product_tmpl_id.product_variant_ids.filtered(
            lambda variant: variant != self.product_id and variant.sale_ok and variant.active))


class CustomerReturn(models.Model):
    _inherit = 'customer.return'

    def _get_resolution_choices(self):
        """{line: {'default', 'codes', 'bonus'}} for the lines of this request (saved or not)
        that ask for something and whose customer has a choice: the disposition the reason
        suggests (first), then those the rule deciding the line (with the suggested
        disposition) lets the customer choose, in the resolutions' order; ``bonus``: the store
        credit bonus (%) of that rule or the company. The lines must carry the suggested
        disposition: it is what the rules match."""
        self.ensure_one()
        lines = self.line_ids.filtered(lambda line: line.product_uom_id.compare(line.quantity, 0.0) > 0)
        choices = {}
        for line, rule in self.env['customer.return.rule']._match_lines(lines).items():
            codes = rule._get_resolution_codes(line) if rule.allowed_resolution_ids else []
            if len(codes) > 1:
                choices[line] = {'default': codes[0], 'codes': codes, 'bonus': rule._get_store_credit_bonus_for(line)}
        return choices

    def _check_customer_resolutions(self, chosen):
        """Refuse, naming each product, the dispositions of ``chosen`` ({line: disposition the
        customer asked for}) that the rules do not let the customer choose (see
        ``_get_resolution_choices``). What the customer sent is never repeated."""
        self.ensure_one()
        choices = self._get_resolution_choices()
        labels = self.env['customer.return.resolution']._get_labels()
        problems = []
        for line, disposition in chosen.items():
            allowed = choices[line]['codes'] if line in choices else [line._get_suggested_disposition()]
            if disposition not in allowed:
                problems.append(self.env._(
                    "%(product)s: this resolution cannot be chosen; you may choose %(choices)s.",
                    product=line.product_id.display_name,
                    choices=", ".join(labels.get(code, code) for code in allowed)))
        if problems:
            raise UserError("\n".join(problems))

    def _describe_outcome(self, line, rule):
        outcome = super()._describe_outcome(line, rule)
        bonus = rule._get_store_credit_bonus_for(line) if line.disposition == 'store_credit' else 0.0
        if bonus and not outcome['refused']:
            # The customer chose store credit for its bonus: the preview says it.
            outcome['summary'] += ", " + self.env._("store credit bonus %(percent)s%%", percent=f"{bonus:g}")
        return outcome
