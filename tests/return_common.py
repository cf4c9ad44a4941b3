"""Fixtures for return cases: users of each role and helpers that walk the real flows."""
from odoo.fields import Command
from odoo.tests import Form, new_test_user, tagged

import common

GROUP_APPROVER = 'customer_complaint_return.group_return_approver'


@tagged('post_install', '-at_install')
class ReturnCommon(common.ComplaintCommon):
    """Adds a warehouse user, a finance user and a return approver to the complaint fixtures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company
        values = {'company_id': company.id, 'company_ids': [Command.set(company.ids)]}
        cls.user_approver = new_test_user(
            cls.env, login='ccr_approver', name="Return Approver", groups=f'base.group_user,{GROUP_APPROVER}',
            **values)
        cls.user_warehouse = new_test_user(
            cls.env, login='ccr_warehouse', name="Warehouse Clerk", groups='base.group_user,stock.group_stock_user',
            **values)
        cls.user_finance = new_test_user(
            cls.env, login='ccr_finance', name="Accountant", groups='base.group_user,account.group_account_invoice',
            **values)
        cls.reason_defective = cls.env['customer.return.reason'].create({
            'name': "Defective (test)", 'default_disposition': 'refund', 'company_id': company.id})
        cls.sale_line_chair = cls.order.order_line

    # ------------------------------------------------------------------
    # Flow helpers
    # ------------------------------------------------------------------
    def _fresh(self, record):
        """``record`` as a new request of the current user sees it: nothing cached, nothing pending."""
        self.env.flush_all()
        self.env.invalidate_all()
        return record.with_env(self.env)

    def _create_return(self, quantities, order=None, user=None, **values):
        """A draft return of ``quantities`` ({sale line: quantity}) created by ``user`` (default agent 1,
        ``False`` for the set-up user), returned in the test's environment."""
        order = order or next(iter(quantities)).order_id
        env = self.env(user=user or self.user_agent_1) if user is not False else self.env
        return env['customer.return'].create({
            'partner_id': order.partner_id.id,
            'sale_order_id': order.id,
            'reason_id': self.reason_defective.id,
            'line_ids': [
                Command.create({'sale_line_id': line.id, 'quantity': qty, 'condition': 'damaged'})
                for line, qty in quantities.items()
            ],
            **values,
        }).with_env(self.env)

    def _submit_and_approve(self, case):
        case.with_user(self.user_agent_1).action_submit()
        case.with_user(self.user_manager).action_approve()
        return case.picking_ids

    def _receive(self, pickings, quantities=None, backorder=True):
        """Validate return receipts as the warehouse; ``quantities`` ({product: qty}) for a partial receipt."""
        for picking in pickings:
            for move in picking.move_ids:
                qty = quantities.get(move.product_id, move.product_uom_qty) if quantities else move.product_uom_qty
                if move.has_tracking == 'none' or not move.move_line_ids.lot_id:
                    move.quantity = qty
                move.picked = True
        context = {'skip_backorder': True} if quantities else {}
        if quantities and not backorder:
            context['picking_ids_not_to_backorder'] = pickings.ids
        pickings.with_user(self.user_warehouse).with_context(**context).button_validate()
        self.assertEqual(set(pickings.mapped('state')), {'done'})

    def _deliver(self, pickings):
        """Validate outgoing ``pickings`` in full as the warehouse."""
        pickings = pickings.with_user(self.user_warehouse)
        pickings.action_assign()
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        pickings.button_validate()
        self.assertEqual(set(pickings.mapped('state')), {'done'})

    def _credit(self, case, post=True):
        action = case.with_user(self.user_finance).action_create_credit_note()
        notes = case.credit_note_ids
        if post:
            notes.with_user(self.user_finance).action_post()
        return notes, action

    def _warehouse_return_wizard(self, picking):
        """The standard Return wizard of ``picking``, opened by the warehouse."""
        return Form(self.env['stock.return.picking'].with_user(self.user_warehouse).with_context(
            active_model='stock.picking', active_id=picking.id, active_ids=picking.ids))

    def _set_return_quantity(self, wizard_form, product, quantity):
        for index in range(len(wizard_form.product_return_moves)):
            with wizard_form.product_return_moves.edit(index) as wizard_line:
                if wizard_line.product_id == product:
                    wizard_line.quantity = quantity
