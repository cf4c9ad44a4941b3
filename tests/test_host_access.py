"""Least privilege on the host's documents: a complaints user reads the customer invoices and
credit notes, the customer deliveries and returns, the confirmed orders and the scraps of returns
a case needs, not the rest of the company's books, transfers and quotations; users whose other
groups give them more keep it (Odoo ORs the rules of a user's groups)."""
from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

import return_common

GROUP_USER = 'customer_complaint_return.group_complaint_user'


@tagged('post_install', '-at_install')
class TestHostAccess(return_common.ReturnCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.vendor = env['res.partner'].create({'name': "Timber Supplier"})
        # what a case needs: the order, its delivery and invoice (common set-up), a return with its
        # receipt, credit note and scrap
        cls.case = cls._create_return_of(cls, {cls.sale_line_chair: 2})
        # what it does not: a vendor bill, a miscellaneous entry, a vendor receipt, an internal
        # transfer, a quotation
        cls.vendor_bill = env['account.move'].create({
            'move_type': 'in_invoice', 'partner_id': cls.vendor.id, 'invoice_date': fields.Date.today(),
            'invoice_line_ids': [Command.create({'name': "Timber", 'quantity': 1, 'price_unit': 900.0})],
        })
        cls.vendor_bill.action_post()
        journal = env['account.journal'].search(
            [('type', '=', 'general'), ('company_id', '=', cls.company.id)], limit=1)
        accounts = env['account.account'].search([('company_ids', 'in', cls.company.id)], limit=2)
        cls.misc_entry = env['account.move'].create({
            'move_type': 'entry', 'journal_id': journal.id,
            'line_ids': [Command.create({'account_id': accounts[0].id, 'debit': 50.0, 'name': "Salary"}),
                         Command.create({'account_id': accounts[1].id, 'credit': 50.0, 'name': "Salary"})],
        })
        warehouse = cls.warehouse
        cls.vendor_receipt = env['stock.picking'].create({
            'picking_type_id': warehouse.in_type_id.id, 'partner_id': cls.vendor.id,
            'location_id': env.ref('stock.stock_location_suppliers').id,
            'location_dest_id': warehouse.lot_stock_id.id,
            'move_ids': [Command.create({
                'product_id': cls.product_desk.id, 'product_uom_qty': 3,
                'location_id': env.ref('stock.stock_location_suppliers').id,
                'location_dest_id': warehouse.lot_stock_id.id})],
        })
        cls.internal_transfer = env['stock.picking'].create({
            'picking_type_id': warehouse.int_type_id.id,
            'location_id': warehouse.lot_stock_id.id, 'location_dest_id': warehouse.lot_stock_id.id,
        })
        cls.salesman = new_test_user(env, login='ccr_salesman', name="Salesman",
                                     groups=f'sales_team.group_sale_salesman,{GROUP_USER}',
                                     company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])
        cls.quotation = env['sale.order'].create({
            'partner_id': cls.customer.id,
            'order_line': [Command.create({'product_id': cls.product_desk.id, 'product_uom_qty': 1})],
        })
        cls.own_quotation = env['sale.order'].create({
            'partner_id': cls.customer.id, 'user_id': cls.salesman.id,
            'order_line': [Command.create({'product_id': cls.product_desk.id, 'product_uom_qty': 1})],
        })

    @staticmethod
    def _create_return_of(cls, quantities):
        """A return approved, received, credited (posted) and partly scrapped, as set-up data."""
        order = next(iter(quantities)).order_id
        case = cls.env['customer.return'].create({
            'partner_id': order.partner_id.id, 'sale_order_id': order.id, 'reason_id': cls.reason_defective.id,
            'line_ids': [Command.create({'sale_line_id': line.id, 'quantity': qty, 'condition': 'damaged'})
                         for line, qty in quantities.items()],
        })
        case.action_submit()
        case.action_approve()
        receipt = case.picking_ids
        receipt.move_ids.quantity = 2
        receipt.move_ids.picked = True
        receipt.button_validate()
        case.action_create_credit_note()
        case.credit_note_ids.action_post()
        cls.scrap = cls.env['stock.scrap'].create({
            'product_id': cls.product_chair.id, 'scrap_qty': 1, 'customer_return_line_id': case.line_ids.id,
            'location_id': cls.warehouse.lot_stock_id.id,
        })
        cls.other_scrap = cls.env['stock.scrap'].create({
            'product_id': cls.product_desk.id, 'scrap_qty': 1, 'location_id': cls.warehouse.lot_stock_id.id,
        })
        return case

    def _user(self, login, *groups):
        return new_test_user(self.env, login=login, name=login,
                             groups=','.join(('base.group_user', GROUP_USER) + groups),
                             company_id=self.company.id, company_ids=[Command.set(self.company.ids)])

    def _visible(self, user, records):
        """The ``records`` that ``user`` finds by searching for them."""
        return records.with_user(user).search([('id', 'in', records.ids)])

    def _case_documents(self):
        return {
            'account.move': self.invoice | self.case.credit_note_ids,
            'stock.picking': self.delivery | self.case.picking_ids,
            'sale.order': self.order,
            'stock.scrap': self.scrap,
        }

    def _other_documents(self):
        return {
            'account.move': self.vendor_bill | self.misc_entry,
            'stock.picking': self.vendor_receipt | self.internal_transfer,
            'sale.order': self.quotation | self.own_quotation,
            'stock.scrap': self.other_scrap,
        }

    def test_complaints_user_reads_what_cases_need_only(self):
        agent = self.user_agent_1
        self.assertEqual(self.case.credit_note_ids.state, 'posted')
        for model, records in self._case_documents().items():
            with self.subTest(model=model, what="needed"):
                self.assertEqual(self._visible(agent, records), records)
                records.with_user(agent).read(['display_name'])
        for model, records in self._other_documents().items():
            with self.subTest(model=model, what="not needed"):
                self.assertFalse(self._visible(agent, records))
                with self.assertRaises(AccessError):
                    records[:1].with_user(agent).read(['display_name'])
        # the lines follow their documents
        lines = self.env['account.move.line'].with_user(agent).search(
            [('move_id', 'in', (self.invoice | self.vendor_bill | self.misc_entry).ids)])
        self.assertEqual(lines.move_id, self.invoice)
        moves = self.env['stock.move'].with_user(agent).search(
            [('picking_id', 'in', (self.delivery | self.case.picking_ids | self.vendor_receipt).ids)])
        self.assertEqual(moves.picking_id, self.delivery | self.case.picking_ids)
        order_lines = self.env['sale.order.line'].with_user(agent).search(
            [('order_id', 'in', (self.order | self.quotation).ids)])
        self.assertEqual(order_lines, self.order.order_line)
        # and the case's own screens still read them
        self.assertEqual(self.case.with_user(agent).credit_note_ids, self.case.credit_note_ids)
        self.assertEqual(self.case.with_user(agent).sale_order_id.invoice_ids, self.invoice | self.case.credit_note_ids)

    def test_other_groups_keep_what_they_give(self):
        everything = {model: self._case_documents()[model] | others for model, others in self._other_documents().items()}
        billing = self._user('ccr_host_billing', 'account.group_account_invoice')
        readonly = self._user('ccr_host_readonly', 'account.group_account_readonly')
        stock = self._user('ccr_host_stock', 'stock.group_stock_user')
        sales_manager = self._user('ccr_host_sales_manager', 'sales_team.group_sale_manager')
        # what each job gives (their ACLs without rules of their own), the case documents elsewhere
        expected = {
            billing: ('account.move', 'stock.picking', 'sale.order'),
            readonly: ('account.move', 'stock.picking', 'sale.order'),
            stock: ('stock.picking', 'stock.scrap', 'sale.order'),
            # sale's own rule: the sales team reads customer invoices only, and every order
            sales_manager: ('stock.picking', 'sale.order'),
        }
        for user, models in expected.items():
            for model in everything:
                with self.subTest(user=user.login, model=model):
                    wanted = everything[model] if model in models else self._case_documents()[model]
                    self.assertEqual(self._visible(user, everything[model]), wanted)
        # a stock user sees the vendor receipt's moves too
        self.assertEqual(self.env['stock.move'].with_user(stock).search(
            [('picking_id', '=', self.vendor_receipt.id)]), self.vendor_receipt.move_ids)

    def test_salesman_sees_own_quotations_and_the_confirmed_orders(self):
        visible = self._visible(self.salesman, self.order | self.quotation | self.own_quotation)
        # his own quotation by sale's rule, the confirmed order of the case by ours
        self.assertEqual(visible, self.order | self.own_quotation)

    def test_a_custom_group_reading_transfers_keeps_them(self):
        auditors = self.env['res.groups'].create({'name': "Transfer auditors (test)"})
        self.env['ir.model.access'].create({
            'name': "transfer auditors", 'model_id': self.env.ref('stock.model_stock_picking').id,
            'group_id': auditors.id, 'perm_read': True,
        })
        auditor = self._user('ccr_host_auditor')
        pickings = self.delivery | self.vendor_receipt | self.internal_transfer
        self.assertEqual(self._visible(auditor, pickings), self.delivery)
        auditor.group_ids = [Command.link(auditors.id)]
        self.assertEqual(self._visible(auditor, pickings), pickings)
        # a rule of that group narrows it again, ORed with the cases' documents
        self.env['ir.rule'].create({
            'name': "auditors: receipts only", 'model_id': self.env.ref('stock.model_stock_picking').id,
            'groups': [Command.link(auditors.id)], 'domain_force': "[('picking_type_code', '=', 'incoming')]",
        })
        self.assertEqual(self._visible(auditor, pickings), self.delivery | self.vendor_receipt)

    def test_figures_of_other_companies_stay_theirs(self):
        company_2 = self.setup_other_company(name="Lin Wei Trading Shenzhen")['company']
        env_2 = self.env(context=dict(self.env.context, allowed_company_ids=[company_2.id, self.company.id]))
        # the same chair sold in Shenzhen: 4 delivered there
        self._create_delivered_invoiced_order(self.customer, [(self.product_chair, 4, 150.0)], env=env_2)
        manager = self.user_manager
        chair = self.product_chair.with_user(manager)
        # company 1 only: 5 delivered (common set-up), 2 back (the case)
        self.assertEqual((chair.return_delivered_qty, chair.return_qty, chair.return_rate), (5.0, 2.0, 40.0))
        # a user allowed both companies, working in both: 9 delivered, 2 back
        manager.company_ids = [Command.link(company_2.id)]
        both = chair.with_context(allowed_company_ids=[self.company.id, company_2.id])
        self.assertEqual((both.return_delivered_qty, both.return_qty), (9.0, 2.0))
        self.assertAlmostEqual(both.return_rate, 22.22, places=2)
        manager.company_ids = [Command.unlink(company_2.id)]

        # the dashboard of a company the user is not allowed: refused on the server, however asked
        Dashboard = self.env['customer.complaint.dashboard'].with_user(manager)
        with self.assertRaises(AccessError):
            Dashboard.create({'company_id': company_2.id})
        dashboard = Dashboard.create({})
        self.assertEqual(dashboard.company_id, self.company)
        with self.assertRaises(AccessError):
            dashboard.write({'company_id': company_2.id})
        with self.assertRaises(AccessError):
            Dashboard.new({'company_id': company_2.id}).received_count
        self.assertEqual(dashboard.company_id, self.company)
        # the digest, run as superuser, still reads every company's figures
        figures = self.env['customer.complaint.dashboard'].sudo()._get_figures(
            company_2, fields.Date.today(), fields.Date.today())
        self.assertEqual(figures['company'], company_2)
