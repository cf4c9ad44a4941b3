from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import formatLang

from odoo.addons.customer_complaint_return.models.customer_process_mixin import check_finite_numbers


class CustomerComplaintCompensationOffer(models.TransientModel):
    _name = 'customer.complaint.compensation.offer'
    _description = "Offer Compensation on a Complaint"
    _check_company_auto = True

    complaint_id = fields.Many2one('customer.complaint', string="Complaint", required=True, readonly=True)
    company_id = fields.Many2one(related='complaint_id.company_id')
    currency_id = fields.Many2one(related='company_id.currency_id')
    compensation_type = fields.Selection(
        selection='_selection_compensation_type', string="Type", required=True, default='coupon')
    program_id = fields.Many2one(
        'loyalty.program', string="Program", check_company=True,
        domain="[('program_type', 'in', ['coupons'] if compensation_type == 'coupon' else ['gift_card', 'ewallet']),"
               " '|', ('company_id', '=', False), ('company_id', '=', company_id)]")
    allowed_invoice_ids = fields.Many2many('account.move', compute='_compute_allowed_invoice_ids')
    invoice_id = fields.Many2one(
        'account.move', string="Invoice", compute='_compute_invoice_id', store=True, readonly=False,
        domain="[('id', 'in', allowed_invoice_ids)]",
        help="Posted invoice of the complaint or of its sales order that the goodwill credit note reverses.")
    amount = fields.Monetary(currency_field='currency_id', required=True)
    reason = fields.Text(required=True, help="Why the customer is compensated; logged on the complaint.")
    approval_note = fields.Char(compute='_compute_approval_note')

    @api.model
    def _selection_compensation_type(self):
        return self.env['customer.complaint.compensation']._fields['compensation_type']._description_selection(self.env)

    @api.depends('complaint_id')
    def _compute_allowed_invoice_ids(self):
        Compensation = self.env['customer.complaint.compensation']
        for wizard in self:
            wizard.allowed_invoice_ids = Compensation.new({'complaint_id': wizard.complaint_id.id})._get_allowed_invoices()

    @api.depends('allowed_invoice_ids', 'compensation_type')
    def _compute_invoice_id(self):
        for wizard in self:
            if wizard.compensation_type != 'credit_note':
                wizard.invoice_id = False
            elif wizard.invoice_id not in wizard.allowed_invoice_ids:
                wizard.invoice_id = wizard.allowed_invoice_ids[:1]

    @api.depends('amount', 'company_id')
    def _compute_approval_note(self):
        Compensation = self.env['customer.complaint.compensation']
        for wizard in self:
            limit = Compensation._get_user_limit(self.env.user, wizard.company_id)
            wizard.approval_note = False
            if limit is not None and wizard.currency_id.compare_amounts(wizard.amount, limit) > 0:
                wizard.approval_note = self.env._(
                    "Above your limit (%(limit)s): a complaint manager approves this offer before it is issued.",
                    limit=formatLang(self.env, limit, currency_obj=wizard.currency_id))

    @api.onchange('compensation_type')
    def _onchange_compensation_type(self):
        program_types = self.env['customer.complaint.compensation']._get_program_types(self.compensation_type)
        if self.program_id and self.program_id.program_type not in program_types:
            self.program_id = False

    @api.onchange('program_id')
    def _onchange_program_id(self):
        # a coupon of a fixed amount is worth that amount
        reward = self.program_id.sudo().reward_ids.filtered(
            lambda reward: reward.reward_type == 'discount' and reward.discount_mode == 'per_order')[:1]
        if reward and self.program_id.currency_id == self.currency_id:
            self.amount = reward.discount

    @api.constrains('amount')
    def _check_amount(self):
        for wizard in self:
            if wizard.currency_id.compare_amounts(wizard.amount, 0.0) <= 0:
                raise ValidationError(self.env._("A compensation must be worth more than nothing."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_finite_numbers(self, vals)
        return super().create(vals_list)

    def write(self, vals):
        check_finite_numbers(self, vals)
        return super().write(vals)

    def _prepare_compensation_vals(self):
        self.ensure_one()
        return {
            'complaint_id': self.complaint_id.id,
            'compensation_type': self.compensation_type,
            'program_id': self.program_id.id if self.compensation_type != 'credit_note' else False,
            'invoice_id': self.invoice_id.id if self.compensation_type == 'credit_note' else False,
            'amount': self.amount,
            'reason': self.reason,
        }

    def action_offer(self):
        self.ensure_one()
        compensation = self.env['customer.complaint.compensation'].create(self._prepare_compensation_vals())
        if compensation.state == 'issued':
            message = self.env._("%(offer)s issued.", offer=compensation.display_name)
        else:
            message = self.env._("%(offer)s waits for a complaint manager's approval.", offer=compensation.display_name)
        return {
            'type': 'ir.actions.client',
            'tag': 'display_notification',
            'params': {
                'message': message,
                'type': 'success' if compensation.state == 'issued' else 'warning',
                'next': {'type': 'ir.actions.act_window_close'},
            },
        }


class CustomerComplaintCompensationRefuse(models.TransientModel):
    _name = 'customer.complaint.compensation.refuse'
    _description = "Refuse Compensation"

    compensation_ids = fields.Many2many(
        'customer.complaint.compensation', 'customer_complaint_compensation_refuse_rel', 'wizard_id',
        'compensation_id', string="Offers", required=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.compensation_ids._refuse(self.reason)
        return {'type': 'ir.actions.act_window_close'}
