"""Customers in the loop for complaints: the portal (access URL, the customer's answer to a
resolution), the e-mail intake of the teams' aliases (message_new / message_update), and the
satisfaction rating asked when a case is closed."""
import re

from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models
from odoo.fields import Command
from odoo.tools import email_normalize, html2plaintext, is_html_empty, plaintext2html, single_email_re
from odoo.tools.mail import email_split_tuples

from odoo.addons.rating.models.rating_data import RATING_LIMIT_OK

# E-mail intake: what an order reference may look like (S00042, SO/2026/0042, PO-778...),
# how much of a mail is searched for one, and how much of a huge body becomes the description.
ORDER_REFERENCE_RE = re.compile(r'[A-Za-z0-9][A-Za-z0-9/_.-]{2,40}')
ORDER_REFERENCE_SCAN_CHARS = 20000
ORDER_REFERENCE_MAX_TOKENS = 200
DESCRIPTION_MAX_CHARS = 100000


class CustomerComplaint(models.Model):
    # portal.mixin and rating.mixin are in the model's own _inherit: rating.mixin must come
    # before mail.thread there.
    _inherit = 'customer.complaint'

    # A mail from an unknown address opens a case without a customer: the address is kept on
    # the case until customer service matches the contact (the form asks for it).
    partner_id = fields.Many2one(required=False)
    # The investigation stays in-house: portal users, who read their cases, never get it.
    root_cause_id = fields.Many2one(groups='base.group_user')
    root_cause = fields.Text(groups='base.group_user')
    responsible_department = fields.Char(groups='base.group_user')
    investigation_notes = fields.Html(groups='base.group_user')

    def _compute_access_url(self):
        super()._compute_access_url()
        for complaint in self:
            complaint.access_url = f'/my/complaints/{complaint.id}'

    def _get_report_base_filename(self):
        self.ensure_one()
        return f"Complaint {self.name}"

    def action_open_portal(self):
        """The case as its customer sees it on the portal."""
        self.ensure_one()
        return {'type': 'ir.actions.act_url', 'url': self.get_portal_url(), 'target': 'new'}

    def action_view_ratings(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('customer_complaint_return.action_complaint_rating')
        action['domain'] = [('res_model', '=', self._name), ('res_id', '=', self.id)]
        return action

    def _notify_customer_with_template(self, template_xmlid):
        """Post ``template_xmlid`` to the customers of these cases as the system, so that a
        customer acting on the portal or by e-mail is not the author of their own notice."""
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template:
            return
        for complaint in self.filtered('partner_id').with_user(SUPERUSER_ID):
            complaint.message_subscribe(partner_ids=complaint.partner_id.ids)
            # a comment, not a notification: the customer finds it in the portal chatter too
            complaint.message_post_with_source(template, message_type='comment', subtype_xmlid='mail.mt_comment')

    def _send_acknowledgement(self):
        """Tell the customers their complaint arrived, with its reference and portal link."""
        self._notify_customer_with_template('customer_complaint_return.mail_template_complaint_received')

    def _add_customer_evidence(self, message):
        """Files a customer sends (e-mail, portal chatter) are evidence of the case."""
        if not message.attachment_ids or message.message_type not in ('email', 'comment') or message.is_internal:
            return
        if message.author_id.user_ids.filtered(lambda user: not user.share):
            return
        for complaint in self.sudo():
            complaint.attachment_ids = [Command.link(attachment.id) for attachment in message.attachment_ids]

    # Hooks of the case's own process
    def action_close(self):
        result = super().action_close()
        self._send_rating_requests()
        return result

    def _message_post_after_hook(self, message, msg_values):
        self._add_customer_evidence(message)
        return super()._message_post_after_hook(message, msg_values)

    # Portal: the customer's answer to a resolution
    def _portal_accept_resolution(self, partner):
        """``partner`` accepts the resolution of these resolved cases, which closes them."""
        self._ensure_state(('resolved',), self.env._("Accepting the resolution"))
        for complaint in self:
            complaint.message_post(
                body=self.env._("The customer accepted the resolution."), author_id=partner.id,
                message_type='comment', subtype_xmlid='mail.mt_comment')
        self.action_close()

    def _portal_reject_resolution(self, partner, words):
        """``partner`` says the problem is not solved: the cases reopen with their words."""
        self._ensure_state(('resolved',), self.env._("Reopening"))
        words = self._check_reason(words)
        body = Markup("<p><strong>%s</strong></p>%s") % (
            self.env._("The customer says the problem is not solved:"), plaintext2html(words))
        for complaint in self:
            complaint.message_post(
                body=body, author_id=partner.id, message_type='comment', subtype_xmlid='mail.mt_comment')
        self._reopen(self.env._("Not solved, says the customer: %(words)s", words=words))

    # E-mail intake
    @api.model
    def _mail_new_accepts_auto_submitted(self):
        # Out-of-office answers, newsletters and other robots' mails create no case, whatever
        # the route (alias, reply, incoming mail server); bounces never reach the routes.
        return False

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        values = dict(custom_values or {})
        team = self.env['customer.complaint.team'].browse(values.get('team_id')).exists()
        company = self.env['res.company'].browse(values.get('company_id')).exists() or team.company_id \
            or self.env.company
        sender_name, sender_email = self._parse_sender(msg_dict.get('email_from'))
        partner = self._find_email_customer(msg_dict, sender_email, company)
        values.update({
            'name': self.env._("New"),
            'company_id': company.id,
            'channel': 'email',
            'partner_id': partner.id,
            'contact_name': partner.name if partner else sender_name,
            'email': sender_email or partner.email or False,
            'subject': (msg_dict.get('subject') or '').strip()[:250] or self.env._("No subject"),
            'description': self._description_from_mail(msg_dict.get('body')),
        })
        if not team:
            values.pop('team_id', None)
        order = self._find_mentioned_order(msg_dict, partner, company)
        if order:
            values['sale_order_id'] = order.id
            documents = self._prepare_documents_from_sale_order(order)
            values.update({name: [Command.set(records.ids)] for name, records in documents.items()})
        # The sender's address is stored cleaned: the raw From header may be anything.
        complaint = super().message_new(dict(msg_dict, email_from=sender_email or ''), values)
        complaint._send_acknowledgement()
        return complaint

    def message_update(self, msg_dict, update_vals=None):
        # A customer writing again about a closed case reopens it (robots' answers do not).
        if not self.env.context.get('mail_auto_submitted'):
            author = self.env['res.partner'].browse(msg_dict.get('author_id')).exists()
            _name, sender_email = self._parse_sender(msg_dict.get('email_from'))
            for complaint in self.filtered(lambda c: c.state == 'closed'):
                if complaint._is_customer_mail(author, sender_email):
                    complaint._reopen(self.env._(
                        "New e-mail from the customer: %(subject)s",
                        subject=msg_dict.get('subject') or self.env._("No subject")))
        return super().message_update(msg_dict, update_vals=update_vals)

    def _is_customer_mail(self, author, sender_email):
        self.ensure_one()
        if author and self.commercial_partner_id:
            return author.commercial_partner_id == self.commercial_partner_id
        return bool(sender_email) and email_normalize(self.email or '') == sender_email

    @api.model
    def _parse_sender(self, email_from):
        """(name, normalized address) of a From header; ('', False) when there is no valid one."""
        pairs = email_split_tuples(email_from or '') if email_from else []
        name, address = pairs[0] if pairs else ('', '')
        address = email_normalize(address, strict=True) or False
        if address and not single_email_re.match(address):
            address = False
        return (name or '').strip()[:200], address

    @api.model
    def _find_email_customer(self, msg_dict, sender_email, company):
        """The contact who sent the mail: the author Odoo matched, else a contact with the
        address, if it is a customer of ``company`` (not an employee)."""
        partner = self.env['res.partner'].browse(msg_dict.get('author_id')).exists()
        if not partner and sender_email:
            partner = self._partner_find_from_emails_single([sender_email], no_create=True)
        if partner and (partner.company_id not in (company, self.env['res.company'])
                        or partner.user_ids.filtered(lambda user: not user.share)):
            return self.env['res.partner']
        return partner[:1]

    @api.model
    def _description_from_mail(self, body):
        if not body or is_html_empty(body) or (len(body) < 1000 and not html2plaintext(body).strip()):
            return False
        if len(body) <= DESCRIPTION_MAX_CHARS:
            return body
        # A huge mail stays whole in the chatter; the description keeps its beginning as text.
        return plaintext2html(html2plaintext(body[:DESCRIPTION_MAX_CHARS])[:DESCRIPTION_MAX_CHARS // 10] + " …")

    @api.model
    def _find_mentioned_order(self, msg_dict, partner, company):
        """The confirmed order of ``partner``'s company that the mail's subject or body names
        (by its reference or the customer's own one); nothing for an unknown sender."""
        if not partner:
            return self.env['sale.order']
        text = "%s\n%s" % (msg_dict.get('subject') or '',
                           html2plaintext((msg_dict.get('body') or '')[:ORDER_REFERENCE_SCAN_CHARS]))
        tokens = []
        for token in ORDER_REFERENCE_RE.findall(text):
            token = token.rstrip('./-_')
            if any(char.isdigit() for char in token) and token not in tokens:
                tokens.append(token)
        if not tokens:
            return self.env['sale.order']
        tokens = tokens[:ORDER_REFERENCE_MAX_TOKENS]
        return self.env['sale.order'].sudo().search([
            ('partner_id', 'child_of', partner.commercial_partner_id.id),
            ('company_id', '=', company.id),
            ('state', '=', 'sale'),
            '|', ('name', 'in', tokens), ('client_order_ref', 'in', tokens),
        ], order='date_order desc, id desc', limit=1)

    # Satisfaction rating
    def _rating_get_parent_field_name(self):
        return 'team_id'

    def _rating_apply_get_default_subtype_id(self):
        return self.env['ir.model.data']._xmlid_to_res_id('customer_complaint_return.mt_complaint_rating')

    def _send_rating_requests(self):
        """Ask the customers of these closed cases how satisfied they are, when their team asks."""
        for complaint in self.filtered(lambda c: c.partner_id and c.team_id.rating_active
                                       and c.team_id.rating_template_id):
            complaint.with_user(SUPERUSER_ID).rating_send_request(
                complaint.team_id.rating_template_id, lang=complaint.partner_id.lang, force_send=False)

    def rating_apply(self, rate, token=None, rating=None, feedback=None, subtype_xmlid=None, notify_delay_send=False):
        rating = super().rating_apply(
            rate, token=token, rating=rating, feedback=feedback, subtype_xmlid=subtype_xmlid,
            notify_delay_send=notify_delay_send)
        if rating.rating and rating.rating < RATING_LIMIT_OK:
            self._schedule_low_rating_activity(rating)
        return rating

    def _schedule_low_rating_activity(self, rating):
        """An unhappy customer: the team leader (else the responsible) looks into it."""
        for complaint in self.sudo():
            user = complaint.team_id.leader_id or complaint.user_id
            if not user:
                continue
            complaint.activity_schedule(
                'mail.mail_activity_data_todo', user_id=user.id,
                summary=self.env._("Unhappy customer: %(name)s", name=complaint.name),
                note=plaintext2html(rating.feedback or self.env._("The customer gave a low rating, without comment.")))
