"""Access rights on returns: what agents, approvers, managers, the warehouse and finance may do,
with real users, company by company."""
from lxml import etree

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import tagged

import return_common

REASON = "The customer kept the goods for two months."


@tagged('post_install', '-at_install')
class TestReturnRoles(return_common.ReturnCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Return = cls.env['customer.return']

    def _submitted_case(self, quantity=2):
        case = self._create_return({self.sale_line_chair: quantity})
        case.with_user(self.user_agent_1).action_submit()
        return case

    def _approve(self, case):
        case.with_user(self.user_manager).action_approve()
        return case.picking_ids

    def _received_case(self, quantity=2):
        case = self._submitted_case(quantity)
        self._receive(self._approve(case))
        self.assertEqual(case.state, 'received')
        return case

    def _returns_of_delivery(self):
        return self.env['stock.picking'].search([('return_id', '=', self.delivery.id)])

    def _credit_notes_of_invoice(self):
        return self.env['account.move'].search([('reversed_entry_id', '=', self.invoice.id)])

    def _decide(self, user, case, operation, reason=REASON):
        wizard = self.env['customer.return.decision'].with_user(user).create({
            'return_ids': [Command.set(case.ids)], 'operation': operation, 'reason': reason})
        return wizard.action_confirm()

    def _form_spec(self, user):
        """The fields the return form asks for when ``user`` opens it, as the web client reads them."""
        view = self.Return.with_user(user).get_views([(False, 'form')])
        arch = etree.fromstring(view['views']['form']['arch'])
        fields_info = view['models']['customer.return']['fields']
        line_fields = view['models']['customer.return.line']['fields']

        def spec_of(names, info):
            return {name: {'fields': {'display_name': {}}} if info[name]['type'] == 'many2one' else {}
                    for name in names}

        top_names = {node.get('name') for node in arch.xpath("//field[not(ancestor::field)]")} - {'line_ids'}
        line_names = {node.get('name') for node in arch.xpath("//field[@name='line_ids']//field")}
        spec = spec_of(top_names, fields_info)
        spec['line_ids'] = {'fields': spec_of(line_names, line_fields)}
        return spec

    # ------------------------------------------------------------------
    # Customer service (addon user)
    # ------------------------------------------------------------------
    def test_agent_creates_and_submits(self):
        agent = self.user_agent_1
        case = self._create_return({self.sale_line_chair: 2}, user=agent).with_user(agent)
        self.assertEqual((case.create_uid, case.state, case.company_id), (agent, 'draft', self.company))

        case.action_submit()
        self.assertEqual(case.state, 'to_approve')
        self.assertTrue(case.date_submitted)
        self.assertEqual(self.Return.with_user(agent).search([('id', '=', case.id)]), case)
        self.assertEqual(case.read(['state'])[0]['state'], 'to_approve')

    def test_agent_cannot_approve_reject_or_override(self):
        agent = self.user_agent_1
        case = self._submitted_case().with_user(agent)
        with self.assertRaises(AccessError):
            case.action_approve()
        with self.assertRaises(AccessError):
            case.action_reject()
        with self.assertRaises(AccessError):
            self._decide(agent, case, 'reject')
        with self.assertRaises(AccessError):
            case.action_override_eligibility()
        with self.assertRaises(AccessError):
            self._decide(agent, case, 'override')
        self.assertRecordValues(case, [{
            'state': 'to_approve', 'reject_reason': False, 'eligibility_override': False,
            'approved_user_id': False, 'date_approved': False}])
        self.assertEqual(case.line_ids.qty_approved, 0.0)
        self.assertFalse(self.env['customer.return'].browse(case.id).all_picking_ids)
        self.assertFalse(self._returns_of_delivery())

    def test_agent_cannot_bypass_the_approval_by_writing(self):
        agent = self.user_agent_1
        count = self.Return.search_count([])
        with self.assertRaises(AccessError):
            self._create_return({self.sale_line_chair: 1}, user=agent, state='approved')
        self.assertEqual(self.Return.search_count([]), count)

        case = self._submitted_case()
        for vals in ({'state': 'approved'}, {'state': 'rejected'}, {'state': 'done'},
                     {'eligibility_override': True}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                case.with_user(agent).write(vals)
        self.assertRecordValues(case, [{'state': 'to_approve', 'eligibility_override': False}])
        self.assertFalse(case.all_picking_ids)

    def test_agent_cannot_credit_or_delete(self):
        agent = self.user_agent_1
        case = self._received_case()
        with self.assertRaises(AccessError):
            case.with_user(agent).action_create_credit_note()
        self.assertFalse(case.credit_note_ids)
        self.assertFalse(self._credit_notes_of_invoice())

        draft = self._create_return({self.sale_line_chair: 1})
        for record in (case, draft):
            with self.subTest(state=record.state), self.assertRaises(AccessError):
                record.with_user(agent).unlink()
        self.assertTrue(case.exists())
        self.assertTrue(draft.exists())
        self.assertEqual(len(draft.line_ids), 1)

    # ------------------------------------------------------------------
    # Approver and manager
    # ------------------------------------------------------------------
    def test_approver_and_manager_approve(self):
        for user in (self.user_approver, self.user_manager):
            with self.subTest(user=user.login):
                case = self._submitted_case(quantity=1)
                case.with_user(user).action_approve()
                self.assertRecordValues(case, [{'state': 'approved', 'approved_user_id': user.id}])
                self.assertEqual(case.line_ids.qty_approved, 1.0)
                self.assertEqual(len(case.picking_ids), 1)
                self.assertEqual(case.picking_ids.return_id, self.delivery)
                self.assertEqual(case.picking_ids.move_ids.product_uom_qty, 1.0)
        self.assertEqual(len(self._returns_of_delivery()), 2)

    def test_approver_rejects_with_a_reason(self):
        case = self._submitted_case()
        action = case.with_user(self.user_approver).action_reject()
        self.assertEqual(action['res_model'], 'customer.return.decision')
        self._decide(self.user_approver, case, 'reject', reason="Outside the return window.")
        self.assertRecordValues(case, [{'state': 'rejected', 'reject_reason': "Outside the return window."}])
        self.assertFalse(case.all_picking_ids)

    def test_only_the_manager_overrides_conditions(self):
        self.product_chair.product_tmpl_id.return_not_allowed = True
        case = self._submitted_case()
        self.assertFalse(case.is_eligible)
        approver, manager = self.user_approver, self.user_manager

        with self.assertRaises(UserError):
            case.with_user(approver).action_approve()
        with self.assertRaises(AccessError):
            case.with_user(approver).action_override_eligibility()
        with self.assertRaises(AccessError):
            self._decide(approver, case, 'override')
        self.assertRecordValues(case, [{'state': 'to_approve', 'eligibility_override': False}])
        self.assertFalse(case.all_picking_ids)

        action = case.with_user(manager).action_override_eligibility()
        self.assertEqual(action['context'], {'default_return_ids': case.ids, 'default_operation': 'override'})
        self._decide(manager, case, 'override', reason="Long-standing customer, goods unopened.")
        self.assertTrue(case.eligibility_override)
        self.assertIn("Long-standing customer, goods unopened.", case.message_ids[0].body)

        case.with_user(approver).action_approve()
        self.assertEqual(case.state, 'approved')
        self.assertEqual(case.picking_ids.move_ids.product_uom_qty, 2.0)

    def test_approver_and_manager_cannot_credit(self):
        case = self._received_case()
        self.assertEqual(case.line_ids.qty_to_credit, 2.0)
        for user in (self.user_approver, self.user_manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                case.with_user(user).action_create_credit_note()
        self.assertFalse(case.credit_note_ids)
        self.assertFalse(self._credit_notes_of_invoice())
        self.assertEqual(case.state, 'received')

    # ------------------------------------------------------------------
    # Warehouse
    # ------------------------------------------------------------------
    def test_warehouse_reads_but_does_not_create_submit_or_approve(self):
        warehouse = self.user_warehouse
        Return = self.Return.with_user(warehouse)
        with self.assertRaises(AccessError):
            self._create_return({self.sale_line_chair: 1}, user=warehouse)
        draft = self._create_return({self.sale_line_chair: 1})
        with self.assertRaises(AccessError):
            draft.with_user(warehouse).action_submit()
        self.assertEqual(draft.state, 'draft')

        case = self._submitted_case()
        self.assertEqual(Return.search([('id', 'in', (case | draft).ids)]), case | draft)
        self.assertEqual(case.with_user(warehouse).read(['name', 'state'])[0]['state'], 'to_approve')
        with self.assertRaises(AccessError):
            case.with_user(warehouse).action_approve()
        with self.assertRaises(AccessError):
            case.with_user(warehouse).action_reject()
        self.assertEqual(case.state, 'to_approve')
        self.assertFalse(case.all_picking_ids)
        self.assertFalse(self._returns_of_delivery())

    def test_warehouse_receives_inspects_and_sends_back(self):
        warehouse = self.user_warehouse
        case = self._submitted_case(quantity=3)
        receipt = self._approve(case)
        self.assertEqual(receipt.with_user(warehouse).read(['state'])[0]['state'], 'assigned')

        self._receive(receipt)  # button_validate as the warehouse user
        line = case.line_ids
        self.assertEqual(case.state, 'received')
        self.assertEqual((line.qty_received, line.qty_accepted), (3.0, 3.0))

        line.with_user(warehouse).write({
            'qty_rejected': 1.0, 'condition_found': 'used', 'inspection_note': "Scratches on the base"})
        self.assertRecordValues(line, [{
            'qty_rejected': 1.0, 'qty_accepted': 2.0, 'condition_found': 'used', 'qty_to_send_back': 1.0,
            'qty_to_credit': 2.0}])
        with self.assertRaises(UserError):
            line.with_user(warehouse).write({'quantity': 5.0})
        with self.assertRaises(AccessError):
            case.with_user(warehouse).write({'state': 'done'})
        self.assertEqual(line.quantity, 3.0)

        case.with_user(warehouse).action_send_back()
        self.assertEqual(len(case.delivery_ids), 1)
        self.assertEqual(case.delivery_ids.picking_type_code, 'outgoing')
        self.assertEqual(case.delivery_ids.move_ids.product_uom_qty, 1.0)
        self.assertEqual(case.delivery_ids.move_ids.customer_return_line_id, line)

        with self.assertRaises(AccessError):
            case.with_user(warehouse).action_create_credit_note()
        self.assertFalse(case.credit_note_ids)
        self.assertFalse(self._credit_notes_of_invoice())

    # ------------------------------------------------------------------
    # Finance
    # ------------------------------------------------------------------
    def test_finance_reads_credits_and_posts_but_does_not_approve(self):
        finance = self.user_finance
        with self.assertRaises(AccessError):
            self._create_return({self.sale_line_chair: 1}, user=finance)
        pending = self._create_return({self.sale_line_chair: 1})
        pending.action_submit()
        with self.assertRaises(AccessError):
            pending.with_user(finance).action_approve()
        self.assertEqual(pending.state, 'to_approve')
        self.assertFalse(pending.all_picking_ids)

        case = self._received_case(quantity=2)
        self.assertEqual(self.Return.with_user(finance).search([('id', '=', case.id)]), case)
        self.assertEqual(case.with_user(finance).read(['state'])[0]['state'], 'received')
        notes, _action = self._credit(case)
        self.assertEqual(len(notes), 1)
        self.assertRecordValues(notes, [{
            'move_type': 'out_refund', 'state': 'posted', 'reversed_entry_id': self.invoice.id,
            'create_uid': finance.id, 'amount_untaxed': 300.0, 'amount_total': 345.0,
            'customer_return_id': case.id}])
        self.assertEqual(case.state, 'done')

    def test_warehouse_and_finance_open_the_form(self):
        case = self._received_case()
        self._credit(case, post=False)
        complaint = self._create_complaint(sale_order_id=self.order.id)
        case.complaint_id = complaint
        for user in (self.user_warehouse, self.user_finance, self.user_agent_1):
            with self.subTest(user=user.login):
                self.env.invalidate_all()
                data = case.with_user(user).web_read(self._form_spec(user))[0]
                self.assertEqual(data['name'], case.name)
                self.assertEqual(data['state'], 'received')
                self.assertEqual(data['partner_id']['id'], self.customer.id)
                self.assertEqual(data['line_ids'][0]['qty_received'], 2.0)
                # Each sees the smart buttons of the documents they can open, and only those.
                can_open_credit_notes = user == self.user_finance
                can_open_pickings = user != self.user_finance
                self.assertEqual(data.get('credit_note_count'), 1 if can_open_credit_notes else None)
                self.assertEqual(data.get('picking_count'), 1 if can_open_pickings else None)

    # ------------------------------------------------------------------
    # Plain employee
    # ------------------------------------------------------------------
    def test_employee_cannot_read_returns(self):
        employee = self.user_employee
        case = self._submitted_case()
        with self.assertRaises(AccessError):
            case.with_user(employee).read(['name'])
        with self.assertRaises(AccessError):
            self.Return.with_user(employee).search([])
        with self.assertRaises(AccessError):
            case.line_ids.with_user(employee).read(['quantity'])
        with self.assertRaises(AccessError):
            self._create_return({self.sale_line_chair: 1}, user=employee)

    # ------------------------------------------------------------------
    # Deletion
    # ------------------------------------------------------------------
    def test_manager_deletes_draft_cases(self):
        case = self._create_return({self.sale_line_chair: 1})
        lines = case.line_ids
        case.with_user(self.user_manager).unlink()
        self.assertFalse(case.exists())
        self.assertFalse(lines.exists())

    def test_processed_cases_cannot_be_deleted(self):
        manager = self.user_manager
        received = self._received_case(quantity=2)
        credited = self._received_case(quantity=1)
        self._credit(credited)
        self.assertEqual(credited.state, 'done')
        for case in (received, credited):
            with self.subTest(state=case.state):
                with self.assertRaises(UserError) as error:
                    case.with_user(manager).unlink()
                self.assertIn(case.name, str(error.exception))
                self.assertTrue(case.exists())
                self.assertEqual(len(case.line_ids), 1)
                self.assertEqual(case.picking_ids.customer_return_id, case)
        self.assertEqual(credited.credit_note_ids.customer_return_id, credited)

    def test_posted_credit_note_alone_prevents_deletion(self):
        # A credit note posted outside the flow and linked to a case still in draft.
        case = self._create_return({self.sale_line_chair: 1})
        reversal = self.env['account.move.reversal'].with_context(
            active_model='account.move', active_ids=self.invoice.ids,
        ).create({'reason': "Goodwill", 'journal_id': self.invoice.journal_id.id})
        reversal.refund_moves()
        note = reversal.new_move_ids
        note.action_post()
        note.customer_return_id = case
        self.assertFalse(case.all_picking_ids)
        with self.assertRaises(UserError):
            case.with_user(self.user_manager).unlink()
        self.assertTrue(case.exists())
        self.assertEqual(note.customer_return_id, case)

    # ------------------------------------------------------------------
    # Another customer's documents
    # ------------------------------------------------------------------
    def test_another_customers_order_is_refused(self):
        Return = self.Return.with_user(self.user_agent_1)
        count = Return.search_count([])
        with self.assertRaises(UserError):
            Return.create({'partner_id': self.other_customer.id, 'sale_order_id': self.order.id,
                           'reason_id': self.reason_defective.id})
        with self.assertRaises(ValidationError):
            Return.create({'partner_id': self.other_customer.id, 'reason_id': self.reason_defective.id,
                           'line_ids': [Command.create({'sale_line_id': self.sale_line_chair.id, 'quantity': 1.0})]})
        self.assertEqual(Return.search_count([]), count)

        other_order = self._create_delivered_invoiced_order(self.other_customer, [(self.product_desk, 1, 420.0)])
        case = self._create_return({self.sale_line_chair: 1})
        with self.assertRaises(UserError):
            case.write({'sale_order_id': other_order.id})
        with self.assertRaises(ValidationError):
            case.write({'line_ids': [Command.create({'sale_line_id': other_order.order_line.id, 'quantity': 1.0})]})
        self.assertRecordValues(case, [{'sale_order_id': self.order.id, 'partner_id': self.customer.id}])
        self.assertEqual(case.line_ids.sale_line_id, self.sale_line_chair)


@tagged('post_install', '-at_install')
class TestReturnMultiCompany(return_common.ReturnCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.setup_other_company(name="Lin Wei Trading Shenzhen")['company']
        cls.env_2 = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.company_2.id, cls.company.id]))
        cls.product_2 = cls._create_storable_product("Shenzhen Lamp", 80.0, company=cls.company_2)
        cls.order_2 = cls._create_delivered_invoiced_order(cls.customer, [(cls.product_2, 3, 80.0)], env=cls.env_2)
        cls.invoice_2 = cls.order_2.invoice_ids
        cls.reason_2 = cls.env['customer.return.reason'].create({
            'name': "Defective (Shenzhen)", 'default_disposition': 'refund', 'company_id': cls.company_2.id})
        cls.user_manager.company_ids = [Command.link(cls.company_2.id)]
        cls.both_companies = {'allowed_company_ids': [cls.company_2.id, cls.company.id]}

    def _create_return_2(self, quantity=1):
        """A draft return of the second company's order, by the manager working in that company."""
        manager_env = self.env(user=self.user_manager, context=dict(self.env.context, **self.both_companies))
        return manager_env['customer.return'].create({
            'partner_id': self.customer.id,
            'sale_order_id': self.order_2.id,
            'reason_id': self.reason_2.id,
            'line_ids': [Command.create({
                'sale_line_id': self.order_2.order_line.id, 'quantity': quantity, 'condition': 'damaged'})],
        })

    def _sequence(self, company):
        return self.env['ir.sequence'].sudo().search(
            [('code', '=', 'customer.return'), ('company_id', '=', company.id)])

    def test_each_company_numbers_its_own_returns(self):
        self.assertFalse(self._sequence(self.company_2))
        first_1 = self._create_return({self.order.order_line: 1})
        case_2 = self._create_return_2()
        second_1 = self._create_return({self.order.order_line: 1})
        case_2b = self._create_return_2()

        self.assertEqual((case_2.company_id, first_1.company_id), (self.company_2, self.company))
        sequence_2 = self._sequence(self.company_2)
        self.assertEqual(len(sequence_2), 1)
        self.assertNotEqual(sequence_2, self._sequence(self.company))
        prefix = case_2.name.rsplit('/', 1)[0] + '/'
        self.assertTrue(prefix.startswith('RMA/'))
        self.assertEqual((case_2.name, case_2b.name), (f"{prefix}00001", f"{prefix}00002"))
        self.assertEqual(int(second_1.name.rsplit('/', 1)[1]), int(first_1.name.rsplit('/', 1)[1]) + 1)

    def test_users_of_company_1_do_not_see_company_2_returns(self):
        case_1 = self._create_return({self.order.order_line: 1})
        case_2 = self._create_return_2()
        both = case_1 | case_2
        for user in (self.user_agent_1, self.user_approver, self.user_warehouse, self.user_finance):
            with self.subTest(user=user.login):
                self.assertEqual(self.env['customer.return'].with_user(user).search([('id', 'in', both.ids)]), case_1)
                self.assertFalse(self.env['customer.return.line'].with_user(user).search(
                    [('id', 'in', case_2.line_ids.ids)]))
                self.env.invalidate_all()
                with self.assertRaises(AccessError):
                    case_2.with_user(user).read(['name'])
        Return = self.env['customer.return'].with_user(self.user_manager)
        self.assertEqual(Return.with_context(allowed_company_ids=[self.company.id]).search(
            [('id', 'in', both.ids)]), case_1)
        self.assertEqual(Return.with_context(**self.both_companies).search([('id', 'in', both.ids)]), both)

    def test_company_1_return_refuses_company_2_documents(self):
        Return = self.env['customer.return'].with_user(self.user_manager).with_context(**self.both_companies)
        count = Return.search_count([])
        with self.assertRaises(UserError):
            Return.create({'partner_id': self.customer.id, 'company_id': self.company.id,
                           'sale_order_id': self.order_2.id, 'reason_id': self.reason_defective.id})
        with self.assertRaises(UserError):
            Return.create({'partner_id': self.customer.id, 'company_id': self.company.id,
                           'reason_id': self.reason_defective.id,
                           'line_ids': [Command.create({'sale_line_id': self.order_2.order_line.id, 'quantity': 1.0})]})
        self.assertEqual(Return.search_count([]), count)

        case_1 = self._create_return({self.order.order_line: 1}).with_user(self.user_manager).with_context(
            **self.both_companies)
        with self.assertRaises(UserError):
            case_1.write({'line_ids': [Command.create({'sale_line_id': self.order_2.order_line.id, 'quantity': 1.0})]})
        self.assertEqual(case_1.line_ids.sale_line_id, self.order.order_line)

        # Transfers and credit notes of company 2 cannot be linked to a company 1 return.
        for document in (self.order_2.picking_ids, self.invoice_2):
            with self.subTest(model=document._name), self.assertRaises(UserError):
                document.with_env(self.env_2).write({'customer_return_id': case_1.id})
            self.assertFalse(document.customer_return_id)

    def test_company_2_return_runs_in_company_2(self):
        case_2 = self._create_return_2(quantity=2)
        manager_2 = self.user_manager.with_context(**self.both_companies)
        case_2.with_env(manager_2.env).action_submit()
        case_2.with_env(manager_2.env).action_approve()
        receipt = case_2.picking_ids
        self.assertEqual(len(receipt), 1)
        self.assertEqual(receipt.company_id, self.company_2)
        self.assertEqual(receipt.picking_type_id.warehouse_id.company_id, self.company_2)
        self.assertEqual(receipt.return_id, self.order_2.picking_ids.filtered(
            lambda picking: picking.picking_type_code == 'outgoing'))

        receipt = receipt.with_env(self.env_2)
        for move in receipt.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        receipt.button_validate()
        self.assertEqual(case_2.state, 'received')

        case_2.with_env(self.env_2).action_create_credit_note()
        note = case_2.credit_note_ids
        self.assertEqual(len(note), 1)
        self.assertRecordValues(note, [{
            'company_id': self.company_2.id, 'reversed_entry_id': self.invoice_2.id,
            'amount_untaxed': 160.0, 'move_type': 'out_refund'}])
        self.assertEqual(note.journal_id.company_id, self.company_2)
