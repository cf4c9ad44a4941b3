"""Exchange for another product, end to end on real documents: the goods come back refunded on
the order, the new goods are a line of the same order delivered through its route, and the
order's own invoicing bills the difference, or credits it."""
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import tagged

import portal_common
import return_common


@tagged('post_install', '-at_install')
class TestReturnExchange(return_common.ReturnCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.chair_xl = cls._create_storable_product("Office Chair XL", 180.0)
        cls.stool = cls._create_storable_product("Office Stool", 100.0)
        for product in (cls.chair_xl, cls.stool):
            cls._put_in_stock(product, 10)

    def _exchange(self, product, quantity=1):
        """A return of ``quantity`` chairs exchanged for ``product``: approved, received, and
        the new goods delivered."""
        order = self._create_delivered_invoiced_order(self.customer, [(self.product_chair, 5, 150.0)])
        case = self._create_return({order.order_line: quantity}, order=order)
        case.line_ids.write({'disposition': 'exchange', 'exchange_product_id': product.id})
        self._receive(self._submit_and_approve(case))
        self.assertEqual(case.picking_ids.move_ids.to_refund, True)
        case.with_user(self.user_warehouse).action_send_replacement()
        return order, case

    def test_exchange_for_a_dearer_product_invoices_the_difference(self):
        order, case = self._exchange(self.chair_xl)
        chair_line = order.order_line.filtered(lambda line: line.product_id == self.product_chair)
        new_line = case.line_ids.exchange_sale_line_id
        self.assertEqual(new_line.order_id, order, "the exchange is visible on the order")
        self.assertEqual((new_line.product_id, new_line.product_uom_qty, new_line.price_unit),
                         (self.chair_xl, 1.0, 180.0))
        self.assertEqual(new_line.tax_ids, self.tax_sale_a)
        delivery = case.delivery_ids
        self.assertEqual(len(delivery), 1)
        self.assertEqual((delivery.move_ids.product_id, delivery.move_ids.product_uom_qty), (self.chair_xl, 1.0))
        self.assertEqual(delivery.move_ids.sale_line_id, new_line)
        self.assertEqual(delivery.location_dest_id.usage, 'customer')
        self.assertFalse(case.line_ids.qty_to_replace, "asked once")
        with self.assertRaises(UserError):
            case.line_ids.with_user(self.user_approver).disposition = 'refund'
        self.assertEqual(case.line_ids.disposition, 'exchange')
        with self.assertRaises(UserError):
            case.with_user(self.user_warehouse).action_send_replacement()
        self._receive(delivery)
        self.assertEqual(case.line_ids.qty_replaced, 1.0)
        self.assertTrue(case.can_invoice_exchange)
        self.assertEqual(case.state, 'received')
        # the difference, billed by the order's own invoicing
        case.with_user(self.user_finance).action_invoice_exchange()
        invoice = case.credit_note_ids
        self.assertEqual(invoice.move_type, 'out_invoice')
        lines = {line.product_id: (line.quantity, line.price_unit) for line in invoice.invoice_line_ids}
        self.assertEqual(lines, {self.chair_xl: (1.0, 180.0), self.product_chair: (-1.0, 150.0)})
        self.assertEqual(invoice.amount_untaxed, 30.0)
        self.assertAlmostEqual(invoice.amount_total, 30.0 * (1 + self.tax_sale_a.amount / 100), places=2)
        self.assertNotEqual(case.state, 'done', "a draft invoice is still to post")
        invoice.with_user(self.user_finance).action_post()
        self.assertEqual(case.state, 'done')
        self.assertEqual(case.amount_credited, 0.0, "nothing was credited: the customer paid more")
        self.assertEqual((chair_line.qty_delivered, chair_line.qty_invoiced, chair_line.qty_to_invoice), (4.0, 4.0, 0.0))
        self.assertEqual((new_line.qty_delivered, new_line.qty_invoiced, new_line.qty_to_invoice), (1.0, 1.0, 0.0))
        self.assertEqual(order.invoice_status, 'invoiced')

    def test_exchange_for_a_cheaper_product_credits_the_difference(self):
        order, case = self._exchange(self.stool, quantity=2)
        self._receive(case.delivery_ids)
        case.with_user(self.user_finance).action_invoice_exchange()
        refund = case.credit_note_ids
        self.assertEqual(refund.move_type, 'out_refund', "the new goods cost less: a credit note")
        lines = {line.product_id: (line.quantity, line.price_unit) for line in refund.invoice_line_ids}
        self.assertEqual(lines, {self.stool: (-2.0, 100.0), self.product_chair: (2.0, 150.0)})
        self.assertEqual(refund.amount_untaxed, 100.0)
        refund.with_user(self.user_finance).action_post()
        self.assertAlmostEqual(case.amount_credited, 100.0 * (1 + self.tax_sale_a.amount / 100), places=2)
        self.assertEqual(case.state, 'done')
        chair_line = order.order_line.filtered(lambda line: line.product_id == self.product_chair)
        self.assertEqual((chair_line.qty_delivered, chair_line.qty_invoiced), (3.0, 3.0))
        self.assertEqual(case.line_ids.qty_credited, 0.0, "the credit note of a return line is another flow")

    def test_exchange_needs_a_product_other_than_the_returned_one(self):
        order = self._create_delivered_invoiced_order(self.customer, [(self.product_chair, 5, 150.0)])
        case = self._create_return({order.order_line: 1}, order=order)
        case.line_ids.disposition = 'exchange'
        with self.assertRaises(UserError):
            case.with_user(self.user_agent_1).action_submit()
        self.assertEqual(case.state, 'draft')
        with self.assertRaises(UserError):
            case.line_ids.exchange_product_id = self.product_chair
        case.line_ids.exchange_product_id = self.chair_xl
        case.with_user(self.user_agent_1).action_submit()
        self.assertEqual(case.state, 'to_approve')

    def test_nothing_to_invoice_before_the_goods_move(self):
        order = self._create_delivered_invoiced_order(self.customer, [(self.product_chair, 5, 150.0)])
        case = self._create_return({order.order_line: 1}, order=order)
        case.line_ids.write({'disposition': 'exchange', 'exchange_product_id': self.chair_xl.id})
        self._submit_and_approve(case)
        self.assertFalse(case.can_invoice_exchange)
        with self.assertRaises(UserError):
            case.with_user(self.user_finance).action_invoice_exchange()
        self.assertFalse(case.credit_note_ids)
        with self.assertRaises(UserError):
            case.with_user(self.user_agent_1).action_invoice_exchange()


    def test_exchange_of_a_dozen_is_a_dozen_of_the_new_product(self):
        dozen = self.env.ref('uom.product_uom_dozen')
        self._put_in_stock(self.product_chair, 12)
        self._put_in_stock(self.chair_xl, 12)
        order = self.env['sale.order'].create({'partner_id': self.customer.id, 'order_line': [Command.create({
            'product_id': self.product_chair.id, 'product_uom_id': dozen.id, 'product_uom_qty': 1,
            'price_unit': 1800.0})]})
        order.action_confirm()
        self._validate_delivery(order)
        order._create_invoices().action_post()
        case = self._create_return({order.order_line: 1}, order=order)
        self.assertEqual(case.line_ids.product_uom_id, dozen)
        case.line_ids.write({'disposition': 'exchange', 'exchange_product_id': self.chair_xl.id})
        self._receive(self._submit_and_approve(case))
        case.with_user(self.user_warehouse).action_send_replacement()
        new_line = case.line_ids.exchange_sale_line_id
        self.assertEqual((new_line.product_uom_id, new_line.product_uom_qty, new_line.price_unit),
                         (dozen, 1.0, 180.0 * 12))
        move = case.delivery_ids.move_ids
        self.assertEqual((move.product_id, move.product_qty), (self.chair_xl, 12.0))
        self._receive(case.delivery_ids)
        self.assertEqual(case.line_ids.qty_replaced, 1.0)
        case.with_user(self.user_finance).action_invoice_exchange()
        self.assertEqual(case.credit_note_ids.amount_untaxed, 360.0)

@tagged('post_install', '-at_install')
class TestPortalExchange(portal_common.PortalCommon):
    """On the portal the customer exchanges for another variant of the same product."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        size = cls.env['product.attribute'].create({
            'name': "Size (test)", 'value_ids': [Command.create({'name': name}) for name in ("S", "M", "L")]})
        template = cls.env['product.template'].create({
            'name': "T-Shirt (test)", 'type': 'consu', 'is_storable': True, 'list_price': 20.0,
            'invoice_policy': 'delivery', 'taxes_id': [Command.set(cls.tax_sale_a.ids)],
            'attribute_line_ids': [Command.create({'attribute_id': size.id, 'value_ids': [Command.set(size.value_ids.ids)]})],
        })
        cls.shirt_s, cls.shirt_m, cls.shirt_l = template.product_variant_ids
        cls.shirt_l.sale_ok = True
        cls.reason_exchange = cls.env['customer.return.reason'].create({
            'name': "Wrong size (test)", 'default_disposition': 'exchange', 'company_id': cls.company.id})
        cls.order_shirt = cls._create_delivered_invoiced_order(cls.customer, [(cls.shirt_s, 2, 20.0)])

    def test_customer_chooses_another_variant(self):
        self._login(self.portal_a)
        sale_line = self.order_shirt.order_line
        form = self._get(f'/my/returns/new?order_id={self.order_shirt.id}')
        self.assertInPage(f'name="exchange_{sale_line.id}"', form.text)
        self.assertInPage(self.shirt_m.display_name, form.text)
        preview = self.make_jsonrpc_request('/my/returns/preview', {
            'order_id': self.order_shirt.id, 'reason_id': self.reason_exchange.id,
            'lines': {str(sale_line.id): {'quantity': '1', 'condition': 'new', 'exchange': str(self.shirt_m.id)}}})
        self.assertEqual(preview[str(sale_line.id)]['summary'],
                         f"Exchange for {self.shirt_m.display_name}, reviewed by our team")
        # no variant chosen: asked for; a product that is no variant of the shirt: refused
        data = self._return_form_data(self.order_shirt, {sale_line: 1}, reason=self.reason_exchange, condition='new')
        response = self._post('/my/returns/submit', data)
        self.assertInPage("choose the variant you want instead", response.text)
        self.assertFalse(self._returns_of(self.order_shirt))
        response = self._post('/my/returns/submit', dict(data, **{f'exchange_{sale_line.id}': str(self.product_desk.id)}))
        self.assertForbiddenOrMissing(response)
        self.assertFalse(self._returns_of(self.order_shirt))
        self._post('/my/returns/submit', dict(data, **{f'exchange_{sale_line.id}': str(self.shirt_m.id)}))
        case = self._returns_of(self.order_shirt)
        self.assertEqual(len(case), 1)
        self.assertEqual((case.line_ids.disposition, case.line_ids.exchange_product_id, case.line_ids.quantity),
                         ('exchange', self.shirt_m, 1.0))
