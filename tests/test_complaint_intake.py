"""Intake of complaint cases: from the sale order, by hand, with the customer's own documents only."""
import base64
from datetime import datetime

from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

import common

SEQUENCE_CODE = 'customer.complaint'


@tagged('post_install', '-at_install')
class TestComplaintIntake(common.ComplaintCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_order = cls._create_delivered_invoiced_order(
            cls.other_customer, [(cls.product_desk, 2, 420.0)])
        cls.other_delivery = cls.other_order.picking_ids
        cls.other_invoice = cls.other_order.invoice_ids
        cls.Complaint = cls.env['customer.complaint']

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _records(self, proxy, model):
        """The records of a many2many field of a Form, as one recordset."""
        return self.env[model].browse([record.id for record in proxy])

    def _complaint_form(self, user=None, context=None):
        Complaint = self.Complaint.with_user(user) if user else self.Complaint
        return Form(Complaint.with_context(**(context or {})))

    def _create_lot_product(self, name, lot_name):
        product = self._create_storable_product(name, 30.0, tracking='lot')
        lot = self.env['stock.lot'].create({
            'name': lot_name, 'product_id': product.id, 'company_id': self.company.id})
        return product, lot

    def _current_year(self):
        # ir.sequence interpolates %(year)s with the current date in the context's time zone.
        return datetime.now(self.env.tz).year

    # ------------------------------------------------------------------
    # From the sale order
    # ------------------------------------------------------------------
    def test_new_complaint_from_sale_order_prefills_documents(self):
        action = self.order.action_new_complaint()
        self.assertEqual(action['res_model'], 'customer.complaint')
        self.assertEqual(action['context'], {
            'default_sale_order_id': self.order.id,
            'default_partner_id': self.customer.id,
            'default_company_id': self.company.id,
        })

        form = self._complaint_form(self.user_agent_1, action['context'])
        self.assertEqual(form.partner_id, self.customer)
        self.assertEqual(form.company_id, self.company)
        self.assertEqual(form.sale_order_id, self.order)
        self.assertEqual(self._records(form.delivery_ids, 'stock.picking'), self.delivery)
        self.assertEqual(self._records(form.invoice_ids, 'account.move'), self.invoice)
        self.assertEqual(self._records(form.product_ids, 'product.product'), self.product_chair)
        self.assertEqual(form.contact_name, "Lin Wei Trading")
        self.assertEqual(form.phone, "+86 21 5555 0101")
        self.assertEqual(form.email, "service@linwei.example.com")

        form.subject = "Two chairs squeak"
        complaint = form.save()

        self.assertEqual(complaint.partner_id, self.customer)
        self.assertEqual(complaint.company_id, self.company)
        self.assertEqual(complaint.sale_order_id, self.order)
        self.assertEqual(complaint.delivery_ids, self.delivery)
        self.assertEqual(self.delivery.state, 'done')
        self.assertEqual(self.delivery.picking_type_code, 'outgoing')
        self.assertEqual(complaint.invoice_ids, self.invoice)
        self.assertEqual(self.invoice.state, 'posted')
        self.assertEqual(complaint.product_ids, self.product_chair)
        self.assertEqual(complaint.state, 'new')
        self.assertEqual(complaint.create_uid, self.user_agent_1)

    def test_new_complaint_contact_details_are_editable(self):
        form = self._complaint_form(self.user_agent_1, self.order.action_new_complaint()['context'])
        form.contact_name = "Lin Wei"
        form.phone = "+86 139 0000 0001"
        form.email = "lin.wei@linwei.example.com"
        complaint = form.save()

        complaint.invalidate_recordset()
        self.assertEqual(complaint.contact_name, "Lin Wei")
        self.assertEqual(complaint.phone, "+86 139 0000 0001")
        self.assertEqual(complaint.email, "lin.wei@linwei.example.com")
        self.assertEqual(complaint.partner_id, self.customer)
        # The customer's own record is untouched.
        self.assertEqual(self.customer.email, "service@linwei.example.com")
        self.assertEqual(self.customer.phone, "+86 21 5555 0101")

    # ------------------------------------------------------------------
    # Form onchanges
    # ------------------------------------------------------------------
    def test_changing_customer_clears_documents_of_the_previous_one(self):
        form = self._complaint_form(self.user_agent_1, self.order.action_new_complaint()['context'])
        form.subject = "Wrong colour"

        # A contact of the same company keeps the company's documents.
        form.partner_id = self.customer_contact
        self.assertEqual(form.sale_order_id, self.order)
        self.assertEqual(self._records(form.delivery_ids, 'stock.picking'), self.delivery)
        self.assertEqual(self._records(form.invoice_ids, 'account.move'), self.invoice)
        self.assertEqual(form.contact_name, "Lin Wei")

        form.partner_id = self.other_customer
        self.assertFalse(form.sale_order_id)
        self.assertEqual(len(form.delivery_ids), 0)
        self.assertEqual(len(form.invoice_ids), 0)
        self.assertEqual(form.contact_name, "Zhang San Retail")
        self.assertEqual(form.email, "zhang.san@example.com")

        form.sale_order_id = self.other_order
        self.assertEqual(self._records(form.delivery_ids, 'stock.picking'), self.other_delivery)
        self.assertEqual(self._records(form.invoice_ids, 'account.move'), self.other_invoice)
        self.assertEqual(self._records(form.product_ids, 'product.product'), self.product_desk)
        complaint = form.save()

        self.assertEqual(complaint.partner_id, self.other_customer)
        self.assertEqual(complaint.sale_order_id, self.other_order)
        self.assertEqual(complaint.delivery_ids, self.other_delivery)
        self.assertEqual(complaint.invoice_ids, self.other_invoice)

    def test_sale_order_of_contacts_company_is_accepted(self):
        form = self._complaint_form(self.user_agent_1)
        form.partner_id = self.customer_contact
        form.subject = "Late delivery"
        form.sale_order_id = self.order  # ordered by the company, complained about by its contact

        self.assertEqual(form.partner_id, self.customer_contact)
        self.assertEqual(self._records(form.delivery_ids, 'stock.picking'), self.delivery)
        self.assertEqual(self._records(form.invoice_ids, 'account.move'), self.invoice)
        complaint = form.save()

        self.assertEqual(complaint.partner_id, self.customer_contact)
        self.assertEqual(complaint.commercial_partner_id, self.customer)
        self.assertEqual(complaint.sale_order_id, self.order)
        self.assertEqual(complaint.delivery_ids, self.delivery)
        self.assertEqual(complaint.invoice_ids, self.invoice)
        self.assertEqual(complaint.contact_name, "Lin Wei")

    def test_sale_order_of_another_customer_switches_the_customer(self):
        form = self._complaint_form(self.user_agent_1)
        form.partner_id = self.customer
        form.sale_order_id = self.other_order

        self.assertEqual(form.partner_id, self.other_customer)
        self.assertEqual(self._records(form.delivery_ids, 'stock.picking'), self.other_delivery)
        complaint = form.save()
        self.assertEqual(complaint.partner_id, self.other_customer)
        self.assertEqual(complaint.sale_order_id, self.other_order)

    def test_removing_product_removes_its_lots(self):
        # The lot field is shown to users of lots/serial numbers only.
        self.env.user.group_ids = [Command.link(self.env.ref('stock.group_production_lot').id)]
        spring, spring_lot = self._create_lot_product("Gas Spring", "GS-2026-001")
        wheel, wheel_lot = self._create_lot_product("Caster Wheel", "CW-2026-007")

        form = self._complaint_form()
        form.partner_id = self.customer
        form.subject = "Chair sinks"
        form.product_ids.add(spring)
        form.product_ids.add(wheel)
        form.lot_ids.add(spring_lot)
        form.lot_ids.add(wheel_lot)

        form.product_ids.remove(id=spring.id)
        self.assertEqual(self._records(form.product_ids, 'product.product'), wheel)
        self.assertEqual(self._records(form.lot_ids, 'stock.lot'), wheel_lot)
        complaint = form.save()

        self.assertEqual(complaint.product_ids, wheel)
        self.assertEqual(complaint.lot_ids, wheel_lot)

    # ------------------------------------------------------------------
    # From code
    # ------------------------------------------------------------------
    def test_create_with_sale_order_only_fills_customer_and_company(self):
        complaint = self.Complaint.with_user(self.user_agent_1).create({'sale_order_id': self.order.id})

        self.assertEqual(complaint.partner_id, self.customer)
        self.assertEqual(complaint.company_id, self.company)
        self.assertEqual(complaint.contact_name, "Lin Wei Trading")
        self.assertEqual(complaint.email, "service@linwei.example.com")
        self.assertEqual(complaint.name, f"CMP/{self._current_year()}/00001")

    # ------------------------------------------------------------------
    # Restricted documents and bad input
    # ------------------------------------------------------------------
    def _assert_refused(self, vals, message):
        count = self.Complaint.search_count([])
        with self.assertRaises(ValidationError) as error:
            self._create_complaint(**vals)
        self.assertIn(message, str(error.exception))
        self.assertEqual(self.Complaint.search_count([]), count)

    def test_documents_of_another_customer_are_refused(self):
        self._assert_refused(
            {'sale_order_id': self.other_order.id},
            f"{self.other_order.name}: not a document of Lin Wei Trading.")
        self._assert_refused(
            {'delivery_ids': [Command.set(self.other_delivery.ids)]},
            f"{self.other_delivery.name}: not a document of Lin Wei Trading.")
        self._assert_refused(
            {'invoice_ids': [Command.set(self.other_invoice.ids)]},
            f"{self.other_invoice.display_name}: not a document of Lin Wei Trading.")

    def test_documents_linked_later_are_checked_too(self):
        complaint = self._create_complaint(sale_order_id=self.order.id, delivery_ids=[Command.set(self.delivery.ids)])
        with self.assertRaises(ValidationError):
            complaint.delivery_ids = [Command.link(self.other_delivery.id)]
        with self.assertRaises(ValidationError):
            complaint.sale_order_id = self.other_order
        # Changing the customer without the documents is refused as well.
        with self.assertRaises(ValidationError):
            complaint.partner_id = self.other_customer
        self.assertEqual(complaint.partner_id, self.customer)
        self.assertEqual(complaint.sale_order_id, self.order)
        self.assertEqual(complaint.delivery_ids, self.delivery)

    def test_receipt_and_vendor_bill_are_refused(self):
        receipt = self.env['stock.picking'].create({
            'partner_id': self.customer.id,
            'picking_type_id': self.warehouse.in_type_id.id,
            'location_id': self.env.ref('stock.stock_location_suppliers').id,
            'location_dest_id': self.stock_location.id,
        })
        self.assertEqual(receipt.picking_type_code, 'incoming')
        vendor_bill = self.init_invoice('in_invoice', partner=self.customer, amounts=[100.0], post=True)
        self.assertEqual(vendor_bill.commercial_partner_id, self.customer)

        self._assert_refused(
            {'delivery_ids': [Command.set(receipt.ids)]},
            f"Only deliveries can be linked: {receipt.name}")
        self._assert_refused(
            {'invoice_ids': [Command.set(vendor_bill.ids)]},
            "Only customer invoices and credit notes can be linked")

    def test_lot_of_another_product_is_refused(self):
        spring, spring_lot = self._create_lot_product("Gas Spring", "GS-2026-001")
        self._assert_refused(
            {'product_ids': [Command.set(self.product_chair.ids)], 'lot_ids': [Command.set(spring_lot.ids)]},
            "Lots/serial numbers GS-2026-001 are not of a product of this complaint")

        complaint = self._create_complaint(
            product_ids=[Command.set((self.product_chair | spring).ids)], lot_ids=[Command.set(spring_lot.ids)])
        self.assertEqual(complaint.lot_ids, spring_lot)
        # Removing the product while keeping its lot is refused.
        with self.assertRaises(ValidationError):
            complaint.product_ids = [Command.unlink(spring.id)]
        self.assertEqual(complaint.product_ids, self.product_chair | spring)

    def test_malformed_email_is_refused(self):
        for email in ("lin.wei@@example", "not an email"):
            with self.subTest(email=email):
                self._assert_refused({'email': email}, f"{email} is not a valid e-mail address")

        complaint = self._create_complaint(email="lin.wei@linwei.example.com")
        self.assertEqual(complaint.email, "lin.wei@linwei.example.com")
        with self.assertRaises(ValidationError):
            complaint.email = "lin.wei@@example"
        self.assertEqual(complaint.email, "lin.wei@linwei.example.com")

    # ------------------------------------------------------------------
    # Field domains offered in the form
    # ------------------------------------------------------------------
    def test_document_domains_offer_only_the_customers_documents(self):
        contact_order = self._create_delivered_invoiced_order(self.customer_contact, [(self.product_desk, 1, 420.0)])
        draft_invoice = self.init_invoice('out_invoice', partner=self.customer, amounts=[50.0])
        complaint = self._create_complaint(partner_id=self.customer_contact.id)

        domains = self.Complaint.fields_get(['sale_order_id', 'delivery_ids', 'invoice_ids'], ['domain'])
        eval_context = {
            'commercial_partner_id': complaint.commercial_partner_id.id, 'company_id': complaint.company_id.id}

        def offered(field, model):
            return self.env[model].search(safe_eval(domains[field]['domain'], eval_context))

        self.assertEqual(offered('sale_order_id', 'sale.order'), self.order | contact_order)
        self.assertEqual(offered('delivery_ids', 'stock.picking'), self.delivery | contact_order.picking_ids)
        self.assertEqual(offered('invoice_ids', 'account.move'), self.invoice | contact_order.invoice_ids)
        self.assertNotIn(draft_invoice, offered('invoice_ids', 'account.move'))

    # ------------------------------------------------------------------
    # References
    # ------------------------------------------------------------------
    def test_references_follow_a_sequence_per_company(self):
        year = self._current_year()
        first, second = self.Complaint.create([
            {'partner_id': self.customer.id, 'subject': "First"},
            {'partner_id': self.customer.id, 'subject': "Second"},
        ])
        third = self._create_complaint()
        self.assertEqual(first.name, f"CMP/{year}/00001")
        self.assertEqual(second.name, f"CMP/{year}/00002")
        self.assertEqual(third.name, f"CMP/{year}/00003")

        company_2 = self.env['res.company'].create({'name': "Lin Wei Trading Beijing Branch Supplier"})
        self.env.user.company_ids = [Command.link(company_2.id)]
        other = self.Complaint.with_company(company_2).create({
            'partner_id': self.customer.id, 'subject': "Elsewhere", 'company_id': company_2.id})
        self.assertEqual(other.company_id, company_2)
        self.assertEqual(other.name, f"CMP/{year}/00001")
        self.assertEqual(self._create_complaint().name, f"CMP/{year}/00004")

        sequences = self.env['ir.sequence'].search([('code', '=', SEQUENCE_CODE)])
        sequence_1 = sequences.filtered(lambda seq: seq.company_id == self.company)
        sequence_2 = sequences.filtered(lambda seq: seq.company_id == company_2)
        self.assertEqual(len(sequence_1), 1)
        self.assertEqual(len(sequence_2), 1)
        self.assertNotEqual(sequence_1, sequence_2)
        self.assertEqual((sequence_2.prefix, sequence_2.padding), ('CMP/%(year)s/', 5))

    # ------------------------------------------------------------------
    # Smart buttons
    # ------------------------------------------------------------------
    def test_smart_buttons_count_and_open_the_complaints(self):
        about_order = self._create_complaint(
            partner_id=self.customer_contact.id, sale_order_id=self.order.id,
            delivery_ids=[Command.set(self.delivery.ids)], invoice_ids=[Command.set(self.invoice.ids)])
        general = self._create_complaint(subject="Rude driver")
        self._create_complaint(partner_id=self.other_customer.id, subject="Someone else")

        expected = [
            (self.order, 1, about_order),
            (self.customer, 2, about_order | general),
            (self.customer_contact, 2, about_order | general),
            (self.delivery, 1, about_order),
            (self.invoice, 1, about_order),
        ]
        for document, count, complaints in expected:
            with self.subTest(document=document.display_name):
                document.invalidate_recordset(['complaint_count'])
                self.assertEqual(document.complaint_count, count)
                action = document.action_view_complaints()
                self.assertEqual(action['res_model'], 'customer.complaint')
                self.assertEqual(self.Complaint.search(action['domain']), complaints)

    def test_smart_button_actions_prefill_a_new_complaint(self):
        cases = [
            (self.order, self.customer, self.order, self.delivery, self.invoice),
            (self.delivery, self.customer, self.order, self.delivery, self.invoice),
            (self.invoice, self.customer, self.env['sale.order'], self.env['stock.picking'], self.invoice),
            (self.customer_contact, self.customer_contact, self.env['sale.order'],
             self.env['stock.picking'], self.env['account.move']),
        ]
        for document, partner, order, pickings, invoices in cases:
            with self.subTest(document=document.display_name):
                context = document.action_view_complaints()['context']
                form = self._complaint_form(self.user_agent_1, context)
                self.assertEqual(form.partner_id, partner)
                self.assertEqual(form.company_id, self.company)
                self.assertEqual(form.sale_order_id, order)
                self.assertEqual(self._records(form.delivery_ids, 'stock.picking'), pickings)
                self.assertEqual(self._records(form.invoice_ids, 'account.move'), invoices)
                form.subject = "Prefilled"
                complaint = form.save()
                self.assertEqual(complaint.partner_id, partner)
                self.assertIn(complaint, self.Complaint.search(document.action_view_complaints()['domain']))

    # ------------------------------------------------------------------
    # Evidence
    # ------------------------------------------------------------------
    def test_evidence_attachments_are_kept(self):
        complaint = self._create_complaint()
        photo = self.env['ir.attachment'].with_user(self.user_agent_1).create({
            'name': "broken_leg.jpg",
            'datas': base64.b64encode(b"not really a jpeg"),
            'res_model': 'customer.complaint',
            'res_id': complaint.id,
        })
        complaint.with_user(self.user_agent_1).attachment_ids = [Command.link(photo.id)]
        complaint.with_user(self.user_agent_1).subject = "Chair arrived with a broken leg (photo)"

        self.env.invalidate_all()
        self.assertEqual(complaint.attachment_ids, photo)
        self.assertEqual(complaint.with_user(self.user_agent_1).attachment_ids.raw, b"not really a jpeg")
        self.assertEqual(photo.res_model, 'customer.complaint')
        self.assertEqual(photo.res_id, complaint.id)
