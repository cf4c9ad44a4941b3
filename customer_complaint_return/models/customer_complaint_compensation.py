"""Compensation from a complaint: a coupon or gift card of Odoo's Loyalty app, or a goodwill credit
note on the customer's invoice (Invoicing's own reversal, one line, no goods back).

Each offer is a record of its own. An offer within the amount its author may grant (company
settings, one limit for complaint users and one for complaint managers) is issued at once; above
it, it waits for a complaint manager, who approves (it is then issued) or refuses it with a reason.
Every step is logged in the complaint's chatter; issued offers show on the customer's portal page of
the complaint and count in the complaints dashboard.
"""
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tools import float_is_zero, float_round
from odoo.tools.misc import formatLang

from odoo.addons.customer_complaint_return.const import GROUP_MANAGER, GROUP_USER
from odoo.addons.customer_complaint_return.models.customer_process_mixin import Transition, check_finite_numbers
from odoo.addons.customer_complaint_return.wizard.account_move_reversal import REVERSAL_VALUES_CONTEXT_KEY

COMPENSATION_TYPES = [
    ('coupon', "Coupon"),
    ('gift_card', "Gift Card"),
    ('credit_note', "Goodwill Credit Note"),
]
COMPENSATION_STATES = [
    ('to_approve', "To Approve"),
    ('issued', "Issued"),
    ('refused', "Refused"),
]
# Loyalty program types each kind of card is issued from.
PROGRAM_TYPES = {'coupon': ('coupons',), 'gift_card': ('gift_card', 'ewallet')}
# Complaints on which compensation can be offered (and approved): worked on, not closed or cancelled.
COMPENSATION_COMPLAINT_STATES = ('in_progress', 'resolved')
COMPENSATION_TRANSITIONS = (
    # within its author's limit: issued at once by the process
    Transition('issue', ('to_approve',), 'issued', ()),
    Transition('approve', ('to_approve',), 'issued', (GROUP_MANAGER,)),
    Transition('refuse', ('to_approve',), 'refused', (GROUP_MANAGER,)),
)
# What an offer is: set once, when it is made.
OFFER_FIELDS = frozenset({'complaint_id', 'compensation_type', 'program_id', 'amount', 'invoice_id', 'reason'})


class CustomerComplaintCompensation(models.Model):
    _name = 'customer.complaint.compensation'
    _description = "Complaint Compensation"
    _inherit = ['customer.process.mixin', 'mail.thread', 'mail.activity.mixin']
    _order = 'id desc'
    _check_company_auto = True
    _state_transitions = COMPENSATION_TRANSITIONS
    _process_fields = (
        'requested_by', 'approved_by', 'refused_by', 'refuse_reason', 'date_issued', 'loyalty_card_id',
        'credit_note_id',
    )

    name = fields.Char(string="Offer", compute='_compute_name')
    complaint_id = fields.Many2one(
        'customer.complaint', string="Complaint", required=True, index=True, ondelete='restrict',
        check_company=True, readonly=True)
    company_id = fields.Many2one(
        related='complaint_id.company_id', store=True, index=True, precompute=True, string="Company")
    currency_id = fields.Many2one(related='company_id.currency_id', string="Currency")
    partner_id = fields.Many2one(
        related='complaint_id.commercial_partner_id', string="Customer", store=True, index=True, precompute=True)
    compensation_type = fields.Selection(
        COMPENSATION_TYPES, string="Type", required=True, readonly=True, tracking=True)
    program_id = fields.Many2one(
        'loyalty.program', string="Program", readonly=True, check_company=True, ondelete='restrict',
        domain="[('program_type', 'in', ['coupons'] if compensation_type == 'coupon' else ['gift_card', 'ewallet'])]",
        help="Coupon or gift card program the card is issued from.")
    invoice_id = fields.Many2one(
        'account.move', string="Invoice", readonly=True, check_company=True, ondelete='restrict',
        help="The customer's invoice the goodwill credit note reverses.")
    amount = fields.Monetary(
        required=True, readonly=True, currency_field='currency_id', tracking=True,
        help="Value given to the customer, in the company's currency: the card's value, or the credit note's total.")
    reason = fields.Text(required=True, readonly=True, help="Why the customer is compensated.")
    state = fields.Selection(
        COMPENSATION_STATES, string="Status", required=True, default='to_approve', readonly=True, copy=False,
        index=True, tracking=True)
    requested_by = fields.Many2one(
        'res.users', string="Offered By", readonly=True, copy=False, default=lambda self: self.env.user)
    approved_by = fields.Many2one(
        'res.users', string="Approved By", readonly=True, copy=False,
        help="Who approved the offer: its author when it was within their limit, else a complaint manager.")
    refused_by = fields.Many2one('res.users', string="Refused By", readonly=True, copy=False)
    refuse_reason = fields.Text(string="Reason for Refusal", readonly=True, copy=False)
    date_issued = fields.Datetime(string="Issued On", readonly=True, copy=False, index=True)
    loyalty_card_id = fields.Many2one(
        'loyalty.card', string="Card", readonly=True, copy=False, ondelete='restrict',
        help="The coupon, gift card or eWallet that received the value.")
    card_code = fields.Char(related='loyalty_card_id.code', string="Code")
    card_balance = fields.Char(related='loyalty_card_id.points_display', string="Card Balance")
    credit_note_id = fields.Many2one(
        'account.move', string="Credit Note", readonly=True, copy=False, ondelete='restrict',
        help="Draft goodwill credit note, for finance to post in Invoicing.")
    credit_note_state = fields.Selection(related='credit_note_id.state', string="Credit Note Status")

    _amount_positive = models.Constraint('CHECK (amount > 0)', "A compensation must be worth more than nothing.")

    @api.depends('complaint_id.name', 'compensation_type', 'amount')
    def _compute_name(self):
        types = dict(self._fields['compensation_type']._description_selection(self.env))
        for compensation in self:
            compensation.name = "%s - %s %s" % (
                compensation.complaint_id.name or '', types.get(compensation.compensation_type, ''),
                compensation._format_amount(compensation.amount))

    def _format_amount(self, amount):
        return formatLang(self.env, amount, currency_obj=self.currency_id or self.env.company.currency_id)

    # ------------------------------------------------------------------
    # Offer: create is the offer, from the wizard or from any client
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        # Checked before anything is written: a refused offer leaves no trace.
        for vals in vals_list:
            check_finite_numbers(self, vals)
            self.new(vals)._check_offer()
        compensations = super().create(vals_list)
        for compensation in compensations:
            if compensation._is_within_limit(self.env.user):
                compensation._issue('issue')
            else:
                compensation._request_approval()
        return compensations

    def write(self, vals):
        if not self._is_process_write() and OFFER_FIELDS & set(vals):
            raise AccessError(self.env._(
                "A compensation offer cannot be changed once made: refuse it and make another one."))
        return super().write(vals)

    def _check_offer(self):
        """Refuse offers the user may not make: on a complaint not worked on, a program or an invoice
        that is not the complaint's customer's, or above what anybody may grant."""
        if not self.env.su and not self.env.user.has_group(GROUP_USER):
            raise AccessError(self.env._("You are not allowed to do this: %(action)s.",
                                         action=self.env._("offering compensation")))
        for compensation in self:
            if compensation.currency_id.compare_amounts(compensation.amount or 0.0, 0.0) <= 0:
                raise ValidationError(self.env._("A compensation must be worth more than nothing."))
            complaint = compensation.complaint_id
            if not complaint:
                raise UserError(self.env._("Choose the complaint the compensation is for."))
            if not self.env.su:
                complaint.check_access('write')
            compensation._check_complaint_state(self.env._("Offering compensation"))
            if compensation.compensation_type == 'credit_note':
                compensation._check_invoice()
            else:
                compensation._check_program()
                compensation._get_card_points()  # the amount must fit the program's reward
            limit = compensation.company_id.complaint_compensation_limit_manager
            if limit and compensation.currency_id.compare_amounts(compensation.amount, limit) > 0:
                raise UserError(self.env._(
                    "%(amount)s is more than complaint managers may grant (%(limit)s): offer less.",
                    amount=compensation._format_amount(compensation.amount),
                    limit=compensation._format_amount(limit)))

    def _check_complaint_state(self, action_label):
        self.complaint_id._ensure_state(COMPENSATION_COMPLAINT_STATES, action_label)

    @api.model
    def _get_program_types(self, compensation_type):
        """Loyalty program types a card of ``compensation_type`` is issued from."""
        return PROGRAM_TYPES.get(compensation_type, ())

    def _check_program(self):
        self.ensure_one()
        program = self.program_id.sudo()
        if not program:
            raise UserError(self.env._("Choose the program of the card."))
        if program.program_type not in self._get_program_types(self.compensation_type) or not program.active:
            raise UserError(self.env._(
                "%(program)s is not an active program for this kind of compensation.", program=program.name))
        if program.company_id and program.company_id != self.company_id:
            raise UserError(self.env._(
                "%(program)s belongs to another company.", program=program.name))

    def _get_allowed_invoices(self):
        """Posted customer invoices of the complaint's customer that a goodwill credit note may
        reverse: those linked to the complaint, and those of its sales order."""
        self.ensure_one()
        complaint = self.complaint_id.sudo()
        invoices = complaint.invoice_ids | complaint.sale_order_id.invoice_ids
        return invoices.filtered(lambda move: move.move_type == 'out_invoice' and move.state == 'posted'
                                 and move.commercial_partner_id == complaint.commercial_partner_id
                                 and move.company_id == complaint.company_id)

    def _check_invoice(self):
        self.ensure_one()
        invoice = self.invoice_id.sudo()
        if not invoice:
            raise UserError(self.env._("Choose the invoice the goodwill credit note is for."))
        if invoice not in self._get_allowed_invoices():
            raise UserError(self.env._(
                "%(invoice)s is not a posted invoice of %(customer)s for this complaint (linked to it or to its "
                "sales order): a goodwill credit note reverses only the complaint's own invoices.",
                invoice=invoice.display_name, customer=self.complaint_id.commercial_partner_id.display_name))
        creditable = self._get_creditable_amount(invoice)
        if invoice.currency_id.compare_amounts(self._get_amount_in(invoice.currency_id), creditable) > 0:
            raise UserError(self.env._(
                "%(amount)s is more than what is left to credit on %(invoice)s (%(left)s).",
                amount=self._format_amount(self.amount), invoice=invoice.name,
                left=formatLang(self.env, creditable, currency_obj=invoice.currency_id)))

    @api.model
    def _get_creditable_amount(self, invoice):
        """The invoice's total not yet credited by a credit note (draft or posted) reversing it."""
        credit_notes = invoice.sudo().reversal_move_ids.filtered(lambda move: move.state != 'cancel')
        return invoice.amount_total - sum(credit_notes.mapped('amount_total'))

    def _get_amount_in(self, currency):
        """The offer's amount in ``currency``, at today's rate."""
        self.ensure_one()
        return self.currency_id._convert(
            self.amount, currency, self.company_id, fields.Date.context_today(self), round=False)

    # ------------------------------------------------------------------
    # Limits and approval
    # ------------------------------------------------------------------
    @api.model
    def _get_user_limit(self, user, company):
        """The most ``user`` may grant on their own in ``company``: None for no limit (complaint
        managers when the company sets none), 0.0 when every offer of theirs needs approval."""
        if self.env.su or user.has_group(GROUP_MANAGER):
            return company.complaint_compensation_limit_manager or None
        if user.has_group(GROUP_USER):
            return company.complaint_compensation_limit_user
        return 0.0

    def _is_within_limit(self, user):
        self.ensure_one()
        limit = self._get_user_limit(user, self.company_id)
        return limit is None or self.currency_id.compare_amounts(self.amount, limit) <= 0

    def _request_approval(self):
        """An offer above its author's limit: an activity for each complaint manager of the company."""
        self.ensure_one()
        managers = self.env['customer.case.mixin']._escalation_users(GROUP_MANAGER, self.company_id).get(
            self.company_id, self.env['res.users'])
        activity_type = self.env.ref('customer_complaint_return.mail_act_compensation_approval')
        summary = self.env._("Approve %(amount)s for %(complaint)s",
                             amount=self._format_amount(self.amount), complaint=self.complaint_id.name)
        self.env['mail.activity'].sudo().create([{
            'activity_type_id': activity_type.id,
            'res_model_id': self.env['ir.model']._get_id(self._name),
            'res_id': self.id,
            'user_id': manager.id,
            'summary': summary,
            'note': self.reason,
            'date_deadline': fields.Date.context_today(self),
        } for manager in managers])
        self._log_on_complaint(self.env._("Compensation offered, waiting for a manager's approval"), Markup(
            "%s<br/>%s") % (self.env._("Above the offer limit of %(user)s; asked to: %(managers)s.",
                                       user=self.env.user.name,
                                       managers=", ".join(managers.mapped('name')) or self.env._("nobody")),
                            self.reason))

    def action_approve_compensation(self):
        self._check_transition('approve', self.env._("Approving compensation"))
        self._check_complaint_state(self.env._("Approving compensation"))
        for compensation in self:
            if not compensation._is_within_limit(self.env.user):
                raise UserError(self.env._(
                    "%(amount)s is more than complaint managers may grant: refuse the offer.",
                    amount=compensation._format_amount(compensation.amount)))
            compensation._issue('approve')
        return True

    def action_refuse_compensation(self):
        self._check_transition('refuse', self.env._("Refusing compensation"))
        return {
            'type': 'ir.actions.act_window',
            'name': self.env._("Refuse Compensation"),
            'res_model': 'customer.complaint.compensation.refuse',
            'view_mode': 'form',
            'target': 'new',
            'context': {'default_compensation_ids': self.ids},
        }

    def _refuse(self, reason):
        """Refuse these offers for ``reason``, logged in their complaints' chatter."""
        self._check_transition('refuse', self.env._("Refusing compensation"))
        reason = (reason or '').strip()
        if not reason:
            raise UserError(self.env._("Give a reason."))
        self._lock_for_update()
        self._process_write({'state': 'refused', 'refuse_reason': reason, 'refused_by': self.env.user.id}, 'refuse')
        self._done_with_approval()
        for compensation in self:
            compensation._log_on_complaint(self.env._("Compensation refused"), Markup("%s<br/>%s") % (
                compensation.display_name, reason))

    def _done_with_approval(self):
        activity_type = self.env.ref('customer_complaint_return.mail_act_compensation_approval')
        self.sudo().activity_ids.filtered(lambda activity: activity.activity_type_id == activity_type).unlink()

    def _lock_for_update(self):
        """A second click (or a second manager) waits for the first one, then fails and retries: it
        then sees the offer issued or refused and issues nothing twice."""
        self.flush_recordset()
        self.env.cr.execute(
            "UPDATE customer_complaint_compensation SET write_date = write_date WHERE id IN %s", [tuple(self.ids)])

    # ------------------------------------------------------------------
    # Issue
    # ------------------------------------------------------------------
    def _issue(self, action):
        """Issue this offer on behalf of ``action`` ('issue' at once, 'approve' by a manager): the
        card or the credit note is made by the process, whatever Loyalty or Invoicing rights the
        user has, once the offer was checked."""
        self.ensure_one()
        self._lock_for_update()
        if self.state != 'to_approve':
            raise UserError(self.env._("%(name)s was already decided.", name=self.display_name))
        vals = {'state': 'issued', 'approved_by': self.env.user.id, 'date_issued': fields.Datetime.now()}
        if self.compensation_type == 'credit_note':
            self._check_invoice()  # another credit note may have been made since the offer
            credit_note = self._create_goodwill_credit_note()
            vals['credit_note_id'] = credit_note.id
            detail = Markup("%s %s") % (self.env._("Draft credit note, for finance to post:"),
                                        credit_note._get_html_link())
        else:
            card = self._issue_loyalty_card()
            vals['loyalty_card_id'] = card.id
            detail = self.env._("%(program)s, code %(code)s, for %(customer)s.", program=card.program_id.name,
                                code=card.code, customer=card.partner_id.display_name)
        self._process_write(vals, action)
        self._done_with_approval()
        self._log_on_complaint(self.env._("Compensation issued"), Markup("%s<br/>%s<br/>%s") % (
            self.display_name, detail, self.reason))

    def _log_on_complaint(self, title, body):
        # Managers approving and agents offering both log on the case, whatever their rights on it.
        self.complaint_id.sudo()._message_log(body=Markup("<strong>%s</strong><br/>%s") % (title, body))

    # ------------------------------------------------------------------
    # Coupons and gift cards: Odoo's Loyalty app
    # ------------------------------------------------------------------
    def _get_card_points(self):
        """The points worth the offer's amount on a card of its program, as Sales spends them: a
        reward of a value per point (gift cards, eWallets, coupons of an amount per point) takes
        amount / value points, in whole rewards for coupons (Sales spends a coupon's points in whole
        rewards only); a reward of a fixed amount takes its required points, and the offer must be
        worth exactly that amount. Percentages and free products have no value in money: refused."""
        self.ensure_one()
        program = self.program_id.sudo()
        rewards = program.reward_ids.filtered(
            lambda reward: reward.reward_type == 'discount' and reward.discount_mode in ('per_point', 'per_order'))
        reward = rewards[:1]
        if not reward or reward.discount <= 0:
            raise UserError(self.env._(
                "%(program)s gives no amount of money (its reward is a percentage or a product): choose a program "
                "whose reward is an amount per point or a fixed amount.", program=program.name))
        amount = self._get_amount_in(program.currency_id)
        if reward.discount_mode == 'per_order':
            if program.currency_id.compare_amounts(amount, reward.discount) != 0:
                raise UserError(self.env._(
                    "A coupon of %(program)s is worth %(value)s: offer that amount, or choose another program.",
                    program=program.name, value=formatLang(self.env, reward.discount, currency_obj=program.currency_id)))
            return reward.required_points
        points = float_round(amount / reward.discount, precision_digits=4)
        if not program.is_payment_program and reward.required_points:
            rewards_count = points / reward.required_points
            if not float_is_zero(rewards_count - round(rewards_count), precision_digits=4):
                raise UserError(self.env._(
                    "A coupon of %(program)s is spent in steps of %(step)s: offer a multiple of it.",
                    program=program.name,
                    step=formatLang(self.env, reward.discount * reward.required_points,
                                    currency_obj=program.currency_id)))
        return points

    def _issue_loyalty_card(self):
        """A card of the program for the complaint's customer (commercial entity, as the store credit
        of returns), worth the offer; an eWallet is topped up when the customer has one. The program's
        own 'at creation' e-mail sends the code to the customer."""
        self.ensure_one()
        program = self.program_id.sudo()
        partner = self.complaint_id.commercial_partner_id
        points = self._get_card_points()
        Card = self.env['loyalty.card'].sudo().with_company(self.company_id)
        card = Card
        if program.program_type == 'ewallet':
            card = Card.search([('program_id', '=', program.id), ('partner_id', '=', partner.id)], limit=1)
        if card:
            card.points += points
        else:
            card = Card.create(self._prepare_loyalty_card_vals(program, partner, points))
        self.env['loyalty.history'].sudo().create({
            'card_id': card.id,
            'description': self.env._("Compensation for complaint %(name)s", name=self.complaint_id.name),
            'issued': points,
            'order_model': self.complaint_id._name,
            'order_id': self.complaint_id.id,
        })
        return card

    def _prepare_loyalty_card_vals(self, program, partner, points):
        return {
            'program_id': program.id,
            'partner_id': partner.id,
            'points': points,
            'customer_complaint_id': self.complaint_id.id,
        }

    # ------------------------------------------------------------------
    # Goodwill credit note: Invoicing's reversal of the invoice, one line
    # ------------------------------------------------------------------
    def _create_goodwill_credit_note(self):
        """A draft credit note of the invoice made by Invoicing's Credit Note wizard (so that every
        module extending reversals applies), carrying one line instead of the invoice's: the
        company's goodwill product for the amount, in the invoice's currency, without taxes (a
        gesture for the customer's trouble, not a price reduction of the goods: the goods'
        quantities and taxes stay as invoiced)."""
        self.ensure_one()
        invoice = self.invoice_id.sudo()
        line_vals = self._prepare_goodwill_line_vals(invoice)
        reversal = self.env['account.move.reversal'].sudo().with_company(invoice.company_id).with_context(
            active_model='account.move', active_ids=invoice.ids,
            **{REVERSAL_VALUES_CONTEXT_KEY: {invoice.id: {'line_ids': [Command.create(line_vals)]}}},
        ).create({
            'reason': self.env._("goodwill gesture for complaint %(name)s", name=self.complaint_id.name),
            'date': fields.Date.context_today(self),
            'journal_id': invoice.journal_id.id,
        })
        reversal.refund_moves()
        return reversal.new_move_ids

    def _prepare_goodwill_line_vals(self, invoice):
        product = self.company_id._get_complaint_goodwill_product()
        return {
            'product_id': product.id,
            'name': self.env._("Goodwill gesture: complaint %(name)s", name=self.complaint_id.name),
            'quantity': 1.0,
            'price_unit': invoice.currency_id.round(self._get_amount_in(invoice.currency_id)),
            'tax_ids': [Command.clear()],
        }


class CustomerComplaint(models.Model):
    _inherit = 'customer.complaint'

    compensation_ids = fields.One2many(
        'customer.complaint.compensation', 'complaint_id', string="Compensations",
        groups='customer_complaint_return.group_complaint_user')
    compensation_count = fields.Integer(
        compute='_compute_compensation_count', groups='customer_complaint_return.group_complaint_user')

    def _compute_compensation_count(self):
        counts = dict(self.env['customer.complaint.compensation']._read_group(
            [('complaint_id', 'in', self.ids)], ['complaint_id'], ['__count']))
        for complaint in self:
            complaint.compensation_count = counts.get(complaint, 0)

    def action_offer_compensation(self):
        """The wizard offering a coupon, a gift card or a goodwill credit note to the customer."""
        self.ensure_one()
        self._ensure_group((GROUP_USER,), self.env._("offering compensation"))
        self._ensure_state(COMPENSATION_COMPLAINT_STATES, self.env._("Offering compensation"))
        return {
            'type': 'ir.actions.act_window',
            'name': self.env._("Offer Compensation"),
            'res_model': 'customer.complaint.compensation.offer',
            'view_mode': 'form',
            'target': 'new',
            'context': {'default_complaint_id': self.id},
        }

    def action_view_compensations(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id(
            'customer_complaint_return.action_customer_complaint_compensation')
        action['domain'] = [('complaint_id', '=', self.id)]
        action['context'] = {'create': False}
        return action


class ResCompany(models.Model):
    _inherit = 'res.company'

    complaint_compensation_limit_user = fields.Monetary(
        string="Compensation Limit of Complaint Users", currency_field='currency_id', default=50.0,
        help="Compensation a complaint user offers up to this amount is issued at once; above it, a complaint "
             "manager approves it. 0: every offer of a complaint user is approved by a manager.")
    complaint_compensation_limit_manager = fields.Monetary(
        string="Compensation Limit of Complaint Managers", currency_field='currency_id',
        help="Complaint managers issue and approve compensation up to this amount; no offer can go above it. "
             "0: no limit.")
    complaint_goodwill_product_id = fields.Many2one(
        'product.product', string="Goodwill Product", check_company=True, domain="[('type', '=', 'service')]",
        help="Product of the line of goodwill credit notes (its income account and analytics). Empty: the "
             "addon's Goodwill Gesture service.")

    @api.constrains('complaint_compensation_limit_user', 'complaint_compensation_limit_manager')
    def _check_compensation_limits(self):
        for company in self:
            if min(company.complaint_compensation_limit_user, company.complaint_compensation_limit_manager) < 0:
                raise ValidationError(self.env._("Compensation limits cannot be negative."))
            limit = company.complaint_compensation_limit_manager
            if limit and company.currency_id.compare_amounts(company.complaint_compensation_limit_user, limit) > 0:
                raise ValidationError(self.env._(
                    "The compensation limit of complaint users cannot be above that of complaint managers."))

    def _get_complaint_goodwill_product(self):
        """The product of this company's goodwill credit note lines."""
        self.ensure_one()
        product = self.complaint_goodwill_product_id or self.env.ref(
            'customer_complaint_return.product_goodwill_gesture', raise_if_not_found=False)
        if not product:
            raise UserError(self.env._(
                "Choose the goodwill product of %(company)s in the Complaints settings.", company=self.name))
        return product.sudo()


class ResConfigSettings(models.TransientModel):
    _inherit = 'res.config.settings'

    complaint_compensation_limit_user = fields.Monetary(
        related='company_id.complaint_compensation_limit_user', readonly=False, currency_field='currency_id')
    complaint_compensation_limit_manager = fields.Monetary(
        related='company_id.complaint_compensation_limit_manager', readonly=False, currency_field='currency_id')
    complaint_goodwill_product_id = fields.Many2one(
        related='company_id.complaint_goodwill_product_id', readonly=False)
