"""Return labels: when the carrier of the delivery can make return labels (stock_delivery's
``get_return_label``), approving a return asks it for them and joins them to the approval mail,
so that the customer finds them in the mail and on the case's portal page. Without stock_delivery,
without a carrier or with a carrier that cannot, nothing changes."""
from odoo import models
from odoo.exceptions import UserError

APPROVED_TEMPLATE = 'customer_complaint_return.mail_template_return_approved'


class CustomerReturn(models.Model):
    _inherit = 'customer.return'

    def _notify_customer(self, template_xmlid, attachments=None):
        if template_xmlid == APPROVED_TEMPLATE and attachments is None:
            attachments = self._make_return_labels()
        return super()._notify_customer(template_xmlid, attachments=attachments)

    def _get_label_deliveries(self):
        """The deliveries of this case's receipts whose carrier makes return labels."""
        self.ensure_one()
        if 'carrier_id' not in self.env['stock.picking']._fields:
            return self.env['stock.picking']
        return self.sudo().picking_ids.return_id.filtered(lambda delivery: delivery.carrier_id.can_generate_return)

    def _make_return_labels(self):
        """{case id: ids of its return labels}, copied onto the case for its customer. A carrier
        that fails leaves a note and no label: the approval goes on."""
        labels = {}
        Attachment = self.env['ir.attachment'].sudo()
        for case in self:
            copies = Attachment
            for delivery in case._get_label_deliveries():
                carrier = delivery.carrier_id
                domain = [('res_model', '=', 'stock.picking'), ('res_id', '=', delivery.id),
                          ('name', '=like', f'{carrier.get_return_label_prefix()}%')]
                before = Attachment.search(domain)
                try:
                    with self.env.cr.savepoint():
                        carrier.get_return_label(delivery)
                except UserError as error:
                    case.sudo()._message_log(body=self.env._(
                        "The carrier %(carrier)s could not make the return label of %(delivery)s: %(error)s",
                        carrier=carrier.name, delivery=delivery.name, error=str(error)))
                    continue
                for label in Attachment.search(domain) - before:
                    copies |= label.copy({'res_model': case._name, 'res_id': case.id})
            if copies:
                copies.generate_access_token()
                labels[case.id] = copies.ids
        return labels

    def _get_return_labels(self):
        """The return labels given to the customer with the approval."""
        self.ensure_one()
        return self.sudo().message_ids.attachment_ids.filtered(lambda attachment: attachment.name.startswith('LabelReturn'))
