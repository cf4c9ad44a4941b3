"""Return labels (stock_delivery): where the carrier of the original delivery makes return labels,
approving a return asks it for the label of each receipt, joins the label to the approval mail and
shows it on the case's portal page; a carrier that fails leaves a note and the case approved; no
carrier, or one that makes no return labels, changes nothing.

A test cannot add a carrier type (a selection value of ``delivery_type``): the tests' carriers are
'fixed' ones given what a real carrier type implements, ``can_generate_return`` and the
``<type>_get_return_label`` hook, so that stock_delivery's own code runs between them and the addon.
"""
from unittest.mock import patch

from lxml import html

from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import tagged

import portal_common
import return_common

APPROVED_TEMPLATE = 'customer_complaint_return.mail_template_return_approved'
LABEL_PDF = b'%PDF-1.4\n% return label (test)\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'
CARRIER_DOWN = "Parcel service unavailable (test)"


class LabelCarrierMixin:
    """Carriers of the tests' own type: one that makes return labels, one whose service fails
    (after attaching a label, as a carrier failing halfway would), one that makes none."""

    @classmethod
    def _setup_label_carriers(cls):
        Carrier = cls.env['delivery.carrier']
        shipping = cls.env['product.product'].create({'name': "Shipping (test)", 'type': 'service', 'list_price': 0.0})
        values = {'delivery_type': 'fixed', 'fixed_price': 0.0, 'product_id': shipping.id}
        cls.carrier = Carrier.create({
            'name': "Parcel Co (test)", 'return_label_on_delivery': True, 'get_return_label_from_portal': True,
            **values})
        cls.carrier_down = Carrier.create({'name': "Broken Parcel (test)", 'return_label_on_delivery': True, **values})
        cls.carrier_plain = Carrier.create({'name': "Own Van (test)", **values})
        label_carrier_ids = (cls.carrier | cls.carrier_down).ids
        cls.label_calls = []

        def _compute_can_generate_return(carriers):
            for carrier in carriers:
                carrier.can_generate_return = carrier.id in label_carrier_ids

        def fixed_get_return_label(carrier, pickings, tracking_number=None, origin_date=None):
            # As real carriers do: the label is posted on the picking, named after the carrier's prefix.
            cls.label_calls.append((carrier, pickings, tracking_number, origin_date))
            for picking in pickings:
                picking.message_post(body="Return label (test)", attachments=[
                    (f"{carrier.get_return_label_prefix()}-{picking.name.replace('/', '-')}.pdf", LABEL_PDF)])
            if carrier.id == cls.carrier_down.id:
                raise UserError(CARRIER_DOWN)

        CarrierClass = type(Carrier)
        cls.startClassPatcher(patch.object(CarrierClass, '_compute_can_generate_return', _compute_can_generate_return))
        cls.startClassPatcher(patch.object(CarrierClass, 'fixed_get_return_label', fixed_get_return_label, create=True))

    @classmethod
    def _create_shipped_order(cls, partner, carrier, quantity=3):
        """An order of chairs shipped with ``carrier`` (set before confirming: the delivery takes it),
        delivered and invoiced."""
        cls._put_in_stock(cls.product_chair, quantity)
        order = cls.env['sale.order'].create({
            'partner_id': partner.id,
            'carrier_id': carrier.id if carrier else False,
            'order_line': [Command.create({
                'product_id': cls.product_chair.id, 'product_uom_qty': quantity, 'price_unit': 150.0})],
        })
        order.action_confirm()
        cls._validate_delivery(order)
        order._create_invoices().action_post()
        return order

    def _label_attachments(self, pickings):
        return self.env['ir.attachment'].search([
            ('res_model', '=', 'stock.picking'), ('res_id', 'in', pickings.ids), ('name', '=like', 'LabelReturn-%')])

    def _approval_message(self, case):
        subject = self.env.ref(APPROVED_TEMPLATE)._render_field('subject', case.ids)[case.id]
        return case.message_ids.filtered(lambda message: message.subject == subject)


@tagged('post_install', '-at_install')
class TestReturnLabels(LabelCarrierMixin, return_common.ReturnCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_label_carriers()

    def setUp(self):
        super().setUp()
        self.label_calls.clear()

    def test_approval_mail_carries_the_label(self):
        order = self._create_shipped_order(self.customer, self.carrier)
        delivery = order.picking_ids
        self.assertEqual(delivery.carrier_id, self.carrier)
        case = self._create_return({order.order_line: 2}, order=order)
        receipt = self._submit_and_approve(case)

        self.assertEqual(case.state, 'approved')
        self.assertEqual(len(receipt), 1)
        self.assertEqual(receipt.return_id, delivery)
        # asked once, for the receipt, as the Print Return Label button of a return asks
        self.assertEqual(self.label_calls, [(self.carrier, receipt, None, None)])
        self.assertEqual(receipt.carrier_id, self.carrier)
        self.assertTrue(receipt.is_return_picking)
        label = receipt.return_label_ids
        self.assertEqual(len(label), 1)
        self.assertEqual(label, self._label_attachments(receipt))
        self.assertEqual(
            (label.name, label.mimetype, label.raw, label.res_model, label.res_id),
            (f"LabelReturn-fixed-{receipt.name.replace('/', '-')}.pdf", 'application/pdf', LABEL_PDF,
             'stock.picking', receipt.id))
        self.assertTrue(label.access_token)

        approval = self._approval_message(case)
        self.assertEqual(len(approval), 1)
        self.assertEqual(approval.attachment_ids, label)
        self.assertEqual(approval.partner_ids, self.customer)
        mails = self.env['mail.mail'].search([('mail_message_id', '=', approval.id)])
        self.assertIn(self.customer, mails.recipient_ids)
        # what the mail server gets: the label PDF, by name and type
        for mail in mails:
            for email in mail._prepare_outgoing_list():
                self.assertEqual(email['attachments'], [(label.name, LABEL_PDF, 'application/pdf')])
        # the mail queue adds the return authorization (where it can print PDFs), the label stays
        printed = bool(mails.deferred_report_template_id)
        self.env['mail.mail'].process_email_queue(email_ids=mails.ids)
        self.assertEqual(len(approval.attachment_ids), 2 if printed else 1)
        self.assertIn(label, approval.attachment_ids)
        self.assertEqual(case._get_portal_return_labels(), label)

    def test_label_made_once(self):
        """The approval mail sent again carries the same label: the carrier is not asked again."""
        order = self._create_shipped_order(self.customer, self.carrier)
        case = self._create_return({order.order_line: 1}, order=order)
        receipt = self._submit_and_approve(case)
        label = receipt.return_label_ids
        case._notify_customer(APPROVED_TEMPLATE)
        self.assertEqual(len(self.label_calls), 1)
        self.assertEqual(self._label_attachments(receipt), label)
        self.assertEqual(self._approval_message(case).mapped('attachment_ids'), label)
        self.assertEqual(len(self._approval_message(case)), 2)

    def test_carrier_error_leaves_the_case_approved_with_a_note(self):
        order = self._create_shipped_order(self.customer, self.carrier_down)
        case = self._create_return({order.order_line: 1}, order=order)
        receipt = self._submit_and_approve(case)

        self.assertEqual(case.state, 'approved')
        self.assertEqual(len(receipt), 1)
        self.assertEqual(self.label_calls, [(self.carrier_down, receipt, None, None)])
        # what the carrier did before failing is undone: no label anywhere
        self.assertFalse(self._label_attachments(receipt | order.picking_ids))
        self.assertFalse(receipt.message_ids.filtered(lambda message: "Return label (test)" in message.body))
        self.assertFalse(self._approval_message(case).attachment_ids)
        self.assertFalse(case._get_portal_return_labels())
        notes = case.message_ids.filtered(lambda message: CARRIER_DOWN in message.body)
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes.subtype_id, self.env.ref('mail.mt_note'))
        self.assertIn(receipt.name, notes.body)
        self.assertIn("Broken Parcel (test)", notes.body)
        self.assertFalse(notes.partner_ids)
        # the receipt keeps the carrier: the warehouse prints the label from it later
        self.assertEqual(receipt.carrier_id, self.carrier_down)
        self.assertTrue(receipt.is_return_picking)

    def test_nothing_changes_without_a_carrier_making_labels(self):
        for carrier in (self.env['delivery.carrier'], self.carrier_plain):
            with self.subTest(carrier=carrier.name):
                order = self._create_shipped_order(self.customer, carrier)
                self.assertEqual(order.picking_ids.carrier_id, carrier)
                case = self._create_return({order.order_line: 1}, order=order)
                case.with_user(self.user_agent_1).action_submit()
                attachments = self.env['ir.attachment'].search_count([])
                case.with_user(self.user_manager).action_approve()
                self.assertEqual(case.state, 'approved')
                self.assertEqual(self.label_calls, [])
                self.assertEqual(self.env['ir.attachment'].search_count([]), attachments)
                self.assertFalse(case.picking_ids.carrier_id)
                self.assertFalse(self._approval_message(case).attachment_ids)
                self.assertFalse(case._get_portal_return_labels())


@tagged('post_install', '-at_install')
class TestReturnLabelsPortal(LabelCarrierMixin, portal_common.PortalCommon):
    """Customer A's approved return shipped with a carrier making labels; customer B's approved
    return shipped without."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_label_carriers()
        cls.order_shipped = cls._create_shipped_order(cls.customer, cls.carrier)
        cls.return_shipped = cls._make_return(cls.order_shipped, cls.customer_contact, 1)
        cls.return_shipped.action_approve()
        cls.return_b.action_approve()
        cls.label = cls.return_shipped.picking_ids.return_label_ids

    @staticmethod
    def _label_links(page_html):
        return html.fromstring(page_html).xpath(
            "//a[contains(concat(' ', @class, ' '), ' o_ccr_return_label ')]/@href")

    def test_customer_prints_the_label_from_the_case_page(self):
        self.assertEqual(len(self.label), 1)
        self._login(self.portal_a)
        page = self._get(self.return_shipped.access_url)
        self.assertEqual(page.status_code, 200)
        self.assertInPage('o_ccr_return_labels', page.text)
        self.assertInPage(self.label.name, page.text)
        link = f'/web/content/{self.label.id}?access_token={self.label.access_token}&download=true'
        self.assertEqual(self._label_links(page.text), [link])
        download = self._get(link)
        self.assertEqual(download.status_code, 200)
        self.assertEqual(download.content, LABEL_PDF)
        self.assertEqual(download.headers['Content-Type'].split(';')[0], 'application/pdf')
        # a colleague of the same company sees it too; a case without label shows none
        self._login(self.portal_a2)
        self.assertInPage(link.replace('&', '&amp;'), self._get(self.return_shipped.access_url).text)
        self.assertNotInPage('o_ccr_return_labels', self._get(self.return_a.access_url).text)

    def test_other_customer_gets_no_label(self):
        self._login(self.portal_b)
        self.assertForbiddenOrMissing(self._get(self.return_shipped.access_url))
        self.assertForbiddenOrMissing(self._get(f'/web/content/{self.label.id}?download=true'))
        self.assertForbiddenOrMissing(self._get(f'/web/content/{self.label.id}?access_token=wrong&download=true'))
        own_page = self._get(self.return_b.access_url)
        self.assertEqual(own_page.status_code, 200)
        self.assertNotInPage('o_ccr_return_labels', own_page.text)
        self.assertEqual(self._label_links(own_page.text), [])
