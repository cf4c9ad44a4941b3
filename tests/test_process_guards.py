"""Guards that hold through the API: the state of a case and the fields its process owns move only
through the actions of its transition table, whoever calls ``create`` or ``write`` (``with_user``
and JSON-RPC ``/web/dataset/call_kw``), and hostile numbers are refused with nothing written."""
import json

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import HttpCase, tagged

import return_common

# What JSON-RPC turns into floats: Python's json reads NaN and Infinity, and 1e309 overflows.
HOSTILE_NUMBERS = (float('nan'), float('inf'), float('-inf'), 1e309)


class GuardCommon(return_common.ReturnCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.all_users = {
            'agent': cls.user_agent_1, 'approver': cls.user_approver, 'manager': cls.user_manager,
            'warehouse': cls.user_warehouse, 'finance': cls.user_finance,
        }

    def _approved_case(self, quantity=2):
        case = self._create_return({self.sale_line_chair: quantity})
        self._submit_and_approve(case)
        self.assertEqual((case.state, case.picking_ids.state), ('approved', 'assigned'))
        return case


@tagged('post_install', '-at_install')
class TestReturnGuards(GuardCommon):

    def test_no_user_moves_an_approved_return_by_writing(self):
        case = self._approved_case()
        before = case.read(['state', 'date_approved', 'approved_user_id', 'date_submitted'])[0]
        for label, user in self.all_users.items():
            for state in ('draft', 'to_approve', 'cancelled', 'rejected', 'received', 'done'):
                with self.subTest(user=label, state=state), self.assertRaises(AccessError):
                    case.with_user(user).write({'state': state})
        self.env.invalidate_all()
        self.assertEqual(case.read(['state', 'date_approved', 'approved_user_id', 'date_submitted'])[0], before)
        self.assertEqual(case.picking_ids.state, 'assigned', "the receipt is still expected")
        self.assertEqual(case.line_ids.qty_approved, 2.0)

    def test_fields_of_the_process_are_refused(self):
        case = self._approved_case()
        line = case.line_ids
        forged_case = {
            'approved_user_id': self.user_agent_2.id, 'date_approved': '2020-01-01 00:00:00',
            'date_submitted': '2020-01-01 00:00:00', 'is_warehouse_return': True, 'eligibility_override': True,
            'reject_reason': "forged", 'date_done': '2020-01-01 00:00:00', 'date_review_escalated': False,
            'amount_credited': 999.0, 'date_review_deadline': '2030-01-01 00:00:00', 'currency_id': False,
            'commercial_partner_id': self.other_customer.id,
        }
        forged_line = {
            'qty_approved': 5.0, 'qty_received': 2.0, 'qty_accepted': 2.0, 'qty_credited': 2.0,
            'amount_credited': 300.0, 'qty_sent_back': 1.0, 'qty_replaced': 1.0, 'qty_scrapped': 1.0,
            'product_id': self.product_desk.id, 'state': 'done', 'company_id': False,
        }
        for user in (self.user_agent_1, self.user_manager):
            for name, value in forged_case.items():
                with self.subTest(user=user.login, field=name), self.assertRaises(AccessError):
                    case.with_user(user).write({name: value})
            for name, value in forged_line.items():
                with self.subTest(user=user.login, field=name), self.assertRaises(AccessError):
                    line.with_user(user).write({name: value})
        self.env.invalidate_all()
        self.assertRecordValues(case, [{
            'state': 'approved', 'approved_user_id': self.user_manager.id, 'is_warehouse_return': False,
            'eligibility_override': False, 'reject_reason': False, 'amount_credited': 0.0,
            'commercial_partner_id': self.customer.id}])
        self.assertRecordValues(line, [{
            'qty_approved': 2.0, 'qty_received': 0.0, 'qty_credited': 0.0, 'product_id': self.product_chair.id,
            'state': 'approved'}])
        self.assertEqual(line.sale_line_id.product_id, self.product_chair)

    def test_related_product_of_a_draft_line_cannot_be_rewritten(self):
        case = self._create_return({self.sale_line_chair: 1})
        with self.assertRaises(AccessError):
            case.line_ids.with_user(self.user_agent_1).write({'product_id': self.product_desk.id})
        self.assertEqual(case.line_ids.product_id, self.product_chair)
        # the editable fields of a draft stay editable
        case.line_ids.with_user(self.user_agent_1).write({'quantity': 2.0, 'condition': 'used'})
        self.assertRecordValues(case.line_ids, [{'quantity': 2.0, 'condition': 'used'}])

    def test_create_cannot_set_the_process(self):
        Return = self.env['customer.return'].with_user(self.user_manager)
        values = {
            'partner_id': self.customer.id, 'sale_order_id': self.order.id, 'reason_id': self.reason_defective.id,
            'line_ids': [Command.create({'sale_line_id': self.sale_line_chair.id, 'quantity': 1.0})],
        }
        count = Return.search_count([])
        for forged in ({'state': 'approved'}, {'approved_user_id': self.user_manager.id},
                       {'is_warehouse_return': True}, {'date_approved': '2026-01-01 00:00:00'}):
            with self.subTest(forged=forged), self.assertRaises(AccessError):
                Return.create(dict(values, **forged))
        with self.assertRaises(AccessError):
            Return.create(dict(values, line_ids=[Command.create(
                {'sale_line_id': self.sale_line_chair.id, 'quantity': 1.0, 'qty_approved': 1.0})]))
        self.assertEqual(Return.search_count([]), count)
        # A default of the context (a kanban column...) does not set the process either.
        case = Return.with_context(default_state='approved', default_approved_user_id=self.user_manager.id).create(values)
        self.assertRecordValues(case, [{'state': 'draft', 'approved_user_id': False}])
        # nor does a copy
        with self.assertRaises(AccessError):
            case.copy({'state': 'approved'})

    def test_a_forged_context_is_no_process_step(self):
        case = self._create_return({self.sale_line_chair: 1})
        for forged in ('submit', {'action': 'approve'}, ['approve'], True):
            with self.subTest(context=forged), self.assertRaises(AccessError):
                case.with_user(self.user_manager).with_context(customer_process_step=forged).write(
                    {'state': 'approved'})
        self.assertEqual(case.state, 'draft')

    def test_the_process_moves_only_along_its_table(self):
        case = self._create_return({self.sale_line_chair: 1})
        # an action's own write must be its transition from the record's state
        with self.assertRaisesRegex(UserError, "cannot go from status Draft to Approved"):
            case.with_user(self.user_manager)._process_write({'state': 'approved'}, 'approve')
        with self.assertRaises(UserError):
            case.with_user(self.user_manager)._process_write({'state': 'done'}, 'submit')
        self.assertEqual(case.state, 'draft')
        # and each action checks its transition: from where, by whom
        with self.assertRaisesRegex(UserError, "Approving is not possible"):
            case.with_user(self.user_manager).action_approve()
        with self.assertRaises(AccessError):
            case.with_user(self.user_warehouse).action_submit()
        case.with_user(self.user_agent_1).action_submit()
        with self.assertRaises(AccessError):
            case.with_user(self.user_agent_1).action_approve()
        self.assertEqual(case.state, 'to_approve')

    def test_transition_table_is_the_one_rule(self):
        Return = self.env['customer.return']
        table = {(t.action, source): (t.target, t.groups) for t in Return._state_transitions for source in t.sources}
        self.assertEqual(table[('approve', 'to_approve')], ('approved', (return_common.GROUP_APPROVER,)))
        self.assertEqual(table[('cancel', 'approved')], ('cancelled', (return_common.GROUP_APPROVER,)))
        self.assertEqual(table[('cancel', 'draft')][0], 'cancelled')
        self.assertEqual(table[('receive', 'approved')], ('received', ()))
        self.assertNotIn(('approve', 'draft'), table)
        # every state but the final ones can be left, every state reached
        states = {key for key, _label in Return._fields['state'].selection}
        self.assertEqual({t.target for t in Return._state_transitions} | {'draft'}, states)

    def test_cancelling_an_approval_is_the_approvers_right(self):
        case = self._approved_case()
        with self.assertRaises(AccessError):
            case.with_user(self.user_agent_1).action_cancel()
        wizard = self.env['customer.return.decision'].with_user(self.user_agent_1).create({
            'return_ids': [Command.set(case.ids)], 'operation': 'cancel', 'reason': "Customer changed mind"})
        with self.assertRaises(AccessError):
            wizard.action_confirm()
        self.assertEqual((case.state, case.picking_ids.state), ('approved', 'assigned'))
        case.with_user(self.user_approver)._cancel("Customer changed mind")
        self.assertEqual((case.state, case.picking_ids.state), ('cancelled', 'cancel'))

    def test_hostile_quantities_write_nothing(self):
        case = self._create_return({self.sale_line_chair: 1})
        line = case.line_ids
        count = self.env['customer.return.line'].search_count([])
        for value in HOSTILE_NUMBERS:
            with self.subTest(value=value):
                with self.assertRaisesRegex(ValidationError, "is not a number"):
                    line.with_user(self.user_agent_1).write({'quantity': value})
                with self.assertRaisesRegex(ValidationError, "is not a number"):
                    self._create_return({self.sale_line_chair: value})
                with self.assertRaisesRegex(ValidationError, "is not a number"):
                    self.env['customer.complaint.deadline'].create({
                        'severity': 'high', 'category_id': self.category_delay.id, 'response_hours': value,
                        'resolution_hours': 10.0})
                with self.assertRaisesRegex(ValidationError, "is not a number"):
                    self.company.write({'return_review_hours': value})
        self.env.invalidate_all()
        self.assertEqual(line.quantity, 1.0)
        self.assertEqual(self.env['customer.return.line'].search_count([]), count)
        self.assertEqual(self.company.return_review_hours, 16.0)


@tagged('post_install', '-at_install')
class TestComplaintGuards(GuardCommon):

    def test_service_levels_cannot_be_forged(self):
        complaint = self._create_complaint()
        self.assertEqual(complaint.sla_response_status, 'breached')  # received in 2026-11, not answered
        forged = {
            'date_first_response': '2026-11-02 09:05:00', 'date_started': '2026-11-02 09:05:00',
            'escalation_level': 0, 'date_escalated': False, 'sla_response_result': 'met',
            'sla_resolution_result': 'met', 'date_response_deadline': '2030-01-01 00:00:00',
            'date_resolution_deadline': '2030-01-01 00:00:00', 'date_response_at_risk': False,
            'date_resolved': '2026-11-02 10:00:00', 'date_closed': '2026-11-02 10:00:00', 'reopen_count': 0,
            'date_assigned': False, 'state': 'closed',
        }
        deadline = complaint.date_response_deadline
        for user in (self.user_agent_1, self.user_manager):
            for name, value in forged.items():
                with self.subTest(user=user.login, field=name), self.assertRaises(AccessError):
                    complaint.with_user(user).write({name: value})
        self.env.invalidate_all()
        self.assertRecordValues(complaint, [{
            'state': 'new', 'date_first_response': False, 'sla_response_result': False,
            'date_response_deadline': deadline, 'escalation_level': 0}])
        # what the agent owns stays theirs to write
        complaint.with_user(self.user_agent_1).write({'subject': "Chair leg broken", 'severity': 'high'})
        self.assertEqual((complaint.subject, complaint.severity), ("Chair leg broken", 'high'))

    def test_complaint_moves_only_through_its_actions(self):
        complaint = self._create_complaint(resolution="<p>Replaced.</p>")
        with self.assertRaises(AccessError):
            complaint.with_user(self.user_agent_1).write({'state': 'resolved'})
        with self.assertRaisesRegex(UserError, "Closing is not possible"):
            complaint.with_user(self.user_agent_1).action_close()
        with self.assertRaises(AccessError):
            complaint.with_user(self.user_employee).action_start()
        complaint.with_user(self.user_agent_1).action_start()
        complaint.with_user(self.user_agent_1).action_resolve()
        self.assertEqual(complaint.state, 'resolved')

    def test_corrective_action_state_through_its_actions(self):
        action = self.env['customer.corrective.action'].create({'title': "Corner protectors"})
        for state in ('done', 'verified', 'cancelled'):
            with self.subTest(state=state), self.assertRaises(AccessError):
                action.with_user(self.user_manager).write({'state': state})
        for name, value in (('verification_result', 'effective'), ('origin', 'recurrence'),
                            ('verified_user_id', self.user_manager.id), ('reopen_count', 3)):
            with self.subTest(field=name), self.assertRaises(AccessError):
                action.with_user(self.user_manager).write({name: value})
        self.assertRecordValues(action, [{'state': 'open', 'origin': 'manual', 'verification_result': False}])
        action.with_user(self.user_agent_1).action_done()
        self.assertEqual(action.state, 'done')


@tagged('post_install', '-at_install')
class TestGuardsOverJsonRpc(GuardCommon, HttpCase):
    """The same refusals for a client talking JSON-RPC to the server, as the web client does."""

    def _call_kw(self, model, method, args, kwargs=None):
        """POST /web/dataset/call_kw with a raw JSON body (NaN and Infinity literals included)."""
        body = json.dumps({'jsonrpc': '2.0', 'method': 'call', 'id': 1, 'params': {
            'model': model, 'method': method, 'args': args, 'kwargs': kwargs or {}}})
        response = self.url_open(f'/web/dataset/call_kw/{model}/{method}', data=body,
                                 headers={'Content-Type': 'application/json'})
        self.assertEqual(response.status_code, 200)
        return response.json()

    def _assert_refused(self, reply, error_name):
        self.assertIn('error', reply, reply)
        self.assertEqual(reply['error']['data']['name'], error_name)

    def test_agent_cannot_write_around_the_actions(self):
        case = self._approved_case()
        complaint = self._create_complaint()
        rule = self.env['customer.return.rule'].create({'name': "Approve chairs (RPC test)", 'action': 'auto_approve'})
        self.env.flush_all()
        self.authenticate(self.user_agent_1.login, self.user_agent_1.login)
        for model, record, vals in (
                ('customer.return', case, {'state': 'draft'}),
                ('customer.return.line', case.line_ids, {'rule_id': rule.id}),
                ('customer.return.rule', rule, {'action': 'refuse', 'message': "No"}),
                ('customer.return', case, {'approved_user_id': self.user_agent_1.id}),
                ('customer.return.line', case.line_ids, {'product_id': self.product_desk.id}),
                ('customer.complaint', complaint, {'date_first_response': '2026-11-02 09:05:00'}),
                ('customer.complaint', complaint, {'escalation_level': 0, 'sla_response_result': 'met'})):
            with self.subTest(model=model, vals=vals):
                self._assert_refused(self._call_kw(model, 'write', [record.ids, vals]),
                                     'odoo.exceptions.AccessError')
        # a context naming a step of the process is just a string over JSON
        reply = self._call_kw('customer.return', 'write', [case.ids, {'state': 'cancelled'}],
                              {'context': {'customer_process_step': 'cancel'}})
        self._assert_refused(reply, 'odoo.exceptions.AccessError')
        self.env.invalidate_all()
        self.assertEqual((case.state, case.picking_ids.state), ('approved', 'assigned'))
        self.assertEqual(case.line_ids.product_id, self.product_chair)
        self.assertFalse(case.line_ids.rule_id)
        self.assertEqual(rule.action, 'auto_approve')
        self.assertRecordValues(complaint, [{'date_first_response': False, 'sla_response_result': False}])

    def test_approver_goes_through_the_action(self):
        case = self._create_return({self.sale_line_chair: 1})
        case.with_user(self.user_agent_1).action_submit()
        self.env.flush_all()
        self.authenticate(self.user_approver.login, self.user_approver.login)
        self._assert_refused(self._call_kw('customer.return', 'write', [case.ids, {'state': 'approved'}]),
                             'odoo.exceptions.AccessError')
        self.assertNotIn('error', self._call_kw('customer.return', 'action_approve', [case.ids]))
        self.env.invalidate_all()
        self.assertRecordValues(case, [{'state': 'approved', 'approved_user_id': self.user_approver.id}])
        self.assertEqual(case.picking_ids.state, 'assigned')

    def test_hostile_numbers_over_json(self):
        case = self._create_return({self.sale_line_chair: 1})
        self.env.flush_all()
        self.authenticate(self.user_agent_1.login, self.user_agent_1.login)
        for literal in ('NaN', 'Infinity', '-Infinity', '1e309'):
            with self.subTest(literal=literal):
                body = ('{"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"model": "customer.return.line",'
                        ' "method": "write", "args": [[%d], {"quantity": %s}], "kwargs": {}}}'
                        % (case.line_ids.id, literal))
                response = self.url_open('/web/dataset/call_kw/customer.return.line/write', data=body,
                                         headers={'Content-Type': 'application/json'})
                self.assertEqual(response.status_code, 200)
                reply = response.json()
                self._assert_refused(reply, 'odoo.exceptions.ValidationError')
                self.assertIn("is not a number", reply['error']['data']['message'])
        self.env.invalidate_all()
        self.assertEqual(case.line_ids.quantity, 1.0)
