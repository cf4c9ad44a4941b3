import base64
import logging

from odoo import fields, models

_logger = logging.getLogger(__name__)


class MailMail(models.Model):
    _inherit = 'mail.mail'

    # Printing a PDF takes about a second (wkhtmltopdf): a case's mail that carries one is queued
    # and its reports are printed by the mail queue when it sends the mail, not in the user's click.
    deferred_report_template_id = fields.Many2one(
        'mail.template', string="Reports Printed When Sent", copy=False, ondelete='set null',
        help="The reports of this template are printed for the mail's record and attached to the mail "
             "and its message when the mail is sent.")

    def send(self, auto_commit=False, raise_exception=False, post_send_callback=None):
        self.filtered('deferred_report_template_id')._attach_deferred_reports()
        return super().send(auto_commit=auto_commit, raise_exception=raise_exception,
                            post_send_callback=post_send_callback)

    def _attach_deferred_reports(self):
        """Print the deferred reports of these mails' messages, as their template would have at
        posting, once per message (a message may have a mail per recipient), and attach them to the
        message: its mails carry them, the chatter and the portal show them."""
        Attachment = self.env['ir.attachment'].sudo()
        for message in self.sudo().mail_message_id:
            mails = self.sudo().search([
                ('mail_message_id', '=', message.id), ('deferred_report_template_id', '!=', False)])
            template = mails.deferred_report_template_id[:1]
            mails.deferred_report_template_id = False
            try:
                with self.env.cr.savepoint():
                    printed = template._generate_template([message.res_id], ['report_template_ids'])[message.res_id]
            except Exception:
                # a report that cannot be printed must not hold the mail (nor the queue) back
                _logger.exception("Mail %s sent without the reports of template %s", mails.ids, template.id)
                continue
            attachments = Attachment.create([{
                'name': name,
                'raw': base64.b64decode(content),
                'res_model': message.model,
                'res_id': message.res_id,
            } for name, content in printed.get('attachments', [])])
            message.attachment_ids = [fields.Command.link(attachment.id) for attachment in attachments]
