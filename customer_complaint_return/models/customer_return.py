from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command, Domain
from odoo.tools import SQL

from odoo.addons.customer_complaint_return.const import (
    CHANNELS,
    CREDITED_DISPOSITIONS,
    DISPOSITION_BY_DEMAND,
    GROUP_APPROVER,
    GROUP_FINANCE,
    GROUP_MANAGER,
    GROUP_STOCK,
    GROUP_USER,
    RETURN_ACTIVE_STATES,
    REFUNDED_DISPOSITIONS,
    RETURN_PROCESSING_STATES,
    RETURN_REVIEW_STATES,
    RETURN_STATES,
)
from odoo.addons.customer_complaint_return.models.customer_process_mixin import Transition
from odoo.addons.customer_complaint_return.wizard.account_move_reversal import REVERSAL_VALUES_CONTEXT_KEY

# Follow-up: the milestones of a return that escalate when late, the field recording that they
# did, and the activity type of the escalation.
ESCALATION_MILESTONE_FIELDS = {
    'review': 'date_review_escalated',
    'settle': 'date_settle_escalated',
    'payment': 'date_payment_escalated',
}
ESCALATION_ACTIVITY_TYPES = {
    'review': 'customer_complaint_return.mail_act_return_review_escalation',
    'settle': 'customer_complaint_return.mail_act_return_settle_escalation',
    'payment': 'customer_complaint_return.mail_act_return_payment_escalation',
}

# The decisions of a return and the steps of its goods: the only ways its state moves.
RETURN_TRANSITIONS = (
    Transition('submit', ('draft',), 'to_approve', (GROUP_USER,)),
    Transition('approve', ('to_approve',), 'approved', (GROUP_APPROVER,)),
    Transition('reject', RETURN_REVIEW_STATES, 'rejected', (GROUP_APPROVER,)),
    Transition('cancel', RETURN_REVIEW_STATES, 'cancelled', (GROUP_USER,)),
    # Cancelling an approval cancels the warehouse's receipts: the approvers' right, like approving.
    Transition('cancel', ('approved',), 'cancelled', (GROUP_APPROVER,)),
    Transition('reset', ('cancelled',), 'draft', (GROUP_USER,)),
    Transition('reset', ('rejected',), 'draft', (GROUP_APPROVER,)),
    # The warehouse took the goods back with its own Return button: no review approved them.
    Transition('warehouse_return', RETURN_REVIEW_STATES, 'approved', (GROUP_STOCK,)),
    # The goods' documents move the case on (the process only).
    Transition('receive', ('approved',), 'received', ()),
    Transition('finish', ('received',), 'done', ()),
)


class CustomerReturn(models.Model):
    _name = 'customer.return'
    _description = "Customer Return"
    _inherit = ['customer.case.mixin', 'mail.thread', 'mail.activity.mixin', 'portal.mixin']
    _order = 'date_request desc, id desc'
    _check_company_auto = True
    _mail_thread_customer = True
    _case_sequence_code = 'customer.return'
    _case_sequence_prefix = 'RMA/%(year)s/'
    _case_action_xmlid = 'customer_complaint_return.action_customer_return'
    _state_transitions = RETURN_TRANSITIONS
    _process_fields = (
        'date_submitted', 'date_approved', 'approved_user_id', 'is_warehouse_return', 'date_done',
        'reject_reason', 'cancel_reason', 'eligibility_override',
        'date_review_escalated', 'date_settle_escalated', 'date_payment_escalated',
    )

    # ------------------------------------------------------------------
    # Request
    # ------------------------------------------------------------------
    state = fields.Selection(
        RETURN_STATES, string="Status", required=True, default='draft', copy=False, readonly=True,
        index=True, tracking=True, group_expand=True)
    complaint_id = fields.Many2one(
        'customer.complaint', string="Complaint", index='btree_not_null', tracking=True, check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]")
    currency_id = fields.Many2one(
        'res.currency', compute='_compute_currency_id', store=True, precompute=True)
    user_id = fields.Many2one(
        'res.users', string="Responsible", default=lambda self: self.env.user, tracking=True,
        check_company=True, domain=[('share', '=', False)])
    channel = fields.Selection(CHANNELS, required=True, default='phone')
    date_request = fields.Date(
        string="Requested On", required=True, default=fields.Date.context_today, tracking=True,
        help="Day the customer asked for the return; the return window is counted up to this day.")
    reason_id = fields.Many2one(
        'customer.return.reason', string="Return Reason", tracking=True, check_company=True)
    description = fields.Html(help="The customer's request, in their words.")
    line_ids = fields.One2many('customer.return.line', 'return_id', string="Lines", copy=True)

    # ------------------------------------------------------------------
    # Review
    # ------------------------------------------------------------------
    date_submitted = fields.Datetime(string="Submitted On", readonly=True, copy=False)
    date_review_deadline = fields.Datetime(
        string="Review Deadline", compute='_compute_date_review_deadline', store=True, index=True, copy=False)
    is_review_overdue = fields.Boolean(
        string="Review Overdue", compute='_compute_is_review_overdue', search='_search_is_review_overdue')
    date_approved = fields.Datetime(string="Approved On", readonly=True, copy=False)
    approved_user_id = fields.Many2one('res.users', string="Approved By", readonly=True, copy=False)
    is_warehouse_return = fields.Boolean(
        string="Returned by the Warehouse", readonly=True, copy=False,
        help="The goods were taken back with the warehouse's Return button: no review approved them.")
    date_done = fields.Datetime(string="Done On", readonly=True, copy=False)
    reject_reason = fields.Text(string="Rejection Reason", readonly=True, copy=False)
    cancel_reason = fields.Text(readonly=True, copy=False)
    is_eligible = fields.Boolean(
        string="Meets the Conditions", compute='_compute_is_eligible',
        help="Every line meets the return conditions (window, returnable products, quantities).")
    eligibility_override = fields.Boolean(
        string="Conditions Overridden", readonly=True, copy=False, tracking=True,
        help="A manager accepted this return although some lines do not meet the return conditions.")
    allow_early_replacement = fields.Boolean(
        string="Replace Before Receipt", tracking=True, copy=False,
        help="Managers may send replacement goods before the returned goods arrive.")

    # ------------------------------------------------------------------
    # Documents
    # ------------------------------------------------------------------
    all_picking_ids = fields.One2many('stock.picking', 'customer_return_id', string="Transfers")
    picking_ids = fields.One2many(
        'stock.picking', 'customer_return_id', string="Return Receipts",
        domain=[('picking_type_code', '=', 'incoming')])
    delivery_ids = fields.One2many(
        'stock.picking', 'customer_return_id', string="Deliveries to Customer",
        domain=[('picking_type_code', '=', 'outgoing')])
    credit_note_ids = fields.One2many(
        'account.move', 'customer_return_id', string="Credit Notes", readonly=True)
    scrap_ids = fields.One2many('stock.scrap', 'customer_return_id', string="Scraps", readonly=True)
    # Counted as superuser: the warehouse sees how many credit notes exist, finance how many transfers.
    picking_count = fields.Integer(compute='_compute_document_counts', compute_sudo=True)
    delivery_count = fields.Integer(compute='_compute_document_counts', compute_sudo=True)
    credit_note_count = fields.Integer(compute='_compute_document_counts', compute_sudo=True)
    amount_credited = fields.Monetary(
        compute='_compute_amount_credited', store=True, currency_field='currency_id',
        help="Total (taxes included) of the posted credit notes of this return.")
    credit_payment_state = fields.Selection(
        [('none', "No Credit Note"), ('draft', "To Post"), ('not_paid', "Not Paid"),
         ('partial', "Partially Paid"), ('paid', "Paid")],
        string="Refund Status", compute='_compute_credit_payment_state', compute_sudo=True)
    can_create_credit_note = fields.Boolean(compute='_compute_next_steps')
    can_send_back = fields.Boolean(compute='_compute_next_steps')
    can_send_replacement = fields.Boolean(compute='_compute_next_steps')
    can_scrap = fields.Boolean(compute='_compute_next_steps')

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends('sale_order_id.currency_id', 'company_id')
    def _compute_currency_id(self):
        for case in self:
            case.currency_id = case.sale_order_id.currency_id or case.company_id.currency_id

    @api.depends('date_submitted', 'company_id')
    def _compute_date_review_deadline(self):
        for calendar, cases in self.grouped(lambda case: case.company_id.resource_calendar_id).items():
            requests = [(case.date_submitted, case.company_id.return_review_hours) for case in cases]
            for case, deadline in zip(cases, self._plan_working_hours(calendar, requests)):
                case.date_review_deadline = deadline

    @api.depends('date_review_deadline', 'state')
    def _compute_is_review_overdue(self):
        now = fields.Datetime.now()
        for case in self:
            case.is_review_overdue = bool(
                case.state == 'to_approve' and case.date_review_deadline and case.date_review_deadline < now)

    def _search_is_review_overdue(self, operator, value):
        overdue = Domain('state', '=', 'to_approve') & Domain('date_review_deadline', '<', fields.Datetime.now())
        return self._search_boolean(operator, value, overdue)

    @api.depends('line_ids.is_eligible')
    def _compute_is_eligible(self):
        for case in self:
            case.is_eligible = all(case.line_ids.mapped('is_eligible'))

    @api.depends('all_picking_ids', 'credit_note_ids')
    def _compute_document_counts(self):
        for case in self:
            case.picking_count = len(case.picking_ids)
            case.delivery_count = len(case.delivery_ids)
            case.credit_note_count = len(case.credit_note_ids)

    @api.depends('credit_note_ids.state', 'credit_note_ids.amount_total', 'credit_note_ids.move_type')
    def _compute_amount_credited(self):
        for case in self:
            # credit notes only: an exchange's invoice (the customer paid more) credits nothing
            posted = case.credit_note_ids.filtered(lambda move: move.state == 'posted' and move.move_type == 'out_refund')
            case.amount_credited = sum(posted.mapped('amount_total'))

    @api.depends('credit_note_ids.state', 'credit_note_ids.payment_state')
    def _compute_credit_payment_state(self):
        for case in self:
            notes = case.credit_note_ids.filtered(lambda move: move.state != 'cancel')
            if not notes:
                case.credit_payment_state = 'none'
            elif any(note.state == 'draft' for note in notes):
                case.credit_payment_state = 'draft'
            elif all(note.payment_state in ('paid', 'in_payment', 'reversed') for note in notes):
                case.credit_payment_state = 'paid'
            elif all(note.payment_state == 'not_paid' for note in notes):
                case.credit_payment_state = 'not_paid'
            else:
                case.credit_payment_state = 'partial'

    @api.depends('state', 'line_ids.qty_to_credit', 'line_ids.qty_to_send_back',
                 'line_ids.qty_to_replace', 'line_ids.qty_to_scrap')
    def _compute_next_steps(self):
        for case in self:
            active = case.state in RETURN_ACTIVE_STATES
            lines = case.line_ids
            case.can_create_credit_note = active and any(line.qty_to_credit > 0 for line in lines)
            case.can_send_back = active and any(line.qty_to_send_back > 0 for line in lines)
            case.can_send_replacement = active and any(line.qty_to_replace > 0 for line in lines)
            case.can_scrap = active and any(line.qty_to_scrap > 0 for line in lines)

    def _compute_display_name(self):
        for case in self:
            case.display_name = f"{case.name} - {case.partner_id.display_name}" if case.partner_id else case.name

    # ------------------------------------------------------------------
    # Constraints and onchanges
    # ------------------------------------------------------------------
    @api.constrains('partner_id', 'sale_order_id', 'complaint_id')
    def _check_documents(self):
        for case in self:
            case._check_documents_customer(case.sale_order_id, case.complaint_id)

    @api.onchange('partner_id')
    def _onchange_partner_id(self):
        customer = self.commercial_partner_id
        if self.sale_order_id.partner_id.commercial_partner_id != customer:
            self.sale_order_id = False
        if self.line_ids.sale_line_id.order_id.partner_id.commercial_partner_id - customer:
            self.line_ids = [Command.clear()]

    @api.onchange('reason_id')
    def _onchange_reason_id(self):
        if self.reason_id.default_disposition and self.state == 'draft':
            for line in self.line_ids:
                line.disposition = self.reason_id.default_disposition

    @api.onchange('sale_order_id')
    def _onchange_sale_order_id(self):
        order = self.sale_order_id
        if not order:
            return
        self.partner_id = order.partner_id
        if self.state == 'draft' and not self.line_ids:
            self.line_ids = [Command.create(vals) for vals in self._prepare_lines_from_order(order)]

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_early_replacement(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_early_replacement(vals)
        return super().write(vals)

    def _check_early_replacement(self, vals):
        """Sending replacements before the goods are back is the managers' decision."""
        if vals.get('allow_early_replacement') and not self.env.su:
            self._ensure_group((GROUP_MANAGER,), self.env._("send replacements before the goods are back"))

    @api.model
    def _get_reference_sequence_name(self, company):
        return self.env._("Return references of %(company)s", company=company.name)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_processed(self):
        locked = self.filtered(
            lambda case: any(picking.state == 'done' for picking in case.all_picking_ids)
            or any(note.state == 'posted' for note in case.credit_note_ids))
        if locked:
            raise UserError(self.env._(
                "Returns with done transfers or posted credit notes cannot be deleted, archive them instead: "
                "%(names)s.", names=", ".join(locked.mapped('name'))))

    @api.model
    def _prepare_lines_from_order(self, order, products=None):
        """Values of return lines for the delivered, still returnable lines of ``order``
        (only those of ``products`` when given), each for its whole returnable quantity."""
        sale_lines = order.order_line.filtered(
            lambda line: not line.display_type and line.product_id.type == 'consu'
            and (not products or line.product_id in products))
        figures = sale_lines._get_customer_return_figures()
        return [{'sale_line_id': line.id, 'quantity': figures[line]['returnable']}
                for line in sale_lines if figures[line]['returnable'] > 0]

    # ------------------------------------------------------------------
    # Process
    # ------------------------------------------------------------------
    def _check_request(self):
        """Refuse requests that cannot be reviewed: no line, no reason, missing condition,
        quantities that were not delivered or are already returned."""
        for case in self:
            if not case.line_ids:
                raise UserError(self.env._("Add the products to return to %(name)s.", name=case.name))
            if not case.reason_id:
                raise UserError(self.env._("Give the reason of return %(name)s.", name=case.name))
            if case.company_id.return_require_condition and not all(case.line_ids.mapped('condition')):
                raise UserError(self.env._(
                    "Give the condition of the goods on every line of %(name)s.", name=case.name))
        self.line_ids._check_returnable_quantities()

    def action_submit(self):
        self._check_transition('submit', self.env._("Submitting"))
        self._check_request()
        self._apply_return_rules()  # customer_return_policy.py: may refuse, before anything is written
        self._process_write({'state': 'to_approve', 'date_submitted': fields.Datetime.now()}, 'submit')
        self._notify_customer('customer_complaint_return.mail_template_return_submitted')
        return True

    def action_approve(self):
        self._check_transition('approve', self.env._("Approving"))
        self._check_request()
        ineligible = self.filtered(lambda case: not case.is_eligible and not case.eligibility_override)
        if ineligible:
            raise UserError(self.env._(
                "%(names)s does not meet the return conditions: %(why)s A manager may override them.",
                names=", ".join(ineligible.mapped('name')),
                why=" ".join(ineligible.line_ids.filtered(lambda line: not line.is_eligible)
                             .mapped('eligibility_note'))))
        for case in self:
            case._create_receipts()
        for line in self.line_ids:
            line._process_write({'qty_approved': line.quantity})
        self._process_write({
            'state': 'approved',
            'date_approved': fields.Datetime.now(),
            'approved_user_id': self.env.uid,
        }, 'approve')
        self._notify_customer('customer_complaint_return.mail_template_return_approved')
        # Goods the customer keeps are accepted at once: a case with nothing to receive moves on.
        self.filtered(lambda case: case.line_ids.filtered('keep_goods'))._update_progress()
        return True

    def action_reject(self):
        self._check_transition('reject', self.env._("Rejecting"))
        return self._action_open_decision_wizard('reject')

    def action_cancel(self):
        self._check_transition('cancel', self.env._("Cancelling"))
        return self._action_open_decision_wizard('cancel')

    def action_override_eligibility(self):
        self._ensure_group((GROUP_MANAGER,), self.env._("override the return conditions"))
        self._ensure_state(RETURN_REVIEW_STATES, self.env._("Overriding the conditions"))
        return self._action_open_decision_wizard('override')

    def action_draft(self):
        self._check_transition('reset', self.env._("Resetting to draft"))
        if self.filtered('date_approved'):
            # Cancelled after its approval: restarting undoes the approvers' decision.
            self._ensure_group((GROUP_APPROVER,), self.env._("reset rejected or approved returns to draft"))
        escalated = self.filtered('is_escalated')
        self._process_write({
            'state': 'draft', 'reject_reason': False, 'cancel_reason': False, 'date_submitted': False,
            'date_approved': False, 'approved_user_id': False,
            # A new request has its own milestones: it may escalate again.
            **dict.fromkeys(ESCALATION_MILESTONE_FIELDS.values(), False),
        }, 'reset')
        escalated._message_log_batch(bodies=dict.fromkeys(escalated.ids, self.env._(
            "Reset to draft: the escalations of the earlier request are over; the new request escalates "
            "again when late.")))
        return True

    def _action_open_decision_wizard(self, operation):
        titles = {
            'reject': self.env._("Reject Return"),
            'cancel': self.env._("Cancel Return"),
            'override': self.env._("Override Return Conditions"),
        }
        return {
            'type': 'ir.actions.act_window',
            'name': titles[operation],
            'res_model': 'customer.return.decision',
            'view_mode': 'form',
            'target': 'new',
            'context': {'default_return_ids': self.ids, 'default_operation': operation},
        }

    def _reject(self, reason):
        """Refuse these requests for ``reason``, which the customer receives."""
        self._check_transition('reject', self.env._("Rejecting"))
        reason = self._check_reason(reason)
        self._process_write({'state': 'rejected', 'reject_reason': reason}, 'reject')
        self._notify_customer('customer_complaint_return.mail_template_return_rejected')

    def _cancel(self, reason):
        """Cancel these cases and their receipts still to come, for ``reason``."""
        self._check_transition('cancel', self.env._("Cancelling"))
        reason = self._check_reason(reason)
        if self.all_picking_ids.filtered(lambda picking: picking.state == 'done'):
            raise UserError(self.env._("Goods of these returns were already received; they cannot be cancelled."))
        # Checked above: only approvers get here with receipts; the receipts are the warehouse's.
        self.all_picking_ids.sudo().filtered(lambda picking: picking.state != 'cancel').action_cancel()
        self._process_write({'state': 'cancelled', 'cancel_reason': reason}, 'cancel')
        self._log_reason(self.env._("Return cancelled"), reason)

    def _override_eligibility(self, reason):
        self._ensure_group((GROUP_MANAGER,), self.env._("override the return conditions"))
        self._ensure_state(RETURN_REVIEW_STATES, self.env._("Overriding the conditions"))
        reason = self._check_reason(reason)
        self._process_write({'eligibility_override': True})
        self._log_reason(self.env._("Return conditions overridden"), reason)

    # ------------------------------------------------------------------
    # Receipts (Odoo's own return wizard on the original deliveries)
    # ------------------------------------------------------------------
    def _create_receipts(self):
        """Create the return receipts of this approved case, one per original delivery (and per
        location the return rules send goods to), through the standard return wizard, so that
        sale lines and delivered quantities follow; goods to refund are refunded (``to_refund``),
        the others stay delivered and invoiced. Goods the customer keeps get no receipt."""
        self.ensure_one()
        per_picking = defaultdict(dict)
        for line in self.line_ids.filtered(lambda line: not line.keep_goods):
            refund = line.disposition in REFUNDED_DISPOSITIONS
            for move, qty in line._allocate_to_deliveries().items():
                per_picking[move.picking_id, line.return_location_id][move] = (qty, refund)
        for (picking, location), quantities in per_picking.items():
            self.with_context(customer_return_approving=True)._return_with_wizard(
                picking, quantities, customer_return_id=self.id, customer_return_location_id=location.id)

    @api.model
    def _return_with_wizard(self, picking, quantities, **wizard_vals):
        """Return ``quantities`` ({move of ``picking``: (quantity, to refund)}) with Odoo's own
        return wizard. It runs with elevated rights: callers check the user's rights first (the
        approval, or the warehouse's own operations), and the warehouse owns the transfers."""
        wizard = self.env['stock.return.picking'].sudo().with_context(
            active_model='stock.picking', active_id=picking.id, active_ids=picking.ids,
        ).create({'picking_id': picking.id, **wizard_vals})
        commands = []
        for wizard_line in wizard.product_return_moves:
            quantity, to_refund = quantities.get(wizard_line.move_id, (0.0, True))
            commands.append(Command.update(wizard_line.id, {'quantity': quantity, 'to_refund': to_refund}))
        wizard.product_return_moves = commands
        return wizard._create_return()

    def _attach_return_picking(self, picking):
        """Link a return ``picking`` made by the standard wizard to this case and its lines,
        adding lines for order lines the warehouse returned that the case did not list."""
        self.ensure_one()
        picking.customer_return_id = self
        sale_line_of = {move: move.sale_line_id or move.origin_returned_move_id.customer_return_line_id.sale_line_id
                        for move in picking.move_ids}
        lines_by_sale_line = {line.sale_line_id: line for line in self.line_ids}
        missing = {sale_line for sale_line in sale_line_of.values() if sale_line and sale_line not in lines_by_sale_line}
        if missing:
            new_lines = self.env['customer.return.line'].create([
                {'return_id': self.id, 'sale_line_id': sale_line.id, 'quantity': 0.0} for sale_line in missing])
            lines_by_sale_line.update({line.sale_line_id: line for line in new_lines})
        for move, sale_line in sale_line_of.items():
            if sale_line:
                move.customer_return_line_id = lines_by_sale_line[sale_line]
        picking.move_ids.customer_return_line_id._apply_lots_to_receipt()

    def _attach_warehouse_return(self, picking):
        """Track a return ``picking`` made with the warehouse's Return button: the goods it takes
        back count as approved (the warehouse decided, no review did), and the case follows the
        receipt from now on. A kit counts in whole kits; loose components are noted."""
        self.ensure_one()
        self._attach_return_picking(picking)
        loose = []
        # The lines in the case's environment: the warehouse only records inspections itself.
        for line in picking.move_ids.customer_return_line_id.with_env(self.env):
            moves = line.move_ids.filtered(lambda move: move.picking_id == picking)
            moved = line._count_units_in(moves)
            per_unit = line.sale_line_id._get_return_goods_per_unit()
            goods = line.sale_line_id._count_goods(moves)
            if loose_goods := line._get_loose_goods(goods, per_unit):
                loose.append(line._describe_loose_components(goods, per_unit))
                self._keep_loose_goods_unrefunded(moves, loose_goods)
            quantity = line.quantity if line.state in RETURN_REVIEW_STATES and line.quantity else 0.0
            line.with_context(customer_return_from_warehouse=True)._process_write({
                'quantity': max(quantity, line.qty_approved + moved),
                'qty_approved': line.qty_approved + moved,
            })
        if self.state in RETURN_REVIEW_STATES:
            self._check_transition('warehouse_return', self.env._("Taking goods back with the Return button"))
            self._process_write(
                {'state': 'approved', 'date_approved': fields.Datetime.now(), 'is_warehouse_return': True},
                'warehouse_return')
        body = self.env._(
            "Return receipt %(picking)s created from delivery %(delivery)s by %(user)s with the warehouse's "
            "Return button.", picking=picking.name, delivery=picking.return_id.name, user=self.env.user.name)
        if loose:
            body += " " + self.env._(
                "Components that make no whole kit come back loose: %(components)s. They are tracked on the "
                "line and not credited as kits.", components="; ".join(loose))
        self.message_post(body=body, subtype_xmlid='mail.mt_note')

    @api.model
    def _keep_loose_goods_unrefunded(self, moves, loose_goods):
        """Kit components coming back without the rest of their kit are not refunded: split them
        off their receipt moves (not done yet) so that the order keeps them delivered and invoiced."""
        for move in moves:
            unit = move.product_id.uom_id
            taken = min(loose_goods.get(move.product_id, 0.0), move.product_qty)
            if unit.compare(taken, 0.0) <= 0:
                continue
            loose_goods[move.product_id] -= taken
            # The warehouse's own receipt, after its own return: changed with elevated rights.
            move = move.sudo()
            if unit.compare(taken, move.product_qty) >= 0:
                move.to_refund = False
                continue
            loose_move = self.env['stock.move'].sudo().create(move._split(taken))
            loose_move.to_refund = False
            loose_move._action_confirm(merge=False)
            (move | loose_move)._action_assign()

    # ------------------------------------------------------------------
    # After the receipt: send back, replace, scrap
    # ------------------------------------------------------------------
    def _ensure_operator(self, action_label):
        self._ensure_group((GROUP_APPROVER, GROUP_STOCK), action_label)

    def action_send_back(self):
        """Deliver rejected goods, and goods to repair or return, back to the customer
        through a standard return of the return receipts."""
        self._ensure_operator(self.env._("send goods back"))
        self._ensure_state(RETURN_PROCESSING_STATES, self.env._("Sending goods back"))
        pickings = self.env['stock.picking']
        for case in self:
            pickings |= case._create_send_back_deliveries()
        if not pickings:
            raise UserError(self.env._("There are no received goods to send back."))
        return self._action_view_records(pickings, 'stock.action_picking_tree_all')

    def _create_send_back_deliveries(self):
        self.ensure_one()
        per_receipt = defaultdict(dict)
        for line in self.line_ids:
            for move, qty in line._get_send_back_quantities().items():
                # Goods go back as refunded as they came in: the order's delivered quantity nets out.
                per_receipt[move.picking_id][move] = (qty, move.to_refund)
        pickings = self.env['stock.picking']
        for receipt, quantities in per_receipt.items():
            delivery = self._return_with_wizard(receipt, quantities)
            delivery.customer_return_id = self
            for move in delivery.move_ids:
                move.customer_return_line_id = move.origin_returned_move_id.customer_return_line_id
            pickings |= delivery
        return pickings

    def action_send_replacement(self):
        """Deliver replacement goods through the order's own delivery route."""
        self._ensure_operator(self.env._("send replacements"))
        self._ensure_state(RETURN_PROCESSING_STATES, self.env._("Sending replacements"))
        to_replace = self.line_ids.filtered(lambda line: line.qty_to_replace > 0)
        exchanges = to_replace.filtered(lambda line: line.disposition == 'exchange')
        procurements = [line._prepare_replacement_procurement() for line in to_replace - exchanges]
        if not to_replace:
            raise UserError(self.env._("There is nothing to replace."))
        # Checked above: approvers and the warehouse ship replacements; procurement rules are the warehouse's.
        if procurements:
            self.env['stock.rule'].sudo().run(procurements)
        exchanges._order_exchange_goods()  # customer_return_exchange.py
        lines = self.line_ids
        pickings = lines.move_ids.picking_id.filtered(lambda picking: picking.picking_type_code == 'outgoing')
        for picking in pickings.filtered(lambda picking: not picking.customer_return_id):
            picking.sudo().customer_return_id = picking.move_ids.customer_return_line_id.return_id[:1]
        return self._action_view_records(pickings, 'stock.action_picking_tree_all')

    def action_scrap(self):
        """Scrap the accepted goods of the lines to scrap, from where they were received."""
        self._ensure_operator(self.env._("scrap goods"))
        self._ensure_state(RETURN_PROCESSING_STATES, self.env._("Scrapping"))
        # Checked above: approvers and the warehouse scrap; scrap orders are the warehouse's.
        scraps = self.env['stock.scrap'].sudo().create([
            vals for line in self.line_ids if line.qty_to_scrap > 0 for vals in line._prepare_scrap_vals()])
        if not scraps:
            raise UserError(self.env._("There is nothing to scrap."))
        scraps.do_scrap()
        self._update_progress()
        return True

    # ------------------------------------------------------------------
    # Credit notes: ordinary customer credit notes reversing the original invoices
    # ------------------------------------------------------------------
    def action_create_credit_note(self):
        self._ensure_group((GROUP_FINANCE,), self.env._("create credit notes"))
        self._lock_for_update()
        self._ensure_state(RETURN_ACTIVE_STATES, self.env._("Crediting"))
        credit_notes = self.env['account.move']
        for case in self:
            credit_notes |= case._create_credit_notes()
        if not credit_notes:
            existing = self.credit_note_ids.filtered(lambda move: move.state != 'cancel')
            if not existing:
                raise UserError(self.env._(
                    "There is nothing to credit: no accepted goods to refund are left invoiced and not credited."))
            credit_notes = existing
        return self._action_view_credit_notes(credit_notes)

    @api.model
    def _action_view_credit_notes(self, credit_notes):
        """The credit notes in Invoicing's own views (a plain action: the one of the menu is not
        read for every credit note made)."""
        action = {
            'type': 'ir.actions.act_window',
            'name': self.env._("Credit Notes"),
            'res_model': 'account.move',
            'context': {'default_move_type': 'out_refund', 'create': False},
        }
        if len(credit_notes) == 1:
            return dict(action, view_mode='form', views=[(False, 'form')], res_id=credit_notes.id)
        return dict(action, view_mode='list,form', views=[(False, 'list'), (False, 'form')],
                    domain=[('id', 'in', credit_notes.ids)])

    def _lock_for_update(self):
        """Make a second press of the same button wait for the first one, then fail and retry.

        Updating the cases' rows (not only locking them) makes the second transaction, whose
        snapshot predates the first one's commit, fail with a serialization error: Odoo then
        runs the call again, and it sees the credit notes of the first one."""
        self.env.cr.execute(
            "UPDATE customer_return SET write_date = write_date WHERE id IN %s", [tuple(self.ids)])

    def _create_credit_notes(self):
        """Create, in draft for finance to post, one credit note per original invoice for the
        goods to credit: Odoo's own reversal of the invoice (its Credit Note wizard, so that every
        module extending reversal applies) with only the returned lines."""
        self.ensure_one()
        allocation = [(invoice_line, line, qty)
                      for line in self.line_ids for invoice_line, qty in line._get_credit_note_allocation()]
        if not allocation:
            return self.env['account.move']
        invoice_lines = self.env['account.move.line'].union(*(invoice_line for invoice_line, _line, _qty in allocation))
        copies = dict(zip(invoice_lines, self._prepare_credit_note_lines_vals(invoice_lines)))
        per_invoice = defaultdict(list)  # invoice id -> [creation of its credit note's lines]
        for invoice_line, line, qty in allocation:
            goods = dict(copies[invoice_line], quantity=qty, customer_return_line_id=line.id)
            per_invoice[invoice_line.move_id.id].append(Command.create(goods))
            if fee := line._prepare_restocking_fee_line_vals(goods, invoice_line.currency_id):
                per_invoice[invoice_line.move_id.id].append(Command.create(fee))
        credit_notes = self._reverse_invoices({
            invoice_id: {'customer_return_id': self.id, 'line_ids': lines}
            for invoice_id, lines in per_invoice.items()
        })
        # Finance only reads cases: the note is still theirs, logged with elevated rights.
        self.sudo()._message_log(body=Markup("%s %s") % (
            self.env._("Credit notes created:"),
            Markup(", ").join(note._get_html_link() for note in credit_notes)))
        return credit_notes

    def _reverse_invoices(self, values_per_invoice):
        """Draft credit notes of the invoices of ``values_per_invoice`` ({invoice id: values of
        its credit note, e.g. its lines}) as the Credit Note wizard of Invoicing makes them: reason
        naming this return, the invoices' journal, dated today."""
        self.ensure_one()
        invoices = self.env['account.move'].browse(values_per_invoice)
        reversal = self.env['account.move.reversal'].with_context(
            active_model='account.move', active_ids=invoices.ids,
            **{REVERSAL_VALUES_CONTEXT_KEY: values_per_invoice},
        ).create({
            'reason': self.env._("return %(name)s", name=self.name),
            'date': fields.Date.context_today(self),
            # the wizard proposes the invoice's journal; required at creation
            'journal_id': invoices[:1].journal_id.id,
        })
        reversal.refund_moves()
        return reversal.new_move_ids

    @api.model
    def _prepare_credit_note_lines_vals(self, invoice_lines):
        """Values of the credit note's lines of ``invoice_lines``, in their order: each line as
        the reversal copies it (sale's order lines, analytics, what other modules copy)."""
        vals_list = invoice_lines.with_context(include_business_fields=True).copy_data()
        for values in vals_list:
            values.pop('move_id')  # the credit note's, given by its creation
        return vals_list

    # ------------------------------------------------------------------
    # Progress: received, then done once every line is settled
    # ------------------------------------------------------------------
    def _update_progress(self):
        """Move cases forward after their transfers, scraps or credit notes changed."""
        for case in self.sudo():
            if case.state == 'approved' and case._is_fully_received():
                case._process_write({'state': 'received'}, 'receive')
                if not all(case.line_ids.mapped('keep_goods')):  # goods kept: nothing was received
                    case._notify_customer('customer_complaint_return.mail_template_return_received')
            if case.state == 'received' and all(case.line_ids.mapped('is_settled')):
                case._process_write({'state': 'done', 'date_done': fields.Datetime.now()}, 'finish')
                case._notify_customer('customer_complaint_return.mail_template_return_done')

    def _is_fully_received(self):
        """Whether every good to come back came back (goods the customer keeps come back never)."""
        lines = self.line_ids.filtered(lambda line: not line.keep_goods)
        if not lines:
            return bool(self.line_ids)
        receipt_moves = lines.move_ids.filtered(lambda move: move._is_customer_return_receipt())
        return bool(receipt_moves) and all(move.state in ('done', 'cancel') for move in receipt_moves) \
            and any(move.state == 'done' for move in receipt_moves)

    # ------------------------------------------------------------------
    # Customer feedback
    # ------------------------------------------------------------------
    def _notify_customer(self, template_xmlid, attachments=None):
        """Tell the customers of these cases about a step: the template is rendered once for all
        the cases (in each customer's language) and posted as a message to the customer. A
        template's reports (the return authorization) are printed by the mail queue when it sends
        the mail, where PDFs can be printed (wkhtmltopdf): not within the user's click. ``attachments``:
        {case id: attachment ids} joined to each case's message (return labels)."""
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template or not self:
            return
        rendered = template._generate_template(self.ids, ['subject', 'body_html', 'email_from'])
        # 'install' is Odoo's word for a missing wkhtmltopdf: the mail then goes without the PDF.
        deferred = template.report_template_ids and self.env['ir.actions.report'].get_wkhtmltopdf_state() != 'install'
        subtype_id = self.env['ir.model.data']._xmlid_to_res_id('mail.mt_comment')
        messages = self.env['mail.message']
        for case in self:
            values = rendered[case.id]
            # Posting to the customer makes them follow the case (replies from its chatter reach
            # them too): on their first mail only, the acknowledgement or, for a case the
            # warehouse made, the first mail it sends.
            first_mail = template_xmlid == 'customer_complaint_return.mail_template_return_submitted' \
                or not case.date_submitted
            context = {'mail_post_autofollow': None if first_mail else False}
            if deferred:
                context['mail_notify_force_send'] = False  # queued: the queue prints the reports
            messages |= case.with_context(**context).message_post(
                body=values['body_html'],
                subject=values['subject'],
                email_from=values.get('email_from') or None,
                partner_ids=case.partner_id.ids,
                attachment_ids=(attachments or {}).get(case.id, []),
                message_type='comment',
                subtype_id=subtype_id,
            )
        if deferred:
            self._defer_reports(messages, template)

    @api.model
    def _defer_reports(self, messages, template):
        """Have the mail queue print the reports of ``template`` when it sends the mails of
        ``messages``, and send them now rather than at its next scheduled run."""
        mails = self.env['mail.mail'].sudo().search([('mail_message_id', 'in', messages.ids)])
        if mails:
            mails.deferred_report_template_id = template
            self.env.ref('mail.ir_cron_mail_scheduler_action')._trigger()

    # ------------------------------------------------------------------
    # Smart buttons
    # ------------------------------------------------------------------
    def action_view_pickings(self):
        self.ensure_one()
        return self._action_view_records(self.picking_ids, 'stock.action_picking_tree_all')

    def action_view_deliveries(self):
        self.ensure_one()
        return self._action_view_records(self.delivery_ids, 'stock.action_picking_tree_all')

    def action_view_credit_notes(self):
        self.ensure_one()
        return self._action_view_credit_notes(self.credit_note_ids)

    def action_view_complaint(self):
        self.ensure_one()
        return self.complaint_id.get_formview_action()

    @api.model
    def _disposition_for_demand(self, demand):
        return DISPOSITION_BY_DEMAND.get(demand, 'refund')

    # ==================================================================
    # Follow-up: escalation of overdue milestones
    # ==================================================================
    date_goods_received = fields.Datetime(
        string="Goods Received On", compute='_compute_date_goods_received', store=True, copy=False,
        help="When the last return receipt of the goods was validated.")
    date_settle_deadline = fields.Datetime(
        string="Settle By", compute='_compute_date_settle_deadline', store=True, copy=False,
        help="The received goods should be refunded or replaced by then (working days set in Settings).")
    date_review_escalated = fields.Datetime(string="Review Escalated On", readonly=True, copy=False)
    date_settle_escalated = fields.Datetime(string="Settlement Escalated On", readonly=True, copy=False)
    date_payment_escalated = fields.Datetime(string="Refund Payment Escalated On", readonly=True, copy=False)
    is_escalated = fields.Boolean(
        string="Escalated", compute='_compute_is_escalated', search='_search_is_escalated',
        help="A milestone of this return was late and escalated.")
    corrective_action_ids = fields.Many2many(
        'customer.corrective.action', 'customer_corrective_action_return_rel', 'return_id', 'action_id',
        string="Corrective Actions", copy=False, check_company=True)
    corrective_action_count = fields.Integer(compute='_compute_corrective_action_count')

    @api.depends('state', 'all_picking_ids.date_done')
    def _compute_date_goods_received(self):
        for case in self:
            if case.state not in ('received', 'done'):
                case.date_goods_received = False
                continue
            receipts = case.all_picking_ids.filtered(
                lambda picking: picking.state == 'done' and picking.picking_type_code == 'incoming')
            case.date_goods_received = max(receipts.mapped('date_done')) if receipts else False

    @api.depends('date_goods_received', 'company_id')
    def _compute_date_settle_deadline(self):
        received = self.filtered('date_goods_received')
        (self - received).date_settle_deadline = False
        for calendar, cases in received.grouped(lambda case: case.company_id.resource_calendar_id).items():
            hours_per_day = calendar.hours_per_day or 24.0
            requests = [(case.date_goods_received, case.company_id.return_settle_days * hours_per_day)
                        for case in cases]
            for case, deadline in zip(cases, self._plan_working_hours(calendar, requests)):
                case.date_settle_deadline = deadline

    @api.model
    def _recompute_settle_deadlines(self, companies):
        cases = self.sudo().with_context(active_test=False).search(
            [('company_id', 'in', companies.ids), ('state', '=', 'received')])
        self.env.add_to_compute(self._fields['date_settle_deadline'], cases)
        cases.flush_recordset()

    @api.depends(*ESCALATION_MILESTONE_FIELDS.values())
    def _compute_is_escalated(self):
        for case in self:
            case.is_escalated = bool(
                case.date_review_escalated or case.date_settle_escalated or case.date_payment_escalated)

    def _search_is_escalated(self, operator, value):
        escalated = Domain.OR(Domain(fname, '!=', False) for fname in ESCALATION_MILESTONE_FIELDS.values())
        return self._search_boolean(operator, value, escalated)

    @api.depends('corrective_action_ids')
    def _compute_corrective_action_count(self):
        for case in self:
            case.corrective_action_count = len(case.corrective_action_ids)

    def action_view_corrective_actions(self):
        self.ensure_one()
        return self._action_view_records(
            self.corrective_action_ids, 'customer_complaint_return.action_customer_corrective_action')

    # ------------------------------------------------------------------
    # Escalation (cron)
    # ------------------------------------------------------------------
    @api.model
    def _milestone_late_sql(self, milestone, now):
        """SQL condition of the cases whose ``milestone`` is late at ``now``: the one rule that both
        escalates a case and, once it no longer holds, ends the escalation."""
        if milestone == 'review':
            return SQL("(customer_return.state = 'to_approve' AND customer_return.date_review_deadline < %s)", now)
        if milestone == 'settle':
            return SQL("(customer_return.state = 'received' AND customer_return.date_settle_deadline < %s)", now)
        today = fields.Date.context_today(self, now)
        return SQL(
            "EXISTS (SELECT 1 FROM account_move note JOIN res_company company ON company.id = note.company_id"
            " WHERE note.customer_return_id = customer_return.id AND note.move_type = 'out_refund'"
            " AND note.state = 'posted' AND note.payment_state IN ('not_paid', 'partial')"
            " AND company.return_payment_days > 0 AND note.date <= %s::date - company.return_payment_days)",
            today)

    @api.model
    def _escalation_pending_sql(self, milestone, now):
        """SQL condition of the cases whose ``milestone`` is late at ``now`` and not escalated yet."""
        return SQL("%s IS NULL AND %s", SQL.identifier(ESCALATION_MILESTONE_FIELDS[milestone]),
                   self._milestone_late_sql(milestone, now))

    @api.model
    def _cron_escalate_milestones(self, batch_size=500):
        """Escalate the late milestones of returns, committing each batch as Odoo's crons do."""
        self._escalate_overdue_milestones(batch_size, self.env['ir.cron']._commit_progress)

    @api.model
    def _escalate_overdue_milestones(self, batch_size=500, commit_progress=None):
        """Escalate the returns whose review, settlement or refund payment is late, once per
        milestone: review to the approvers, settlement to finance (refunds) and the warehouse
        (other dispositions), refund payment to finance. Batches are claimed, handled and (with
        ``commit_progress``) committed one after the other, safe with two runs at once."""
        now = fields.Datetime.now()
        self._run_escalations([
            (milestone, self._escalation_pending_sql(milestone, now), SQL("%s = %s", SQL.identifier(fname), now),
             [fname])
            for milestone, fname in ESCALATION_MILESTONE_FIELDS.items()
        ], batch_size, commit_progress)

    def _escalate(self, milestone):
        """Tell the people in charge of ``milestone`` about these cases, which were just marked with it."""
        empty = self.env['res.users']
        if milestone == 'review':
            approvers = self._escalation_users(GROUP_APPROVER, self.company_id)
            users = {case: approvers.get(case.company_id, empty) for case in self}
            title = self.env._("Review overdue: escalated to the return approvers")
            summary = self.env._("Return review overdue")
        elif milestone == 'settle':
            finance = self._escalation_users(GROUP_FINANCE, self.company_id)
            warehouse = self._escalation_users(GROUP_STOCK, self.company_id)
            users = {case: case._settlement_users(finance, warehouse) for case in self}
            title = self.env._("Settlement overdue: escalated to finance and the warehouse")
            summary = self.env._("Return not settled")
        else:
            finance = self._escalation_users(GROUP_FINANCE, self.company_id)
            users = {case: finance.get(case.company_id, empty) for case in self}
            title = self.env._("Refund not paid: escalated to finance")
            summary = self.env._("Refund not paid")
        notes = {case: self._escalation_note(title, users[case], case._milestone_reason(milestone)) for case in self}
        self._escalate_to(users, summary, notes, ESCALATION_ACTIVITY_TYPES[milestone])

    def _settlement_users(self, finance, warehouse):
        """Finance settles refunds, the warehouse the goods replaced, repaired, sent back or scrapped."""
        self.ensure_one()
        dispositions = set(self.line_ids.mapped('disposition'))
        users = self.env['res.users']
        if dispositions & {*CREDITED_DISPOSITIONS, 'exchange'}:  # credit notes, exchange invoices
            users |= finance.get(self.company_id, users)
        if dispositions - set(CREDITED_DISPOSITIONS):  # goods to deliver, repair, send back or scrap
            users |= warehouse.get(self.company_id, users)
        return users

    def _milestone_reason(self, milestone):
        self.ensure_one()
        if milestone == 'review':
            return self.env._("The request was not approved or rejected by its review deadline.")
        if milestone == 'settle':
            return self.env._(
                "The goods came back more than %(days)s working days ago and the return is not settled yet.",
                days=self.company_id.return_settle_days)
        return self.env._(
            "A credit note of this return was posted more than %(days)s days ago and is not paid yet.",
            days=self.company_id.return_payment_days)

    @api.model
    def _unlink_settled_escalations(self):
        """Escalation activities whose milestone is no longer late (``_milestone_late_sql``) are done with."""
        self.env.flush_all()
        now = fields.Datetime.now()
        for milestone, xmlid in ESCALATION_ACTIVITY_TYPES.items():
            rows = self.env.execute_query(SQL(
                "SELECT customer_return.id FROM customer_return WHERE EXISTS ("
                " SELECT 1 FROM mail_activity activity WHERE activity.res_model = %s"
                " AND activity.res_id = customer_return.id AND activity.activity_type_id = %s)"
                " AND NOT COALESCE(%s, FALSE)",
                self._name, self.env.ref(xmlid).id, self._milestone_late_sql(milestone, now)))
            self.browse(case_id for [case_id] in rows)._unlink_escalation_activities(xmlid)
