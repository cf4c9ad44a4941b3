"""The heart of returns: request, approval, standard return receipt, credit note, done."""
from odoo.exceptions import UserError
from odoo.tests import tagged

import return_common


@tagged('post_install', '-at_install')
class TestReturnFlow(return_common.ReturnCommon):

    def test_full_return_and_credit(self):
        case = self._create_return({self.sale_line_chair: 2})
        line = case.line_ids
        self.assertEqual(case.state, 'draft')
        self.assertTrue(case.name.startswith('RMA/'))
        self.assertEqual((line.qty_delivered, line.qty_returned, line.qty_returnable), (5.0, 0.0, 5.0))
        self.assertTrue(line.is_eligible)

        receipts = self._submit_and_approve(case)
        self.assertEqual(case.state, 'approved')
        self.assertEqual(line.qty_approved, 2.0)
        self.assertEqual(len(receipts), 1)
        self.assertEqual(receipts.return_id, self.delivery)
        self.assertEqual(receipts.picking_type_code, 'incoming')
        self.assertEqual(receipts.move_ids.origin_returned_move_id, self.delivery.move_ids)
        self.assertEqual(receipts.move_ids.sale_line_id, self.sale_line_chair)
        self.assertTrue(receipts.move_ids.to_refund)
        self.assertEqual(receipts.move_ids.product_uom_qty, 2.0)
        self.assertEqual(receipts.customer_return_id, case)

        self._receive(receipts)
        self.assertEqual(case.state, 'received')
        self.assertEqual((line.qty_received, line.qty_accepted), (2.0, 2.0))
        self.assertEqual(self.sale_line_chair.qty_delivered, 3.0)
        self.assertEqual(line.qty_to_credit, 2.0)

        notes, _action = self._credit(case, post=False)
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes.move_type, 'out_refund')
        self.assertEqual(notes.state, 'draft')
        self.assertEqual(notes.reversed_entry_id, self.invoice)
        self.assertEqual(notes.invoice_line_ids.quantity, 2.0)
        self.assertEqual(notes.invoice_line_ids.price_unit, 150.0)
        self.assertEqual(notes.invoice_line_ids.tax_ids, self.tax_sale_a)
        self.assertEqual(notes.amount_untaxed, 300.0)
        self.assertEqual(notes.amount_total, 345.0)
        self.assertEqual(notes.invoice_line_ids.sale_line_ids, self.sale_line_chair)
        self.assertEqual(case.state, 'received')

        notes.with_user(self.user_finance).action_post()
        self.assertEqual(case.state, 'done')
        self.assertEqual((line.qty_credited, line.amount_credited), (2.0, 300.0))
        self.assertEqual(case.amount_credited, 345.0)
        self.assertEqual(self.sale_line_chair.qty_invoiced, 3.0)
        self.assertEqual(self.sale_line_chair.qty_to_invoice, 0.0)
        self.assertEqual(self.order.invoice_status, 'invoiced')

    def test_over_return_refused_nothing_written(self):
        case = self._create_return({self.sale_line_chair: 6})
        with self.assertRaises(UserError):
            case.action_submit()
        self.assertEqual(case.state, 'draft')

    def test_product_return_rate_over_period(self):
        case = self._create_return({self.sale_line_chair: 2})
        self._receive(self._submit_and_approve(case))
        chair = self.product_chair.with_user(self.user_agent_1)
        self.assertEqual((chair.return_delivered_qty, chair.return_qty, chair.return_rate), (5.0, 2.0, 40.0))

        wizard = self.env['customer.return.rate'].with_user(self.user_manager).create({})
        action = wizard.action_open()
        products = self.env['product.product'].with_context(action['context']).search(action['domain'])
        self.assertEqual(products, self.product_chair)
        self.assertEqual(products.return_rate, 40.0)

        last_year = self.env['customer.return.rate'].create({'date_from': '2020-01-01', 'date_to': '2020-12-31'})
        action = last_year.action_open()
        self.assertFalse(self.env['product.product'].search(action['domain']))
        old = self.product_chair.with_context(return_date_from='2020-01-01', return_date_to='2020-12-31')
        self.assertEqual((old.return_delivered_qty, old.return_qty, old.return_rate), (0.0, 0.0, 0.0))
