"""Return policy rules at submission: the company's rules decide each line of the request.

A line a rule refuses stops the submission, with the rule's message, before anything is written.
Otherwise each line records the rule that decided it, and a case whose every line a rule
approves at once (and that meets the return conditions) is approved by the system.
"""
from odoo import SUPERUSER_ID, models
from odoo.exceptions import UserError


class CustomerReturn(models.Model):
    _inherit = 'customer.return'

    def _match_return_rules(self):
        """{line: rule deciding it} for the lines of these cases (rules as superuser); lines no
        rule matches are left out: they are reviewed."""
        return self.env['customer.return.rule']._match_lines(self.line_ids)

    def _apply_return_rules(self):
        """Let the rules decide the lines of these cases being submitted: refuse (nothing is
        written), or record on each line the rule that decided it."""
        decisions = self._match_return_rules()
        self._check_refused_by_rules(decisions)
        lines_per_rule = {}
        for line in self.line_ids:
            rule = decisions.get(line)
            lines_per_rule.setdefault(rule, line.browse())
            lines_per_rule[rule] |= line
        for rule, lines in lines_per_rule.items():
            # Lines submitted again forget the rule of their earlier request.
            lines = lines if rule else lines.filtered('rule_id')
            if lines:
                lines._process_write({'rule_id': rule.id if rule else False})

    def _check_refused_by_rules(self, decisions):
        """Refuse the submission when a rule refuses a line: the customer reads the rule's message;
        staff also read which rule refused which products."""
        refused = {}
        for line, rule in decisions.items():
            if rule.action == 'refuse':
                refused.setdefault(rule, []).append(line)
        if not refused:
            return
        internal = not self.env.su and self.env.user._is_internal()
        messages = []
        for rule, lines in refused.items():
            if internal:
                messages.append(self.env._(
                    "%(message)s (return rule %(rule)s: %(products)s)", message=rule.message, rule=rule.name,
                    products=", ".join(line.product_id.display_name for line in lines)))
            else:
                messages.append(rule.message)
        raise UserError("\n".join(messages))

    def action_submit(self):
        result = super().action_submit()
        self._approve_by_return_rules()
        return result

    def _approve_by_return_rules(self):
        """Approve at once the submitted cases whose every line a rule approves at once, and log
        which rules decided each case (the rule's name stays in the chatter if it is deleted)."""
        bodies = {}
        for case in self:
            lines = case.line_ids.sudo()  # the company's rules, whoever submits
            if not lines.rule_id:
                continue
            names = ", ".join(lines.rule_id.mapped('name'))
            auto = all(line.rule_id.action == 'auto_approve' for line in lines)
            if not auto:
                bodies[case.id] = self.env._("To review, as the return rules decided: %(rules)s.", rules=names)
            elif not case.is_eligible:
                bodies[case.id] = self.env._(
                    "The return rules %(rules)s approve this request at once, but it does not meet the return "
                    "conditions: it is reviewed.", rules=names)
            else:
                bodies[case.id] = case._approve_as_system(names)
        if bodies:
            self._message_log_batch(bodies=bodies)

    def _approve_as_system(self, rule_names):
        """Approve this case through the approval of the approvers, by the system (no approver
        group needed): the message to log. Where the approval fails (the goods cannot be
        allocated to the deliveries...), the case stays to review."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self.with_company(self.company_id).with_user(SUPERUSER_ID).action_approve()
        except UserError as error:
            return self.env._(
                "The return rules %(rules)s approve this request at once, but the approval failed: %(error)s "
                "It is reviewed.", rules=rule_names, error=str(error))
        return self.env._("Approved by the return rules: %(rules)s.", rules=rule_names)
