"""Return policy rules at submission: the company's rules decide each line of the request.

A line a rule refuses stops the submission, with the rule's message, before anything is written.
Otherwise each line records the rule that decided it, and a case whose every line a rule
approves at once (and that meets the return conditions) is approved by the system.
"""
from collections import defaultdict

from odoo import SUPERUSER_ID, models
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang

from odoo.addons.customer_complaint_return.const import CREDITED_DISPOSITIONS


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
        Rule = self.env['customer.return.rule']
        lines_per_values = defaultdict(lambda: self.env['customer.return.line'])
        for line in self.line_ids:
            values = decisions.get(line, Rule)._prepare_line_decision(line)
            lines_per_values[tuple(sorted(values.items()))] |= line
        for values, lines in lines_per_values.items():
            values = dict(values)
            if not values['rule_id']:
                # Lines submitted again forget the decision of their earlier request.
                lines = lines.filtered(lambda line: line.rule_id or line.keep_goods or line.restocking_fee_percent
                                       or line.return_location_id)
            if lines:
                lines._process_write(values)

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

    # ------------------------------------------------------------------
    # What the customer reads before submitting (the portal's return form)
    # ------------------------------------------------------------------
    def _preview_rule_outcomes(self):
        """{line: outcome} the return rules give the lines of this request (saved or not) that ask
        for something, as submitting it would: ``action`` (approve at once, review, refuse),
        ``refused`` (the rule's message, or False), ``keep_goods``, ``fee_percent`` and ``fee``
        (in the order's currency), ``location`` (where the goods go, or empty) and ``summary``,
        the outcome in the customer's words. Nothing is written."""
        self.ensure_one()
        lines = self.line_ids.filtered(lambda line: line.product_uom_id.compare(line.quantity, 0.0) > 0)
        decisions = self.env['customer.return.rule']._match_lines(lines)
        return {line: self._describe_outcome(line, decisions.get(line, self.env['customer.return.rule']))
                for line in lines}

    def _describe_outcome(self, line, rule):
        decision = rule._prepare_line_decision(line)
        action = rule.action or 'review'
        outcome = {
            'action': action,
            'refused': rule.message if action == 'refuse' else False,
            'keep_goods': decision['keep_goods'],
            'fee_percent': decision['restocking_fee_percent'] if line.disposition in CREDITED_DISPOSITIONS else 0.0,
            'location': rule.return_location_id if decision['return_location_id'] else rule.return_location_id.browse(),
        }
        currency = line.currency_id or line.company_id.currency_id
        outcome['fee'] = currency.round(outcome['fee_percent'] / 100.0 * line._get_unit_value() * line.quantity)
        outcome['summary'] = outcome['refused'] or self._outcome_summary(line, outcome, currency)
        return outcome

    def _outcome_summary(self, line, outcome, currency):
        """The outcome of ``line`` in the customer's words."""
        env = self.env
        if line.disposition == 'exchange' and line.exchange_product_id:
            parts = [env._("Exchange for %(product)s", product=line.exchange_product_id.display_name)]
        else:
            parts = [dict(line._fields['disposition']._description_selection(env)).get(line.disposition, '')]
        if outcome['action'] == 'auto_approve':
            parts.append(env._("approved at once"))
        else:
            parts.append(env._("reviewed by our team"))
        if outcome['keep_goods']:
            parts.append(env._("keep the goods, no need to send them back"))
        elif outcome['location']:
            warehouse = outcome['location'].warehouse_id
            address = warehouse.partner_id._display_address(without_company=False) if warehouse.partner_id else ''
            place = ", ".join(part.strip(' ,') for part in address.split('\n') if part.strip(' ,'))
            parts.append(env._("send the goods to %(place)s",
                               place=place or warehouse.name or outcome['location'].name))
        if outcome['fee']:
            parts.append(env._("restocking fee %(percent)s%% (%(amount)s) deducted",
                               percent=f"{outcome['fee_percent']:g}",
                               amount=formatLang(env, outcome['fee'], currency_obj=currency)))
        return ", ".join(part for part in parts if part)
