"""The helper the demo data uses to deliver and invoice its orders, on real documents."""
from datetime import datetime

from odoo.fields import Command
from odoo.tests import tagged

import common


@tagged('post_install', '-at_install')
class TestDemoDeliverAndInvoice(common.ComplaintCommon):

    def test_draft_order_is_confirmed_delivered_and_invoiced(self):
        self._put_in_stock(self.product_chair, 3)
        self._put_in_stock(self.product_desk, 2)
        order = self.env['sale.order'].create({
            'partner_id': self.customer.id,
            'date_order': datetime(2026, 10, 1, 10, 0),
            'order_line': [
                Command.create({'product_id': self.product_chair.id, 'product_uom_qty': 3, 'price_unit': 150.0}),
                Command.create({'product_id': self.product_desk.id, 'product_uom_qty': 2, 'price_unit': 420.0}),
            ],
        })

        invoice = self.env['customer.case.demo']._deliver_and_invoice(order.ids, '2026-10-05 09:00:00')

        self.assertEqual(order.state, 'sale')
        self.assertEqual(order.date_order, datetime(2026, 10, 1, 10, 0))
        self.assertEqual(order.picking_ids.mapped('state'), ['done'])
        self.assertEqual(order.picking_ids.date_done, datetime(2026, 10, 5, 9, 0))
        self.assertEqual(order.order_line.mapped('qty_delivered'), [3.0, 2.0])
        self.assertEqual(order.order_line.mapped('qty_invoiced'), [3.0, 2.0])
        self.assertRecordValues(invoice, [{
            'move_type': 'out_invoice',
            'state': 'posted',
            'invoice_date': datetime(2026, 10, 5).date(),
            'amount_untaxed': 1290.0,
            'amount_total': 1483.5,  # 15 % tax of the fixture's sale tax
        }])
        self.assertEqual(order.invoice_status, 'invoiced')
