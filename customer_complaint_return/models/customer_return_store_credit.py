"""Store credit: the goods of a line are credited as a refund would be (Invoicing's credit note of
the original invoice, less any restocking fee), and when finance posts that credit note, its value
goes to a gift card or the customer's eWallet of Odoo's Loyalty app instead of being paid out.

Accounting is that of the program: the credit is settled by an invoice of the program's own
product (as when a gift card or an eWallet top-up is sold), reconciled with the credit note; the
bonus a rule or the company gives ("take 110% as store credit") is extra points, a discount when
spent."""
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools.misc import formatLang



class ResCompany(models.Model):
    _inherit = 'res.company'

    return_store_credit_program_id = fields.Many2one(
        'loyalty.program', string="Store Credit Program", check_company=True,
        domain="[('program_type', 'in', ('gift_card', 'ewallet'))]",
        help="Gift card or eWallet program that receives store credit. Empty: a Store Credit gift card program "
             "is made the first time.")
    return_store_credit_bonus_percent = fields.Float(
        string="Store Credit Bonus (%)", digits=(16, 2),
        help="Extra value given when the customer takes store credit instead of a refund, unless the return "
             "rule gives its own.")

    @api.constrains('return_store_credit_bonus_percent')
    def _check_store_credit_bonus(self):
        for company in self:
            if not 0 <= company.return_store_credit_bonus_percent <= 100:
                raise ValidationError(self.env._("The store credit bonus is a percentage, between 0 and 100."))

    def _get_store_credit_program(self):
        """The program of this company's store credit: the one chosen in the settings, else a
        gift card program made once with Odoo's own defaults for gift cards."""
        self.ensure_one()
        program = self.sudo().return_store_credit_program_id
        if not program:
            # Made as the Loyalty app makes a gift card program: with its defaults for the type.
            program = self.env['loyalty.program'].sudo().with_context(default_program_type='gift_card').create({
                'name': self.env._("Store Credit"), 'company_id': self.id})
            self.sudo().return_store_credit_program_id = program
        return program


class ResConfigSettings(models.TransientModel):
    _inherit = 'res.config.settings'

    return_store_credit_program_id = fields.Many2one(related='company_id.return_store_credit_program_id', readonly=False)
    return_store_credit_bonus_percent = fields.Float(
        related='company_id.return_store_credit_bonus_percent', readonly=False)


class CustomerReturnRule(models.Model):
    _inherit = 'customer.return.rule'

    store_credit_bonus_percent = fields.Float(
        string="Store Credit Bonus (%)", digits=(16, 2),
        help="Extra value for the lines this rule decides when the customer takes store credit (0: the "
             "company's bonus).")

    @api.constrains('store_credit_bonus_percent')
    def _check_store_credit_bonus(self):
        for rule in self:
            if not 0 <= rule.store_credit_bonus_percent <= 100:
                raise ValidationError(self.env._(
                    "Rule %(name)s: the store credit bonus is a percentage, between 0 and 100.", name=rule.name))

    def _prepare_line_decision(self, line):
        values = super()._prepare_line_decision(line)
        values['store_credit_bonus_percent'] = self.store_credit_bonus_percent if self else 0.0
        return values


class CustomerReturnLine(models.Model):
    _inherit = 'customer.return.line'

    store_credit_bonus_percent = fields.Float(
        string="Store Credit Bonus (%)", digits=(16, 2), readonly=True, copy=False,
        help="Bonus of the return rule that decided this line, when it is taken as store credit.")

    def _get_store_credit_bonus(self):
        self.ensure_one()
        return self.store_credit_bonus_percent or self.company_id.return_store_credit_bonus_percent


class LoyaltyCard(models.Model):
    _inherit = 'loyalty.card'

    customer_return_id = fields.Many2one(
        'customer.return', string="Customer Return", index='btree_not_null', readonly=True, copy=False,
        help="The return whose store credit made this card.")


class AccountMove(models.Model):
    _inherit = 'account.move'

    store_credit_card_id = fields.Many2one(
        'loyalty.card', string="Store Credit Card", readonly=True, copy=False,
        help="The gift card or eWallet this credit note's store credit went to.")

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        refunds = posted.filtered(lambda move: move.move_type == 'out_refund' and move.customer_return_id
                                  and not move.store_credit_card_id)
        for refund in refunds:
            refund.customer_return_id.sudo()._issue_store_credit(refund)
        return posted


class CustomerReturn(models.Model):
    _inherit = 'customer.return'

    # The cards are Sales' documents (loyalty.card): others read the codes and value below.
    store_credit_card_ids = fields.One2many(
        'loyalty.card', 'customer_return_id', string="Store Credit Cards", readonly=True,
        groups='sales_team.group_sale_salesman')
    store_credit_codes = fields.Char(
        string="Store Credit Codes", compute='_compute_store_credit_issued', compute_sudo=True)
    store_credit_issued = fields.Monetary(
        compute='_compute_store_credit_issued', currency_field='currency_id', compute_sudo=True,
        help="Value of the gift cards and eWallet credit this return gave, bonus included.")

    @api.depends('credit_note_ids.store_credit_card_id')
    def _compute_store_credit_issued(self):
        histories = self.env['loyalty.history'].sudo().search([
            ('order_model', '=', 'customer.return'), ('order_id', 'in', self.ids)])
        issued = defaultdict(float)
        for history in histories:
            issued[history.order_id] += history.issued
        for case in self:
            case.store_credit_issued = issued.get(case.id, 0.0)
            cards = case.credit_note_ids.store_credit_card_id
            case.store_credit_codes = ", ".join(cards.mapped('code')) or False

    def _issue_store_credit(self, refund):
        """Turn the store credit lines of the posted credit note ``refund`` into gift card or
        eWallet value: an invoice of the program's product settles the credit note's share, the
        card gets the value and its bonus; the customer is told the code."""
        self.ensure_one()
        lines = refund.invoice_line_ids.filtered(
            lambda aml: aml.customer_return_line_id.disposition == 'store_credit')
        if not lines:
            return
        currency = refund.currency_id
        amount = currency.round(sum(lines.mapped('price_total')))
        bonus = currency.round(sum(
            aml.price_total * aml.customer_return_line_id._get_store_credit_bonus() / 100.0 for aml in lines))
        if currency.compare_amounts(amount, 0.0) <= 0:
            return
        program = self.company_id._get_store_credit_program()
        settlement = self._settle_with_program_invoice(refund, program, amount)
        card = self._credit_loyalty_card(program, amount + bonus, refund)
        refund.store_credit_card_id = card
        self._message_log(body=Markup("%s") % self.env._(
            "Store credit of %(amount)s (bonus %(bonus)s included) on %(card)s; credit note %(refund)s settled by "
            "%(invoice)s.", amount=self._format_amount(amount + bonus), bonus=self._format_amount(bonus),
            card=card.display_name, refund=refund.name, invoice=settlement.name))
        self._notify_customer('customer_complaint_return.mail_template_return_store_credit')

    def _format_amount(self, amount):
        return formatLang(self.env, amount, currency_obj=self.currency_id)

    def _settle_with_program_invoice(self, refund, program, amount):
        """Post an invoice of the program's own product for ``amount`` (as a sale of gift card or
        eWallet value) and reconcile it with the credit note: the customer is owed no money."""
        # the program's own product, else the one Loyalty installs for its type
        default = {'gift_card': 'loyalty.gift_card_product_50', 'ewallet': 'loyalty.ewallet_product_50'}
        product = program.sudo().rule_ids.product_ids[:1] or self.env.ref(
            default.get(program.program_type, ''), raise_if_not_found=False)
        if not product:
            raise UserError(self.env._(
                "The store credit program %(program)s has no product to sell its value with.", program=program.name))
        invoice = self.env['account.move'].sudo().create({
            'move_type': 'out_invoice',
            'partner_id': refund.partner_id.id,
            'company_id': refund.company_id.id,
            'journal_id': refund.journal_id.id,
            'currency_id': refund.currency_id.id,
            'invoice_origin': self.name,
            'customer_return_id': self.id,
            'invoice_line_ids': [Command.create({
                'product_id': product.id,
                'name': self.env._("Store credit of return %(name)s", name=self.name),
                'quantity': 1.0,
                'price_unit': amount,
                'tax_ids': [Command.clear()],  # value of a gift card or eWallet: no tax when issued
            })],
        })
        invoice.action_post()
        receivable = (refund | invoice).line_ids.filtered(
            lambda aml: aml.account_id.account_type == 'asset_receivable' and not aml.reconciled)
        receivable.reconcile()
        return invoice

    def _credit_loyalty_card(self, program, points, refund):
        """The card the value goes to: a new gift card of this case, or the customer's eWallet."""
        partner = self.commercial_partner_id
        Card = self.env['loyalty.card'].sudo().with_context(loyalty_no_mail=True)
        card = Card
        if program.program_type == 'ewallet':
            card = Card.search([('program_id', '=', program.id), ('partner_id', '=', partner.id)], limit=1)
        if card:
            card.points += points
        else:
            card = Card.create({
                'program_id': program.id, 'partner_id': partner.id, 'points': points, 'customer_return_id': self.id})
        self.env['loyalty.history'].sudo().create({
            'card_id': card.id,
            'description': self.env._("Store credit of return %(name)s (credit note %(refund)s)",
                                      name=self.name, refund=refund.name),
            'issued': points,
            'order_model': self._name,
            'order_id': self.id,
        })
        return card
