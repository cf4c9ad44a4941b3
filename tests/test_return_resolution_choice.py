"""The customer chooses the resolution of each returned line among those the return rule allows:
rules list the choices, the portal offers them per line and previews the outcome of the chosen
one, the submission refuses any other, and the chosen one is carried through (store credit is
credited to a gift card with the rule's bonus)."""
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import tagged, users, warmup

import portal_common
import return_common
from conftest import NO_TOUR_REASON, browser_problem


def _resolutions(env, *codes):
    return env['customer.return.resolution'].search([('code', 'in', codes)])


@tagged('post_install', '-at_install')
class TestResolutionChoiceRules(return_common.ReturnCommon):
    """Rules with allowed resolutions, read on saved requests (the back office's side)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.env['customer.return.rule'].create({
            'name': "Choose (test)", 'action': 'review', 'company_id': cls.company.id,
            'store_credit_bonus_percent': 20.0,
            'allowed_resolution_ids': [Command.set(_resolutions(cls.env, 'replace', 'store_credit', 'exchange').ids)],
        })

    def test_resolutions_are_data_and_only_managers_edit_them(self):
        Resolution = self.env['customer.return.resolution']
        self.assertEqual(Resolution.search([]).mapped('code'), ['refund', 'store_credit', 'replace', 'exchange', 'repair'])
        self.assertEqual(self.env.ref('customer_complaint_return.return_resolution_store_credit').name, "Store Credit")
        self.assertEqual(Resolution.with_user(self.user_agent_1).search_count([]), 5)
        with self.assertRaises(AccessError):
            Resolution.with_user(self.user_agent_1).search([], limit=1).name = "Money back"
        with self.assertRaises(AccessError):
            Resolution.with_user(self.user_manager).create({'name': "Scrap it", 'code': 'repair'})
        refund = Resolution.search([('code', '=', 'refund')])
        refund.with_user(self.user_manager).name = "Money Back"
        self.assertEqual(Resolution._get_labels()['refund'], "Money Back")

    def test_a_refusing_rule_offers_no_choice(self):
        with self.assertRaises(ValidationError):
            self.env['customer.return.rule'].create({
                'name': "Refuse (test)", 'action': 'refuse', 'message': "No", 'company_id': self.company.id,
                'allowed_resolution_ids': [Command.set(_resolutions(self.env, 'refund').ids)]})
        with self.assertRaises(ValidationError):
            self.rule.write({'action': 'refuse', 'message': "No"})

    def test_choices_of_the_matching_rule(self):
        case = self._create_return({self.sale_line_chair: 2})
        line = case.line_ids
        # the reason's suggestion first, then the rule's in order; no exchange: the chair has no variant
        self.assertEqual(case._get_resolution_choices(),
                         {line: {'default': 'refund', 'codes': ['refund', 'store_credit', 'replace'], 'bonus': 20.0}})
        case._check_customer_resolutions({line: 'store_credit'})
        case._check_customer_resolutions({line: 'refund'})
        for hostile in ('exchange', 'scrap', 'repair', '<b>x</b>', '', 'nan'):
            with self.subTest(hostile=hostile), self.assertRaises(UserError) as refused:
                case._check_customer_resolutions({line: hostile})
            self.assertEqual(str(refused.exception), "Office Chair: this resolution cannot be chosen; you may choose "
                                                     "Refund, Store Credit, Replacement.")
        # an archived resolution is no longer offered; no rule allowing anything: the suggestion only
        _resolutions(self.env, 'replace').active = False
        case = self._fresh(case)
        line = case.line_ids
        self.assertEqual(case._get_resolution_choices()[line]['codes'], ['refund', 'store_credit'])
        self.rule.allowed_resolution_ids = False
        self.assertEqual(case._get_resolution_choices(), {})
        with self.assertRaises(UserError):
            case._check_customer_resolutions({line: 'store_credit'})

    def test_rules_of_another_company_offer_nothing(self):
        other = self.setup_other_company()['company']
        self.rule.allowed_resolution_ids = False
        self.env['customer.return.rule'].sudo().create({
            'name': "Other company lets choose", 'action': 'review', 'sequence': 1, 'company_id': other.id,
            'allowed_resolution_ids': [Command.set(_resolutions(self.env, 'store_credit').ids)]})
        case = self._create_return({self.sale_line_chair: 2})
        self.assertEqual(case._get_resolution_choices(), {})
        with self.assertRaises(UserError):
            case._check_customer_resolutions({case.line_ids: 'store_credit'})

    def test_rule_test_wizard_tells_the_choices(self):
        case = self._create_return({self.sale_line_chair: 2})
        wizard = self.env['customer.return.rule.test'].with_user(self.user_manager).create({
            'line_id': case.line_ids.id, 'tested_rule_id': self.rule.id})
        self.assertEqual((wizard.rule_id, wizard.resolution_choices),
                         (self.rule, "Refund, Store Credit (+20% bonus), Replacement"))
        self.rule.allowed_resolution_ids = False
        wizard = self.env['customer.return.rule.test'].with_user(self.user_manager).create({'line_id': case.line_ids.id})
        self.assertFalse(wizard.resolution_choices)

    def test_agents_still_choose_any_disposition(self):
        case = self._create_return({self.sale_line_chair: 1})
        case.with_user(self.user_agent_1).line_ids.disposition = 'scrap'
        case.with_user(self.user_agent_1).action_submit()
        self.assertEqual((case.line_ids.disposition, case.line_ids.rule_id, case.state), ('scrap', self.rule, 'to_approve'))

    def test_store_credit_preview_tells_the_bonus(self):
        case = self._create_return({self.sale_line_chair: 2})
        case.line_ids.disposition = 'store_credit'
        outcome = case._preview_rule_outcomes()[case.line_ids]
        self.assertEqual(outcome['summary'], "Store Credit, reviewed by our team, store credit bonus 20%")


@tagged('post_install', '-at_install')
class TestPortalResolutionChoice(portal_common.PortalCommon):
    """The portal form, its preview and its submission over HTTP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.return_store_credit_bonus_percent = 10.0
        cls.rule = cls.env['customer.return.rule'].create({
            'name': "INTERNAL-choose", 'action': 'review', 'company_id': cls.company.id,
            'domain': "[('condition', '=', 'damaged')]", 'store_credit_bonus_percent': 20.0,
            'allowed_resolution_ids': [Command.set(_resolutions(cls.env, 'store_credit', 'replace').ids)],
        })
        cls.chair = str(cls.sale_line_chair.id)

    def _preview(self, resolution=None, condition='damaged', order=None, sale_line=None, **line_values):
        sale_line = sale_line or self.sale_line_chair
        values = {'quantity': '2', 'condition': condition, **line_values}
        if resolution is not None:
            values['resolution'] = resolution
        return self.make_jsonrpc_request('/my/returns/preview', {
            'order_id': (order or self.order).id, 'reason_id': self.reason_defective.id,
            'lines': {str(sale_line.id): values}})

    def _choices(self):
        return [
            {'code': 'refund', 'name': "Refund", 'bonus': 0.0},
            {'code': 'store_credit', 'name': "Store Credit (+20% bonus)", 'bonus': 20.0},
            {'code': 'replace', 'name': "Replacement", 'bonus': 0.0},
        ]

    def test_form_and_preview_offer_the_rules_choices(self):
        self._login(self.portal_a)
        form = self._get(f'/my/returns/new?order_id={self.order.id}')
        self.assertInPage(f'name="resolution_{self.chair}"', form.text)
        self.assertInPage('data-default-disposition="refund"', form.text)
        before = self._returns_of(self.order)
        cases = [
            # (asked, resolution the line gets, summary)
            (None, 'refund', "Refund, reviewed by our team"),
            ('store_credit', 'store_credit', "Store Credit, reviewed by our team, store credit bonus 20%"),
            ('replace', 'replace', "Replace, reviewed by our team"),
            ('refund', 'refund', "Refund, reviewed by our team"),
            ('scrap', 'refund', "Refund, reviewed by our team"),  # not allowed: the suggestion
            ('<script>', 'refund', "Refund, reviewed by our team"),
        ]
        for asked, resolution, summary in cases:
            with self.subTest(asked=asked):
                self.assertEqual(self._preview(asked), {self.chair: {
                    'summary': summary, 'refused': False, 'resolution': resolution, 'resolutions': self._choices()}})
        # a line the rule does not decide has no choice: the reply is as before
        self.assertEqual(self._preview('store_credit', condition='new'),
                         {self.chair: {'summary': "Refund, reviewed by our team", 'refused': False}})
        self.assertEqual(self._returns_of(self.order), before, "previewing writes nothing")

    def _paid_order(self):
        order = self._create_delivered_invoiced_order(self.customer, [(self.product_chair, 5, 150.0)])
        self.env['account.payment.register'].with_context(
            active_model='account.move', active_ids=order.invoice_ids.ids).create({})._create_payments()
        return order

    def test_customer_takes_store_credit_credited_to_a_gift_card(self):
        order = self._paid_order()
        sale_line = order.order_line
        self._login(self.portal_a)
        data = self._return_form_data(order, {sale_line: 2}, **{f'resolution_{sale_line.id}': 'store_credit'})
        response = self._post('/my/returns/submit', data)
        self.assertEqual(response.status_code, 200)
        case = self._returns_of(order)
        self.assertEqual(len(case), 1)
        self.assertInPage('o_ccr_return_submitted', response.text)
        self.assertInPage('Resolution: <span>Store Credit</span>', response.text)
        line = case.line_ids
        self.assertEqual((line.disposition, line.quantity, line.rule_id, line.store_credit_bonus_percent, case.state),
                         ('store_credit', 2.0, self.rule, 20.0, 'to_approve'))
        case.with_user(self.user_manager).action_approve()
        self._receive(case.picking_ids)
        notes, _action = self._credit(case)
        value = 300.0 * (1 + self.tax_sale_a.amount / 100)
        self.assertAlmostEqual(notes.amount_total, value, places=2)
        card = notes.store_credit_card_id
        self.assertEqual((card.partner_id, card.customer_return_id), (self.customer, case))
        self.assertAlmostEqual(card.points, value * 1.20, places=2)
        self.assertEqual(order.order_line.qty_delivered, 3.0)

    def test_resolutions_not_allowed_are_refused_and_nothing_is_written(self):
        self._login(self.portal_a)
        before = self._returns_of(self.order)
        message = "Office Chair: this resolution cannot be chosen; you may choose Refund, Store Credit, Replacement."
        for hostile in ('exchange', 'scrap', 'repair', '<script>alert(1)</script>', 'nan'):
            with self.subTest(resolution=hostile):
                data = self._return_form_data(self.order, {self.sale_line_chair: 1},
                                              **{f'resolution_{self.chair}': hostile})
                response = self._post('/my/returns/submit', data)
                self.assertEqual(response.status_code, 200)
                self.assertInPage('o_ccr_form_errors', response.text)
                self.assertInPage(message, response.text)
                self.assertNotInPage('<script>alert(1)</script>', response.text)
                self.assertEqual(self._returns_of(self.order), before)
        # the rule does not decide used goods: the reason's suggestion only
        data = self._return_form_data(self.order, {self.sale_line_chair: 1}, condition='used',
                                      **{f'resolution_{self.chair}': 'store_credit'})
        response = self._post('/my/returns/submit', data)
        self.assertInPage("Office Chair: this resolution cannot be chosen; you may choose Refund.", response.text)
        self.assertEqual(self._returns_of(self.order), before)
        # a resolution for a line of another customer's order
        data = self._return_form_data(self.order, {self.sale_line_chair: 1},
                                      **{f'resolution_{self.sale_line_desk_b.id}': 'store_credit'})
        response = self._post('/my/returns/submit', data)
        self.assertInPage("A resolution was chosen for a product that is not on this order.", response.text)
        self.assertEqual(self._returns_of(self.order), before)
        # the suggestion itself may always be posted; an allowed choice is taken
        self._post('/my/returns/submit', self._return_form_data(
            self.order, {self.sale_line_chair: 1}, **{f'resolution_{self.chair}': 'replace'}))
        case = self._returns_of(self.order) - before
        self.assertEqual((case.line_ids.disposition, case.state), ('replace', 'to_approve'))

    def test_exchange_chosen_asks_for_the_variant(self):
        size = self.env['product.attribute'].create({
            'name': "Size (choice test)", 'value_ids': [Command.create({'name': name}) for name in ("S", "M")]})
        template = self.env['product.template'].create({
            'name': "Jacket (test)", 'type': 'consu', 'is_storable': True, 'list_price': 80.0,
            'invoice_policy': 'delivery', 'taxes_id': [Command.set(self.tax_sale_a.ids)],
            'attribute_line_ids': [Command.create({'attribute_id': size.id, 'value_ids': [Command.set(size.value_ids.ids)]})],
        })
        jacket_s, jacket_m = template.product_variant_ids
        order = self._create_delivered_invoiced_order(self.customer, [(jacket_s, 2, 80.0)])
        sale_line = order.order_line
        self.rule.allowed_resolution_ids = [Command.link(_resolutions(self.env, 'exchange').id)]
        self._login(self.portal_a)
        preview = self._preview('exchange', order=order, sale_line=sale_line, exchange=str(jacket_m.id))
        self.assertEqual(preview[str(sale_line.id)]['resolution'], 'exchange')
        self.assertEqual(preview[str(sale_line.id)]['summary'],
                         f"Exchange for {jacket_m.display_name}, reviewed by our team")
        self.assertEqual([choice['code'] for choice in preview[str(sale_line.id)]['resolutions']],
                         ['refund', 'store_credit', 'replace', 'exchange'])
        data = self._return_form_data(order, {sale_line: 1}, **{f'resolution_{sale_line.id}': 'exchange'})
        response = self._post('/my/returns/submit', data)
        self.assertInPage("choose the variant you want instead", response.text)
        self.assertFalse(self._returns_of(order))
        self._post('/my/returns/submit', dict(data, **{f'exchange_{sale_line.id}': str(jacket_m.id)}))
        case = self._returns_of(order)
        self.assertEqual((case.line_ids.disposition, case.line_ids.exchange_product_id), ('exchange', jacket_m))


@tagged('post_install', '-at_install')
class TestPortalResolutionTour(portal_common.PortalCommon):
    """The choice in a real headless browser: the preview fills in the choices."""

    def test_tour_customer_takes_store_credit(self):
        problem = browser_problem()
        if problem:
            self.skipTest(f"{NO_TOUR_REASON}: {problem}")
        self.env['customer.return.rule'].create({
            'name': "INTERNAL-choose", 'action': 'review', 'company_id': self.company.id,
            'store_credit_bonus_percent': 20.0,
            'allowed_resolution_ids': [Command.set(_resolutions(self.env, 'store_credit').ids)],
        })
        before = self._returns_of(self.order)
        self.start_tour(f'/my/returns/new?order_id={self.order.id}', 'customer_complaint_return_portal_return_resolution',
                        login=self.portal_a.login)
        case = self._returns_of(self.order) - before
        self.assertEqual(case.line_ids.mapped(lambda line: (line.quantity, line.disposition, line.store_credit_bonus_percent)),
                         [(2.0, 'store_credit', 20.0)])


@tagged('post_install', '-at_install')
class TestResolutionChoicePerformance(return_common.ReturnCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        products = [cls._create_storable_product(f"Spare part {i}", 10.0 + i) for i in range(10)]
        order = cls._create_delivered_invoiced_order(cls.customer, [(product, 3, 10.0) for product in products])
        cls.small_case = cls._create_return(cls, {line: 1 for line in order.order_line[:2]}, order=order)
        cls.big_case = cls._create_return(cls, {line: 1 for line in order.order_line}, order=order)
        cls.env['customer.return.rule'].create({
            'name': "Choose (perf test)", 'action': 'review', 'company_id': cls.company.id,
            'domain': "[('product_id.name', 'ilike', 'spare')]",
            'allowed_resolution_ids': [Command.set(_resolutions(cls.env, 'store_credit', 'exchange', 'replace').ids)],
        })
        cls.env.flush_all()

    @users('ccr_agent_1')
    @warmup
    def test_choices_cost_no_query_per_line(self):
        for label, case in (('2 lines', self.small_case), ('10 lines', self.big_case)):
            with self.subTest(label):
                case = self._fresh(case)
                case.line_ids.mapped('date_delivered')  # as in the form, where eligibility computed them
                with self.assertQueryCount(ccr_agent_1=5):
                    choices = case._get_resolution_choices()
                self.assertEqual({tuple(choice['codes']) for choice in choices.values()},
                                 {('refund', 'store_credit', 'replace')})
                self.assertEqual(len(choices), len(case.line_ids))
