"""Access rights: what agents, managers and plain employees may do, company by company."""
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

import common


@tagged('post_install', '-at_install')
class TestComplaintSecurity(common.ComplaintCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Complaint = cls.env['customer.complaint']
        cls.complaint = cls._create_complaint(
            sale_order_id=cls.order.id,
            delivery_ids=[Command.set(cls.delivery.ids)],
            invoice_ids=[Command.set(cls.invoice.ids)],
            product_ids=[Command.set(cls.product_chair.ids)],
        )

        # A second company with its own product, delivered order and complaint.
        cls.company_2 = cls.env['res.company'].create({'name': "Lin Wei Trading Shenzhen"})
        cls.env.user.company_ids = [Command.link(cls.company_2.id)]
        env_2 = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.company_2.id, cls.company.id]))
        cls.product_2 = cls._create_storable_product("Shenzhen Lamp", 80.0, company=cls.company_2)
        cls.order_2 = cls._create_order_in(env_2, cls.customer, cls.product_2, 3, 80.0)
        cls.delivery_2 = cls.order_2.picking_ids
        cls.complaint_2 = env_2['customer.complaint'].create({
            'partner_id': cls.customer.id,
            'subject': "Lamp flickers",
            'company_id': cls.company_2.id,
        })
        cls.user_manager.company_ids = [Command.link(cls.company_2.id)]

    @classmethod
    def _create_order_in(cls, env, partner, product, quantity, price):
        """A confirmed and delivered sale order of ``env``'s company."""
        warehouse = env['stock.warehouse'].search([('company_id', '=', env.company.id)], limit=1)
        cls._put_in_stock(product.with_env(env), quantity, warehouse.lot_stock_id)
        order = env['sale.order'].create({
            'partner_id': partner.id,
            'order_line': [Command.create({
                'product_id': product.id, 'product_uom_qty': quantity, 'price_unit': price})],
        })
        order.action_confirm()
        cls._validate_delivery(order)
        return order

    def _new_complaint_vals(self, **values):
        return {'partner_id': self.customer.id, 'subject': "Armrest loose", 'channel': 'email', **values}

    # ------------------------------------------------------------------
    # Agent
    # ------------------------------------------------------------------
    def test_agent_handles_complaints(self):
        Complaint = self.Complaint.with_user(self.user_agent_1)
        complaint = Complaint.create(self._new_complaint_vals(sale_order_id=self.order.id))
        self.assertEqual(complaint.create_uid, self.user_agent_1)
        self.assertEqual(complaint.read(['subject'])[0]['subject'], "Armrest loose")

        complaint.write({'subject': "Armrest loose on two chairs", 'demand': 'repair'})
        complaint.action_start()
        self.assertEqual(complaint.state, 'in_progress')
        self.assertTrue(complaint.date_started)

        complaint.resolution = "<p>Technician fixed both armrests on site.</p>"
        complaint.action_resolve()
        self.assertRecordValues(complaint, [{
            'subject': "Armrest loose on two chairs",
            'demand': 'repair',
            'state': 'resolved',
            'sale_order_id': self.order.id,
        }])
        self.assertTrue(complaint.date_resolved)
        self.assertEqual(Complaint.search([('id', '=', complaint.id)]), complaint)

    def test_agent_cannot_delete_complaints(self):
        with self.assertRaises(AccessError):
            self.complaint.with_user(self.user_agent_1).unlink()
        self.assertTrue(self.complaint.exists())

    def test_agent_reads_but_does_not_configure(self):
        agent = self.user_agent_1
        deadline = self.env['customer.complaint.deadline'].search(
            [('company_id', '=', self.company.id), ('severity', '=', 'low')])
        configuration = [
            (self.category_quality, {'name': "Packaging"}),
            (self.team_service, {'name': "Second Line"}),
            (deadline, {'severity': 'low', 'response_hours': 1, 'resolution_hours': 2,
                        'category_id': self.category_delay.id}),
        ]
        for record, create_vals in configuration:
            with self.subTest(model=record._name):
                as_agent = record.with_user(agent)
                self.assertEqual(as_agent.read(['display_name'])[0]['display_name'], record.display_name)
                with self.assertRaises(AccessError):
                    as_agent.create(create_vals)
                with self.assertRaises(AccessError):
                    as_agent.write({'active': False} if 'active' in record else {'response_hours': 3})
                with self.assertRaises(AccessError):
                    as_agent.unlink()
                self.assertTrue(record.exists())
        self.assertEqual(self.category_quality.name, "Product Quality")
        self.assertTrue(self.team_service.active)
        self.assertEqual(deadline.response_hours, 16)

    def test_agent_reads_linked_documents_without_their_apps(self):
        agent = self.user_agent_1
        for group in ('sales_team.group_sale_salesman', 'stock.group_stock_user', 'account.group_account_invoice'):
            self.assertFalse(agent.has_group(group), group)

        self.env.invalidate_all()
        data = self.complaint.with_user(agent).web_read({
            'sale_order_id': {'fields': {'display_name': {}}},
            'delivery_ids': {'fields': {'display_name': {}}},
            'invoice_ids': {'fields': {'display_name': {}}},
        })[0]
        self.assertEqual(data['sale_order_id'], {'id': self.order.id, 'display_name': self.order.name})
        self.assertEqual(data['delivery_ids'], [{'id': self.delivery.id, 'display_name': self.delivery.name}])
        self.assertEqual(data['invoice_ids'], [{'id': self.invoice.id, 'display_name': self.invoice.display_name}])

        complaint = self.complaint.with_user(agent)
        self.assertEqual(complaint.sale_order_id.partner_id, self.customer)
        self.assertEqual(complaint.sale_order_id.order_line.product_id, self.product_chair)
        self.assertEqual(complaint.delivery_ids.move_ids.quantity, 5.0)
        self.assertEqual(complaint.invoice_ids.amount_untaxed, 750.0)
        # Reading only: the documents stay out of the agent's reach for changes.
        with self.assertRaises(AccessError):
            complaint.sale_order_id.write({'client_order_ref': "changed"})
        self.assertFalse(self.order.client_order_ref)

    # ------------------------------------------------------------------
    # Manager
    # ------------------------------------------------------------------
    def test_manager_configures(self):
        manager = self.user_manager
        category = self.env['customer.complaint.category'].with_user(manager).create({'name': "Packaging"})
        team = self.env['customer.complaint.team'].with_user(manager).create({
            'name': "Second Line", 'member_ids': [Command.set(self.user_agent_2.ids)]})
        deadline = self.env['customer.complaint.deadline'].with_user(manager).create({
            'severity': 'low', 'category_id': category.id, 'response_hours': 1, 'resolution_hours': 2})
        self.assertEqual((category.company_id, team.company_id, deadline.company_id), (self.company,) * 3)

        category.with_user(manager).write({'default_team_id': team.id})
        deadline.with_user(manager).unlink()
        self.assertFalse(deadline.exists())
        self.assertEqual(category.default_team_id, team)

    def test_manager_deletes_new_and_cancelled_complaints(self):
        Complaint = self.Complaint.with_user(self.user_manager)
        new = Complaint.create(self._new_complaint_vals())
        cancelled = Complaint.create(self._new_complaint_vals(subject="Duplicate call"))
        cancelled._cancel("Duplicate of an existing case")
        self.assertEqual(cancelled.state, 'cancelled')

        (new | cancelled).unlink()
        self.assertFalse((new | cancelled).exists())

    def test_manager_cannot_delete_processed_complaints_but_archives_them(self):
        Complaint = self.Complaint.with_user(self.user_manager)
        in_progress = Complaint.create(self._new_complaint_vals())
        in_progress.action_start()
        resolved = Complaint.create(self._new_complaint_vals(subject="Resolved one"))
        resolved.resolution = "<p>Replaced.</p>"
        resolved.action_resolve()
        closed = Complaint.create(self._new_complaint_vals(subject="Closed one"))
        closed.resolution = "<p>Refunded.</p>"
        closed.action_resolve()
        closed.action_close()

        for complaint in (in_progress, resolved, closed):
            with self.subTest(state=complaint.state):
                with self.assertRaises(UserError) as error:
                    complaint.unlink()
                self.assertIn(complaint.name, str(error.exception))
                self.assertIn("archive them instead", str(error.exception))
                self.assertTrue(complaint.exists())

        processed = in_progress | resolved | closed
        processed.write({'active': False})
        self.assertFalse(Complaint.search([('id', 'in', processed.ids)]))
        self.assertEqual(Complaint.with_context(active_test=False).search([('id', 'in', processed.ids)]), processed)
        self.assertEqual(processed.mapped('state'), ['in_progress', 'resolved', 'closed'])

    # ------------------------------------------------------------------
    # Plain employee
    # ------------------------------------------------------------------
    def test_employee_has_no_access(self):
        employee = self.user_employee
        self.assertFalse(employee.has_group(common.GROUP_USER))
        count = self.Complaint.search_count([])
        with self.assertRaises(AccessError):
            self.complaint.with_user(employee).read(['subject'])
        with self.assertRaises(AccessError):
            self.Complaint.with_user(employee).create(self._new_complaint_vals())
        with self.assertRaises(AccessError):
            self.Complaint.with_user(employee).search([])
        self.assertEqual(self.Complaint.search_count([]), count)

    def test_complaint_count_hidden_from_users_without_the_app(self):
        salesman = new_test_user(
            self.env, login='ccr_salesman', groups='base.group_user,sales_team.group_sale_salesman_all_leads',
            company_id=self.company.id, company_ids=[Command.set(self.company.ids)])
        for model in ('sale.order', 'res.partner', 'stock.picking', 'account.move'):
            with self.subTest(model=model):
                self.assertNotIn('complaint_count', self.env[model].with_user(self.user_employee).fields_get())
                self.assertIn('complaint_count', self.env[model].with_user(self.user_agent_1).fields_get())
        # A salesman sees the order but not its complaints.
        order = self.order.with_user(salesman)
        self.assertEqual(order.read(['name'])[0]['name'], self.order.name)
        with self.assertRaises(AccessError):
            order.read(['complaint_count'])
        self.assertEqual(self.order.with_user(self.user_agent_1).complaint_count, 1)

    def test_app_menu_visible_to_complaint_users_only(self):
        Menu = self.env['ir.ui.menu']
        root = self.env.ref('customer_complaint_return.menu_complaint_return_root')
        config = self.env.ref('customer_complaint_return.menu_complaint_config')
        visible = {user: Menu.with_user(user)._visible_menu_ids() for user in (
            self.user_employee, self.user_agent_1, self.user_manager)}

        self.assertNotIn(root.id, visible[self.user_employee])
        self.assertIn(root.id, visible[self.user_agent_1])
        self.assertNotIn(config.id, visible[self.user_agent_1])
        self.assertIn(root.id, visible[self.user_manager])
        self.assertIn(config.id, visible[self.user_manager])

    # ------------------------------------------------------------------
    # Several companies
    # ------------------------------------------------------------------
    def test_agent_does_not_see_other_company_complaints(self):
        Complaint = self.Complaint.with_user(self.user_agent_1)
        self.assertEqual(self.user_agent_1.company_ids, self.company)
        self.assertFalse(Complaint.search([('id', '=', self.complaint_2.id)]))
        self.assertEqual(Complaint.search([('partner_id', '=', self.customer.id)]), self.complaint)
        self.env.invalidate_all()
        with self.assertRaises(AccessError):
            Complaint.browse(self.complaint_2.id).read(['subject'])

    def test_manager_sees_both_companies_when_both_allowed(self):
        Complaint = self.Complaint.with_user(self.user_manager)
        both = self.complaint | self.complaint_2
        self.assertEqual(
            Complaint.with_context(allowed_company_ids=[self.company.id, self.company_2.id]).search(
                [('id', 'in', both.ids)]),
            both)
        self.assertEqual(
            Complaint.with_context(allowed_company_ids=[self.company.id]).search([('id', 'in', both.ids)]),
            self.complaint)
        self.assertEqual(
            Complaint.with_context(allowed_company_ids=[self.company_2.id]).search([('id', 'in', both.ids)]),
            self.complaint_2)

    def test_documents_of_another_company_are_refused(self):
        self.assertEqual(self.order_2.company_id, self.company_2)
        self.assertEqual(self.delivery_2.state, 'done')
        complaint = self.complaint.with_context(allowed_company_ids=[self.company.id, self.company_2.id])
        attempts = [
            {'sale_order_id': self.order_2.id},
            {'delivery_ids': [Command.link(self.delivery_2.id)]},
            {'product_ids': [Command.link(self.product_2.id)]},
        ]
        for vals in attempts:
            with self.subTest(field=next(iter(vals))):
                with self.assertRaises(UserError) as error:
                    complaint.write(vals)
                self.assertIn(next(iter(vals)), str(error.exception))
        self.assertRecordValues(self.complaint, [{
            'sale_order_id': self.order.id,
            'delivery_ids': self.delivery.ids,
            'product_ids': self.product_chair.ids,
            'company_id': self.company.id,
        }])

    def test_other_company_keeps_its_own_references(self):
        self.assertEqual(self.complaint_2.company_id, self.company_2)
        self.assertEqual(self.complaint.name.rsplit('/', 1)[1], '00001')
        self.assertEqual(self.complaint_2.name.rsplit('/', 1)[1], '00001')
