"""The customer's return rate: value returned / value delivered over the last 12 months, counted
by the products' own rule (done moves of sales to and from the customer), for the customer's
company and all its contacts, within the companies asked; the number of return cases asked for in
those 12 months; the company average; both on the reviewer's banner of a return case."""
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

import return_common


@tagged('post_install', '-at_install')
class TestCustomerReturnRate(return_common.ReturnCommon):
    """Company 1, in its own currency, last 12 months (the common order: 5 chairs at 150 to Lin Wei
    Trading, delivered today):

    Lin Wei Trading (a company) and its contact Lin Wei:
      delivered  5 chairs x 150                       =   750.00  (common order)
                 4 desks x 420 less 25% = 4 x 315     =  1260.00  (ordered by the contact)
      returned   2 chairs x 150                       =   300.00  (case received)
                 1 desk x 315                         =   315.00  (case of the contact, received)
      rate 615 / 2010 = 30.597 %; cases 3: the two received and one to approve; neither the draft
      nor the 400-day-old order and its case (requested 390 days ago) count.
    Zhang San Retail, in EUR (2 EUR for 1):
      delivered  2 desks x 400 EUR less 50% = 400 EUR =   200.00
      returned   1 desk                               =   100.00
      rate 50 %; cases 1: the received one, not the cancelled one.
    Company average: 715 / 2210 = 32.353 %.
    Company 2 (same currency): Lin Wei Trading bought 3 chairs x 150 = 450 there and returned 1
    (150): 33.333 % there, 1 case; never in company 1's figures. Both companies: 765 / 2460 = 31.098 %,
    4 cases.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.setup_other_currency('EUR')  # 2 EUR for 1 of the company's currency
        cls.company_2 = cls.setup_other_company(name="Lin Wei Trading Shenzhen")['company']
        cls.env_2 = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.company_2.id, cls.company.id]))
        cls.portal_contact = cls.env['res.partner'].create({
            'name': "Lin Wei Portal", 'parent_id': cls.customer.id, 'email': "portal@linwei.example.com"})
        cls.user_portal = new_test_user(
            cls.env, login='ccr_rate_portal', name="Lin Wei Portal", groups='base.group_portal',
            partner_id=cls.portal_contact.id)

        # Lin Wei Trading: the common order, 2 chairs back; the contact's desks, 1 back
        cls.case_chairs = cls._create_case(cls.order, 2, receive=True)
        cls.order_contact = cls._sell(cls.customer_contact, cls.product_desk, 4, 420.0, discount=25.0)
        cls.case_contact = cls._create_case(cls.order_contact, 1, receive=True)
        cls.case_draft = cls._create_case(cls.order, 1)
        cls.case_review = cls._create_case(cls.order, 1, submit=True)
        # 10 chairs delivered 400 days ago, 1 back 390 days ago: out of the 12 months
        cls.order_old = cls._sell(cls.customer, cls.product_chair, 10, 100.0)
        cls.case_old = cls._create_case(cls.order_old, 1, receive=True)
        cls.order_old.picking_ids.move_ids.write({'date': fields.Datetime.now() - timedelta(days=400)})
        cls.case_old.picking_ids.move_ids.write({'date': fields.Datetime.now() - timedelta(days=390)})
        cls.case_old.date_request = fields.Date.today() - timedelta(days=390)

        # Zhang San Retail, in EUR
        pricelist = cls.env['product.pricelist'].create({'name': "EUR", 'currency_id': cls.eur.id})
        cls.order_eur = cls._sell(cls.other_customer, cls.product_desk, 2, 400.0, discount=50.0, pricelist=pricelist)
        cls.case_eur = cls._create_case(cls.order_eur, 1, receive=True)
        cls.case_cancelled = cls._create_case(cls.order_eur, 1)
        cls.case_cancelled._cancel("Ordered twice")

        # Lin Wei Trading in company 2: 3 chairs, 1 back
        cls.order_2 = cls._create_delivered_invoiced_order(cls.customer, [(cls.product_chair, 3, 150.0)], env=cls.env_2)
        reason_2 = cls.env_2['customer.return.reason'].create({
            'name': "Defective (company 2)", 'default_disposition': 'refund', 'company_id': cls.company_2.id})
        cls.case_2 = cls._create_case(cls.order_2, 1, receive=True, reason=reason_2, env=cls.env_2)

    # ------------------------------------------------------------------
    # Builders, as the set-up user
    # ------------------------------------------------------------------
    @classmethod
    def _sell(cls, partner, product, quantity, price, discount=0.0, pricelist=None, stock=True):
        """A one-line order of company 1 confirmed, delivered and invoiced (``stock``: its goods put
        in stock first)."""
        if stock:
            cls._put_in_stock(product, quantity)
        order = cls.env['sale.order'].create({
            'partner_id': partner.id,
            **({'pricelist_id': pricelist.id} if pricelist else {}),
            'order_line': [Command.create({
                'product_id': product.id, 'product_uom_qty': quantity, 'price_unit': price, 'discount': discount})],
        })
        order.action_confirm()
        cls._validate_delivery(order)
        order._create_invoices().action_post()
        return order

    @classmethod
    def _create_case(cls, order, quantity, submit=False, receive=False, reason=None, env=None):
        """A return of ``quantity`` units of the order's line: draft, submitted, or approved and received."""
        env = env or cls.env
        case = env['customer.return'].create({
            'partner_id': order.partner_id.id, 'sale_order_id': order.id,
            'reason_id': (reason or cls.reason_defective).id,
            'line_ids': [Command.create({'sale_line_id': order.order_line.id, 'quantity': quantity,
                                         'condition': 'damaged'})],
        })
        if submit or receive:
            case.action_submit()
        if receive:
            case.action_approve()
            receipt = case.picking_ids
            for move in receipt.move_ids:  # a kit's components too
                move.quantity = move.product_uom_qty
            receipt.move_ids.picked = True
            receipt.button_validate()
            assert receipt.state == 'done', receipt.state
        return case

    def _fresh_partners(self, partners, user=None, companies=None):
        self.env.flush_all()
        self.env.invalidate_all()
        env = self.env(user=user or self.user_manager)
        if companies:
            env = env(context=dict(env.context, allowed_company_ids=companies.ids))
        return partners.with_env(env)

    # ------------------------------------------------------------------
    # The figures
    # ------------------------------------------------------------------
    def test_fixture_is_what_the_figures_say(self):
        self.assertEqual(self.company_2.currency_id, self.company.currency_id)
        self.assertEqual(self.order_contact.order_line.price_subtotal, 1260.0)
        self.assertEqual((self.order_eur.currency_id, self.order_eur.currency_rate), (self.eur, 2.0))
        self.assertEqual(self.order_eur.order_line.price_subtotal, 400.0)
        self.assertEqual(self.order_2.company_id, self.company_2)
        self.assertEqual(self.case_2.company_id, self.company_2)
        states = {case: case.state for case in (
            self.case_chairs, self.case_contact, self.case_draft, self.case_review, self.case_old,
            self.case_eur, self.case_cancelled, self.case_2)}
        self.assertEqual(list(states.values()), [
            'received', 'received', 'draft', 'to_approve', 'received', 'received', 'cancelled', 'received'])
        self.assertEqual(self.case_contact.commercial_partner_id, self.customer)
        # the products' own figures, by the same rule: 5 chairs out, 2 back; 6 desks out, 2 back
        chair = self.product_chair.with_user(self.user_manager)
        desk = self.product_desk.with_user(self.user_manager)
        self.assertEqual((chair.return_delivered_qty, chair.return_qty), (5.0, 2.0))
        self.assertEqual((desk.return_delivered_qty, desk.return_qty), (6.0, 2.0))

    def test_customer_rate_and_count(self):
        customer, contact, other = self._fresh_partners(self.customer | self.customer_contact | self.other_customer)
        self.assertAlmostEqual(customer.return_rate, 100.0 * 615 / 2010, places=2)  # 30.60
        self.assertEqual(customer.return_count, 3)
        # a contact shows its company's figures
        self.assertAlmostEqual(contact.return_rate, 100.0 * 615 / 2010, places=2)
        self.assertEqual(contact.return_count, 3)
        self.assertAlmostEqual(other.return_rate, 50.0, places=2)
        self.assertEqual(other.return_count, 1)
        # a customer who bought nothing
        nobody = self._fresh_partners(self.env['res.partner'].create({'name': "Walk-in"}))
        self.assertEqual((nobody.return_rate, nobody.return_count), (0.0, 0))

    def test_public_api(self):
        Partner = self.env['res.partner']
        rates = (self.customer_contact | self.other_customer)._get_customer_return_rates(self.company)
        self.assertEqual(set(rates), {self.customer, self.other_customer})
        self.assertAlmostEqual(rates[self.customer], 30.597, places=2)
        self.assertAlmostEqual(rates[self.other_customer], 50.0, places=2)
        self.assertAlmostEqual(Partner._get_company_return_rate(self.company), 100.0 * 715 / 2210, places=2)  # 32.35
        # in company 2 only: its own order
        rates_2 = self.customer._get_customer_return_rates(self.company_2)
        self.assertAlmostEqual(rates_2[self.customer], 100.0 / 3, places=2)
        self.assertAlmostEqual(Partner._get_company_return_rate(self.company_2), 100.0 / 3, places=2)
        # both companies: 765 of 2460
        both = self.customer._get_customer_return_rates(self.company | self.company_2)
        self.assertAlmostEqual(both[self.customer], 100.0 * 765 / 2460, places=2)  # 31.10
        # read as superuser: a complaints user, who reads no stock move, gets the same figures
        agent_rates = self.customer.with_user(self.user_agent_1)._get_customer_return_rates(self.company)
        self.assertAlmostEqual(agent_rates[self.customer], 30.597, places=2)
        self.assertAlmostEqual(
            Partner.with_user(self.user_agent_1)._get_company_return_rate(self.company), 32.353, places=2)

    def test_figures_within_the_allowed_companies(self):
        self.user_manager.company_ids = [Command.link(self.company_2.id)]
        customer = self._fresh_partners(self.customer, companies=self.company_2)
        self.assertAlmostEqual(customer.return_rate, 33.333, places=2)
        self.assertEqual(customer.return_count, 1)
        customer = self._fresh_partners(self.customer, companies=self.company | self.company_2)
        self.assertAlmostEqual(customer.return_rate, 100.0 * 765 / 2460, places=2)
        self.assertEqual(customer.return_count, 4)
        customer = self._fresh_partners(self.customer, companies=self.company)
        self.assertAlmostEqual(customer.return_rate, 30.597, places=2)
        self.assertEqual(customer.return_count, 3)

    def test_banner_of_a_case_to_review(self):
        case = self._fresh(self.case_review).with_user(self.user_agent_1)
        self.assertAlmostEqual(case.customer_return_rate, 30.597, places=2)
        self.assertAlmostEqual(case.company_return_rate, 32.353, places=2)
        # batched over cases of both companies, each for its own company
        review_eur = self._create_case(self.order_eur, 1, submit=True)
        review_2 = self._create_case(self.order_2, 1, submit=True, reason=self.case_2.reason_id, env=self.env_2)
        cases = self._fresh(self.case_review | review_eur | review_2).with_context(
            allowed_company_ids=(self.company | self.company_2).ids)
        self.assertEqual([round(rate, 2) for rate in cases.mapped('customer_return_rate')], [30.60, 50.0, 33.33])
        self.assertEqual([round(rate, 2) for rate in cases.mapped('company_return_rate')], [32.35, 32.35, 33.33])
        # only a reviewer deciding reads them: other cases cost nothing
        done = self._fresh(self.case_eur | self.case_2).with_context(
            allowed_company_ids=(self.company | self.company_2).ids)
        self.assertEqual(done.mapped('customer_return_rate') + done.mapped('company_return_rate'), [0.0] * 4)
        arch = case.get_views([(False, 'form')])['views']['form']['arch']
        self.assertIn('name="customer_return_rate"', arch)
        self.assertIn('name="company_return_rate"', arch)
        self.assertIn("state != 'to_approve' or customer_return_rate &lt;= 0", arch)
        partner_arch = self.customer.with_user(self.user_agent_1).get_views([(False, 'form')])['views']['form']['arch']
        self.assertIn('name="return_rate"', partner_arch)
        self.assertIn('name="return_count"', partner_arch)

    def test_a_kit_counts_once(self):
        if 'mrp.bom' not in self.env:
            self.skipTest("mrp is not installed")
        top = self._create_storable_product("Table Top", 80.0)
        leg = self._create_storable_product("Table Leg", 15.0)
        table = self.env['product.product'].create({
            'name': "Table Kit", 'type': 'consu', 'list_price': 200.0, 'invoice_policy': 'delivery'})
        self.env['mrp.bom'].create({
            'product_tmpl_id': table.product_tmpl_id.id, 'product_qty': 1.0, 'type': 'phantom',
            'bom_line_ids': [Command.create({'product_id': top.id, 'product_qty': 1.0}),
                             Command.create({'product_id': leg.id, 'product_qty': 4.0})],
        })
        self._put_in_stock(top, 3)
        self._put_in_stock(leg, 12)
        buyer = self.env['res.partner'].create({'name': "Kit Buyer", 'is_company': True})
        order = self._sell(buyer, table, 3, 200.0, stock=False)
        self.assertEqual(len(order.picking_ids.move_ids), 2)  # delivered by components: 3 tops, 12 legs
        # one whole kit back through a case, and 2 loose legs through the warehouse's Return
        self._create_case(order, 1, receive=True)
        wizard = self._warehouse_return_wizard(order.picking_ids.filtered(
            lambda picking: picking.picking_type_code == 'outgoing'))
        self._set_return_quantity(wizard, leg, 2)
        receipt = self.env['stock.picking'].browse(wizard.save().action_create_returns()['res_id'])
        receipt.move_ids.quantity = 2
        receipt.move_ids.picked = True
        receipt.button_validate()
        self.assertEqual(receipt.state, 'done')
        # 3 kits out (600.00), 1 kit back (200.00): loose legs make no kit
        buyer = self._fresh_partners(buyer)
        self.assertAlmostEqual(buyer.return_rate, 100.0 / 3, places=2)
        # the warehouse's Return made a case of its own: two cases
        cases = self.env['customer.return'].search([('commercial_partner_id', '=', buyer.id)])
        self.assertEqual(sorted(cases.mapped('is_warehouse_return')), [False, True])
        self.assertEqual(buyer.return_count, 2)

    # ------------------------------------------------------------------
    # Access and cost
    # ------------------------------------------------------------------
    def test_complaints_user_reads_portal_user_does_not(self):
        agent = self.user_agent_1
        [values] = self.customer.with_user(agent).read(['return_rate', 'return_count'])
        self.assertAlmostEqual(values['return_rate'], 30.597, places=2)
        self.assertEqual(values['return_count'], 3)
        [values] = self.case_review.with_user(agent).read(['customer_return_rate', 'company_return_rate'])
        self.assertAlmostEqual(values['company_return_rate'], 32.353, places=2)
        portal = self.user_portal
        self.assertNotIn('return_rate', self.env['res.partner'].with_user(portal).fields_get())
        self.assertNotIn('customer_return_rate', self.env['customer.return'].with_user(portal).fields_get())
        with self.assertRaises(AccessError):
            self.portal_contact.with_user(portal).read(['return_rate'])
        with self.assertRaises(AccessError):
            self.customer.with_user(portal).read(['return_count'])
        with self.assertRaises(AccessError):
            self.case_chairs.with_user(portal).read(['customer_return_rate'])
        # an employee without the complaints group neither
        self.assertNotIn('return_rate', self.env['res.partner'].with_user(self.user_employee).fields_get())

    def test_query_budget_for_ten_partners(self):
        # four more customer companies with an order each, and three contacts of them
        companies = self.env['res.partner'].create([{'name': f"Retailer {n}", 'is_company': True} for n in range(4)])
        contacts = self.env['res.partner'].create([
            {'name': f"Buyer {n}", 'parent_id': companies[n].id} for n in range(3)])
        for company in companies:
            self._sell(company, self.product_chair, 2, 150.0)
        partners = self.customer | self.customer_contact | self.other_customer | companies | contacts
        self.assertEqual(len(partners), 10)
        self._fresh_partners(partners).mapped('return_rate')  # warm the registry's caches
        partners = self._fresh_partners(partners)
        with self.assertQueryCount(13):
            rates = partners.mapped('return_rate')
            counts = partners.mapped('return_count')
        self.assertAlmostEqual(rates[0], 30.597, places=2)
        self.assertEqual(counts, [3, 3, 1, 0, 0, 0, 0, 0, 0, 0])
        # the same queries for one partner: nothing per partner
        partner = self._fresh_partners(self.other_customer)
        with self.assertQueryCount(13):
            partner.return_rate
