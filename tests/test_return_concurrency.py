"""Two users pressing *Approve*, or *Create Credit Note*, on one return case at the same moment
get one set of receipts and one credit note.

Real concurrency needs data that other cursors see, and a TransactionCase never commits its own.
This class is a plain ``BaseCase`` (the registry is never put in test mode, its cursors are real
ones) that works in a copy of the test database made for it: it commits its fixture there, lets
two threads race, each with its own cursor and its own user and each going through the RPC layer
(``call_kw`` inside ``retrying``, which rolls back and replays a call that hit a serialization
failure or a lock, then commits), and drops the copy afterwards. The test database itself is
never written, so the rest of the suite finds it as it was: posted invoices, done moves, quants,
mails and sequence numbers cannot be deleted cleanly, a copy can be dropped whole.

Mails are what they are in every test of the suite: Odoo's test flag keeps the mail server from
connecting, the rest stays queued in the copy's mail.mail and goes with it.
"""
import os
import shutil
import threading
from contextlib import closing, contextmanager

from odoo import api
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.service.model import call_kw, retrying
from odoo.sql_db import Cursor, close_db, db_connect
from odoo.tests import tagged
from odoo.tests.common import BaseCase, get_db_name
from odoo.tools import SQL, config

import common
import return_common

# What the rest of the suite would notice if this class wrote in its database.
SUITE_TABLES = ('sale_order', 'customer_return', 'stock_picking', 'stock_move', 'account_move', 'res_users',
                'mail_mail')
RACE_TIMEOUT = 120  # seconds; a race normally ends in a few


@tagged('post_install', '-at_install')
class TestReturnConcurrency(BaseCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.suite_db = get_db_name()
        cls.suite_counts = cls._suite_counts()
        # Class clean-ups run last registered first: drop the copy, then check the suite's database.
        cls.addClassCleanup(cls._check_suite_database_untouched)
        cls.db_name = f"{cls.suite_db}_race_{os.getpid()}"
        cls.addClassCleanup(cls._drop_copy)
        cls._copy_suite_database()
        cls.registry = cls._load_registry()
        with cls._env() as env:
            cls._create_fixture(env)

    # ------------------------------------------------------------------
    # The database copy
    # ------------------------------------------------------------------
    @classmethod
    def _suite_counts(cls):
        with closing(Registry(cls.suite_db).cursor()) as cr:
            assert isinstance(cr, Cursor), "the registry of the test database is still in test mode"
            return {table: cls._count(cr, table) for table in SUITE_TABLES}

    @staticmethod
    def _count(cr, table):
        cr.execute(SQL("SELECT COUNT(*) FROM %s", SQL.identifier(table)))
        return cr.fetchone()[0]

    @classmethod
    @contextmanager
    def _server_cursor(cls):
        """A cursor on the server's maintenance database, outside any transaction, for
        CREATE and DROP DATABASE."""
        with closing(db_connect('postgres').cursor()) as cr:
            cr._cnx.autocommit = True
            yield cr

    @classmethod
    def _copy_suite_database(cls):
        # PostgreSQL copies a template only when nobody is connected to it: hand back our idle
        # connections (the server waits a few seconds for them to go).
        close_db(cls.suite_db)
        with cls._server_cursor() as cr:
            cr.execute(SQL("CREATE DATABASE %s TEMPLATE %s",
                           SQL.identifier(cls.db_name), SQL.identifier(cls.suite_db)))
        filestore = config.filestore(cls.suite_db)
        if os.path.isdir(filestore):
            shutil.copytree(filestore, config.filestore(cls.db_name))

    @classmethod
    def _load_registry(cls):
        # With the test flag on, loading a registry would run the at_install tests of every module.
        test_enable = config['test_enable']
        config['test_enable'] = False
        try:
            return Registry.new(cls.db_name)
        finally:
            config['test_enable'] = test_enable

    @classmethod
    def _drop_copy(cls):
        Registry.delete(cls.db_name)
        close_db(cls.db_name)
        with cls._server_cursor() as cr:
            cr.execute(SQL("DROP DATABASE IF EXISTS %s WITH (FORCE)", SQL.identifier(cls.db_name)))
        shutil.rmtree(config.filestore(cls.db_name), ignore_errors=True)

    @classmethod
    def _check_suite_database_untouched(cls):
        with cls._server_cursor() as cr:
            cr.execute("SELECT datname FROM pg_database WHERE datname = %s", [cls.db_name])
            assert not cr.fetchall(), f"database {cls.db_name} was not dropped"
        assert not os.path.exists(config.filestore(cls.db_name)), f"filestore of {cls.db_name} left behind"
        counts = cls._suite_counts()
        assert counts == cls.suite_counts, f"the test database changed: {cls.suite_counts} -> {counts}"

    @classmethod
    @contextmanager
    def _env(cls, uid=api.SUPERUSER_ID):
        """An environment on a new cursor of the copy, committed when the block ends well."""
        with cls.registry.cursor() as cr:
            assert isinstance(cr, Cursor)
            yield api.Environment(cr, uid, {})

    # ------------------------------------------------------------------
    # Committed fixture: users, a product with its 15% tax, a customer
    # ------------------------------------------------------------------
    @classmethod
    def _create_fixture(cls, env):
        company = env.company
        tax = company.account_sale_tax_id
        assert (tax.amount_type, tax.amount, tax.price_include) == ('percent', 15.0, False), \
            "the figures below expect the 15% sale tax of Odoo's generic chart of accounts"
        users = env['res.users'].with_context(no_reset_password=True).create([
            cls._user_vals(env, login, groups) for login, groups in [
                ('race_agent', common.GROUP_USER),
                ('race_approver_1', return_common.GROUP_APPROVER),
                ('race_approver_2', return_common.GROUP_APPROVER),
                ('race_finance_1', 'account.group_account_invoice'),
                ('race_finance_2', 'account.group_account_invoice'),
            ]
        ])
        cls.agent_id, cls.approver_1_id, cls.approver_2_id, cls.finance_1_id, cls.finance_2_id = users.ids
        cls.product_id = env['product.product'].create({
            'name': "Office Chair (race)",
            'type': 'consu',
            'is_storable': True,
            'list_price': 150.0,
            'standard_price': 75.0,
            'invoice_policy': 'delivery',
            'taxes_id': [Command.set(tax.ids)],
        }).id
        cls.customer_id = env['res.partner'].create({
            'name': "Race Trading", 'is_company': True, 'email': "orders@race.example.com"}).id
        cls.reason_id = env['customer.return.reason'].create({
            'name': "Defective (race)", 'default_disposition': 'refund', 'company_id': company.id}).id

    @staticmethod
    def _user_vals(env, login, group):
        company = env.company
        return {
            'login': login,
            'name': login.replace('_', ' ').title(),
            'email': f"{login}@example.com",
            'company_id': company.id,
            'company_ids': [Command.set(company.ids)],
            'group_ids': [Command.set([env.ref('base.group_user').id, env.ref(group).id])],
        }

    def _create_submitted_case(self, quantity):
        """A committed order of 5 chairs at 150.0, delivered and invoiced, and a return case of
        ``quantity`` chairs submitted by the agent. Returns the ids of the documents."""
        with self._env() as env:
            product = env['product.product'].browse(self.product_id)
            order = common.ComplaintCommon._create_delivered_invoiced_order(
                env['res.partner'].browse(self.customer_id), [(product, 5, 150.0)], env=env)
            case = env(user=self.agent_id)['customer.return'].create({
                'partner_id': self.customer_id,
                'sale_order_id': order.id,
                'reason_id': self.reason_id,
                'line_ids': [Command.create({
                    'sale_line_id': order.order_line.id, 'quantity': quantity, 'condition': 'damaged'})],
            })
            case.action_submit()
            self.assertEqual(case.state, 'to_approve')
            return {
                'case': case.id,
                'line': case.line_ids.id,
                'sale_line': order.order_line.id,
                'delivery': order.picking_ids.id,
                'delivery_move': order.picking_ids.move_ids.id,
                'invoice': order.invoice_ids.id,
            }

    def _approve_and_receive(self, ids):
        """Approve the case (one approver, alone) and validate its receipt in full."""
        with self._env(self.approver_1_id) as env:
            env['customer.return'].browse(ids['case']).action_approve()
        with self._env() as env:
            receipt = env['customer.return'].browse(ids['case']).picking_ids
            for move in receipt.move_ids:
                move.quantity = move.product_uom_qty
                move.picked = True
            receipt.button_validate()
            self.assertEqual(receipt.state, 'done')
            self.assertEqual(receipt.customer_return_id.state, 'received')

    # ------------------------------------------------------------------
    # The race
    # ------------------------------------------------------------------
    def _race(self, method, case_id, user_ids, seen_field):
        """Both users press ``method`` on the case at once; returns one outcome per user: the
        value ``seen_field`` had in the form they pressed on, the RPC result or the UserError,
        and how many times the call ran (more than once when it was rolled back and retried)."""
        barrier = threading.Barrier(len(user_ids), timeout=RACE_TIMEOUT)
        outcomes = [{'user': uid, 'attempts': 0} for uid in user_ids]
        threads = [
            threading.Thread(target=self._press, args=(method, case_id, outcome, seen_field, barrier),
                             name=f"race-{method}-{outcome['user']}")
            for outcome in outcomes
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(RACE_TIMEOUT)
        self.assertFalse([thread.name for thread in threads if thread.is_alive()], "a press never ended")
        for outcome in outcomes:
            if 'unexpected' in outcome:
                raise outcome['unexpected']
        return outcomes

    def _press(self, method, case_id, outcome, seen_field, barrier):
        """One user's click, as the web client's call_button does it: its own cursor and
        environment, ``call_kw`` retried by ``retrying`` on concurrency errors, then commit."""
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, outcome['user'], {})
                env.transaction.default_env = env
                # The form the user looked at. This first query also fixes the transaction's snapshot
                # (REPEATABLE READ): after the barrier, neither press can see the other's work.
                outcome['seen'] = env['customer.return'].browse(case_id)[seen_field]
                barrier.wait()

                def press():
                    outcome['attempts'] += 1
                    return call_kw(env['customer.return'], method, [[case_id]], {})

                outcome['result'] = retrying(press, env)
        except UserError as error:
            outcome['error'] = error
        except Exception as error:  # noqa: BLE001 (handed to the test's thread)
            outcome['unexpected'] = error

    def _assert_really_raced(self, outcomes, seen):
        # Both presses started from the same screen, and at least one of them had to be rolled
        # back and replayed: the two transactions really overlapped.
        self.assertEqual([outcome['seen'] for outcome in outcomes], [seen, seen])
        self.assertGreater(sum(outcome['attempts'] for outcome in outcomes), len(outcomes))

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------
    def test_approve_pressed_twice_at_once(self):
        ids = self._create_submitted_case(2.0)
        outcomes = self._race('action_approve', ids['case'], [self.approver_1_id, self.approver_2_id], 'state')
        self._assert_really_raced(outcomes, 'to_approve')

        winners = [outcome for outcome in outcomes if 'result' in outcome]
        self.assertEqual(len(winners), 1, outcomes)
        self.assertIs(winners[0]['result'], True)
        [loser] = [outcome for outcome in outcomes if outcome is not winners[0]]
        with self._env() as env:
            case = env['customer.return'].browse(ids['case'])
            self.assertEqual(
                str(loser['error']), f"Approving is not possible for {case.name} in status Approved.")

            line = case.line_ids
            self.assertEqual(case.state, 'approved')
            self.assertEqual(case.approved_user_id.id, winners[0]['user'])
            self.assertEqual(line.qty_approved, 2.0)
            # One receipt, for 2 chairs, back to the original delivery: none made outside the case.
            receipts = env['stock.picking'].search([('return_id', '=', ids['delivery'])])
            self.assertEqual(receipts, case.picking_ids)
            self.assertEqual(len(receipts), 1)
            self.assertEqual(receipts.picking_type_code, 'incoming')
            self.assertEqual(receipts.state, 'assigned')
            move = receipts.move_ids
            self.assertEqual(len(move), 1)
            self.assertEqual((move.product_id.id, move.product_uom_qty, move.to_refund),
                             (self.product_id, 2.0, True))
            self.assertEqual(move.origin_returned_move_id.id, ids['delivery_move'])
            self.assertEqual(move.sale_line_id.id, ids['sale_line'])
            self.assertEqual(move.customer_return_line_id, line)
            self.assertEqual(env['stock.move'].search([('origin_returned_move_id', '=', ids['delivery_move'])]), move)
            self.assertEqual(line.sale_line_id.qty_delivered, 5.0)  # until the goods are received
            self.assertFalse(case.credit_note_ids)
        self.assertEqual(self._suite_counts(), self.suite_counts)

    def test_create_credit_note_pressed_twice_at_once(self):
        ids = self._create_submitted_case(2.0)
        self._approve_and_receive(ids)
        outcomes = self._race(
            'action_create_credit_note', ids['case'], [self.finance_1_id, self.finance_2_id],
            'can_create_credit_note')
        self._assert_really_raced(outcomes, True)
        # Today the second press waits on the case's row lock, but its snapshot predates the first
        # commit: what rolls it back is Odoo's reversal writing on the invoice both reverse. This
        # test keeps that outcome whatever the credit step becomes.

        with self._env() as env:
            case = env['customer.return'].browse(ids['case'])
            line = case.line_ids
            # One credit note for 2 chairs at 150.0 plus 15%, reversing the invoice: none made outside the case.
            notes = env['account.move'].search([('reversed_entry_id', '=', ids['invoice'])])
            self.assertEqual(notes, case.credit_note_ids)
            self.assertEqual(len(notes), 1)
            self.assertEqual((notes.move_type, notes.state), ('out_refund', 'draft'))
            self.assertEqual(len(notes.invoice_line_ids), 1)
            self.assertEqual((notes.invoice_line_ids.quantity, notes.invoice_line_ids.price_unit), (2.0, 150.0))
            self.assertEqual(notes.invoice_line_ids.customer_return_line_id, line)
            self.assertEqual(notes.invoice_line_ids.sale_line_ids.id, ids['sale_line'])
            self.assertEqual((notes.amount_untaxed, notes.amount_tax, notes.amount_total), (300.0, 45.0, 345.0))
            self.assertEqual(case.state, 'received')
            self.assertEqual(line.qty_to_credit, 0.0)
            self.assertEqual((line.sale_line_id.qty_delivered, line.sale_line_id.qty_invoiced), (3.0, 3.0))
            # Each press shows that credit note, or the second one is refused in plain words.
            for outcome in outcomes:
                if 'result' in outcome:
                    self.assertEqual((outcome['result']['res_model'], outcome['result']['res_id']),
                                     ('account.move', notes.id))
                else:
                    self.assertIsInstance(outcome['error'], UserError)
            self.assertTrue(any('result' in outcome for outcome in outcomes), outcomes)
        self.assertEqual(self._suite_counts(), self.suite_counts)
