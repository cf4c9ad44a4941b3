"""Return policy rules: the company's own rules decide each line of a return request at its
submission (approve at once, review, refuse), on real orders delivered and invoiced."""
from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import tagged
from odoo.tests.common import JsonRpcException, users, warmup

import portal_common
import return_common


class RuleCommon(return_common.ReturnCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rule = cls.env['customer.return.rule']

    @classmethod
    def _rule(cls, name, action='review', **values):
        return cls.env['customer.return.rule'].create({
            'name': name, 'action': action, 'company_id': cls.company.id, **values})

    def _submit_refused(self, case, user=None):
        """Submit ``case`` as ``user`` expecting a refusal; no savepoint rolls anything back
        here: what the submission wrote before refusing would stay."""
        try:
            case.with_user(user or self.user_agent_1).action_submit()
        except UserError as error:
            self.env.flush_all()
            return str(error)
        self.fail("the submission was not refused")

    def _deliver_days_ago(self, order, days):
        order.picking_ids.move_ids.write({'date': fields.Datetime.now() - timedelta(days=days)})

    def _decision(self, case):
        """{sale line: rule} the rules give the lines of ``case``."""
        return {line.sale_line_id: rule for line, rule in case._match_return_rules().items()}


@tagged('post_install', '-at_install')
class TestReturnPolicyRules(RuleCommon):

    # ------------------------------------------------------------------
    # Decisions at submission, on real documents
    # ------------------------------------------------------------------
    def test_damaged_goods_under_a_value_are_approved_at_once(self):
        rule = self._rule("Damaged under 200", 'auto_approve',
                          domain="[('condition', 'in', ['damaged', 'defective'])]", value_max=200)
        case = self._create_return({self.sale_line_chair: 1})  # 150.0, declared damaged
        self.assertFalse(self.user_agent_1.has_group(return_common.GROUP_APPROVER))
        case.with_user(self.user_agent_1).action_submit()
        self.assertEqual(case.state, 'approved')
        self.assertEqual(case.approved_user_id.id, SUPERUSER_ID)
        self.assertEqual(case.line_ids.rule_id, rule)
        self.assertEqual(case.line_ids.qty_approved, 1.0)
        receipt = case.picking_ids
        self.assertEqual(len(receipt), 1)
        self.assertEqual(receipt.move_ids.product_id, self.product_chair)
        self.assertEqual(receipt.move_ids.product_uom_qty, 1.0)
        self.assertEqual(receipt.move_ids.origin_returned_move_id, self.delivery.move_ids)
        self.assertTrue(case.message_ids.filtered(
            lambda message: "Approved by the return rules: Damaged under 200." in message.body))
        # the customer heard of the submission and of the approval
        subjects = case.message_ids.filtered(lambda m: m.message_type == 'comment').mapped('subject')
        self.assertEqual(len(subjects), 2)

    def test_review_rule_leaves_the_case_to_approve(self):
        rule = self._rule("Everything to review", 'review')
        case = self._create_return({self.sale_line_chair: 1})
        case.with_user(self.user_agent_1).action_submit()
        self.assertEqual(case.state, 'to_approve')
        self.assertEqual(case.line_ids.rule_id, rule)
        self.assertFalse(case.picking_ids)
        self.assertTrue(case.message_ids.filtered(lambda message: "Everything to review" in message.body))
        case.with_user(self.user_approver).action_approve()
        self.assertEqual(case.state, 'approved')

    def test_no_rule_means_review(self):
        case = self._create_return({self.sale_line_chair: 1})
        case.with_user(self.user_agent_1).action_submit()
        self.assertEqual(case.state, 'to_approve')
        self.assertFalse(case.line_ids.rule_id)

    def test_refuse_rule_stops_the_submission_and_writes_nothing(self):
        rule = self._rule("No used goods", 'refuse', domain="[('condition', '=', 'used')]",
                          message="Used goods cannot be returned.")
        self._rule("Approve the rest", 'auto_approve', sequence=20)
        case = self._create_return({self.sale_line_chair: 2})
        case.line_ids.condition = 'used'
        messages = len(case.message_ids)
        error = self._submit_refused(case)
        self.assertIn("Used goods cannot be returned.", error)
        self.assertIn(rule.name, error, "staff read which rule refused")
        self.assertEqual(case.state, 'draft')
        self.assertFalse(case.date_submitted)
        self.assertFalse(case.picking_ids)
        self.assertFalse(case.line_ids.rule_id)
        self.assertEqual(len(case.message_ids), messages)
        # the customer's reading: the message only
        error = self._submit_refused(case, user=self.env.ref('base.user_root'))
        self.assertEqual(error, "Used goods cannot be returned.")
        # once the goods are declared differently, the next rule decides
        case.line_ids.condition = 'opened'
        case.with_user(self.user_agent_1).action_submit()
        self.assertEqual(case.state, 'approved')

    def test_first_matching_rule_by_sequence_decides(self):
        review = self._rule("Review damaged", 'review', sequence=5, domain="[('condition', '=', 'damaged')]")
        approve = self._rule("Approve all", 'auto_approve', sequence=10)
        case = self._create_return({self.sale_line_chair: 1})
        case.with_user(self.user_agent_1).action_submit()
        self.assertEqual((case.state, case.line_ids.rule_id), ('to_approve', review))
        # the handle reorders the rules: the cached order follows
        approve.sequence = 1
        second = self._create_return({self.sale_line_chair: 1})
        second.with_user(self.user_agent_1).action_submit()
        self.assertEqual((second.state, second.line_ids.rule_id), ('approved', approve))

    def test_a_case_is_approved_only_when_every_line_is(self):
        order = self._create_delivered_invoiced_order(
            self.customer, [(self.product_chair, 2, 150.0), (self.product_desk, 2, 420.0)])
        chair, desk = order.order_line
        approve = self._rule("Chairs at once", 'auto_approve', domain=f"[('product_id', '=', {self.product_chair.id})]")
        case = self._create_return({chair: 1, desk: 1}, order=order)
        case.with_user(self.user_agent_1).action_submit()
        self.assertEqual(case.state, 'to_approve')
        self.assertEqual(case.line_ids.mapped('rule_id'), approve)
        self.assertEqual(self._decision(case), {chair: approve})

    def test_not_eligible_cases_are_reviewed_whatever_the_rules(self):
        self._rule("Approve all", 'auto_approve')
        old_order = self._create_delivered_invoiced_order(self.customer, [(self.product_desk, 1, 420.0)])
        self._deliver_days_ago(old_order, 45)  # beyond the 30 days of the return window
        case = self._create_return({old_order.order_line: 1}, order=old_order)
        case.with_user(self.user_agent_1).action_submit()
        self.assertEqual(case.state, 'to_approve')
        self.assertTrue(case.message_ids.filtered(lambda message: "does not meet the return conditions" in message.body))

    def test_failed_approval_leaves_the_case_to_review(self):
        self._rule("Approve all", 'auto_approve')
        case = self._create_return({self.sale_line_chair: 1})
        Return = type(self.env['customer.return'])
        with patch.object(Return, 'action_approve', side_effect=UserError("No receipt today.")):
            case.with_user(self.user_agent_1).action_submit()
        self.assertEqual(case.state, 'to_approve')
        self.assertFalse(case.picking_ids)
        self.assertTrue(case.message_ids.filtered(
            lambda message: "the approval failed: No receipt today." in message.body))

    def test_a_new_submission_is_decided_again(self):
        rule = self._rule("Review all", 'review')
        case = self._create_return({self.sale_line_chair: 1})
        case.with_user(self.user_agent_1).action_submit()
        self.assertEqual(case.line_ids.rule_id, rule)
        case.with_user(self.user_agent_1)._cancel("Customer called back")
        case.with_user(self.user_agent_1).action_draft()
        rule.active = False
        case.with_user(self.user_agent_1).action_submit()
        self.assertEqual(case.state, 'to_approve')
        self.assertFalse(case.line_ids.rule_id)

    # ------------------------------------------------------------------
    # Conditions
    # ------------------------------------------------------------------
    def test_value_condition_boundaries(self):
        rule = self._rule("150 to 300", 'auto_approve', value_min=150, value_max=300)
        for quantity, matches in ((1, True), (2, True), (3, False)):  # 150, 300, 450
            with self.subTest(quantity=quantity):
                case = self._create_return({self.sale_line_chair: quantity})
                self.assertEqual(self._decision(case), {self.sale_line_chair: rule} if matches else {})
        rule.value_min = 151
        case = self._create_return({self.sale_line_chair: 1})
        self.assertEqual(self._decision(case), {})

    def test_value_is_after_discount_in_company_currency(self):
        rule = self._rule("Up to 100", 'auto_approve', value_max=100)
        eur = self.setup_other_currency('EUR')  # 2 EUR for 1 of the company's currency
        self.assertNotEqual(eur, self.company.currency_id)
        pricelist = self.env['product.pricelist'].create({'name': "EUR", 'currency_id': eur.id})
        self._put_in_stock(self.product_desk, 2)
        order = self.env['sale.order'].create({
            'partner_id': self.customer.id,
            'pricelist_id': pricelist.id,
            'order_line': [Command.create({
                'product_id': self.product_desk.id, 'product_uom_qty': 2, 'price_unit': 400.0, 'discount': 50.0})],
        })
        order.action_confirm()
        self._validate_delivery(order)
        self.assertEqual(order.currency_id, eur)
        # one desk: 400 EUR less 50% is 200 EUR, 100.0 in the company's currency
        one = self._create_return({order.order_line: 1}, order=order)
        self.assertEqual(self._decision(one), {order.order_line: rule})
        two = self._create_return({order.order_line: 2}, order=order)
        self.assertEqual(self._decision(two), {})

    def test_days_since_delivery_boundaries(self):
        rule = self._rule("5 to 10 days", 'auto_approve', days_since_delivery_min=5, days_since_delivery_max=10)
        for days, matches in ((4, False), (5, True), (10, True), (11, False)):
            with self.subTest(days=days):
                self._deliver_days_ago(self.order, days)
                self.env.invalidate_all()
                case = self._create_return({self.sale_line_chair: 1})
                self.assertEqual(case.line_ids.date_delivered, fields.Date.context_today(case) - timedelta(days=days))
                self.assertEqual(self._decision(case), {self.sale_line_chair: rule} if matches else {})

    def test_channel_condition(self):
        rule = self._rule("Portal requests", 'auto_approve', channel='portal')
        phone = self._create_return({self.sale_line_chair: 1}, channel='phone')
        portal = self._create_return({self.sale_line_chair: 1}, channel='portal')
        self.assertEqual(self._decision(phone), {})
        self.assertEqual(self._decision(portal), {self.sale_line_chair: rule})

    def test_rules_of_another_company_never_apply(self):
        other = self.setup_other_company()['company']
        self.env['customer.return.rule'].sudo().create({
            'name': "Other company approves all", 'action': 'auto_approve', 'sequence': 1, 'company_id': other.id})
        self.env['customer.return.rule'].sudo().create({
            'name': "Other company refuses all", 'action': 'refuse', 'message': "No", 'company_id': other.id})
        case = self._create_return({self.sale_line_chair: 1})
        case.with_user(self.user_agent_1).action_submit()
        self.assertEqual(case.state, 'to_approve')
        self.assertFalse(case.line_ids.rule_id)
        # and the agent of this company does not even see them
        self.assertFalse(self.env['customer.return.rule'].with_user(self.user_agent_1).search([]))

    def test_inactive_rules_are_ignored(self):
        rule = self._rule("Approve all", 'auto_approve')
        case = self._create_return({self.sale_line_chair: 1})
        self.assertEqual(self._decision(case), {self.sale_line_chair: rule})
        rule.active = False
        self.assertEqual(self._decision(case), {})
        case.with_user(self.user_agent_1).action_submit()
        self.assertEqual(case.state, 'to_approve')

    def test_default_rules_of_the_main_company(self):
        # the main company's, which the test user does not work in
        defective = self.env.ref('customer_complaint_return.return_rule_defective_small').sudo()
        opened = self.env.ref('customer_complaint_return.return_rule_opened_not_needed').sudo()
        rest = self.env.ref('customer_complaint_return.return_rule_everything_else').sudo()
        self.assertEqual((defective | opened | rest).company_id, self.env.ref('base.main_company'))
        self.assertEqual((defective.action, opened.action, rest.action), ('auto_approve', 'review', 'review'))
        self.assertEqual(opened.restocking_fee_percent, 10.0)
        self.assertEqual(self.Rule.sudo().search([('company_id', '=', defective.company_id.id)])[-1:], rest)
        for rule in defective | opened | rest:
            rule._get_line_domain()  # they parse

    # ------------------------------------------------------------------
    # Rights and guards
    # ------------------------------------------------------------------
    def test_only_managers_configure_rules(self):
        values = {'name': "Agent's rule", 'action': 'auto_approve', 'company_id': self.company.id}
        with self.assertRaises(AccessError):
            self.env['customer.return.rule'].with_user(self.user_agent_1).create(values)
        rule = self.env['customer.return.rule'].with_user(self.user_manager).create(values)
        for user in (self.user_agent_1, self.user_warehouse, self.user_finance):
            with self.subTest(user=user.login):
                self.assertEqual(rule.with_user(user).action, 'auto_approve')
                with self.assertRaises(AccessError):
                    rule.with_user(user).write({'action': 'review'})
                with self.assertRaises(AccessError):
                    rule.with_user(user).unlink()
        rule.with_user(self.user_manager).write({'action': 'review', 'sequence': 3})
        rule.with_user(self.user_manager).unlink()
        self.assertFalse(rule.exists())

    def test_rule_of_a_line_is_the_process(self):
        rule = self._rule("Approve all", 'auto_approve')
        case = self._create_return({self.sale_line_chair: 1})
        line = case.line_ids.with_user(self.user_agent_1)
        with self.assertRaises(AccessError):
            line.write({'rule_id': rule.id})
        with self.assertRaises(AccessError):
            self.env['customer.return.line'].with_user(self.user_agent_1).create({
                'return_id': case.id, 'sale_line_id': self.sale_line_chair.id, 'quantity': 1, 'rule_id': rule.id})
        self.assertFalse(case.line_ids.rule_id)

    def test_deleted_rule_leaves_its_name_in_the_chatter(self):
        rule = self._rule("Short-lived rule", 'review')
        case = self._create_return({self.sale_line_chair: 1})
        case.with_user(self.user_agent_1).action_submit()
        rule.with_user(self.user_manager).unlink()
        self.assertFalse(case.line_ids.rule_id)
        self.assertTrue(case.message_ids.filtered(lambda message: "Short-lived rule" in message.body))

    def test_hostile_values_are_refused(self):
        base = {'name': "Hostile", 'company_id': self.company.id}
        bad_values = [
            {'value_max': float('nan')}, {'value_min': float('inf')}, {'restocking_fee_percent': float('-inf')},
            {'restocking_fee_percent': 1e309}, {'days_since_delivery_max': float('nan')},
            {'restocking_fee_percent': -5}, {'restocking_fee_percent': 100.5}, {'value_min': -1},
            {'days_since_delivery_min': -3}, {'value_min': 300, 'value_max': 200},
            {'days_since_delivery_min': 20, 'days_since_delivery_max': 10},
            {'action': 'refuse'}, {'action': 'refuse', 'message': "   "},
            {'domain': "[('no_such_field', '=', 1)]"}, {'domain': "not a domain"},
            {'domain': "__import__('os').system('true')"}, {'domain': "{'a': 1}"},
            {'domain': "[('condition', 'no_such_operator', 'used')]"},
        ]
        for values in bad_values:
            with self.subTest(values=values), self.assertRaises(ValidationError):
                self.env['customer.return.rule'].with_user(self.user_manager).create(dict(base, **values))
        rule = self._rule("Fine", restocking_fee_percent=100, value_min=10, value_max=10)
        for values in bad_values:
            with self.subTest(write=values), self.assertRaises(ValidationError):
                rule.with_user(self.user_manager).write(values)
        self.assertEqual((rule.restocking_fee_percent, rule.value_min, rule.domain), (100.0, 10.0, '[]'))

    def test_test_wizard_tells_which_rule_decides(self):
        first = self._rule("Review damaged", 'review', sequence=1, domain="[('condition', '=', 'damaged')]")
        second = self._rule("Approve all", 'auto_approve', sequence=2)
        case = self._create_return({self.sale_line_chair: 1})
        action = second.with_user(self.user_manager).action_test_rule()
        wizard = self.env[action['res_model']].with_user(self.user_manager).with_context(action['context']).create(
            {'line_id': case.line_ids.id})
        self.assertEqual((wizard.tested_rule_id, wizard.rule_id, wizard.action), (second, first, 'review'))
        self.assertTrue(wizard.tested_rule_matches)
        self.assertIn("comes first", wizard.note)
        self.assertEqual(wizard.outcome, "Refund, reviewed by our team")
        self.assertFalse(case.line_ids.rule_id, "testing writes nothing")
        # a rule comparing figures and the customer's return rate, first, with a fee
        first.write({'domain': '[]', 'value_max': 500, 'customer_return_rate_max': 50, 'restocking_fee_percent': 20,
                     'action': 'auto_approve'})
        case.reason_id.is_company_fault = False
        wizard = self.env[action['res_model']].with_user(self.user_manager).with_context(action['context']).create(
            {'line_id': case.line_ids.id})
        self.assertEqual((wizard.rule_id, wizard.tested_rule_matches), (first, True))
        self.assertEqual(wizard.outcome, "Refund, approved at once, restocking fee 20% ($\xa030.00) deducted")


@tagged('post_install', '-at_install')
class TestReturnPolicyRulesPerformance(RuleCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        products = [cls._create_storable_product(f"Spare part {i}", 10.0 + i) for i in range(10)]
        cls.big_order = cls._create_delivered_invoiced_order(
            cls.customer, [(product, 3, 10.0 + i) for i, product in enumerate(products)])
        lines = cls.big_order.order_line
        # one unit of each: 10.0 to 19.0, all within the value limit of the rule deciding them
        cls.small_case = cls._create_return(cls, {line: 1 for line in lines[:2]}, order=cls.big_order)
        cls.big_case = cls._create_return(cls, {line: 1 for line in lines}, order=cls.big_order)
        cls._rule("Refuse used", 'refuse', domain="[('condition', '=', 'used')]", message="No used goods.")
        cls._rule("Recent and cheap", 'auto_approve', domain="[('product_id.name', 'ilike', 'spare')]",
                  days_since_delivery_max=10, value_max=20, channel='phone')
        cls._rule("Portal only", 'review', channel='portal')
        cls._rule("Everything else", 'review')
        cls.env.flush_all()

    @users('ccr_agent_1')
    @warmup
    def test_matching_costs_no_query_per_line(self):
        counts = {}
        for label, case in (('2 lines', self.small_case), ('10 lines', self.big_case)):
            case = self._fresh(case)
            # as at the submission, where the request's checks computed the delivered figures
            case.line_ids.mapped('date_delivered')
            # the rules (their ids are cached), the products' names their domain reads
            with self.assertQueryCount(ccr_agent_1=2):
                decisions = case._match_return_rules()
            counts[label] = len(decisions)
            self.assertEqual(set(decisions.values()), {self.env['customer.return.rule'].search(
                [('name', '=', "Recent and cheap")])})
        self.assertEqual(counts, {'2 lines': 2, '10 lines': 10})


@tagged('post_install', '-at_install')
class TestPortalReturnRules(portal_common.PortalCommon):
    """The portal's requests are submitted like any other: the same rules decide them."""

    def _portal_rule(self, name, action, **values):
        return self.env['customer.return.rule'].create({
            'name': name, 'action': action, 'company_id': self.company.id, **values})

    def test_refused_request_shows_the_message_and_creates_nothing(self):
        self._portal_rule("INTERNAL-no-used-goods", 'refuse', domain="[('condition', '=', 'used')]",
                          message="Used goods cannot be returned after unpacking")
        before = self._returns_of(self.order)
        self._login(self.portal_a)
        response = self._post('/my/returns/submit', self._return_form_data(
            self.order, {self.sale_line_chair: 1}, condition='used'))
        self.assertEqual(response.status_code, 200)
        self.assertIn('o_ccr_form_errors', response.text)
        self.assertInPage("Used goods cannot be returned after unpacking", response.text)
        self.assertNotInPage("INTERNAL-no-used-goods", response.text)
        self.assertEqual(self._returns_of(self.order), before)

    def test_request_approved_at_once_by_the_rules(self):
        rule = self._portal_rule("Portal damaged", 'auto_approve', channel='portal',
                                 domain="[('condition', '=', 'damaged')]")
        before = self._returns_of(self.order)
        self._login(self.portal_a)
        response = self._post('/my/returns/submit', self._return_form_data(self.order, {self.sale_line_chair: 1}))
        self.assertEqual(response.status_code, 200)
        case = self._returns_of(self.order) - before
        self.assertEqual(len(case), 1)
        self.assertEqual((case.state, case.line_ids.rule_id), ('approved', rule))
        self.assertEqual(case.picking_ids.move_ids.product_uom_qty, 1.0)
        self.assertNotInPage("Portal damaged", self._get(case.access_url).text)

    # ------------------------------------------------------------------
    # What the form shows per line before the customer submits
    # ------------------------------------------------------------------
    def _preview(self, quantities, reason=None, condition='damaged', order=None):
        lines = {str(line.id): {'quantity': str(quantity), 'condition': condition}
                 for line, quantity in quantities.items()}
        return self.make_jsonrpc_request('/my/returns/preview', {
            'order_id': (order or self.order).id, 'reason_id': (reason or self.reason_defective).id, 'lines': lines})

    def test_form_shows_each_lines_outcome_before_submitting_and_applies_it(self):
        self.reason_defective.write({'default_disposition': 'refund', 'is_company_fault': True})
        not_needed = self.env['customer.return.reason'].create({
            'name': "Not needed (test)", 'default_disposition': 'refund', 'company_id': self.company.id})
        self._portal_rule("INTERNAL-fee", 'review', sequence=1, restocking_fee_percent=10,
                          domain="[('condition', '=', 'opened')]")
        self._portal_rule("INTERNAL-keep", 'auto_approve', sequence=2, keep_goods=True, value_max=200)
        refurbishing = self.env['stock.location'].create({
            'name': "Refurbishing", 'usage': 'internal', 'location_id': self.warehouse.view_location_id.id})
        self._portal_rule("INTERNAL-refurb", 'review', sequence=3, return_location_id=refurbishing.id)
        self._portal_rule("INTERNAL-used", 'refuse', sequence=0, domain="[('condition', '=', 'used')]",
                          message="Used goods cannot be returned after unpacking")
        self._login(self.portal_a)
        form = self._get(f'/my/returns/new?order_id={self.order.id}')
        self.assertInPage('o_ccr_outcome', form.text)
        self.assertInPage(f'data-sale-line-id="{self.sale_line_chair.id}"', form.text)
        chair = str(self.sale_line_chair.id)
        self.warehouse.partner_id.write({'street': "8 Refurb Road", 'city': "Suzhou", 'zip': "215000"})
        place = f"{self.warehouse.partner_id.name}, 8 Refurb Road, Suzhou  215000, {self.warehouse.partner_id.country_id.name}"
        before = self._returns_of(self.order)
        cases = [
            # (quantity, condition, reason, summary, refused)
            (1, 'damaged', self.reason_defective,
             "Refund, approved at once, keep the goods, no need to send them back", False),
            (2, 'opened', not_needed, "Refund, reviewed by our team, restocking fee 10% ($\xa030.00) deducted", False),
            (2, 'opened', self.reason_defective, "Refund, reviewed by our team", False),  # company's fault
            (2, 'damaged', self.reason_defective, f"Refund, reviewed by our team, send the goods to {place}", False),
            (1, 'used', self.reason_defective, "Used goods cannot be returned after unpacking", True),
        ]
        for quantity, condition, reason, summary, refused in cases:
            with self.subTest(quantity=quantity, condition=condition, reason=reason.name):
                result = self._preview({self.sale_line_chair: quantity}, reason, condition)
                self.assertEqual(result, {chair: {'summary': summary, 'refused': refused}})
                self.assertNotIn("INTERNAL", str(result))
        self.assertEqual(self._returns_of(self.order), before, "previewing writes nothing")
        # nothing to say for lines that ask for nothing or too much, nan, inf and words
        for quantity in (0, 99, 'nan', 'inf', '1e309', 'two', -1):
            with self.subTest(quantity=quantity):
                self.assertEqual(self._preview({self.sale_line_chair: quantity}), {})
        # submitting applies what the form showed
        self._post('/my/returns/submit', self._return_form_data(self.order, {self.sale_line_chair: 1}))
        case = self._returns_of(self.order) - before
        self.assertEqual((case.state, case.line_ids.keep_goods), ('received', True))
        self.assertFalse(case.picking_ids)

    def test_preview_of_another_customers_order_is_refused(self):
        self._login(self.portal_a)
        with self.assertRaises(JsonRpcException) as refused:
            self._preview({self.sale_line_desk_b: 1}, order=self.order_b)
        self.assertEqual(str(refused.exception), 'werkzeug.exceptions.Forbidden')
        lines = {str(self.sale_line_desk_b.id): {'quantity': '1', 'condition': 'damaged'}}
        result = self.make_jsonrpc_request('/my/returns/preview', {
            'order_id': self.order.id, 'reason_id': self.reason_defective.id, 'lines': lines})
        self.assertEqual(result, {}, "a line of another order is no line of this one")
