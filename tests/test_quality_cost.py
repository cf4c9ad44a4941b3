"""Cost of poor quality: a ledger filled by the events (credit notes posted, replacement, exchange
and scrap moves done, repairs under warranty, compensation issued), read from the posted documents
and the stock valuation in the company's currency, checked against hand-computed amounts."""
import importlib.util
import json
import os

from odoo import fields
from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import tagged

import odoo.addons.customer_complaint_return as addon

import portal_common
import return_common
from test_complaint_compensation import _offer, _setup_compensation
from test_return_repair import RepairFixtures


@tagged('post_install', '-at_install')
class TestQualityCost(RepairFixtures, return_common.ReturnCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Cause = cls.env['customer.complaint.cause']
        cls.cause_supplier = Cause.create({'name': "Supplier defect (test)", 'company_id': cls.company.id})
        cls.cause_packing = Cause.create({'name': "Poor packing (test)", 'company_id': cls.company.id})
        cls.Cost = cls.env['customer.quality.cost']

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _analysed_complaint(self, cause, order=None):
        complaint = self._create_complaint(
            sale_order_id=(order or self.order).id, category_id=self.category_quality.id, root_cause_id=cause.id)
        complaint.action_start()
        return complaint

    def _received_case(self, quantities, disposition, order=None, complaint=None, **line_values):
        case = self._create_return(quantities, order=order, complaint_id=complaint.id if complaint else False)
        case.line_ids.with_user(self.user_agent_1).write({'disposition': disposition, **line_values})
        self._receive(self._submit_and_approve(case))
        return case

    def _costs(self, case=None, **domain):
        domain = [(name, '=', value) for name, value in domain.items()]
        if case:
            domain.append(('return_id', '=', case.id))
        return self.Cost.search(domain, order='id')

    # ------------------------------------------------------------------
    # Credit notes, less restocking fees, in the company's currency
    # ------------------------------------------------------------------
    def test_credit_note_less_restocking_fee_in_company_currency(self):
        eur = self.setup_other_currency('EUR', rates=[('2000-01-01', 2.0)])  # 2 EUR for 1
        pricelist = self.env['product.pricelist'].create({'name': "EUR prices (cost)", 'currency_id': eur.id})
        order = self.env['sale.order'].create({
            'partner_id': self.customer.id, 'pricelist_id': pricelist.id,
            'order_line': [Command.create({'product_id': self.product_chair.id, 'product_uom_qty': 5,
                                           'price_unit': 150.0})],
        })
        self._put_in_stock(self.product_chair, 5)
        order.action_confirm()
        self._validate_delivery(order)
        order._create_invoices().action_post()
        complaint = self._analysed_complaint(self.cause_supplier, order)
        case = self._received_case({order.order_line: 2}, 'refund', order=order, complaint=complaint)
        case.line_ids._process_write({'restocking_fee_percent': 10.0})
        notes, _action = self._credit(case, post=False)
        self.assertFalse(self._costs(case))  # a draft costs nothing yet
        notes.with_user(self.user_finance).action_post()

        # 2 chairs at 150.00 EUR = 300.00 EUR = 150.00 in the company's currency; fee 10 % = -15.00
        costs = self._costs(case)
        self.assertRecordValues(costs, [{
            'cost_type': 'credit_note', 'amount': 150.0, 'company_id': self.company.id,
            'currency_id': self.company.currency_id.id, 'return_id': case.id, 'complaint_id': complaint.id,
            'partner_id': self.customer.id, 'product_id': self.product_chair.id, 'cause_id': self.cause_supplier.id,
            'category_id': self.category_quality.id, 'return_reason_id': self.reason_defective.id,
            'date': notes.date, 'source_document': notes.name, 'res_model': 'account.move.line',
        }, {
            'cost_type': 'restocking_fee', 'amount': -15.0, 'company_id': self.company.id,
            'currency_id': self.company.currency_id.id, 'return_id': case.id, 'complaint_id': complaint.id,
            'partner_id': self.customer.id, 'product_id': self.product_chair.id, 'cause_id': self.cause_supplier.id,
            'category_id': self.category_quality.id, 'return_reason_id': self.reason_defective.id,
            'date': notes.date, 'source_document': notes.name, 'res_model': 'account.move.line',
        }])
        self.assertEqual(sum(costs.mapped('amount')), -notes.amount_untaxed_signed)
        self.assertEqual(costs[0].source_ref, notes)

        # reset to draft: out of the ledger; posted again: the same two rows, never twice
        notes.with_user(self.user_finance).button_draft()
        self.assertFalse(self._costs(case))
        notes.with_user(self.user_finance).action_post()
        self.assertEqual(self._costs(case).mapped('amount'), [150.0, -15.0])
        self.Cost._recompute_ledger(self.company)
        self.assertEqual(self._costs(case).mapped('amount'), [150.0, -15.0])
        notes.with_user(self.user_finance).button_draft()
        notes.with_user(self.user_finance).button_cancel()
        self.assertFalse(self._costs(case))

    # ------------------------------------------------------------------
    # Goods at their stock valuation
    # ------------------------------------------------------------------
    def test_replacement_and_scrap_at_their_valuation(self):
        # the chair's cost is 75.00 (standard price): 2 replaced = 150.00, 1 scrapped = 75.00
        self.assertEqual(self.product_chair.standard_price, 75.0)
        self.assertEqual(self.product_chair.cost_method, 'standard')
        complaint = self._analysed_complaint(self.cause_packing)
        case = self._received_case({self.sale_line_chair: 2}, 'replace', complaint=complaint)
        self.assertFalse(self._costs(case))  # goods received back are no cost
        case.with_user(self.user_warehouse).action_send_replacement()
        self.assertFalse(self._costs(case))  # not shipped yet
        self._deliver(case.delivery_ids)
        move = case.delivery_ids.move_ids
        self.assertRecordValues(self._costs(case), [{
            'cost_type': 'replacement', 'amount': 150.0, 'product_id': self.product_chair.id,
            'cause_id': self.cause_packing.id, 'complaint_id': complaint.id, 'res_model': 'stock.move',
            'res_id': move.id, 'source_document': case.delivery_ids.name, 'date': move.date.date(),
        }])
        self.assertEqual(move.value, 150.0)
        self.assertEqual(self._costs(case).source_ref, case.delivery_ids)

        scrapped = self._received_case({self.sale_line_chair: 1}, 'scrap')
        scrapped.with_user(self.user_warehouse).action_scrap()
        self.assertRecordValues(self._costs(scrapped), [{
            'cost_type': 'scrap', 'amount': 75.0, 'product_id': self.product_chair.id, 'cause_id': False,
            'return_reason_id': self.reason_defective.id, 'res_id': scrapped.scrap_ids.move_ids.id,
            'source_document': scrapped.scrap_ids.display_name,
        }])
        # analysis comes later: the return linked to a complaint, whose cause then changes
        scrapped.complaint_id = complaint
        self.assertEqual(self._costs(scrapped).cause_id, self.cause_packing)
        complaint.root_cause_id = self.cause_supplier
        self.assertEqual((self._costs(case) | self._costs(scrapped)).cause_id, self.cause_supplier)
        self.assertEqual(self._costs(scrapped).complaint_id, complaint)

    def test_fifo_replacement_at_its_layers(self):
        category = self.env['product.category'].create({'name': "FIFO (cost)", 'property_cost_method': 'fifo'})
        lamp = self._create_storable_product("Desk Lamp", 100.0, categ_id=category.id)  # cost 50.00
        self._put_in_stock(lamp, 4)  # 4 at 50.00
        lamp.standard_price = 80.0
        order = self._create_delivered_invoiced_order(self.customer, [(lamp, 5, 100.0)])  # 1 more at 80.00
        delivered = order.picking_ids.move_ids
        self.assertAlmostEqual(delivered.value, 4 * 50.0 + 80.0)  # 280.00
        lamp.standard_price = 80.0
        self._put_in_stock(lamp, 3)  # 3 at 80.00
        case = self._received_case({order.order_line: 2}, 'replace', order=order)
        self.assertAlmostEqual(case.picking_ids.move_ids.value, 2 * 280.0 / 5)  # back at 56.00 each
        case.with_user(self.user_warehouse).action_send_replacement()
        self._deliver(case.delivery_ids)
        # FIFO takes the oldest layer left first: 2 of the 3 at 80.00 (not the 2 received back at 56.00,
        # nor the average cost)
        self.assertEqual(self._costs(case).mapped('amount'), [160.0])
        self.assertNotEqual(lamp.standard_price, 80.0)

    def test_exchange_delivery_at_its_valuation_and_its_invoice_is_no_cost(self):
        self._put_in_stock(self.product_desk, 2)
        case = self._received_case({self.sale_line_chair: 1}, 'exchange', exchange_product_id=self.product_desk.id)
        case.with_user(self.user_warehouse).action_send_replacement()
        self._deliver(case.delivery_ids.filtered(lambda picking: picking.state != 'done'))
        # the desk's cost is 210.00
        self.assertRecordValues(self._costs(case), [{
            'cost_type': 'exchange', 'amount': 210.0, 'product_id': self.product_desk.id}])
        # the customer pays the difference: an invoice, not a cost
        case.with_user(self.user_finance).action_invoice_exchange()
        invoices = case.credit_note_ids
        self.assertEqual(invoices.mapped('move_type'), ['out_invoice'])
        self.assertEqual(invoices.state, 'draft')
        invoices.action_post()
        self.assertEqual(self._costs(case).mapped('cost_type'), ['exchange'])

    def test_exchange_for_a_cheaper_product_costs_the_difference_credited(self):
        stool = self._create_storable_product("Office Stool", 100.0)  # cost 50.00
        self._put_in_stock(stool, 2)
        case = self._received_case({self.sale_line_chair: 2}, 'exchange', exchange_product_id=stool.id)
        case.with_user(self.user_warehouse).action_send_replacement()
        self._deliver(case.delivery_ids.filtered(lambda picking: picking.state != 'done'))
        case.with_user(self.user_finance).action_invoice_exchange()
        refund = case.credit_note_ids
        self.assertEqual(refund.move_type, 'out_refund')
        refund.with_user(self.user_finance).action_post()
        # the 2 stools at their cost (100.00); the order's credit note: 2 chairs credited (300.00)
        # less 2 stools billed (-200.00), the 100.00 difference paid back
        costs = self._costs(case)
        self.assertEqual(sorted((cost.cost_type, cost.product_id.name, cost.amount) for cost in costs), [
            ('credit_note', "Office Chair", 300.0), ('credit_note', "Office Stool", -200.0),
            ('exchange', "Office Stool", 100.0)])

    def test_store_credit_costs_its_credit_note_not_its_settlement(self):
        self.company.return_store_credit_bonus_percent = 10.0
        case = self._received_case({self.sale_line_chair: 2}, 'store_credit')
        notes, _action = self._credit(case)
        self.assertTrue(notes.store_credit_card_id)
        settlement = case.credit_note_ids.filtered(lambda move: move.move_type == 'out_invoice')
        self.assertEqual(settlement.state, 'posted')
        # 2 chairs at 150.00 untaxed; the program's invoice settling it and the 10 % bonus are no cost
        self.assertRecordValues(self._costs(case), [{'cost_type': 'credit_note', 'amount': 300.0}])

    def test_repair_under_warranty_costs_its_parts(self):
        self._setup_repair_products()
        order, lots = self._create_tracked_order(self.product_drill, {'DR-COST-1': 2})
        case, _receipts = self._received_repair_case({order.order_line: 2}, order=order, lots=lots)
        repair = case.repair_order_ids
        self.assertTrue(repair.under_warranty)
        self._repair(repair, parts={self.product_part: 1})
        # one battery at its cost, 12.50; the drill itself going through the repair is no cost
        self.assertRecordValues(self._costs(case), [{
            'cost_type': 'repair', 'amount': 12.5, 'product_id': self.product_part.id,
            'source_document': repair.display_name}])

    def test_return_shipping_charged_by_the_carrier(self):
        case = self._create_return({self.sale_line_chair: 1})
        receipt = self._submit_and_approve(case)
        if 'carrier_price' not in receipt._fields:
            self.skipTest("Odoo's delivery app (stock_delivery) is not installed")
        receipt.carrier_price = 12.5  # what the carrier charged for the return label, as the delivery app records it
        self.assertFalse(self._costs(case))
        self._receive(receipt)
        self.assertRecordValues(self._costs(case), [{
            'cost_type': 'shipping', 'amount': 12.5, 'res_model': 'stock.picking', 'res_id': receipt.id,
            'source_document': receipt.name, 'product_id': False}])

    # ------------------------------------------------------------------
    # Compensation
    # ------------------------------------------------------------------
    def test_compensation_cards_when_issued_goodwill_when_posted(self):
        _setup_compensation(self)
        complaint = self._analysed_complaint(self.cause_supplier)
        complaint.invoice_ids = self.invoice
        coupon = _offer(self, self.user_agent_1, complaint, 'coupon', 40.0, program=self.program_coupon)
        waiting = _offer(self, self.user_agent_1, complaint, 'gift_card', 120.0, program=self.program_gift)
        self.assertEqual(waiting.state, 'to_approve')
        costs = self._costs(complaint_id=complaint.id)
        self.assertRecordValues(costs, [{
            'cost_type': 'compensation', 'amount': 40.0, 'res_model': 'customer.complaint.compensation',
            'res_id': coupon.id, 'cause_id': self.cause_supplier.id, 'category_id': self.category_quality.id,
            'partner_id': self.customer.id, 'return_id': False, 'date': coupon.date_issued.date(),
        }])
        waiting.with_user(self.user_manager).action_approve_compensation()
        goodwill = _offer(self, self.user_agent_1, complaint, 'credit_note', 45.0, invoice=self.invoice)
        self.assertEqual(self._costs(complaint_id=complaint.id).mapped('amount'), [40.0, 120.0])
        goodwill.credit_note_id.with_user(self.user_finance).action_post()
        self.assertRecordValues(self._costs(complaint_id=complaint.id)[2:], [{
            'cost_type': 'compensation', 'amount': 45.0, 'res_model': 'account.move.line',
            'source_document': goodwill.credit_note_id.name, 'cause_id': self.cause_supplier.id}])

        # the digest: the period's cost, its top causes, and the compensations
        today = fields.Date.context_today(self.Cost)
        Dashboard = self.env['customer.complaint.dashboard']
        figures = Dashboard._get_figures(self.company, today, today)
        self.assertEqual(figures['quality_cost']['amount'], 205.0)
        self.assertEqual([(row['cause'], row['amount']) for row in figures['quality_cost']['top_causes']],
                         [(self.cause_supplier, 205.0)])
        self.assertEqual((figures['compensations']['count'], figures['compensations']['amount']), (3, 205.0))
        dashboard = Dashboard.create({'company_id': self.company.id, 'date_from': today, 'date_to': today})
        self.assertIn("Cost of poor quality", dashboard.figures_html)
        self.assertIn(self.cause_supplier.name, dashboard.figures_html)
        _subject, body = Dashboard._render_digest(self.company, today, today)
        self.assertIn("Cost of poor quality", str(body))
        self.assertIn("Compensations", str(body))
        self.assertIn(self.cause_supplier.name, str(body))

    # ------------------------------------------------------------------
    # Rights and companies
    # ------------------------------------------------------------------
    def test_each_company_its_own_costs_in_its_own_currency(self):
        """A compensation of another company, whose currency is EUR: its row is in that company and
        currency, out of this company's figures, unseen by this company's users."""
        _setup_compensation(self)
        eur = self.setup_other_currency('EUR', rates=[('2000-01-01', 2.0)])
        company_2 = self.setup_other_company(name="Quality Cost EUR Co", currency_id=eur.id)['company']
        self.assertEqual(company_2.currency_id, eur)
        env_2 = self.env(context=dict(self.env.context, allowed_company_ids=[company_2.id, self.company.id]))
        program_2 = env_2['loyalty.program'].with_context(default_program_type='gift_card').create({
            'name': "Gift cards of company 2 (cost)", 'company_id': company_2.id})
        complaint_2 = env_2['customer.complaint'].create({
            'partner_id': self.customer.id, 'subject': "Elsewhere", 'company_id': company_2.id})
        complaint_2.action_start()
        env_2['customer.complaint.compensation'].create({
            'complaint_id': complaint_2.id, 'compensation_type': 'gift_card', 'program_id': program_2.id,
            'amount': 70.0, 'reason': "Elsewhere"})
        complaint = self._analysed_complaint(self.cause_packing)
        _offer(self, self.user_agent_1, complaint, 'coupon', 30.0, program=self.program_coupon)

        costs = self.Cost.sudo().search([('cost_type', '=', 'compensation')], order='id')
        self.assertRecordValues(costs, [
            {'company_id': company_2.id, 'currency_id': eur.id, 'amount': 70.0, 'complaint_id': complaint_2.id},
            {'company_id': self.company.id, 'currency_id': self.company.currency_id.id, 'amount': 30.0,
             'complaint_id': complaint.id},
        ])
        self.assertEqual(self.Cost.with_user(self.user_agent_1).search([]).mapped('amount'), [30.0])
        today = fields.Date.context_today(self.Cost)
        Dashboard = env_2['customer.complaint.dashboard']
        self.assertEqual(Dashboard._get_figures(self.company, today, today)['quality_cost']['amount'], 30.0)
        figures_2 = Dashboard._get_figures(company_2, today, today)['quality_cost']
        self.assertEqual(figures_2['amount'], 70.0)
        self.assertEqual([row['label'] for row in figures_2['top_causes']], ["Not analysed yet"])

    def test_ledger_is_read_only_and_per_company(self):
        company_2 = self.setup_other_company(name="Quality Cost Other Co")['company']
        case = self._received_case({self.sale_line_chair: 1}, 'refund')
        self._credit(case)
        mine = self._costs(case)
        self.assertEqual(mine.mapped('amount'), [150.0])
        other = self.Cost.sudo().create({
            'company_id': company_2.id, 'date': fields.Date.today(), 'cost_type': 'credit_note', 'amount': 99.0,
            'res_model': 'other.document', 'res_id': 1})
        # the source document is linked for whoever may read it (finance's credit note), never leaked
        notes = case.credit_note_ids
        self.assertEqual(mine.source_ref, notes)
        for user in (self.user_agent_1, self.user_finance):
            expected = notes if notes.with_user(user).has_access('read') else False
            self.assertEqual(mine.with_user(user).sudo(False).source_ref, expected)
        for user in (self.user_agent_1, self.user_manager):
            Cost = self.Cost.with_user(user)
            self.assertEqual(Cost.search([('id', 'in', (mine | other).ids)]), mine)
            with self.assertRaises(AccessError):
                Cost.create({'company_id': self.company.id, 'date': fields.Date.today(),
                             'cost_type': 'credit_note', 'amount': 1.0, 'res_model': 'x', 'res_id': 1})
            with self.assertRaises(AccessError):
                mine.with_user(user).write({'amount': 0.0})
            with self.assertRaises(AccessError):
                mine.with_user(user).unlink()
        with self.assertRaises(AccessError):
            self.Cost.with_user(self.user_agent_1).action_recompute_ledger()
        self.assertEqual(mine.amount, 150.0)

    def test_recompute_rebuilds_the_ledger_of_existing_cases(self):
        case = self._received_case({self.sale_line_chair: 2}, 'replace')
        case.with_user(self.user_warehouse).action_send_replacement()
        self._deliver(case.delivery_ids)
        refund = self._received_case({self.sale_line_chair: 1}, 'refund')
        self._credit(refund)
        before = [(cost.res_model, cost.res_id, cost.cost_type, cost.amount)
                  for cost in self._costs(case) | self._costs(refund)]
        self.assertEqual([row[2:] for row in before], [('replacement', 150.0), ('credit_note', 150.0)])
        # cases made before the ledger existed: no row, until a manager rebuilds it
        self.Cost.sudo().search([]).unlink()
        self.Cost.with_user(self.user_manager).action_recompute_ledger()
        after = [(cost.res_model, cost.res_id, cost.cost_type, cost.amount)
                 for cost in self._costs(case) | self._costs(refund)]
        self.assertEqual(after, before)
        # The update to 19.0.1.5.0 does the same for a database made before the ledger, once.
        path = os.path.join(os.path.dirname(addon.__file__), 'migrations', '19.0.1.5.0', 'post-migrate.py')
        spec = importlib.util.spec_from_file_location('ccr_migration_19_0_1_5_0', path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        self.Cost.sudo().search([]).unlink()
        migration.migrate(self.env.cr, '19.0.1.4.0')
        migration.migrate(self.env.cr, '19.0.1.4.0')  # a second run adds nothing
        self.env.invalidate_all()
        migrated = [(cost.res_model, cost.res_id, cost.cost_type, cost.amount)
                    for cost in self._costs(case) | self._costs(refund)]
        self.assertEqual(migrated, before)
        migration.migrate(self.env.cr, None)  # a new install: nothing to do

    def test_query_budget_of_posting_a_credit_note(self):
        """The ledger adds a few queries to posting a credit note of a return, whatever its lines."""
        case = self._received_case({self.sale_line_chair: 2}, 'refund')
        case.line_ids._process_write({'restocking_fee_percent': 10.0})
        notes, _action = self._credit(case, post=False)
        self.env.flush_all()
        with self.assertQueryCount(3):
            notes._sync_quality_costs()  # a draft: looked up, nothing written
        notes.action_post()
        self.Cost.search([('return_id', '=', case.id)]).sudo().unlink()
        self.env.flush_all()
        with self.assertQueryCount(9):
            notes._sync_quality_costs()  # 2 rows made in one INSERT
            self.env.flush_all()
        self.assertEqual(self._costs(case).mapped('amount'), [300.0, -30.0])
        with self.assertQueryCount(2):
            notes._sync_quality_costs()  # again: nothing changes
            self.env.flush_all()
        self.assertEqual(self._costs(case).mapped('amount'), [300.0, -30.0])


@tagged('post_install', '-at_install')
class TestQualityCostRpc(portal_common.PortalCommon):
    """Over JSON-RPC, as any client would: users read the ledger, nobody writes it."""

    def _call_kw(self, model, method, args, kwargs=None):
        response = self.url_open(f'/web/dataset/call_kw/{model}/{method}', data=json.dumps({
            'jsonrpc': '2.0', 'method': 'call', 'id': 1,
            'params': {'model': model, 'method': method, 'args': args, 'kwargs': kwargs or {}}}),
            headers={'Content-Type': 'application/json'})
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_ledger_is_read_only_over_rpc(self):
        cost = self.env['customer.quality.cost'].sudo().create({
            'company_id': self.company.id, 'date': fields.Date.today(), 'cost_type': 'scrap', 'amount': 75.0,
            'res_model': 'stock.move', 'res_id': 1})
        for user in (self.user_agent_1, self.user_manager):
            self.authenticate(user.login, user.login)
            reply = self._call_kw('customer.quality.cost', 'search_read', [[('id', '=', cost.id)], ['amount']])
            self.assertEqual(reply['result'], [{'id': cost.id, 'amount': 75.0}])
            for method, args in (('write', [[cost.id], {'amount': 0.0}]), ('unlink', [[cost.id]]), ('create', [{
                    'company_id': self.company.id, 'date': '2026-01-01', 'cost_type': 'scrap', 'amount': 1.0,
                    'res_model': 'stock.move', 'res_id': 2}])):
                with self.subTest(user=user.login, method=method):
                    reply = self._call_kw('customer.quality.cost', method, args)
                    self.assertEqual(reply['error']['data']['name'], 'odoo.exceptions.AccessError', reply)
            reply = self._call_kw('customer.quality.cost', '_sync_sources', ['stock.move', [1], []])
            self.assertIn('error', reply)
        self.assertEqual(cost.exists().amount, 75.0)
        self.assertEqual(self.env['customer.quality.cost'].search_count([]), 1)
