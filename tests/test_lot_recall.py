"""Lot recall: a lot delivered to three customers by two companies. The recall of a company lists
that company's deliveries only, notifies each customer once, opens one draft return each for what
they still have (never more than delivered), and logs it all on the corrective action."""
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

import common

RECALL_NOTICE = 'customer_complaint_return.mt_corrective_action_recall_notice'


@tagged('post_install', '-at_install')
class TestLotRecall(common.ComplaintCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.setup_other_company(name="Lin Wei Trading Shenzhen")['company']
        cls.env_2 = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.company_2.id, cls.company.id]))
        # A lamp sold by both companies, and one lot of it in both warehouses.
        cls.product_lamp = cls._create_storable_product("LED Lamp", 49.0, tracking='lot')
        cls.lot = cls.env['stock.lot'].create({'name': "LMP-2407", 'product_id': cls.product_lamp.id})
        cls.other_lot = cls.env['stock.lot'].create({'name': "LMP-2501", 'product_id': cls.product_lamp.id})
        cls.customer_3 = cls.env['res.partner'].create(
            {'name': "Wang Wu Stores", 'is_company': True, 'email': "buyer@wangwu.example.com"})

        cls.order_1 = cls._deliver_lot(cls.env, cls.customer, cls.lot, 3)
        cls.order_1b = cls._deliver_lot(cls.env, cls.customer, cls.other_lot, 1)
        cls.order_2 = cls._deliver_lot(cls.env, cls.other_customer, cls.lot, 2)
        cls.order_3 = cls._deliver_lot(cls.env_2, cls.customer_3, cls.lot, 4)
        # The second customer already sent one lamp back with the standard Return button.
        cls._return_one(cls.order_2.picking_ids, cls.lot)

        cls.complaint = cls._create_complaint(
            subject="Lamp flickers", sale_order_id=cls.order_1.id,
            product_ids=[Command.set(cls.product_lamp.ids)], lot_ids=[Command.set(cls.lot.ids)])
        cls.user_manager.company_ids = [Command.link(cls.company_2.id)]
        cls.manager_env = cls.env(user=cls.user_manager, context={
            'allowed_company_ids': [cls.company.id, cls.company_2.id]})

    @classmethod
    def _deliver_lot(cls, env, partner, lot, quantity):
        warehouse = env['stock.warehouse'].search([('company_id', '=', env.company.id)], limit=1)
        env['stock.quant'].with_context(inventory_mode=True).create({
            'product_id': lot.product_id.id, 'location_id': warehouse.lot_stock_id.id,
            'lot_id': lot.id, 'inventory_quantity': quantity,
        }).action_apply_inventory()
        order = env['sale.order'].create({
            'partner_id': partner.id,
            'order_line': [Command.create({'product_id': lot.product_id.id, 'product_uom_qty': quantity,
                                           'price_unit': 49.0})],
        })
        order.action_confirm()
        picking = order.picking_ids
        picking.action_assign()
        assert picking.move_ids.move_line_ids.lot_id == lot
        picking.move_ids.picked = True
        picking.button_validate()
        assert picking.state == 'done'
        order._create_invoices().action_post()
        return order

    @classmethod
    def _return_one(cls, delivery, lot):
        wizard = cls.env['stock.return.picking'].with_context(
            active_model='stock.picking', active_id=delivery.id, active_ids=delivery.ids,
        ).create({'picking_id': delivery.id})
        wizard.product_return_moves.write({'quantity': 1, 'to_refund': True})
        receipt = cls.env['stock.picking'].browse(wizard.action_create_returns()['res_id'])
        receipt.move_ids.move_line_ids.unlink()
        receipt.move_ids.write({'move_line_ids': [Command.create({
            'product_id': lot.product_id.id, 'lot_id': lot.id, 'quantity': 1,
            'location_id': receipt.location_id.id, 'location_dest_id': receipt.location_dest_id.id})]})
        receipt.move_ids.picked = True
        receipt.button_validate()
        assert receipt.state == 'done'

    def _open_recall(self, record, env=None):
        env = env or self.manager_env
        action = record.with_env(env).action_recall_lots()
        return env['customer.lot.recall'].browse(action['res_id'])

    def _notices(self, action):
        return action.message_ids.filtered(lambda message: message.subtype_id == self.env.ref(RECALL_NOTICE))

    def test_recall_lists_notifies_and_returns_once(self):
        recall = self._open_recall(self.complaint)
        # Only the deliveries of the complaint's company, although the manager works in both.
        self.assertEqual(
            sorted((line.partner_id.name, line.sale_order_id.name, line.lot_id.name, line.quantity)
                   for line in recall.line_ids),
            sorted([(self.customer.name, self.order_1.name, "LMP-2407", 3.0),
                    (self.other_customer.name, self.order_2.name, "LMP-2407", 2.0)]))
        self.assertEqual(recall.line_ids.picking_id, (self.order_1 | self.order_2).picking_ids.filtered(
            lambda picking: picking.picking_type_code == 'outgoing'))
        self.assertEqual((recall.customer_count, recall.delivered_qty), (2, 5.0))
        recall.action_confirm()

        action = self.complaint.corrective_action_ids
        self.assertRecordValues(action, [{
            'origin': 'recall', 'lot_ids': self.lot.ids, 'product_ids': self.product_lamp.ids,
            'recall_partner_ids': (self.customer | self.other_customer).ids, 'company_id': self.company.id}])
        notices = self._notices(action)
        self.assertEqual(sorted(notices.partner_ids.ids), sorted((self.customer | self.other_customer).ids))
        self.assertEqual(len(notices), 2)
        for notice in notices:
            self.assertEqual(len(notice.partner_ids), 1)
            self.assertEqual(notice.message_type, 'comment')
            self.assertIn("LMP-2407", notice.body)
            self.assertEqual(notice.subject, f"{self.company.name}: product recall {action.name}")
        mails = self.env['mail.mail'].search([('mail_message_id', 'in', notices.ids)])
        self.assertEqual(sorted(mails.recipient_ids.ids), sorted((self.customer | self.other_customer).ids))
        # The followers of the action are not copied on the notices.
        self.assertFalse(mails.recipient_ids & action.message_partner_ids)

        returns = action.customer_return_ids
        self.assertEqual(len(returns), 2)
        self.assertEqual(set(returns.mapped('state')), {'draft'})
        by_customer = {case.commercial_partner_id: case for case in returns}
        self.assertRecordValues(by_customer[self.customer].line_ids, [{
            'sale_line_id': self.order_1.order_line.id, 'quantity': 3.0, 'lot_ids': self.lot.ids,
            'disposition': 'refund'}])
        # delivered 2, one already back: one to return
        self.assertRecordValues(by_customer[self.other_customer].line_ids, [{
            'sale_line_id': self.order_2.order_line.id, 'quantity': 1.0, 'lot_ids': self.lot.ids}])
        self.assertEqual(by_customer[self.customer].sale_order_id, self.order_1)
        log = action.message_ids.filtered(lambda message: 'Lot recall' in (message.body or ''))
        self.assertEqual(len(log), 1)
        self.assertIn("Customers notified: Lin Wei Trading, Zhang San Retail.", log.body)
        for case in returns:
            self.assertIn(case.name, log.body)

        # Again: everybody was told and has a return already.
        again = self._open_recall(action)
        self.assertEqual(again.corrective_action_id, action)
        self.assertTrue(all(again.line_ids.mapped('is_notified')))
        self.assertTrue(all(again.line_ids.mapped('has_return')))
        again.action_confirm()
        self.assertEqual(self._notices(action), notices)
        self.assertEqual(action.customer_return_ids, returns)
        self.assertIn("none (already notified)", action.message_ids[0].body)

    def test_other_company_recalls_its_own_deliveries(self):
        complaint_3 = self.env_2['customer.complaint'].create({
            'partner_id': self.customer_3.id, 'company_id': self.company_2.id, 'sale_order_id': self.order_3.id,
            'product_ids': [Command.set(self.product_lamp.ids)], 'lot_ids': [Command.set(self.lot.ids)]})
        recall = self._open_recall(complaint_3)
        self.assertEqual(recall.line_ids.partner_id, self.customer_3)
        self.assertEqual(recall.line_ids.quantity, 4.0)
        recall.action_confirm()
        case = complaint_3.corrective_action_ids.customer_return_ids
        self.assertRecordValues(case, [{'company_id': self.company_2.id, 'sale_order_id': self.order_3.id}])
        self.assertEqual(case.line_ids.quantity, 4.0)
        # A user of the first company only never sees the second company's deliveries.
        recall_1 = self._open_recall(self.complaint, env=self.env(user=self.user_manager, context={
            'allowed_company_ids': [self.company.id]}))
        self.assertNotIn(self.customer_3, recall_1.line_ids.partner_id)

    def test_recall_of_unselected_deliveries_and_options(self):
        recall = self._open_recall(self.complaint)
        recall.line_ids.filtered(lambda line: line.partner_id == self.other_customer).selected = False
        recall.create_returns = False
        recall.action_confirm()
        action = recall.corrective_action_id or self.complaint.corrective_action_ids
        self.assertEqual(self._notices(action).partner_ids, self.customer)
        self.assertFalse(action.customer_return_ids)
        nothing = self._open_recall(action)
        nothing.line_ids.selected = False
        with self.assertRaises(UserError):
            nothing.action_confirm()
        nothing.line_ids.selected = True
        nothing.write({'notify_customers': False, 'create_returns': False})
        with self.assertRaises(UserError):
            nothing.action_confirm()
        self.assertFalse(action.customer_return_ids)

    def test_only_managers_recall(self):
        agent = self.complaint.with_user(self.user_agent_1)
        with self.assertRaises(AccessError):
            agent.action_recall_lots()
        approver = new_test_user(self.env, login='ccr_recall_approver', groups='customer_complaint_return.group_return_approver',
                                 company_id=self.company.id, company_ids=[Command.set(self.company.ids)])
        with self.assertRaises(AccessError):
            self.complaint.with_user(approver).action_recall_lots()
        no_lot = self._create_complaint()
        with self.assertRaises(UserError):
            no_lot.with_env(self.manager_env).action_recall_lots()

    def test_notice_in_the_customer_language(self):
        self._load_chinese()
        self.other_customer.lang = 'zh_CN'
        recall = self._open_recall(self.complaint)
        recall.create_returns = False
        recall.action_confirm()
        action = self.complaint.corrective_action_ids
        notices = self._notices(action)
        chinese = notices.filtered(lambda notice: notice.partner_ids == self.other_customer)
        english = notices - chinese
        self.assertIn("我们正在召回下列批次或序列号的产品", chinese.body)
        self.assertEqual(chinese.subject, f"{self.company.name}：产品召回 {action.name}")
        self.assertIn("We are recalling products of the lots or serial numbers below", english.body)
        self.assertIn(self.order_2.name, chinese.body)
        self.assertNotIn(self.order_1.name, chinese.body)

    def test_serial_numbers_already_back_are_not_recalled(self):
        chair = self._create_storable_product("Serialised Chair", 150.0, tracking='serial')
        serials = self.env['stock.lot'].create([{'name': f"SN-{i}", 'product_id': chair.id} for i in (1, 2, 3)])
        for serial in serials:
            self.env['stock.quant'].with_context(inventory_mode=True).create({
                'product_id': chair.id, 'location_id': self.stock_location.id, 'lot_id': serial.id,
                'inventory_quantity': 1}).action_apply_inventory()
        order = self.env['sale.order'].create({
            'partner_id': self.customer.id,
            'order_line': [Command.create({'product_id': chair.id, 'product_uom_qty': 3, 'price_unit': 150.0})]})
        order.action_confirm()
        order.picking_ids.move_ids.picked = True
        order.picking_ids.button_validate()
        self.assertEqual(order.picking_ids.move_line_ids.lot_id, serials)
        self._return_one(order.picking_ids, serials[0])
        action = self.env['customer.corrective.action'].create({
            'title': "Recall of the serialised chairs", 'product_ids': [Command.set(chair.ids)],
            'lot_ids': [Command.set(serials.ids)]})
        recall = self._open_recall(action)
        self.assertEqual(len(recall.line_ids), 3)
        recall.notify_customers = False
        recall.action_confirm()
        self.assertRecordValues(action.customer_return_ids.line_ids, [{
            'sale_line_id': order.order_line.id, 'quantity': 2.0, 'lot_ids': serials[1:].ids}])
