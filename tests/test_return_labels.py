"""Return labels: when the delivery's carrier makes return labels (stock_delivery), approving a
return joins them to the approval mail and shows them on the portal; otherwise nothing changes.
The carrier type is the tests' own: a 'fixed' carrier given the hook real carriers implement."""
import base64
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import tagged

import portal_common

LABEL = b'%PDF-1.4\n% return label\n%%EOF\n'


@tagged('post_install', '-at_install')
class TestReturnLabels(portal_common.PortalCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carrier = cls.env['delivery.carrier'].create({
            'name': "Test Carrier", 'delivery_type': 'fixed', 'fixed_price': 0.0,
            'product_id': cls.env['product.product'].create({'name': "Shipping (test)", 'type': 'service'}).id,
            'return_label_on_delivery': True, 'get_return_label_from_portal': True,
        })
        cls.Carrier = type(cls.env['delivery.carrier'])

    def _label_hook(self, fail=False):
        """A carrier's ``<type>_get_return_label``: the label, attached to the delivery as real carriers do."""
        def fixed_get_return_label(carrier, pickings, tracking_number=None, origin_date=None):
            if fail:
                raise UserError("The carrier's service is down.")
            for picking in pickings:
                self.env['ir.attachment'].create({
                    'name': f"{carrier.get_return_label_prefix()}-{picking.name}.pdf",
                    'datas': base64.b64encode(LABEL), 'res_model': 'stock.picking', 'res_id': picking.id,
                    'mimetype': 'application/pdf'})
        return patch.object(self.Carrier, 'fixed_get_return_label', fixed_get_return_label, create=True)

    def _can_return(self):
        def compute(carriers):
            for carrier in carriers:
                carrier.can_generate_return = carrier.delivery_type == 'fixed'
        return patch.object(self.Carrier, '_compute_can_generate_return', compute)

    def _order(self, carrier=True):
        self._put_in_stock(self.product_chair, 2)
        order = self.env['sale.order'].create({
            'partner_id': self.customer.id,
            'carrier_id': self.carrier.id if carrier else False,
            'order_line': [Command.create({'product_id': self.product_chair.id, 'product_uom_qty': 2, 'price_unit': 150.0})],
        })
        order.action_confirm()
        self._validate_delivery(order)
        order._create_invoices().action_post()
        return order

    def _approval_message(self, case):
        return case.message_ids.filtered(lambda message: message.subject and 'is approved' in message.subject)

    def test_label_joined_to_the_approval_mail_and_the_portal(self):
        order = self._order()
        delivery = order.picking_ids
        self.assertEqual(delivery.carrier_id, self.carrier)
        case = self._create_return({order.order_line: 1}, order=order, partner_id=self.customer_contact.id)
        with self._can_return(), self._label_hook():
            self.env.invalidate_all()
            self._submit_and_approve(case)
        label = self._approval_message(case).attachment_ids.filtered(lambda a: a.name.startswith('LabelReturn'))
        self.assertEqual(label.mapped('name'), [f"LabelReturn-fixed-{delivery.name}.pdf"])
        self.assertEqual((label.res_model, label.res_id, label.mimetype), ('customer.return', case.id, 'application/pdf'))
        self.assertEqual(base64.b64decode(label.datas), LABEL)
        self.assertEqual(case._get_return_labels(), label)
        self.assertIn(self.customer_contact, self._approval_message(case).partner_ids)
        # the customer downloads it from the case's page; another customer cannot
        self._login(self.portal_a)
        page = self._get(case.access_url)
        self.assertInPage('o_ccr_return_labels', page.text)
        self.assertInPage(f'/web/content/{label.id}?access_token={label.access_token}', page.text)
        download = self._get(f'/web/content/{label.id}?access_token={label.access_token}&download=true')
        self.assertEqual(download.content, LABEL)
        self._login(self.portal_b)
        self.assertForbiddenOrMissing(self._get(case.access_url))
        self.assertIn(self._get(f'/web/content/{label.id}').status_code, (403, 404))

    def test_carrier_failure_leaves_a_note_and_the_case_approved(self):
        order = self._order()
        case = self._create_return({order.order_line: 1}, order=order)
        with self._can_return(), self._label_hook(fail=True):
            self.env.invalidate_all()
            self._submit_and_approve(case)
        self.assertEqual(case.state, 'approved')
        self.assertFalse(case._get_return_labels())
        self.assertTrue(case.message_ids.filtered(lambda m: "could not make the return label" in m.body
                                                  and "service is down" in m.body))

    def test_no_label_without_a_carrier_that_makes_them(self):
        for carrier, can_return in ((False, True), (True, False)):
            with self.subTest(carrier=carrier, can_return=can_return):
                order = self._order(carrier=carrier)
                case = self._create_return({order.order_line: 1}, order=order)
                patches = [self._label_hook()] + ([self._can_return()] if can_return else [])
                for context in patches:
                    context.start()
                try:
                    self.env.invalidate_all()
                    self._submit_and_approve(case)
                finally:
                    for context in patches:
                        context.stop()
                self.assertEqual(case.state, 'approved')
                self.assertFalse(self._approval_message(case).attachment_ids.filtered(
                    lambda a: a.name.startswith('LabelReturn')))
                self.assertEqual(self.env['ir.attachment'].search_count([('name', '=like', 'LabelReturn%')]), 0)
