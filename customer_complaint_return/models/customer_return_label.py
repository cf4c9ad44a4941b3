"""Return labels: where the carrier of the original delivery makes return labels (stock_delivery's
``get_return_label``), approving a return asks it for the label of each return receipt and joins
the labels to the approval mail; the customer finds them in the mail and on the case's portal page.
Without stock_delivery, without a carrier or with a carrier that makes no return labels, nothing
changes. This addon does not depend on stock_delivery: every step checks that it is installed."""
from odoo import models
from odoo.exceptions import UserError

APPROVED_TEMPLATE = 'customer_complaint_return.mail_template_return_approved'


class CustomerReturn(models.Model):
    _inherit = 'customer.return'

    def _notify_customer(self, template_xmlid, attachments=None):
        if template_xmlid == APPROVED_TEMPLATE and attachments is None:
            attachments = self._make_return_labels()
        return super()._notify_customer(template_xmlid, attachments=attachments)

    def _has_carriers(self):
        """Whether stock_delivery is installed (pickings have carriers)."""
        return 'carrier_id' in self.env['stock.picking']._fields

    def _get_label_receipts(self):
        """This case's receipts still to come (in sudo: the warehouse's) whose carrier, or else the
        carrier of the delivery they return, makes return labels."""
        self.ensure_one()
        if not self._has_carriers():
            return self.env['stock.picking']
        # the carrier first: the state of receipts just made is computed only where labels are made
        return self.sudo().picking_ids.filtered(
            lambda receipt: (receipt.carrier_id or receipt.return_id.carrier_id).can_generate_return
            and receipt.state not in ('done', 'cancel'))

    def _make_return_labels(self):
        """{case id: ids of its return labels}: the labels of the case's receipts, asked of their
        carriers where they have none yet. A carrier that fails leaves a note: the approval goes on."""
        labels = {}
        for case in self:
            attachments = self.env['ir.attachment']
            for receipt in case._get_label_receipts():
                attachments |= case._make_return_label(receipt)
            if attachments:
                labels[case.id] = attachments.ids
        return labels

    def _make_return_label(self, receipt):
        """The return labels of ``receipt`` (in sudo), each with its access token. Labels are made
        as stock_delivery's Print Return Label button of a return makes them: the carrier is asked
        for the receipt (the goods coming back, to the warehouse receiving them), attaches the labels
        to it and they are found by their name (``return_label_ids``)."""
        self.ensure_one()
        carrier = receipt.carrier_id or receipt.return_id.carrier_id
        if not receipt.carrier_id:
            # stock_delivery takes the carrier off the pickings its return wizard makes: the receipt
            # gets the delivery's back, for its labels to be found and printed again from it.
            receipt.carrier_id = carrier
        if not receipt.return_label_ids:
            try:
                with self.env.cr.savepoint():
                    carrier.get_return_label(receipt)
            except UserError as error:
                self._message_log(body=self.env._(
                    "No return label for %(receipt)s: print it from the receipt (Print Return Label) once "
                    "the problem is solved. The carrier %(carrier)s answered: %(error)s",
                    receipt=receipt.name, carrier=carrier.name, error=str(error)))
                return self.env['ir.attachment']
            receipt.invalidate_recordset(['return_label_ids'])
        labels = receipt.return_label_ids
        labels.generate_access_token()
        return labels

    def _get_portal_return_labels(self):
        """The return labels the customer prints (in sudo, each with its access token): only those
        of this case's own receipts still to come."""
        self.ensure_one()
        if not self._has_carriers():
            return self.env['ir.attachment']
        receipts = self.sudo().picking_ids.filtered(
            lambda receipt: receipt.state not in ('done', 'cancel') and receipt.carrier_id)
        labels = receipts.return_label_ids
        labels.generate_access_token()  # writes only the missing ones
        return labels
