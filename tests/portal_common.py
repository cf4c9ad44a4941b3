"""Fixtures of the customer portal: two customers, each with portal users, delivered and
invoiced orders and cases, and helpers to talk to the real HTTP server as them."""
import re
from urllib.parse import parse_qs, urlparse

from odoo import http
from odoo.fields import Command
from odoo.tests import HttpCase, tagged

import return_common

PNG = b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89' \
    b'\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82'
PDF = b'%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'


@tagged('post_install', '-at_install')
class PortalCommon(return_common.ReturnCommon, HttpCase):
    """Customer A (Lin Wei Trading): two portal users, colleagues of one company, an order of
    5 chairs; customer B (Zhang San Retail): a portal user and an order of 3 desks. Each has a
    resolved complaint and a return waiting for approval."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env['ir.config_parameter'].sudo().set_param('web.base.url', cls.base_url())
        cls.colleague_a = cls.env['res.partner'].create({
            'name': "Lin Mei", 'parent_id': cls.customer.id, 'email': "lin.mei@linwei.example.com"})
        cls.contact_b = cls.env['res.partner'].create({
            'name': "Zhang San", 'parent_id': cls.other_customer.id, 'email': "zhang@zhangsan.example.com"})
        cls.portal_a = cls._create_portal_user('ccr_portal_a', cls.customer_contact)
        cls.portal_a2 = cls._create_portal_user('ccr_portal_a2', cls.colleague_a)
        cls.portal_b = cls._create_portal_user('ccr_portal_b', cls.contact_b)
        cls.order_b = cls._create_delivered_invoiced_order(cls.other_customer, [(cls.product_desk, 3, 420.0)])
        cls.sale_line_desk_b = cls.order_b.order_line
        cls.reason_photo = cls.env['customer.return.reason'].create({
            'name': "Damaged in transit (test)", 'default_disposition': 'replace', 'photo_required': True,
            'company_id': cls.company.id})

        cls.complaint_a = cls._create_complaint(
            partner_id=cls.customer_contact.id, sale_order_id=cls.order.id, subject="Wobbly chair",
            delivery_ids=cls.delivery.ids, invoice_ids=cls.invoice.ids,
            investigation_notes="<p>INTERNAL: supplier batch 42 is faulty</p>",
            root_cause="INTERNAL-ROOT-CAUSE", responsible_department="INTERNAL-DEPT",
            resolution="<p>We sent a new chair.</p>")
        cls.complaint_a.action_resolve()
        cls.complaint_a.message_post(body="INTERNAL-NOTE about the supplier", subtype_xmlid='mail.mt_note')
        cls.complaint_b = cls._create_complaint(
            partner_id=cls.contact_b.id, sale_order_id=cls.order_b.id, subject="Desk scratched",
            resolution="<p>Discount granted.</p>")
        cls.complaint_b.action_resolve()

        cls.return_a = cls._make_return(cls.order, cls.customer_contact, 1)
        cls.return_b = cls._make_return(cls.order_b, cls.contact_b, 1)

    @classmethod
    def _create_portal_user(cls, login, partner):
        return cls.env['res.users'].with_context(no_reset_password=True).create({
            'name': partner.name,
            'login': login,
            'password': login,
            'partner_id': partner.id,
            'company_id': cls.company.id,
            'company_ids': [Command.set(cls.company.ids)],
            'group_ids': [Command.set(cls.env.ref('base.group_portal').ids)],
        })

    @classmethod
    def _make_return(cls, order, partner, quantity):
        case = cls.env['customer.return'].create({
            'partner_id': partner.id,
            'sale_order_id': order.id,
            'reason_id': cls.reason_defective.id,
            'line_ids': [Command.create({'sale_line_id': order.order_line.id, 'quantity': quantity,
                                         'condition': 'damaged'})],
        })
        case.action_submit()
        return case

    # ------------------------------------------------------------------
    # HTTP helpers
    # ------------------------------------------------------------------
    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _post(self, url, data=None, files=None, allow_redirects=True):
        """A form POST as the browser sends it, with the session's CSRF token."""
        data = dict(data or {}, csrf_token=http.Request.csrf_token(self))
        return self.url_open(url, data=data, files=files, allow_redirects=allow_redirects)

    def _get(self, url, allow_redirects=True):
        return self.url_open(url, allow_redirects=allow_redirects)

    def assertInPage(self, text, html):
        if text not in html:
            self.fail(f"{text!r} is not in the page")

    def assertNotInPage(self, text, html):
        if text in html:
            self.fail(f"{text!r} is in the page")

    def assertForbiddenOrMissing(self, response):
        self.assertIn(response.status_code, (403, 404), response.url)

    @staticmethod
    def _query(url):
        return {key: values[0] for key, values in parse_qs(urlparse(url).query).items()}

    @staticmethod
    def _hrefs(html):
        return re.findall(r'href="([^"]+)"', html)

    def _return_form_data(self, order, quantities, reason=None, condition='damaged', **extra):
        """Fields of the return request form: {sale line: quantity}."""
        data = {'order_id': str(order.id), 'reason_id': str((reason or self.reason_defective).id)}
        for line, quantity in quantities.items():
            data[f'qty_{line.id}'] = str(quantity)
            data[f'condition_{line.id}'] = condition
        data.update(extra)
        return data

    def _returns_of(self, order):
        return self.env['customer.return'].search([('sale_order_id', '=', order.id)])

    def _complaints_of(self, partner):
        return self.env['customer.complaint'].search([('commercial_partner_id', '=', partner.id)])
