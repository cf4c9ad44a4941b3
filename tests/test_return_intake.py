"""Ways into a return, its conditions, its review deadline, rejection and the customer's e-mails."""
from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, tagged

import return_common


@tagged('post_install', '-at_install')
class TestReturnWaysIn(return_common.ReturnCommon):

    # ------------------------------------------------------------------
    # From a complaint, a sale order, or from scratch
    # ------------------------------------------------------------------
    def test_from_complaint(self):
        order = self._create_delivered_invoiced_order(
            self.customer, [(self.product_chair, 4, 150.0), (self.product_desk, 1, 420.0)])
        chair_line = order.order_line.filtered(lambda line: line.product_id == self.product_chair)
        # One chair already came back through the standard Return button.
        wizard_form = self._warehouse_return_wizard(order.picking_ids)
        wizard_form.create_customer_return = False
        self._set_return_quantity(wizard_form, self.product_chair, 1.0)
        action = wizard_form.save().action_create_returns()
        self._receive(self.env['stock.picking'].browse(action['res_id']))
        self.assertFalse(self.env['customer.return'].search([('sale_order_id', '=', order.id)]))
        complaint = self._create_complaint(
            sale_order_id=order.id, product_ids=[self.product_chair.id], demand='replacement', channel='email')

        action = complaint.with_user(self.user_agent_1).action_create_return()
        case = complaint.customer_return_ids
        self.assertEqual(len(case), 1)
        self.assertEqual((action['res_model'], action['res_id']), ('customer.return', case.id))
        self.assertEqual(action['views'], [(False, 'form')])
        self.assertEqual(case.state, 'draft')
        self.assertEqual(case.complaint_id, complaint)
        self.assertEqual(case.partner_id, self.customer)
        self.assertEqual(case.sale_order_id, order)
        self.assertEqual(case.channel, 'email')
        self.assertEqual(len(case.line_ids), 1)
        self.assertEqual(case.line_ids.sale_line_id, chair_line)
        self.assertEqual(case.line_ids.product_id, self.product_chair)
        self.assertEqual(case.line_ids.quantity, 3.0)
        self.assertEqual((case.line_ids.qty_delivered, case.line_ids.qty_returned), (4.0, 1.0))
        self.assertEqual(case.line_ids.disposition, 'replace')
        self.assertEqual(case.user_id, self.user_agent_1)

    def test_from_sale_order(self):
        order = self._create_delivered_invoiced_order(
            self.customer, [(self.product_chair, 4, 150.0), (self.product_desk, 2, 420.0)])
        chair_line = order.order_line.filtered(lambda line: line.product_id == self.product_chair)
        desk_line = order.order_line - chair_line
        action = order.with_user(self.user_agent_1).action_new_customer_return()
        self.assertEqual(action['res_model'], 'customer.return')
        context = action['context']
        self.assertEqual(
            (context['default_sale_order_id'], context['default_partner_id'], context['default_company_id']),
            (order.id, self.customer.id, self.company.id))
        self.assertEqual(
            sorted((command[2]['sale_line_id'], command[2]['quantity']) for command in context['default_line_ids']),
            sorted([(chair_line.id, 4.0), (desk_line.id, 2.0)]))

        case_form = Form(self.env['customer.return'].with_user(self.user_agent_1).with_context(**context))
        case_form.reason_id = self.reason_defective
        case = case_form.save()
        self.assertEqual(case.sale_order_id, order)
        self.assertEqual(case.partner_id, self.customer)
        self.assertEqual(
            sorted((line.sale_line_id.id, line.quantity) for line in case.line_ids),
            sorted([(chair_line.id, 4.0), (desk_line.id, 2.0)]))

    def test_from_scratch(self):
        case_form = Form(self.env['customer.return'].with_user(self.user_agent_1))
        case_form.partner_id = self.customer
        case_form.reason_id = self.reason_defective
        with case_form.line_ids.new() as line:
            line.sale_line_id = self.sale_line_chair
            line.quantity = 2.0
            line.condition = 'opened'
            self.assertEqual(line.product_id, self.product_chair)
            self.assertEqual((line.qty_delivered, line.qty_returnable), (5.0, 5.0))
        case = case_form.save()
        self.assertEqual(case.state, 'draft')
        self.assertEqual(case.partner_id, self.customer)
        self.assertEqual(case.line_ids.sale_line_id, self.sale_line_chair)
        self.assertEqual((case.line_ids.quantity, case.line_ids.condition), (2.0, 'opened'))
        self.assertTrue(case.line_ids.is_eligible)

        # Another customer: the order lines of the first one go.
        case_form = Form(case)
        case_form.partner_id = self.other_customer
        self.assertEqual(len(case_form.line_ids), 0)

        case.with_user(self.user_agent_1).action_submit()
        case.with_user(self.user_approver).action_approve()
        self.assertEqual(case.picking_ids.return_id, self.delivery)
        self.assertEqual(case.picking_ids.move_ids.product_uom_qty, 2.0)

    # ------------------------------------------------------------------
    # The warehouse's own Return button
    # ------------------------------------------------------------------
    def test_warehouse_return_creates_case(self):
        wizard_form = self._warehouse_return_wizard(self.delivery)
        self.assertTrue(wizard_form.show_customer_return)
        self.assertTrue(wizard_form.create_customer_return)
        self._set_return_quantity(wizard_form, self.product_chair, 2.0)
        action = wizard_form.save().action_create_returns()
        receipt = self.env['stock.picking'].browse(action['res_id'])
        self.assertEqual(receipt.return_id, self.delivery)

        case = receipt.customer_return_id
        self.assertEqual(len(case), 1)
        self.assertEqual(case.state, 'approved')
        self.assertEqual(case.sale_order_id, self.order)
        self.assertEqual(case.partner_id, self.customer)
        self.assertEqual(case.picking_ids, receipt)
        # Made by the warehouse, approved by no review.
        self.assertEqual((case.create_uid, case.user_id), (self.user_warehouse, self.user_warehouse))
        self.assertFalse(case.approved_user_id)
        self.assertTrue(case.is_warehouse_return)
        self.assertIn("with the warehouse's Return button", case.message_ids[0].body)
        self.assertEqual(case.line_ids.sale_line_id, self.sale_line_chair)
        self.assertEqual((case.line_ids.quantity, case.line_ids.qty_approved), (2.0, 2.0))
        self.assertEqual(receipt.move_ids.customer_return_line_id, case.line_ids)

        self._receive(receipt)
        self.assertEqual(case.state, 'received')
        self.assertEqual((case.line_ids.qty_received, case.line_ids.qty_to_credit), (2.0, 2.0))

    def test_warehouse_return_attached_to_submitted_case(self):
        case = self._create_return({self.sale_line_chair: 2})
        case.with_user(self.user_agent_1).action_submit()
        self.assertEqual(case.state, 'to_approve')

        wizard_form = self._warehouse_return_wizard(self.delivery)
        wizard_form.customer_return_id = case
        self.assertFalse(wizard_form.create_customer_return)
        self._set_return_quantity(wizard_form, self.product_chair, 2.0)
        action = wizard_form.save().action_create_returns()
        receipt = self.env['stock.picking'].browse(action['res_id'])

        self.assertEqual(self.env['customer.return'].search([('sale_order_id', '=', self.order.id)]), case)
        self.assertEqual(case.state, 'approved')
        self.assertFalse(case.approved_user_id)
        self.assertTrue(case.is_warehouse_return)
        self.assertEqual(case.picking_ids, receipt)
        self.assertEqual(receipt.customer_return_id, case)
        self.assertEqual((case.line_ids.quantity, case.line_ids.qty_approved), (2.0, 2.0))
        self.assertEqual(receipt.move_ids.product_uom_qty, 2.0)
        self.assertEqual(self.delivery.move_ids.returned_move_ids, receipt.move_ids)


@tagged('post_install', '-at_install')
class TestReturnConditions(return_common.ReturnCommon):

    def _assert_approval_refused(self, case, why):
        with self.assertRaises(UserError) as error:
            case.with_user(self.user_manager).action_approve()
        self.assertIn(why, str(error.exception))
        self.assertEqual(case.state, 'to_approve')
        self.assertFalse(case.picking_ids)
        self.assertFalse(case.date_approved)
        self.assertEqual(case.line_ids.qty_approved, 0.0)
        self.assertFalse(self.delivery.move_ids.returned_move_ids)

    def _late_delivery_note(self, days):
        return (f"Office Chair was delivered on {self.sale_line_chair.move_ids.date.date()}, "
                f"more than {days} days before the request.")

    def test_return_window_of_company(self):
        self.assertEqual(self.company.return_window_days, 30)
        delivered_on = self.delivery.move_ids.date.date()
        case = self._create_return({self.sale_line_chair: 2}, date_request=delivered_on + timedelta(days=30))
        line = case.line_ids
        self.assertEqual(line.date_delivered, delivered_on)
        self.assertTrue(line.is_eligible)
        self.assertFalse(line.eligibility_note)

        case.date_request = delivered_on + timedelta(days=31)
        self.assertFalse(line.is_eligible)
        self.assertFalse(case.is_eligible)
        self.assertEqual(line.eligibility_note, self._late_delivery_note(30))
        case.with_user(self.user_agent_1).action_submit()
        self._assert_approval_refused(case, self._late_delivery_note(30))

        self.company.return_window_days = 60
        line.invalidate_recordset(['is_eligible', 'eligibility_note'])
        self.assertTrue(line.is_eligible)

    def test_return_window_counted_from_delivery_date(self):
        long_ago = fields.Datetime.now() - timedelta(days=45)
        self.delivery.move_ids.date = long_ago
        self.delivery.date_done = long_ago
        case = self._create_return({self.sale_line_chair: 1})
        self.assertEqual(case.date_request, fields.Date.context_today(case))
        self.assertEqual(case.line_ids.date_delivered, long_ago.date())
        self.assertFalse(case.line_ids.is_eligible)
        self.assertEqual(case.line_ids.eligibility_note, self._late_delivery_note(30))

    def test_return_window_of_category(self):
        delivered_on = self.delivery.move_ids.date.date()
        furniture = self.env['product.category'].create({'name': "Furniture", 'return_window_days': 60})
        chairs = self.env['product.category'].create({'name': "Chairs", 'parent_id': furniture.id})
        self.product_chair.categ_id = chairs
        case = self._create_return({self.sale_line_chair: 2}, date_request=delivered_on + timedelta(days=45))
        line = case.line_ids
        # The subcategory without its own window takes its parent's.
        self.assertTrue(line.is_eligible)
        case.date_request = delivered_on + timedelta(days=61)
        self.assertEqual(line.eligibility_note, self._late_delivery_note(60))

        chairs.return_window_days = 10
        line.invalidate_recordset(['is_eligible', 'eligibility_note'])
        case.date_request = delivered_on + timedelta(days=11)
        self.assertFalse(line.is_eligible)
        self.assertEqual(line.eligibility_note, self._late_delivery_note(10))
        case.date_request = delivered_on + timedelta(days=10)
        self.assertTrue(line.is_eligible)

    def test_override_logged_then_approval(self):
        delivered_on = self.delivery.move_ids.date.date()
        case = self._create_return({self.sale_line_chair: 2}, date_request=delivered_on + timedelta(days=40))
        case.with_user(self.user_agent_1).action_submit()
        self._assert_approval_refused(case, self._late_delivery_note(30))

        for user in (self.user_agent_1, self.user_approver):
            with self.assertRaises(AccessError):
                case.with_user(user)._override_eligibility("Loyal customer")
            with self.assertRaises(AccessError):
                case.with_user(user).action_override_eligibility()
        with self.assertRaises(UserError):
            case.with_user(self.user_manager)._override_eligibility("  ")
        self.assertFalse(case.eligibility_override)

        messages = case.message_ids
        action = case.with_user(self.user_manager).action_override_eligibility()
        self.assertEqual(action['res_model'], 'customer.return.decision')
        decision = Form(self.env['customer.return.decision'].with_user(self.user_manager).with_context(
            **action['context']))
        decision.reason = "Loyal customer, goodwill gesture"
        decision.save().action_confirm()
        self.assertTrue(case.eligibility_override)
        self.assertFalse(case.is_eligible)
        logged = case.message_ids - messages
        note = logged.filtered(lambda message: "Loyal customer, goodwill gesture" in message.body)
        self.assertEqual(len(note), 1)
        self.assertIn("Return conditions overridden", note.body)
        self.assertEqual(note.subtype_id, self.env.ref('mail.mt_note'))
        self.assertEqual(note.author_id, self.user_manager.partner_id)

        case.with_user(self.user_approver).action_approve()
        self.assertEqual(case.state, 'approved')
        self.assertEqual(case.picking_ids.move_ids.product_uom_qty, 2.0)

    def test_override_by_method(self):
        self.product_chair.return_not_allowed = True
        case = self._create_return({self.sale_line_chair: 1})
        case.with_user(self.user_agent_1).action_submit()
        self._assert_approval_refused(case, "Office Chair cannot be returned.")
        case.with_user(self.user_manager)._override_eligibility("Agreed with the sales director")
        self.assertTrue(case.eligibility_override)
        self.assertIn("Agreed with the sales director", case.message_ids[0].body)
        case.with_user(self.user_manager).action_approve()
        self.assertEqual(case.state, 'approved')
        self.assertEqual(len(case.picking_ids), 1)

    def test_non_returnable_product_and_category(self):
        case = self._create_return({self.sale_line_chair: 1})
        line = case.line_ids
        self.assertTrue(line.is_eligible)
        self.product_chair.product_tmpl_id.return_not_allowed = True
        line.invalidate_recordset(['is_eligible', 'eligibility_note'])
        self.assertFalse(line.is_eligible)
        self.assertEqual(line.eligibility_note, "Office Chair cannot be returned.")

        self.product_chair.product_tmpl_id.return_not_allowed = False
        hygiene = self.env['product.category'].create({'name': "Hygiene", 'return_not_allowed': True})
        masks = self.env['product.category'].create({'name': "Masks", 'parent_id': hygiene.id})
        self.product_chair.categ_id = masks
        case = self._create_return({self.sale_line_chair: 1})
        self.assertFalse(case.line_ids.is_eligible)
        self.assertEqual(case.line_ids.eligibility_note, "Office Chair cannot be returned.")
        case.with_user(self.user_agent_1).action_submit()
        self._assert_approval_refused(case, "Office Chair cannot be returned.")

    def test_reason_and_condition_required_at_submit(self):
        comment = self.env.ref('mail.mt_comment')
        case = self._create_return({self.sale_line_chair: 1}, reason_id=False)
        with self.assertRaises(UserError):
            case.with_user(self.user_agent_1).action_submit()
        self.assertEqual((case.state, case.date_submitted), ('draft', False))

        case.reason_id = self.reason_defective
        case.line_ids.condition = False
        with self.assertRaises(UserError):
            case.with_user(self.user_agent_1).action_submit()
        self.assertEqual((case.state, case.date_submitted), ('draft', False))
        self.assertFalse(case.message_ids.filtered(lambda message: message.subtype_id == comment))

        self.company.return_require_condition = False
        case.with_user(self.user_agent_1).action_submit()
        self.assertEqual(case.state, 'to_approve')
        self.assertEqual(len(case.message_ids.filtered(lambda message: message.subtype_id == comment)), 1)


@tagged('post_install', '-at_install')
class TestReturnReview(return_common.ReturnCommon):

    # ------------------------------------------------------------------
    # Review deadline on the company's working calendar
    # ------------------------------------------------------------------
    def test_review_deadline_in_working_hours(self):
        self.assertEqual(self.company.return_review_hours, 16.0)
        case = self._create_return({self.sale_line_chair: 2})
        self.assertFalse(case.date_review_deadline)
        with freeze_time('2026-11-06 15:00:00'):  # a Friday, two working hours before the weekend
            case.with_user(self.user_agent_1).action_submit()
        self.assertEqual(case.date_submitted, datetime(2026, 11, 6, 15, 0))
        # Friday 15-17 (2 h), Monday 8-12 and 13-17 (8 h), Tuesday 8-12 and 13-15 (6 h).
        self.assertEqual(case.date_review_deadline, datetime(2026, 11, 10, 15, 0))

        Return = self.env['customer.return']
        with freeze_time('2026-11-10 14:59:00'):
            case.invalidate_recordset(['is_review_overdue'])
            self.assertFalse(case.is_review_overdue)
            self.assertNotIn(case, Return.search([('is_review_overdue', '=', True)]))
            self.assertIn(case, Return.search([('is_review_overdue', '=', False)]))
        with freeze_time('2026-11-10 15:01:00'):
            case.invalidate_recordset(['is_review_overdue'])
            self.assertTrue(case.is_review_overdue)
            self.assertIn(case, Return.search([('is_review_overdue', '=', True)]))
            self.assertNotIn(case, Return.search([('is_review_overdue', '=', False)]))
            case.with_user(self.user_approver).action_approve()
            case.invalidate_recordset(['is_review_overdue'])
            self.assertFalse(case.is_review_overdue)
            self.assertNotIn(case, Return.search([('is_review_overdue', '=', True)]))

    def test_review_hours_configurable(self):
        self.company.return_review_hours = 4.0
        case = self._create_return({self.sale_line_chair: 1})
        with freeze_time('2026-11-06 15:00:00'):
            case.with_user(self.user_agent_1).action_submit()
        self.assertEqual(case.date_review_deadline, datetime(2026, 11, 9, 10, 0))

    # ------------------------------------------------------------------
    # Rejection and the customer's e-mails
    # ------------------------------------------------------------------
    def _customer_messages(self, case):
        comment = self.env.ref('mail.mt_comment')
        return case.message_ids.filtered(lambda message: message.subtype_id == comment).sorted('id')

    def _assert_sent_to_customer(self, message):
        self.assertIn(self.customer, message.partner_ids)
        notified = message.notification_ids.filtered(lambda notif: notif.res_partner_id == self.customer)
        self.assertEqual(notified.notification_type, 'email')

    def test_rejection_sent_to_customer(self):
        case = self._create_return({self.sale_line_chair: 2})
        case.with_user(self.user_agent_1).action_submit()
        with self.assertRaises(AccessError):
            case.with_user(self.user_agent_1)._reject("Outside the return window")
        with self.assertRaises(AccessError):
            case.with_user(self.user_agent_1).action_reject()
        with self.assertRaises(UserError):
            case.with_user(self.user_approver)._reject(" ")
        self.assertEqual((case.state, case.reject_reason), ('to_approve', False))
        self.assertEqual(len(self._customer_messages(case)), 1)

        action = case.with_user(self.user_approver).action_reject()
        decision = Form(self.env['customer.return.decision'].with_user(self.user_approver).with_context(
            **action['context']))
        decision.reason = "The chairs were bought more than a year ago."
        decision.save().action_confirm()
        self.assertEqual(case.state, 'rejected')
        self.assertEqual(case.reject_reason, "The chairs were bought more than a year ago.")
        self.assertFalse(case.picking_ids)

        messages = self._customer_messages(case)
        self.assertEqual(len(messages), 2)
        rejection = messages[-1]
        self.assertEqual(rejection.subject, f"{self.company.name}: your return request {case.name}")
        self.assertIn("Reason: The chairs were bought more than a year ago.", rejection.body)
        self.assertIn(case.name, rejection.body)
        self._assert_sent_to_customer(rejection)
        self.assertIn(self.customer, case.message_partner_ids)

        with self.assertRaises(UserError):
            case.with_user(self.user_manager).action_approve()
        self.assertEqual(case.state, 'rejected')

    def test_customer_told_at_each_step(self):
        case = self._create_return({self.sale_line_chair: 2})
        self.assertFalse(self._customer_messages(case))
        case.with_user(self.user_agent_1).action_submit()
        case.with_user(self.user_manager).action_approve()
        self._receive(case.picking_ids)
        self.assertEqual(case.state, 'received')
        self._credit(case)
        self.assertEqual(case.state, 'done')

        company = self.company.name
        messages = self._customer_messages(case)
        self.assertEqual(messages.mapped('subject'), [
            f"{company}: we received your return request {case.name}",
            f"{company}: your return {case.name} is approved",
            f"{company}: we received the goods of return {case.name}",
            f"{company}: your return {case.name} is settled",
        ])
        for message in messages:
            self._assert_sent_to_customer(message)
            self.assertIn(case.name, message.body)
        self.assertIn(self.customer, case.message_partner_ids)
