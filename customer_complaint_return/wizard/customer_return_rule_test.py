from odoo import api, fields, models

from odoo.addons.customer_complaint_return.models.customer_return_rule import RULE_ACTIONS


class CustomerReturnRuleTest(models.TransientModel):
    _name = 'customer.return.rule.test'
    _description = "Test the Return Rules on a Return Line"

    line_id = fields.Many2one('customer.return.line', string="Return Line", required=True)
    tested_rule_id = fields.Many2one('customer.return.rule', string="Tested Rule", readonly=True)
    rule_id = fields.Many2one(
        'customer.return.rule', string="Deciding Rule", compute='_compute_decision',
        help="The first active rule, by sequence, whose conditions all hold for the line.")
    action = fields.Selection(RULE_ACTIONS, string="Decision", compute='_compute_decision')
    tested_rule_matches = fields.Boolean(
        string="Tested Rule Matches", compute='_compute_decision',
        help="The conditions of the tested rule hold for the line, whether or not an earlier rule decides it.")
    note = fields.Char(compute='_compute_decision')
    outcome = fields.Char(
        compute='_compute_decision', help="What the customer reads about this line: the decision, whether they "
                                          "keep the goods, the restocking fee, where to send the goods.")

    @api.depends('line_id', 'tested_rule_id')
    def _compute_decision(self):
        Rule = self.env['customer.return.rule']
        for wizard in self:
            line = wizard.line_id
            rule = Rule._match_lines(line).get(line, Rule) if line else Rule
            tested = wizard.tested_rule_id
            wizard.rule_id = rule
            wizard.action = rule.action if rule else ('review' if line else False)
            wizard.tested_rule_matches = bool(line and tested and tested._select_lines(
                line, tested._complete_facts(line, {})))
            wizard.note = wizard._describe(line, rule, tested)
            wizard.outcome = line.return_id._describe_outcome(line, rule)['summary'] if line else False

    def _describe(self, line, rule, tested):
        if not line:
            return False
        if not rule:
            return self.env._("No rule matches this line: it is reviewed.")
        if tested and tested != rule and self.tested_rule_matches:
            return self.env._(
                "%(tested)s matches this line, but %(rule)s comes first and decides it.",
                tested=tested.name, rule=rule.name)
        return self.env._("%(rule)s decides this line.", rule=rule.name)
