"""Repair orders as a resolution: the received goods of a line to repair go to Odoo's Repairs app,
free of charge under the product's warranty, on the repair's own quotation otherwise; the goods go
back to the customer once repaired (or as they are when the repair is cancelled), and only then is
the case done."""
import json

from dateutil.relativedelta import relativedelta
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import Form, freeze_time, tagged
from odoo.tools import mute_logger

import portal_common
import return_common


class RepairFixtures:
    """A lot-tracked drill and serial-numbered meters (12 months of warranty), a spare part, and
    the helpers that walk a repair through the Repairs app as the warehouse does."""

    @classmethod
    def _setup_repair_products(cls):
        cls.product_drill = cls._create_storable_product("Cordless Drill", 90.0, tracking='lot')
        cls.product_meter = cls._create_storable_product("Laser Meter", 60.0, tracking='serial')
        (cls.product_drill | cls.product_meter).customer_warranty_months = 12
        cls.product_part = cls._create_storable_product("Drill Battery", 25.0)
        cls._put_in_stock(cls.product_part, 10.0)

    @classmethod
    def _create_tracked_order(cls, product, lot_quantities):
        """An order of ``product`` delivered from the lots or serial numbers {name: quantity}, invoiced."""
        lots = cls.env['stock.lot'].create([
            {'name': name, 'product_id': product.id, 'company_id': cls.company.id} for name in lot_quantities])
        for lot, quantity in zip(lots, lot_quantities.values()):
            cls.env['stock.quant'].with_context(inventory_mode=True).create({
                'product_id': product.id, 'location_id': cls.stock_location.id, 'lot_id': lot.id,
                'inventory_quantity': quantity,
            }).action_apply_inventory()
        order = cls.env['sale.order'].create({
            'partner_id': cls.customer.id,
            'order_line': [Command.create({
                'product_id': product.id, 'product_uom_qty': sum(lot_quantities.values()),
                'price_unit': product.list_price})],
        })
        order.action_confirm()
        delivery = order.picking_ids
        delivery.action_assign()
        delivery.move_ids.picked = True
        delivery.button_validate()
        order._create_invoices().action_post()
        return order, lots

    def _received_repair_case(self, quantities, order=None, lots=None, partial=None):
        """A return of ``quantities`` to repair, approved and received (``partial``: {product: qty})."""
        case = self._create_return(quantities, order=order)
        if lots:
            case.line_ids.with_user(self.user_agent_1).lot_ids = [Command.set(lots.ids)]
        case.line_ids.with_user(self.user_agent_1).disposition = 'repair'
        receipts = self._submit_and_approve(case)
        self.assertFalse(case.repair_order_ids)  # nothing received yet
        self._receive(receipts, quantities=partial)
        return case, receipts

    def _repair(self, repair, parts=None):
        """Confirm, start and end ``repair`` with its own buttons as the warehouse, using
        ``parts`` ({product: quantity}) from stock."""
        repair = repair.with_user(self.user_warehouse)
        self.assertIs(repair.action_validate(), True)
        self.assertEqual(repair.state, 'confirmed')
        part_moves = self.env['stock.move'].with_user(self.user_warehouse).create([{
            'repair_id': repair.id, 'repair_line_type': 'add', 'product_id': product.id, 'product_uom_qty': quantity,
        } for product, quantity in (parts or {}).items()])
        repair.action_repair_start()
        self.assertEqual(repair.state, 'under_repair')
        for move in part_moves:  # the technician records what was used
            move.quantity = move.product_uom_qty
            move.picked = True
        repair.action_repair_end()
        self.assertEqual(repair.state, 'done')

    def _notes(self, case):
        return [message.body for message in case.message_ids.sorted('id')]

    def _assert_note(self, case, *texts):
        if not any(all(text in body for text in texts) for body in self._notes(case)):
            self.fail(f"No message of {case.name} says {texts!r}")


@tagged('post_install', '-at_install')
class TestReturnRepair(RepairFixtures, return_common.ReturnCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_repair_products()
        cls.repair_type = cls.warehouse.repair_type_id

    # ------------------------------------------------------------------
    # (1) Under warranty: repaired free of charge, then delivered back
    # ------------------------------------------------------------------
    def test_under_warranty_repaired_then_sent_back(self):
        order, lots = self._create_tracked_order(self.product_drill, {'DRL-001': 2.0})
        sale_line = order.order_line
        case, receipt = self._received_repair_case({sale_line: 2}, order=order, lots=lots)
        line = case.line_ids
        self.assertEqual(case.state, 'received')
        self.assertEqual((line.qty_received, line.qty_accepted, line.date_delivered), (2.0, 2.0, fields.Date.today()))

        repair = self.env['repair.order'].search([('customer_return_id', '=', case.id)])
        self.assertEqual(len(repair), 1)
        self.assertEqual(case.repair_order_ids, repair)
        self.assertEqual(line.repair_order_ids, repair)
        self.assertEqual(case.repair_count, 1)
        self.assertEqual(repair.customer_return_line_id, line)
        self.assertEqual(repair.product_id, self.product_drill)
        self.assertEqual((repair.product_qty, repair.product_uom), (2.0, self.product_drill.uom_id))
        self.assertEqual(repair.lot_id, lots)
        self.assertEqual(repair.partner_id, case.partner_id)
        self.assertEqual(repair.partner_id, self.customer)
        self.assertTrue(repair.under_warranty)
        self.assertEqual(repair.state, 'draft')
        self.assertFalse(repair.sale_order_id)
        self.assertEqual(repair.picking_id, receipt)
        self.assertEqual(repair.picking_type_id, self.repair_type)
        self.assertEqual(repair.company_id, self.company)
        self.assertEqual(repair.product_location_src_id, receipt.location_dest_id)
        self.assertEqual(repair.product_location_dest_id, receipt.location_dest_id)
        self.assertEqual(repair.location_id, self.repair_type.default_location_src_id)
        self._assert_note(case, "Repair orders created for the received goods", repair.name, "DRL-001",
                          "under warranty: free of charge")
        # The case's link from the repair, as the Repairs app opens it.
        action = repair.with_user(self.user_warehouse).action_view_customer_return()
        self.assertEqual((action['res_model'], action['res_id']), ('customer.return', case.id))
        action = case.with_user(self.user_warehouse).action_view_repairs()
        self.assertEqual((action['res_model'], action['res_id']), ('repair.order', repair.id))

        # (3) In repair: nothing goes back yet, the case is not settled.
        self.assertEqual((line.qty_in_repair, line.qty_to_send_back), (2.0, 0.0))
        self.assertFalse(line.is_settled)
        self.assertFalse(case.can_send_back)
        with self.assertRaisesRegex(UserError, repair.name):
            case.with_user(self.user_warehouse).action_send_back()
        self.assertFalse(case.delivery_ids)

        self._repair(repair, parts={self.product_part: 1.0})
        for state in ("Confirmed", "Under Repair"):
            self._assert_note(case, repair.name, state)
        self._assert_note(case, repair.name, "repaired; the goods can be sent back")
        # The repair's own stock moves are not the case's.
        self.assertEqual(repair.move_ids.product_id, self.product_part)
        self.assertEqual(repair.move_ids.state, 'done')
        self.assertEqual(repair.move_id.state, 'done')
        self.assertFalse((repair.move_ids | repair.move_id).customer_return_line_id)
        self.assertEqual(line.move_ids, receipt.move_ids)
        self.assertEqual((line.qty_received, line.qty_accepted, line.qty_sent_back), (2.0, 2.0, 0.0))
        self.assertEqual(self.product_part.with_context(location=self.stock_location.id).qty_available, 9.0)

        self.assertEqual((line.qty_in_repair, line.qty_to_send_back), (0.0, 2.0))
        self.assertTrue(case.can_send_back)
        self.assertEqual(case.state, 'received')
        case.with_user(self.user_warehouse).action_send_back()
        send_back = case.delivery_ids
        self.assertEqual(len(send_back), 1)
        self.assertEqual(send_back.return_id, receipt)
        self.assertEqual(send_back.move_ids.product_uom_qty, 2.0)
        self._deliver(send_back)
        self.assertEqual(send_back.move_line_ids.lot_id, lots)
        self.assertEqual(line.qty_sent_back, 2.0)
        self.assertTrue(line.is_settled)
        self.assertEqual(case.state, 'done')
        # Nothing refunded or credited: the customer has the goods again, delivered and invoiced once.
        self.assertEqual((sale_line.qty_delivered, sale_line.qty_invoiced, sale_line.qty_to_invoice), (2.0, 2.0, 0.0))
        self.assertEqual(line.qty_to_credit, 0.0)
        self.assertFalse(case.credit_note_ids)
        self.assertEqual(case.repair_order_ids, repair)
        self.assertEqual(self.product_drill.with_context(location=self.stock_location.id).qty_available, 0.0)

    def test_serial_numbers_one_repair_per_unit(self):
        order, serials = self._create_tracked_order(self.product_meter, {'LM-01': 1.0, 'LM-02': 1.0})
        case, receipt = self._received_repair_case({order.order_line: 2}, order=order, lots=serials)
        repairs = case.repair_order_ids.sorted(lambda repair: repair.lot_id.name)
        self.assertEqual(len(repairs), 2)
        self.assertEqual(repairs.lot_id.mapped('name'), ['LM-01', 'LM-02'])
        self.assertEqual(repairs.mapped('product_qty'), [1.0, 1.0])
        self.assertEqual(repairs.product_id, self.product_meter)
        self.assertEqual(repairs.picking_id, receipt)
        self.assertEqual(repairs.customer_return_line_id, case.line_ids)
        self.assertEqual(repairs.mapped('under_warranty'), [True, True])
        # One repaired: that unit can go back, the other is still in repair.
        self._repair(repairs[0])
        line = case.line_ids
        self.assertEqual((line.qty_in_repair, line.qty_to_send_back), (1.0, 1.0))
        self.assertFalse(line.is_settled)

    # ------------------------------------------------------------------
    # (2) Out of warranty: the repair's own quotation for the customer
    # ------------------------------------------------------------------
    def test_out_of_warranty_quotation(self):
        self.company.return_window_days = 365
        self.product_chair.customer_warranty_months = 1
        delivered_on = fields.Date.today() - relativedelta(months=2)
        with freeze_time(delivered_on):
            order = self._create_delivered_invoiced_order(self.customer, [(self.product_chair, 3, 150.0)])
        case, receipt = self._received_repair_case({order.order_line: 3}, order=order)
        line = case.line_ids
        self.assertEqual(line.date_delivered, delivered_on)
        repair = case.repair_order_ids
        self.assertEqual(len(repair), 1)
        self.assertEqual((repair.product_id, repair.product_qty, repair.lot_id), (self.product_chair, 3.0, self.env['stock.lot']))
        self.assertEqual(repair.partner_id, self.customer)
        self.assertFalse(repair.under_warranty)
        quotation = repair.sale_order_id
        self.assertEqual(len(quotation), 1)
        self.assertEqual(quotation.state, 'draft')
        self.assertEqual(quotation.partner_id, self.customer)
        self.assertEqual(quotation.repair_order_ids, repair)
        self.assertEqual(quotation.origin, repair.name)
        self.assertEqual(quotation.warehouse_id, self.warehouse)
        self.assertEqual(quotation.user_id, order.user_id)
        self.assertNotEqual(quotation, order)
        note = quotation.order_line
        self.assertEqual(note.display_type, 'line_note')
        self.assertEqual(note.name, f"Repair of Office Chair returned with {case.name} ({repair.name}).")
        self._assert_note(case, repair.name, "out of warranty", quotation.name)
        # Parts used out of warranty are priced on the quotation (the repair app's own logic; adding
        # parts to a quoted repair takes the Sales rights too, as in the Repairs app).
        repair.with_user(self.user_warehouse).action_validate()
        self.env['stock.move'].create({
            'repair_id': repair.id, 'repair_line_type': 'add', 'product_id': self.product_part.id,
            'product_uom_qty': 2.0})
        part_line = quotation.order_line - note
        self.assertEqual(part_line.product_id, self.product_part)
        self.assertEqual((part_line.product_uom_qty, part_line.price_unit), (2.0, 25.0))
        # The case's order is untouched: the chairs stay delivered and invoiced.
        self.assertEqual((order.order_line.qty_delivered, order.order_line.qty_invoiced), (3.0, 3.0))
        self.assertEqual((line.qty_in_repair, line.qty_to_send_back), (3.0, 0.0))

    def test_warranty_window(self):
        self.product_chair.customer_warranty_months = 0
        case, _receipt = self._received_repair_case({self.sale_line_chair: 1})
        self.assertFalse(case.line_ids._is_under_warranty())  # no warranty at all
        self.assertFalse(case.repair_order_ids.under_warranty)
        self.assertTrue(case.repair_order_ids.sale_order_id)
        self.product_chair.customer_warranty_months = 1
        self.assertTrue(case.line_ids._is_under_warranty())
        # Counted to the day the customer asked: one month after the delivery is still covered.
        delivered_on = case.line_ids.date_delivered
        for date_request, covered in ((delivered_on + relativedelta(months=1), True),
                                      (delivered_on + relativedelta(months=1, days=1), False)):
            request = self._create_return({self.sale_line_chair: 1}, date_request=date_request)
            self.assertEqual(request.line_ids.date_delivered, delivered_on)
            self.assertIs(request.line_ids._is_under_warranty(), covered)
        with self.assertRaises(IntegrityError), mute_logger('odoo.sql_db'), self.env.cr.savepoint():
            self.product_chair.customer_warranty_months = -1
            self.product_chair.flush_recordset()

    # ------------------------------------------------------------------
    # (4) Cancelled repair: the goods go back as they are
    # ------------------------------------------------------------------
    def test_cancelled_repair_goods_back_as_they_are(self):
        self.product_chair.customer_warranty_months = 12
        case, receipt = self._received_repair_case({self.sale_line_chair: 2})
        line = case.line_ids
        repair = case.repair_order_ids
        self.assertEqual((len(repair), repair.product_qty, repair.under_warranty), (1, 2.0, True))
        self.assertFalse(case.can_send_back)
        # The disposition cannot leave the repair while the goods are in it.
        with self.assertRaisesRegex(UserError, repair.name):
            line.with_user(self.user_agent_1).disposition = 'refund'
        self.assertEqual(line.disposition, 'repair')

        repair.with_user(self.user_warehouse).action_repair_cancel()
        self.assertEqual(repair.state, 'cancel')
        self._assert_note(case, repair.name, "cancelled; the goods go back to the customer as they are")
        self.assertEqual((line.qty_in_repair, line.qty_to_send_back), (0.0, 2.0))
        self.assertTrue(case.can_send_back)
        case.with_user(self.user_warehouse).action_send_back()
        self._deliver(case.delivery_ids)
        self.assertEqual(line.qty_sent_back, 2.0)
        self.assertEqual(case.state, 'done')
        self.assertEqual(self.sale_line_chair.qty_delivered, 5.0)
        self.assertFalse(case.credit_note_ids)
        self.assertEqual(case.repair_order_ids, repair)  # no new repair for the goods that went back

    # ------------------------------------------------------------------
    # (5) Idempotent: one repair per received goods, the next receipt its own
    # ------------------------------------------------------------------
    def test_no_second_repair_for_the_same_goods(self):
        self.product_chair.customer_warranty_months = 12
        case, receipt = self._received_repair_case({self.sale_line_chair: 3}, partial={self.product_chair: 1.0})
        self.assertEqual(case.state, 'approved')  # two chairs still to come
        first = case.repair_order_ids
        self.assertEqual((len(first), first.product_qty, first.picking_id), (1, 1.0, receipt))
        case._update_progress()
        # The inspection runs the case's progress again.
        case.line_ids.with_user(self.user_warehouse).qty_rejected = 0.0
        self.assertEqual(case.repair_order_ids, first)
        self.assertEqual(self.env['repair.order'].search_count([('customer_return_line_id', '=', case.line_ids.id)]), 1)

        backorder = case.picking_ids - receipt
        self.assertEqual(len(backorder), 1)
        self._receive(backorder)
        self.assertEqual(case.state, 'received')
        second = case.repair_order_ids - first
        self.assertEqual((len(second), second.product_qty, second.picking_id), (1, 2.0, backorder))
        case._update_progress()
        self.assertEqual(len(case.repair_order_ids), 2)
        self.assertEqual(case.line_ids.qty_in_repair, 3.0)
        notes = [body for body in self._notes(case) if "Repair orders created" in body]
        self.assertEqual(len(notes), 2)

    def test_other_dispositions_make_no_repair(self):
        case = self._create_return({self.sale_line_chair: 1})
        case.line_ids.with_user(self.user_agent_1).disposition = 'return'
        self._receive(self._submit_and_approve(case))
        self.assertFalse(case.repair_order_ids)
        self.assertEqual(case.line_ids.qty_to_send_back, 1.0)
        # Changed to repair after the receipt: the received goods go to a repair order then.
        case.line_ids.with_user(self.user_agent_1).disposition = 'repair'
        self.assertEqual(case.repair_order_ids.product_qty, 1.0)
        self.assertEqual(case.line_ids.qty_to_send_back, 0.0)

    # ------------------------------------------------------------------
    # (6) Access: customer service reads cases with repairs, not the repairs
    # ------------------------------------------------------------------
    def test_complaint_user_reads_case_with_repairs(self):
        case, _receipt = self._received_repair_case({self.sale_line_chair: 1})
        repair = case.repair_order_ids
        self.assertEqual(len(repair), 1)
        agent = self.user_agent_1
        self.assertFalse(agent.has_group('stock.group_stock_user'))
        case_agent = self._fresh(case).with_user(agent)
        self.assertEqual(case_agent.repair_count, 1)
        self.assertEqual(case_agent.line_ids.qty_in_repair, 1.0)
        self.assertFalse(case_agent.line_ids.is_settled)
        # The form as customer service opens it (the Repairs button is the warehouse's).
        case_form = Form(case_agent)
        self.assertEqual(case_form.state, 'received')
        self.assertEqual(case_agent.read(['repair_count']), [{'id': case.id, 'repair_count': 1}])
        self.assertEqual(Form(self._fresh(case).with_user(self.user_warehouse)).repair_count, 1)
        with self.assertRaises(AccessError):
            repair.with_user(agent).check_access('read')
        # Approvers send goods back without the Repairs app: the refusal names the repair.
        with self.assertRaisesRegex(UserError, repair.name):
            self._fresh(case).with_user(self.user_approver).action_send_back()


@tagged('post_install', '-at_install')
class TestReturnRepairPortal(RepairFixtures, portal_common.PortalCommon):

    def test_portal_shows_repair_and_quotation(self):
        self.product_chair.customer_warranty_months = 0  # out of warranty
        case, _receipt = self._received_repair_case({self.sale_line_chair: 1})
        repair = case.repair_order_ids
        quotation = repair.sale_order_id
        self.assertTrue(quotation)
        quotation_url = quotation.get_portal_url()  # its token made once
        self._login(self.portal_a)
        page = self._get(case.access_url)
        self.assertEqual(page.status_code, 200)
        html = page.text
        self.assertInPage(f"Repair order <strong>{repair.name}</strong>: <span>New</span>", html)
        self.assertInPage("Not under warranty: the repair is quoted. Please review and accept the quotation", html)
        self.assertIn(quotation_url, self._hrefs(html))
        # The link opens the quotation on the standard sale portal.
        page = self._get(quotation_url)
        self.assertEqual(page.status_code, 200)
        self.assertInPage(quotation.name, page.text)

        repair.with_user(self.user_warehouse).action_validate()
        html = self._get(case.access_url).text
        self.assertInPage(f"Repair order <strong>{repair.name}</strong>: <span>Confirmed</span>", html)
        # Another customer's portal user sees nothing of it.
        self._login(self.portal_b)
        self.assertForbiddenOrMissing(self._get(case.access_url))

    # A 1x1 transparent PNG: the signature the portal's pad sends.
    SIGNATURE = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")

    def _quoted_repair(self):
        self.product_chair.customer_warranty_months = 0  # out of warranty
        self.company.portal_confirmation_sign = True
        self.company.portal_confirmation_pay = False
        case, _receipt = self._received_repair_case({self.sale_line_chair: 2})
        repair = case.repair_order_ids
        self.assertEqual((repair.state, repair.under_warranty), ('draft', False))
        return case, repair, repair.sale_order_id

    def test_portal_accepting_the_quotation_confirms_the_repair(self):
        case, repair, quotation = self._quoted_repair()
        self.assertTrue(quotation._has_to_be_signed())
        # Another customer cannot accept it, even knowing its number.
        self._login(self.portal_b)
        answer = self.make_jsonrpc_request(f'/my/orders/{quotation.id}/accept',
                                           {'name': "Intruder", 'signature': self.SIGNATURE})
        self.assertIn('error', answer)
        self.assertEqual((quotation.state, repair.state), ('draft', 'draft'))

        self._login(self.portal_a)
        answer = self.make_jsonrpc_request(f'/my/orders/{quotation.id}/accept', {
            'access_token': quotation.access_token, 'name': "Toni Client", 'signature': self.SIGNATURE})
        self.assertNotIn('error', answer)
        self.assertEqual(quotation.state, 'sale')
        self.assertEqual(quotation.signed_by, "Toni Client")
        self.assertEqual(repair.state, 'confirmed')
        self._assert_note(case, repair.name, "Confirmed")
        # Still in repair: nothing goes back before it is done.
        self.assertEqual((case.line_ids.qty_in_repair, case.line_ids.qty_to_send_back), (2.0, 0.0))
        html = self._get(case.access_url).text
        self.assertInPage("you accepted the quotation of the repair", html)
        self.assertInPage(f"Repair order <strong>{repair.name}</strong>: <span>Confirmed</span>", html)

    def test_portal_declining_the_quotation_sends_the_goods_back_unrepaired(self):
        case, repair, quotation = self._quoted_repair()
        self._login(self.portal_a)
        self._post(f'/my/orders/{quotation.id}/decline', {
            'access_token': quotation.access_token, 'decline_message': "Too expensive, send it back."})
        self.assertEqual(quotation.state, 'cancel')
        self.assertEqual(repair.state, 'cancel')
        self._assert_note(case, repair.name, "cancelled; the goods go back to the customer as they are")
        self.assertEqual((case.line_ids.qty_in_repair, case.line_ids.qty_to_send_back), (0.0, 2.0))
        self.assertTrue(case.can_send_back)

    def _call_kw(self, model, method, args, kwargs=None):
        response = self.url_open(f'/web/dataset/call_kw/{model}/{method}', data=json.dumps({
            'jsonrpc': '2.0', 'method': 'call', 'id': 1,
            'params': {'model': model, 'method': method, 'args': args, 'kwargs': kwargs or {}}}),
            headers={'Content-Type': 'application/json'})
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_case_links_of_a_repair_are_the_process_s_over_rpc(self):
        self.product_chair.customer_warranty_months = 12
        case, _receipt = self._received_repair_case({self.sale_line_chair: 1})
        repair = case.repair_order_ids
        other = self._create_return({self.sale_line_chair: 1})
        # The warehouse runs repairs but cannot move one to another case, nor make one for a case.
        with self.assertRaises(AccessError):
            repair.with_user(self.user_warehouse).customer_return_id = other
        self.authenticate(self.user_warehouse.login, self.user_warehouse.login)
        for method, args in (
                ('write', [[repair.id], {'customer_return_id': other.id}]),
                ('write', [[repair.id], {'customer_return_line_id': other.line_ids.id}]),
                ('create', [{'product_id': self.product_chair.id, 'partner_id': self.customer.id,
                             'customer_return_id': other.id}])):
            with self.subTest(method=method, args=args):
                reply = self._call_kw('repair.order', method, args)
                self.assertEqual(reply['error']['data']['name'], 'odoo.exceptions.AccessError', reply)
        # Nor can anyone unlink the repair from its case through the case or its line.
        self.authenticate(self.user_manager.login, self.user_manager.login)
        for model, record in (('customer.return', case), ('customer.return.line', case.line_ids)):
            with self.subTest(model=model):
                reply = self._call_kw(model, 'write', [[record.id], {'repair_order_ids': [(3, repair.id)]}])
                self.assertEqual(reply['error']['data']['name'], 'odoo.exceptions.AccessError', reply)
        self.env.invalidate_all()
        self.assertEqual((repair.customer_return_id, repair.customer_return_line_id), (case, case.line_ids))
        self.assertEqual(self.env['repair.order'].search_count([('customer_return_id', '=', other.id)]), 0)
        self.assertEqual(case.repair_order_ids, repair)
