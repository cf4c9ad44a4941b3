"""Least privilege on the host's documents: a complaints user reads the customer invoices and
credit notes, the customer deliveries and returns, the confirmed orders and the scraps of returns
a case needs, not the rest of the company's books, transfers and quotations; users whose other
groups give them more keep it (Odoo ORs the rules of a user's groups). The dashboard and the
return figures stay within the user's allowed companies."""
from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

import return_common

GROUP_USER = 'customer_complaint_return.group_complaint_user'
# the host models whose records the addon's rules narrow for complaints users
HOST_MODELS = ('account.move', 'account.move.line', 'stock.picking', 'stock.move', 'sale.order',
               'sale.order.line', 'stock.scrap')


@tagged('post_install', '-at_install')
class TestHostAccess(return_common.ReturnCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vendor = cls.env['res.partner'].create({'name': "Timber Supplier"})
        # what cases need: the order, its delivery and invoice (common set-up), a return received
        # and credited, another one scrapped
        cls.case = cls._create_received_return(2, 'refund')
        cls.case.action_create_credit_note()
        cls.case.credit_note_ids.action_post()
        cls.scrapped_case = cls._create_received_return(1, 'scrap')
        cls.scrapped_case.action_scrap()
        cls.scrap = cls.scrapped_case.scrap_ids
        # what they do not: a vendor bill, a miscellaneous entry, a vendor receipt, an internal
        # transfer, a scrap of the warehouse's own, quotations
        cls.vendor_bill = cls.env['account.move'].create({
            'move_type': 'in_invoice', 'partner_id': cls.vendor.id, 'invoice_date': fields.Date.today(),
            'invoice_line_ids': [Command.create({'name': "Timber", 'quantity': 1, 'price_unit': 900.0})],
        })
        cls.vendor_bill.action_post()
        cls.misc_entry = cls.env['account.move'].create({
            'move_type': 'entry', 'journal_id': cls.company_data['default_journal_misc'].id,
            'line_ids': [
                Command.create({'account_id': cls.company_data['default_account_expense'].id, 'debit': 50.0,
                                'name': "Salary"}),
                Command.create({'account_id': cls.company_data['default_account_payable'].id, 'credit': 50.0,
                                'name': "Salary"}),
            ],
        })
        cls.misc_entry.action_post()
        cls.vendor_receipt = cls._create_picking(
            cls.warehouse.in_type_id, cls.vendor, cls.env.ref('stock.stock_location_suppliers'), cls.stock_location)
        cls.internal_transfer = cls._create_picking(
            cls.warehouse.int_type_id, cls.env['res.partner'], cls.stock_location, cls.stock_location)
        cls._put_in_stock(cls.product_desk, 1)
        cls.other_scrap = cls.env['stock.scrap'].create({
            'product_id': cls.product_desk.id, 'scrap_qty': 1, 'location_id': cls.stock_location.id})
        cls.other_scrap.do_scrap()
        salesmen = {'company_id': cls.company.id, 'company_ids': [Command.set(cls.company.ids)]}
        cls.salesman = new_test_user(cls.env, login='ccr_host_salesman', name="Salesman",
                                     groups=f'sales_team.group_sale_salesman,{GROUP_USER}', **salesmen)
        cls.other_salesman = new_test_user(cls.env, login='ccr_host_salesman_2', name="Other Salesman",
                                           groups='sales_team.group_sale_salesman', **salesmen)
        cls.own_quotation = cls._create_quotation(cls.salesman)
        cls.quotation = cls._create_quotation(cls.other_salesman)

    @classmethod
    def _create_received_return(cls, quantity, disposition):
        """A return of ``quantity`` chairs of the common order, approved and received."""
        case = cls.env['customer.return'].create({
            'partner_id': cls.customer.id, 'sale_order_id': cls.order.id, 'reason_id': cls.reason_defective.id,
            'line_ids': [Command.create({'sale_line_id': cls.sale_line_chair.id, 'quantity': quantity,
                                         'condition': 'damaged', 'disposition': disposition})],
        })
        case.action_submit()
        case.action_approve()
        receipt = case.picking_ids
        receipt.move_ids.quantity = quantity
        receipt.move_ids.picked = True
        receipt.button_validate()
        return case

    @classmethod
    def _create_picking(cls, picking_type, partner, source, destination):
        picking = cls.env['stock.picking'].create({
            'picking_type_id': picking_type.id, 'partner_id': partner.id,
            'location_id': source.id, 'location_dest_id': destination.id,
            'move_ids': [Command.create({'product_id': cls.product_desk.id, 'product_uom_qty': 3,
                                         'location_id': source.id, 'location_dest_id': destination.id})],
        })
        picking.action_confirm()
        return picking

    @classmethod
    def _create_quotation(cls, salesman):
        return cls.env['sale.order'].create({
            'partner_id': cls.customer.id, 'user_id': salesman.id,
            'order_line': [Command.create({'product_id': cls.product_desk.id, 'product_uom_qty': 1})],
        })

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _user(self, login, *groups):
        return new_test_user(self.env, login=login, name=login,
                             groups=','.join(('base.group_user', GROUP_USER) + groups),
                             company_id=self.company.id, company_ids=[Command.set(self.company.ids)])

    def _case_documents(self):
        """{model: records} that the complaints user reads for the cases."""
        moves = self.invoice | self.case.credit_note_ids
        pickings = self.delivery | self.case.picking_ids | self.scrapped_case.picking_ids
        return {
            'account.move': moves,
            'account.move.line': moves.line_ids,
            'stock.picking': pickings,
            'stock.move': pickings.move_ids | self.scrap.move_ids,
            'sale.order': self.order,
            'sale.order.line': self.order.order_line,
            'stock.scrap': self.scrap,
        }

    def _other_documents(self):
        """{model: records} of the company that cases do not need."""
        moves = self.vendor_bill | self.misc_entry
        pickings = self.vendor_receipt | self.internal_transfer
        orders = self.quotation | self.own_quotation
        return {
            'account.move': moves,
            'account.move.line': moves.line_ids,
            'stock.picking': pickings,
            'stock.move': pickings.move_ids | self.other_scrap.move_ids,
            'sale.order': orders,
            'sale.order.line': orders.order_line,
            'stock.scrap': self.other_scrap,
        }

    def _assert_reads(self, user, models_read_whole):
        """``user`` finds all the records of ``models_read_whole`` and the cases' documents only of
        the other host models."""
        needed, others = self._case_documents(), self._other_documents()
        for model in HOST_MODELS:
            with self.subTest(user=user.login, model=model):
                everything = needed[model] | others[model]
                wanted = everything if model in models_read_whole else needed[model]
                found = self.env[model].with_user(user).search([('id', 'in', everything.ids)])
                self.assertEqual(found, wanted)
                self.assertEqual(self.env[model].with_user(user).search_count([('id', 'in', everything.ids)]),
                                 len(wanted))

    # ------------------------------------------------------------------
    # A complaints user alone
    # ------------------------------------------------------------------
    def test_complaints_user_reads_the_cases_documents_only(self):
        agent = self.user_agent_1
        needed, others = self._case_documents(), self._other_documents()
        self.assertEqual(self.case.credit_note_ids.state, 'posted')
        self.assertEqual(self.scrap.state, 'done')
        self.assertEqual(self.other_scrap.state, 'done')
        self.assertTrue(all(others.values()))
        self.assertEqual((self.vendor_bill.move_type, self.misc_entry.move_type), ('in_invoice', 'entry'))
        self.assertEqual((self.vendor_receipt.picking_type_code, self.internal_transfer.picking_type_code),
                         ('incoming', 'internal'))
        self.assertEqual(set((self.quotation | self.own_quotation).mapped('state')), {'draft'})
        self._assert_reads(agent, ())
        # the whole company, as the lists show it: nothing else
        for model in ('account.move', 'stock.picking', 'sale.order', 'stock.scrap'):
            with self.subTest(model=model, what="all"):
                self.assertEqual(self.env[model].with_user(agent).search([]), needed[model])
        for model in HOST_MODELS:
            with self.subTest(model=model, what="read"):
                needed[model].with_user(agent).read(['display_name'])
                for record in others[model]:
                    with self.assertRaises(AccessError):
                        record.with_user(agent).read(['display_name'])

    def test_complaints_user_handles_cases_from_the_documents(self):
        agent = self.user_agent_1
        order = self.order.with_user(agent)
        self.assertEqual(order.order_line, self.order.order_line)
        self.assertEqual(order.picking_ids, self.delivery | self.case.picking_ids | self.scrapped_case.picking_ids)
        self.assertEqual(order.invoice_ids, self.invoice | self.case.credit_note_ids)
        self.assertEqual(self.case.with_user(agent).credit_note_ids, self.case.credit_note_ids)
        # a complaint from the order, with the documents it brings
        form = Form(self.env['customer.complaint'].with_user(agent).with_context(
            **self.order.action_new_complaint()['context']))
        self.assertEqual(form.sale_order_id, self.order)
        self.assertEqual([picking.id for picking in form.delivery_ids], self.delivery.ids)
        self.assertIn(self.invoice.id, [invoice.id for invoice in form.invoice_ids])
        form.subject = "Chair delivered scratched"
        complaint = form.save()
        self.assertEqual(complaint.with_user(agent).delivery_ids, self.delivery)
        # a return from the back-office form, its order lines read as they are
        case_form = Form(self.env['customer.return'].with_user(agent))
        case_form.partner_id = self.customer
        case_form.reason_id = self.reason_defective
        with case_form.line_ids.new() as line:
            line.sale_line_id = self.sale_line_chair
            line.quantity = 1.0
            line.condition = 'opened'
            # 5 delivered, 3 already back in the two cases
            self.assertEqual((line.qty_delivered, line.qty_returnable), (5.0, 2.0))
        case = case_form.save()
        case.with_user(agent).action_submit()
        self.assertEqual(case.state, 'to_approve')

    # ------------------------------------------------------------------
    # Other groups keep what they give
    # ------------------------------------------------------------------
    def test_finance_reads_the_books(self):
        everything = HOST_MODELS[:-1]  # finance has no access to scraps
        self._assert_reads(self._user('ccr_host_billing', 'account.group_account_invoice'), everything)
        self._assert_reads(self._user('ccr_host_readonly', 'account.group_account_readonly'), everything)

    def test_warehouse_reads_every_transfer(self):
        stock = ('stock.picking', 'stock.move', 'stock.scrap', 'sale.order', 'sale.order.line')
        self._assert_reads(self._user('ccr_host_stock', 'stock.group_stock_user'), stock)

    def test_manufacturing_reads_every_transfer(self):
        if not self.env.ref('mrp.group_mrp_user', raise_if_not_found=False):
            self.skipTest("mrp is not installed")
        stock = ('stock.picking', 'stock.move', 'stock.scrap', 'sale.order', 'sale.order.line')
        self._assert_reads(self._user('ccr_host_mrp', 'mrp.group_mrp_user'), stock)

    def test_sales_manager_reads_every_order(self):
        # sale's own rules give the sales team the customer invoices only
        sales = ('stock.picking', 'stock.move', 'sale.order', 'sale.order.line')
        self._assert_reads(self._user('ccr_host_sales_manager', 'sales_team.group_sale_manager'), sales)

    def test_salesman_reads_his_quotations_and_the_confirmed_orders(self):
        salesman = self.salesman
        orders = self.order | self.quotation | self.own_quotation
        # his own quotation by sale's personal rule, the confirmed order by the cases' rule
        self.assertEqual(orders.with_user(salesman).search([('id', 'in', orders.ids)]),
                         self.order | self.own_quotation)
        self.assertEqual(self.env['sale.order.line'].with_user(salesman).search([('order_id', 'in', orders.ids)]),
                         (self.order | self.own_quotation).order_line)
        with self.assertRaises(AccessError):
            self.quotation.with_user(salesman).read(['name'])
        # transfers are the sales team's, no rule: all of them
        pickings = self.delivery | self.vendor_receipt | self.internal_transfer
        self.assertEqual(pickings.with_user(salesman).search([('id', 'in', pickings.ids)]), pickings)

    def test_a_custom_group_reading_transfers_keeps_them(self):
        auditors = self.env['res.groups'].create({'name': "Transfer auditors (test)"})
        access = self.env['ir.model.access'].create({
            'name': "transfer auditors", 'model_id': self.env.ref('stock.model_stock_picking').id,
            'group_id': auditors.id, 'perm_read': True,
        })
        auditor = self._user('ccr_host_auditor')
        pickings = self.delivery | self.vendor_receipt | self.internal_transfer
        self.assertEqual(pickings.with_user(auditor).search([('id', 'in', pickings.ids)]), self.delivery)
        # joining the group, the access of the group: Odoo's caches follow
        auditor.group_ids = [Command.link(auditors.id)]
        self.assertEqual(pickings.with_user(auditor).search([('id', 'in', pickings.ids)]), pickings)
        access.perm_read = False
        self.assertEqual(pickings.with_user(auditor).search([('id', 'in', pickings.ids)]), self.delivery)
        access.perm_read = True
        # a rule of that group narrows it again, ORed with the cases' documents
        self.env['ir.rule'].create({
            'name': "auditors: receipts only", 'model_id': self.env.ref('stock.model_stock_picking').id,
            'groups': [Command.link(auditors.id)], 'domain_force': "[('picking_type_code', '=', 'incoming')]",
        })
        self.assertEqual(pickings.with_user(auditor).search([('id', 'in', pickings.ids)]),
                         self.delivery | self.vendor_receipt)

    # ------------------------------------------------------------------
    # Figures within the allowed companies
    # ------------------------------------------------------------------
    def test_figures_of_other_companies_stay_theirs(self):
        company_2 = self.setup_other_company(name="Lin Wei Trading Shenzhen")['company']
        env_2 = self.env(context=dict(self.env.context, allowed_company_ids=[company_2.id, self.company.id]))
        # sold in Shenzhen: 4 chairs and 3 desks delivered there
        self._create_delivered_invoiced_order(
            self.customer, [(self.product_chair, 4, 150.0), (self.product_desk, 3, 420.0)], env=env_2)
        manager = self.user_manager
        chair = self.product_chair.with_user(manager)
        # company 1 only: 5 delivered (common set-up), 3 back (the two cases)
        self.assertEqual((chair.return_delivered_qty, chair.return_qty, chair.return_rate), (5.0, 3.0, 60.0))
        self.assertEqual(self.product_desk.with_user(manager).return_delivered_qty, 0.0)
        rates = self.env['customer.return.rate'].with_user(manager).create({})
        self.assertEqual(rates.action_open()['domain'], [('id', 'in', self.product_chair.ids)])
        # a user allowed both companies, working in both: 9 delivered, 3 back
        manager.company_ids = [Command.link(company_2.id)]
        both = chair.with_context(allowed_company_ids=[self.company.id, company_2.id])
        self.assertEqual((both.return_delivered_qty, both.return_qty), (9.0, 3.0))
        self.assertAlmostEqual(both.return_rate, 33.33, places=2)
        self.assertEqual(
            rates.with_context(allowed_company_ids=[self.company.id, company_2.id]).action_open()['domain'],
            [('id', 'in', (self.product_chair | self.product_desk).ids)])
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
        # its own company's return rates: the chair, 3 of 5
        today = fields.Date.today()
        figures = Dashboard._get_figures(self.company, today, today)
        self.assertEqual([(row['product'], row['returned'], row['delivered'], row['rate'])
                          for row in figures['top_return_rates']], [(self.product_chair, 3.0, 5.0, 60.0)])
        # the digest, run as superuser, still reads every company's figures: 4 chairs and 3 desks out
        figures = self.env['customer.complaint.dashboard'].sudo()._get_figures(company_2, today, today)
        self.assertEqual(figures['company'], company_2)
        self.assertEqual(figures['top_return_rates'], [])
