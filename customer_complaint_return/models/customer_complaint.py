from datetime import timedelta

from pytz import utc

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command, Domain
from odoo.tools import SQL, email_normalize, is_html_empty, single_email_re
from odoo.tools.date_utils import localized

from odoo.addons.customer_complaint_return.const import (
    CHANNELS,
    COMPLAINT_CANCELLABLE_STATES,
    COMPLAINT_OPEN_STATES,
    COMPLAINT_PROCESSED_STATES,
    COMPLAINT_REOPENABLE_STATES,
    COMPLAINT_STATES,
    CORRECTIVE_ACTION_DONE_STATES,
    CORRECTIVE_ACTION_PENDING_STATES,
    DEMANDS,
    ESCALATION_MANAGERS,
    ESCALATION_TEAM_LEADER,
    GROUP_MANAGER,
    GROUP_USER,
    SEVERITIES,
    SEVERITY_RANK,
    SLA_STATUS_RANK,
    SLA_STATUSES,
)
from odoo.addons.customer_complaint_return.models.customer_process_mixin import Transition

# Cases escalated per transaction of the escalation cron.
ESCALATION_BATCH_SIZE = 1000
SLA_RESULTS = [('met', "Met"), ('breached', "Breached")]
# Changing these fields may make a case join a cluster of recurring complaints.
RECURRENCE_FIELDS = {'product_ids', 'root_cause_id', 'category_id', 'date_received', 'company_id'}
# The only ways a complaint's state moves.
COMPLAINT_TRANSITIONS = (
    Transition('start', ('new',), 'in_progress', (GROUP_USER,)),
    Transition('resolve', COMPLAINT_OPEN_STATES, 'resolved', (GROUP_USER,)),
    Transition('close', ('resolved',), 'closed', (GROUP_USER,)),
    Transition('cancel', COMPLAINT_CANCELLABLE_STATES, 'cancelled', (GROUP_USER,)),
    Transition('reopen', COMPLAINT_REOPENABLE_STATES, 'in_progress', (GROUP_USER,)),
)


class CustomerComplaint(models.Model):
    _name = 'customer.complaint'
    _description = "Customer Complaint"
    _inherit = ['customer.case.mixin', 'rating.mixin', 'mail.thread', 'mail.activity.mixin', 'portal.mixin']
    _order = 'date_received desc, id desc'
    _check_company_auto = True
    _primary_email = 'email'
    _mail_thread_customer = True
    _case_sequence_code = 'customer.complaint'
    _case_sequence_prefix = 'CMP/%(year)s/'
    _case_action_xmlid = 'customer_complaint_return.action_customer_complaint'
    _state_transitions = COMPLAINT_TRANSITIONS
    # Service levels and escalation are measured, not typed: only the process sets them.
    _process_fields = (
        'date_started', 'date_first_response', 'date_resolved', 'date_closed', 'cancel_reason', 'reopen_count',
        'escalation_level', 'date_escalated',
    )

    # ------------------------------------------------------------------
    # Intake
    # ------------------------------------------------------------------
    subject = fields.Char(tracking=True, help="What the complaint is about, in a few words.")
    state = fields.Selection(
        COMPLAINT_STATES, string="Status", required=True, default='new', copy=False, readonly=True,
        index=True, tracking=True, group_expand=True)
    channel = fields.Selection(CHANNELS, required=True, default='phone', tracking=True)
    date_received = fields.Datetime(
        string="Received On", required=True, default=fields.Datetime.now, tracking=True)
    contact_name = fields.Char(compute='_compute_contact', store=True, readonly=False, precompute=True)
    phone = fields.Char(compute='_compute_contact', store=True, readonly=False, precompute=True)
    email = fields.Char(
        string="E-mail", compute='_compute_contact', store=True, readonly=False, precompute=True)

    # Documents of the customer the complaint is about
    delivery_ids = fields.Many2many(
        'stock.picking', 'customer_complaint_delivery_rel', 'complaint_id', 'picking_id',
        string="Deliveries", check_company=True,
        domain="[('partner_id', 'child_of', commercial_partner_id), ('picking_type_code', '=', 'outgoing')]")
    invoice_ids = fields.Many2many(
        'account.move', 'customer_complaint_account_move_rel', 'complaint_id', 'move_id',
        string="Invoices", check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id),"
               " ('move_type', 'in', ('out_invoice', 'out_refund')), ('state', '=', 'posted')]")
    product_ids = fields.Many2many(
        'product.product', 'customer_complaint_product_rel', 'complaint_id', 'product_id',
        string="Products", check_company=True)
    lot_ids = fields.Many2many(
        'stock.lot', 'customer_complaint_stock_lot_rel', 'complaint_id', 'lot_id',
        string="Lots/Serial Numbers", check_company=True, domain="[('product_id', 'in', product_ids)]")
    description = fields.Html(help="What happened, in the customer's words.")
    attachment_ids = fields.Many2many(
        'ir.attachment', 'customer_complaint_ir_attachment_rel', 'complaint_id', 'attachment_id',
        string="Evidence", help="Photos, documents and other evidence supplied with the complaint.")
    customer_return_ids = fields.One2many('customer.return', 'complaint_id', string="Returns")
    customer_return_count = fields.Integer(compute='_compute_customer_return_count')
    delivery_count = fields.Integer(compute='_compute_document_counts')
    invoice_count = fields.Integer(compute='_compute_document_counts')

    # ------------------------------------------------------------------
    # Classification and routing
    # ------------------------------------------------------------------
    category_id = fields.Many2one(
        'customer.complaint.category', string="Category", tracking=True, index=True, check_company=True)
    demand = fields.Selection(DEMANDS, string="Customer's Demand", tracking=True)
    severity = fields.Selection(
        SEVERITIES, required=True, compute='_compute_severity', store=True, readonly=False,
        precompute=True, tracking=True, index=True)
    team_id = fields.Many2one(
        'customer.complaint.team', string="Team", compute='_compute_team_id', store=True,
        readonly=False, precompute=True, tracking=True, index=True, check_company=True)
    user_id = fields.Many2one(
        'res.users', string="Responsible", compute='_compute_user_id', store=True, readonly=False,
        precompute=True, tracking=True, index=True, check_company=True, domain=[('share', '=', False)])
    date_assigned = fields.Datetime(
        string="Assigned On", compute='_compute_date_assigned', store=True, precompute=True, copy=False)

    # ------------------------------------------------------------------
    # Handling
    # ------------------------------------------------------------------
    root_cause_id = fields.Many2one(
        'customer.complaint.cause', string="Root Cause", tracking=True, check_company=True)
    root_cause = fields.Text(string="Root Cause Details")
    responsible_department = fields.Char(tracking=True)
    investigation_notes = fields.Html()
    solution = fields.Html(string="Solution Offered", help="The solution proposed to the customer.")
    resolution = fields.Html(help="How the case was finally settled. Required to resolve the case.")
    cancel_reason = fields.Text(readonly=True, copy=False)
    reopen_count = fields.Integer(readonly=True, copy=False)

    date_started = fields.Datetime(string="Started On", readonly=True, copy=False)
    date_first_response = fields.Datetime(string="First Response On", readonly=True, copy=False)
    date_resolved = fields.Datetime(string="Resolved On", readonly=True, copy=False)
    date_closed = fields.Datetime(string="Closed On", readonly=True, copy=False)
    date_response_deadline = fields.Datetime(
        string="First Response Deadline", compute='_compute_deadlines', store=True, precompute=True,
        index=True, copy=False)
    date_resolution_deadline = fields.Datetime(
        string="Resolution Deadline", compute='_compute_deadlines', store=True, precompute=True,
        index=True, copy=False, tracking=True)
    is_response_overdue = fields.Boolean(
        string="First Response Overdue", compute='_compute_is_overdue', search='_search_is_response_overdue')
    is_overdue = fields.Boolean(
        string="Overdue", compute='_compute_is_overdue', search='_search_is_overdue')

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends('name', 'subject')
    def _compute_display_name(self):
        for complaint in self:
            complaint.display_name = (
                f"{complaint.name} - {complaint.subject}" if complaint.subject else complaint.name)

    @api.depends('partner_id')
    def _compute_contact(self):
        for complaint in self:
            partner = complaint.partner_id
            complaint.contact_name = partner.name
            complaint.phone = partner.phone
            complaint.email = partner.email

    @api.depends('delivery_ids', 'invoice_ids')
    def _compute_document_counts(self):
        for complaint in self:
            complaint.delivery_count = len(complaint.delivery_ids)
            complaint.invoice_count = len(complaint.invoice_ids)

    @api.depends('category_id')
    def _compute_severity(self):
        for complaint in self:
            if complaint.category_id.default_severity:
                complaint.severity = complaint.category_id.default_severity
            elif not complaint.severity:
                complaint.severity = 'normal'

    @api.depends('severity', 'category_id', 'company_id')
    def _compute_team_id(self):
        teams = self.env['customer.complaint.team'].search([('company_id', 'in', self.company_id.ids)])
        for complaint in self:
            if complaint.state not in COMPLAINT_OPEN_STATES and complaint.team_id:
                continue  # a handled case keeps the team that handled it
            company_teams = teams.filtered(lambda team: team.company_id == complaint.company_id)
            complaint.team_id = company_teams._select_for(complaint.severity, complaint.category_id)

    @api.depends('team_id')
    def _compute_user_id(self):
        # Keep a responsible who belongs to the (new) team; assign the others.
        to_assign = self.filtered(
            lambda c: c.team_id and c.user_id not in c.team_id._origin.member_ids | c.team_id._origin.leader_id)
        for team, complaints in to_assign.grouped('team_id').items():
            for complaint, user in zip(complaints, team._origin._pick_assignees(len(complaints))):
                complaint.user_id = user
        for complaint in self - to_assign:
            complaint.user_id = complaint.user_id

    @api.depends('user_id')
    def _compute_date_assigned(self):
        now = fields.Datetime.now()
        for complaint in self:
            complaint.date_assigned = now if complaint.user_id else False

    @api.depends('date_received', 'severity', 'category_id', 'company_id')
    def _compute_deadlines(self):
        lines = self.env['customer.complaint.deadline'].search([('company_id', 'in', self.company_id.ids)])
        for calendar, complaints in self.grouped(lambda c: c.company_id.resource_calendar_id).items():
            requests = []
            for complaint in complaints:
                line = lines._find(complaint.company_id, complaint.severity, complaint.category_id)
                requests += [(complaint.date_received, line.response_hours),
                             (complaint.date_received, line.resolution_hours)]
            deadlines = iter(self._plan_working_hours(calendar, requests))
            for complaint in complaints:
                complaint.date_response_deadline = next(deadlines)
                complaint.date_resolution_deadline = next(deadlines)

    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for complaint in self:
            is_open = complaint.state in COMPLAINT_OPEN_STATES
            complaint.is_response_overdue = bool(
                is_open and not complaint.date_first_response
                and complaint.date_response_deadline and complaint.date_response_deadline < now)
            complaint.is_overdue = bool(is_open and (
                complaint.is_response_overdue
                or (complaint.date_resolution_deadline and complaint.date_resolution_deadline < now)))

    def _response_overdue_domain(self):
        return (Domain('state', 'in', COMPLAINT_OPEN_STATES) & Domain('date_first_response', '=', False)
                & Domain('date_response_deadline', '<', fields.Datetime.now()))

    def _overdue_domain(self):
        resolution_late = (Domain('state', 'in', COMPLAINT_OPEN_STATES)
                           & Domain('date_resolution_deadline', '<', fields.Datetime.now()))
        return self._response_overdue_domain() | resolution_late

    def _search_is_response_overdue(self, operator, value):
        return self._search_boolean(operator, value, self._response_overdue_domain())

    def _search_is_overdue(self, operator, value):
        return self._search_boolean(operator, value, self._overdue_domain())

    # ------------------------------------------------------------------
    # Constraints and onchanges
    # ------------------------------------------------------------------
    @api.constrains('email')
    def _check_email(self):
        for complaint in self.filtered('email'):
            # email_normalize alone accepts "a@@b" (it keeps "@b"): check the address it extracts.
            if not single_email_re.match(email_normalize(complaint.email, strict=True) or ''):
                raise ValidationError(self.env._(
                    "%(email)s is not a valid e-mail address.", email=complaint.email))

    @api.constrains('partner_id', 'sale_order_id', 'delivery_ids', 'invoice_ids')
    def _check_documents(self):
        for complaint in self:
            complaint._check_documents_customer(complaint.sale_order_id, complaint.delivery_ids, complaint.invoice_ids)
            not_deliveries = complaint.delivery_ids.filtered(lambda picking: picking.picking_type_code != 'outgoing')
            if not_deliveries:
                raise ValidationError(self.env._(
                    "Only deliveries can be linked: %(pickings)s.",
                    pickings=", ".join(not_deliveries.mapped('name'))))
            not_invoices = complaint.invoice_ids.filtered(
                lambda move: move.move_type not in ('out_invoice', 'out_refund'))
            if not_invoices:
                raise ValidationError(self.env._(
                    "Only customer invoices and credit notes can be linked: %(moves)s.",
                    moves=", ".join(not_invoices.mapped('display_name'))))

    @api.constrains('product_ids', 'lot_ids')
    def _check_lots_products(self):
        for complaint in self:
            stray_lots = complaint.lot_ids.filtered(lambda lot: lot.product_id not in complaint.product_ids)
            if stray_lots:
                raise ValidationError(self.env._(
                    "Lots/serial numbers %(lots)s are not of a product of this complaint.",
                    lots=", ".join(stray_lots.mapped('name'))))

    @api.onchange('partner_id')
    def _onchange_partner_id(self):
        customer = self.partner_id.commercial_partner_id
        if self.sale_order_id and self.sale_order_id.partner_id.commercial_partner_id != customer:
            self.sale_order_id = False
        self.delivery_ids = self.delivery_ids.filtered(lambda picking: customer in self._document_customers(picking))
        self.invoice_ids = self.invoice_ids.filtered(lambda m: m.commercial_partner_id == customer)

    @api.onchange('sale_order_id')
    def _onchange_sale_order_id(self):
        order = self.sale_order_id
        if not order:
            return
        if order.partner_id.commercial_partner_id != self.partner_id.commercial_partner_id:
            self.partner_id = order.partner_id
        self.update(self._prepare_documents_from_sale_order(order))

    @api.onchange('product_ids')
    def _onchange_product_ids(self):
        # In a form the products are new records: compare with the products they stand for.
        self.lot_ids = self.lot_ids.filtered(lambda lot: lot.product_id in self.product_ids._origin)

    @api.model
    def _prepare_documents_from_sale_order(self, order):
        """Deliveries, invoices and products of ``order`` that a complaint about it concerns."""
        return {
            'delivery_ids': order.picking_ids.filtered(
                lambda p: p.picking_type_code == 'outgoing' and p.state == 'done'),
            'invoice_ids': order.invoice_ids.filtered(
                lambda m: m.move_type == 'out_invoice' and m.state == 'posted'),
            'product_ids': order.order_line.filtered(lambda line: not line.display_type).product_id,
        }

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model
    def _get_reference_sequence_name(self, company):
        return self.env._("Complaint references of %(company)s", company=company.name)

    @api.model_create_multi
    def create(self, vals_list):
        complaints = super().create(vals_list)
        self.env['customer.corrective.action']._propose_for_complaints(complaints)
        return complaints

    def write(self, vals):
        rerouting = bool({'severity', 'category_id'} & set(vals)) and 'team_id' not in vals
        teams_before = {complaint: complaint.team_id for complaint in self} if rerouting else {}
        result = super().write(vals)
        if rerouting:
            self._log_rerouting(teams_before)
        if RECURRENCE_FIELDS & set(vals):
            self.env['customer.corrective.action']._propose_for_complaints(self)
        return result

    def _log_rerouting(self, teams_before):
        severities = dict(self._fields['severity']._description_selection(self.env))
        for complaint in self.filtered(lambda c: c.team_id != teams_before.get(c)):
            complaint.message_post(
                body=self.env._(
                    "Re-routed from %(old)s to %(new)s after the severity or category changed "
                    "(severity: %(severity)s, category: %(category)s).",
                    old=teams_before[complaint].name or self.env._("no team"),
                    new=complaint.team_id.name or self.env._("no team"),
                    severity=severities.get(complaint.severity),
                    category=complaint.category_id.name or self.env._("none")),
                subtype_xmlid='mail.mt_note')

    @api.ondelete(at_uninstall=False)
    def _unlink_except_processed(self):
        processed = self.filtered(lambda complaint: complaint.state in COMPLAINT_PROCESSED_STATES)
        if processed:
            raise UserError(self.env._(
                "Complaints that have been worked on cannot be deleted, archive them instead: %(names)s.",
                names=", ".join(processed.mapped('name'))))

    # ------------------------------------------------------------------
    # Process
    # ------------------------------------------------------------------
    def _record_first_response(self, when=None):
        self.filtered(lambda complaint: not complaint.date_first_response)._process_write(
            {'date_first_response': when or fields.Datetime.now()})

    def action_start(self):
        self._check_transition('start', self.env._("Starting"))
        now = fields.Datetime.now()
        self._process_write({'state': 'in_progress', 'date_started': now}, 'start')
        self._record_first_response(now)
        return True

    def action_resolve(self):
        self._check_transition('resolve', self.env._("Resolving"))
        missing = self.filtered(lambda complaint: is_html_empty(complaint.resolution))
        if missing:
            raise UserError(self.env._(
                "Describe the resolution before resolving %(names)s.", names=", ".join(missing.mapped('name'))))
        now = fields.Datetime.now()
        self.filtered(lambda complaint: not complaint.date_started)._process_write({'date_started': now})
        self._record_first_response(now)
        self._process_write({'state': 'resolved', 'date_resolved': now}, 'resolve')
        return True

    def action_close(self):
        self._check_transition('close', self.env._("Closing"))
        self._check_corrective_actions_done()
        self._process_write({'state': 'closed', 'date_closed': fields.Datetime.now()}, 'close')
        return True

    def action_cancel(self):
        self._check_transition('cancel', self.env._("Cancelling"))
        return self._action_open_reason_wizard('cancel')

    def action_reopen(self):
        self._check_transition('reopen', self.env._("Reopening"))
        return self._action_open_reason_wizard('reopen')

    def _action_open_reason_wizard(self, operation):
        return {
            'type': 'ir.actions.act_window',
            'name': self.env._("Cancel Complaint") if operation == 'cancel' else self.env._("Reopen Complaint"),
            'res_model': 'customer.complaint.reason',
            'view_mode': 'form',
            'target': 'new',
            'context': {'default_complaint_ids': self.ids, 'default_operation': operation},
        }

    def _cancel(self, reason):
        """Cancel these cases for ``reason``, logged in their chatter."""
        self._check_transition('cancel', self.env._("Cancelling"))
        reason = self._check_reason(reason)
        self._process_write({'state': 'cancelled', 'cancel_reason': reason}, 'cancel')
        self._log_reason(self.env._("Complaint cancelled"), reason)

    def _reopen(self, reason):
        """Put resolved or closed cases back in progress for ``reason``, logged in their chatter; a
        reopened case escalates again when late (its earlier escalations stay in the chatter)."""
        self._check_transition('reopen', self.env._("Reopening"))
        reason = self._check_reason(reason)
        for reopen_count, complaints in self.grouped('reopen_count').items():
            complaints._process_write({
                'state': 'in_progress',
                'date_resolved': False,
                'date_closed': False,
                'reopen_count': reopen_count + 1,
                'escalation_level': 0,
                'date_escalated': False,
            }, 'reopen')
        self._log_reason(self.env._("Complaint reopened"), reason)

    # ------------------------------------------------------------------
    # Mail
    # ------------------------------------------------------------------
    def _message_post_after_hook(self, message, msg_values):
        if self._is_person_answering_customer(message):
            self.sudo()._record_first_response(message.date)
        return super()._message_post_after_hook(message, msg_values)

    @api.model
    def _is_person_answering_customer(self, message):
        """Whether ``message`` is an employee's answer to the customer: a public message (typed in
        the chatter, or mailed from their mailbox) of an internal user, posted by that person. What
        the system sends by itself (the acknowledgement, rating requests), posted as the superuser
        whoever it names as its author, never is."""
        if message.message_type not in ('comment', 'email') or message.is_internal \
                or message.subtype_id != self.env.ref('mail.mt_comment'):
            return False
        poster = message.create_uid
        author = message.author_id
        return bool(poster) and not poster._is_superuser() and not poster.share \
            and author != self.env.ref('base.partner_root') \
            and bool(author.user_ids.filtered(lambda user: not user.share))

    # ------------------------------------------------------------------
    # Returns
    # ------------------------------------------------------------------
    def _compute_customer_return_count(self):
        counts = self.env['customer.return']._count_per_document('complaint_id', self)
        for complaint in self:
            complaint.customer_return_count = counts.get(complaint, 0)

    def action_create_return(self):
        """Create a draft return of the goods this complaint is about, and open it."""
        self.ensure_one()
        if self.state == 'cancelled':
            raise UserError(self.env._("Cancelled complaints cannot lead to a return."))
        returns = self.env['customer.return']
        lines = []
        if self.sale_order_id:
            lines = returns._prepare_lines_from_order(self.sale_order_id, products=self.product_ids or None)
        disposition = returns._disposition_for_demand(self.demand)
        case = returns.create({
            'partner_id': self.partner_id.id,
            'company_id': self.company_id.id,
            'sale_order_id': self.sale_order_id.id,
            'complaint_id': self.id,
            'channel': self.channel,
            'description': self.description,
            'line_ids': [Command.create(self._prepare_return_line_vals(vals, disposition)) for vals in lines],
        })
        case.message_post_with_source(
            'mail.message_origin_link', render_values={'self': case, 'origin': self},
            subtype_xmlid='mail.mt_note')
        return case.get_formview_action()

    def _prepare_return_line_vals(self, line_vals, disposition):
        """``line_vals`` of a return line completed with ``disposition`` and the complaint's lots
        delivered on its order line; serial numbers set the quantity (one unit each)."""
        sale_line = self.env['sale.order.line'].browse(line_vals['sale_line_id'])
        delivered = sale_line.move_ids.filtered(lambda move: move.state == 'done').move_line_ids.lot_id
        lots = self.lot_ids & delivered
        vals = dict(line_vals, disposition=disposition)
        if sale_line.product_id.tracking == 'serial':
            if lots:
                vals.update(quantity=len(lots), lot_ids=[Command.set(lots.ids)])
            return vals
        vals['lot_ids'] = [Command.set(lots.ids)]
        return vals

    def action_view_customer_returns(self):
        self.ensure_one()
        return self.env['customer.return']._action_for_documents(
            [('complaint_id', '=', self.id)], {'complaint_id': self.id, 'partner_id': self.partner_id.id})

    # ------------------------------------------------------------------
    # Smart buttons
    # ------------------------------------------------------------------
    def action_view_deliveries(self):
        self.ensure_one()
        return self._action_view_records(self.delivery_ids, 'stock.action_picking_tree_all')

    def action_view_invoices(self):
        self.ensure_one()
        return self._action_view_records(self.invoice_ids, 'account.action_move_out_invoice_type')

    # ==================================================================
    # Follow-up: service levels, escalation, corrective actions
    # ==================================================================
    date_response_at_risk = fields.Datetime(
        string="First Response at Risk From", compute='_compute_sla_dates', store=True, precompute=True, copy=False,
        help="From then on, the share of the allowed working time set in Settings is used up.")
    date_resolution_at_risk = fields.Datetime(
        string="Resolution at Risk From", compute='_compute_sla_dates', store=True, precompute=True, copy=False,
        help="From then on, the share of the allowed working time set in Settings is used up.")
    date_escalation_deadline = fields.Datetime(
        string="Escalation to Managers", compute='_compute_sla_dates', store=True, precompute=True, copy=False,
        help="An open case still open at this moment is escalated to the complaint managers.")
    sla_response_result = fields.Selection(
        SLA_RESULTS, string="First Response Result", compute='_compute_sla_results', store=True, precompute=True,
        copy=False)
    sla_resolution_result = fields.Selection(
        SLA_RESULTS, string="Resolution Result", compute='_compute_sla_results', store=True, precompute=True,
        copy=False)
    sla_response_status = fields.Selection(
        SLA_STATUSES, string="First Response SLA", compute='_compute_sla_status',
        search='_search_sla_response_status',
        help="On track, at risk (most of the allowed working time used), breached, or met in time.")
    sla_resolution_status = fields.Selection(
        SLA_STATUSES, string="Resolution SLA", compute='_compute_sla_status',
        search='_search_sla_resolution_status',
        help="On track, at risk (most of the allowed working time used), breached, or met in time.")
    sla_status = fields.Selection(
        SLA_STATUSES, string="SLA", compute='_compute_sla_status', search='_search_sla_status',
        help="The worse of the first response and resolution service levels.")
    escalation_level = fields.Integer(
        readonly=True, copy=False, default=0,
        help="0: not escalated; 1: escalated to the team leader; 2: escalated to the complaint managers.")
    date_escalated = fields.Datetime(string="Escalated On", readonly=True, copy=False)
    corrective_action_ids = fields.Many2many(
        'customer.corrective.action', 'customer_corrective_action_complaint_rel', 'complaint_id', 'action_id',
        string="Corrective Actions", copy=False, check_company=True)
    corrective_action_count = fields.Integer(compute='_compute_corrective_action_count')
    corrective_action_required = fields.Boolean(
        compute='_compute_corrective_action_required',
        help="The category or the severity requires a corrective action carried out before the case is closed.")

    @api.depends('date_received', 'date_response_deadline', 'date_resolution_deadline', 'company_id')
    def _compute_sla_dates(self):
        for calendar, complaints in self.grouped(lambda c: c.company_id.resource_calendar_id).items():
            intervals = self._sla_work_intervals(calendar, complaints)
            for complaint in complaints:
                company = complaint.company_id
                share = company.complaint_sla_risk_percent / 100.0
                start = complaint.date_received
                complaint.date_response_at_risk = self._sla_at_risk(
                    calendar, intervals, start, complaint.date_response_deadline, share)
                complaint.date_resolution_at_risk = self._sla_at_risk(
                    calendar, intervals, start, complaint.date_resolution_deadline, share)
                complaint.date_escalation_deadline = self._sla_plan(
                    calendar, intervals, complaint.date_resolution_deadline, company.complaint_escalation_hours)

    @api.model
    def _sla_work_intervals(self, calendar, complaints):
        """Work intervals of ``calendar`` (UTC (begin, end) pairs, leaves deducted) from the first
        receipt of ``complaints`` to well after their last deadline, read once for the batch."""
        starts = [complaint.date_received for complaint in complaints if complaint.date_received]
        ends = [deadline for complaint in complaints
                for deadline in (complaint.date_response_deadline, complaint.date_resolution_deadline) if deadline]
        if not calendar or not starts or not ends:
            return []
        return self._read_work_intervals(calendar, min(starts), max(ends))

    @api.model
    def _sla_at_risk(self, calendar, intervals, start, deadline, share):
        """The moment ``share`` of the working time between ``start`` and ``deadline`` is used."""
        if not start or not deadline:
            return False
        if not calendar:
            return start + (deadline - start) * share
        begin, end = localized(start), localized(deadline)
        allowed = sum(
            (min(stop, end) - max(first, begin)).total_seconds() / 3600
            for first, stop in intervals if stop > begin and first < end)
        if share * allowed <= 0:
            return start
        moment = self._consume_working_hours(intervals, begin, share * allowed)
        return moment.astimezone(utc).replace(tzinfo=None) if moment else deadline

    @api.model
    def _sla_plan(self, calendar, intervals, start, hours):
        """``hours`` working hours after ``start`` (``start`` itself for none)."""
        if not start:
            return False
        if hours <= 0:
            return start
        if not calendar:
            return start + timedelta(hours=hours)
        return self._plan_in_intervals(calendar, intervals, start, hours) or False

    @api.depends('date_first_response', 'date_response_deadline', 'date_resolved', 'date_resolution_deadline',
                 'state')
    def _compute_sla_results(self):
        for complaint in self:
            complaint.sla_response_result = self._sla_result(
                complaint.date_first_response, complaint.date_response_deadline)
            resolved = complaint.state in ('resolved', 'closed') and complaint.date_resolved
            complaint.sla_resolution_result = self._sla_result(resolved, complaint.date_resolution_deadline)

    @api.model
    def _sla_result(self, done, deadline):
        if not done or not deadline:
            return False
        return 'met' if done <= deadline else 'breached'

    @api.depends('state', 'sla_response_result', 'sla_resolution_result', 'date_response_deadline',
                 'date_resolution_deadline', 'date_response_at_risk', 'date_resolution_at_risk')
    def _compute_sla_status(self):
        now = fields.Datetime.now()
        for complaint in self:
            is_open = complaint.state in COMPLAINT_OPEN_STATES
            complaint.sla_response_status = self._sla_live_status(
                is_open, complaint.sla_response_result, complaint.date_response_at_risk,
                complaint.date_response_deadline, now)
            complaint.sla_resolution_status = self._sla_live_status(
                is_open, complaint.sla_resolution_result, complaint.date_resolution_at_risk,
                complaint.date_resolution_deadline, now)
            statuses = [status for status in (complaint.sla_response_status, complaint.sla_resolution_status)
                        if status]
            complaint.sla_status = max(statuses, key=SLA_STATUS_RANK.get) if statuses else False

    @api.model
    def _sla_live_status(self, is_open, result, at_risk, deadline, now):
        if result:
            return result
        if not is_open or not deadline:
            return False
        if deadline < now:
            return 'breached'
        if at_risk and at_risk <= now:
            return 'at_risk'
        return 'on_track'

    def _sla_status_domain(self, kind, status):
        """Domain of the complaints whose ``kind`` ('response' or 'resolution') service level is
        ``status``; it matches ``_compute_sla_status`` exactly."""
        if status not in SLA_STATUS_RANK:
            return ~Domain.OR(self._sla_status_domain(kind, value) for value in SLA_STATUS_RANK)
        result, at_risk, deadline = f'sla_{kind}_result', f'date_{kind}_at_risk', f'date_{kind}_deadline'
        if status == 'met':
            return Domain(result, '=', 'met')
        now = fields.Datetime.now()
        live = Domain(result, '=', False) & Domain('state', 'in', COMPLAINT_OPEN_STATES) & Domain(deadline, '!=', False)
        if status == 'breached':
            return Domain(result, '=', 'breached') | (live & Domain(deadline, '<', now))
        risky = Domain(at_risk, '!=', False) & Domain(at_risk, '<=', now)
        in_time = live & Domain(deadline, '>=', now)
        return in_time & risky if status == 'at_risk' else in_time & ~risky

    def _sla_overall_domain(self, status):
        if status not in SLA_STATUS_RANK:
            return ~Domain.OR(self._sla_overall_domain(value) for value in SLA_STATUS_RANK)
        domain = Domain.TRUE
        for worse in (value for value, rank in SLA_STATUS_RANK.items() if rank > SLA_STATUS_RANK[status]):
            domain &= ~(self._sla_status_domain('response', worse) | self._sla_status_domain('resolution', worse))
        return domain & (self._sla_status_domain('response', status) | self._sla_status_domain('resolution', status))

    @api.model
    def _search_sla(self, domain_for, operator, value):
        if operator not in ('in', 'not in'):
            return NotImplemented
        domain = Domain.OR(domain_for(status) for status in value)
        return domain if operator == 'in' else ~domain

    def _search_sla_response_status(self, operator, value):
        return self._search_sla(lambda status: self._sla_status_domain('response', status), operator, value)

    def _search_sla_resolution_status(self, operator, value):
        return self._search_sla(lambda status: self._sla_status_domain('resolution', status), operator, value)

    def _search_sla_status(self, operator, value):
        return self._search_sla(self._sla_overall_domain, operator, value)

    @api.model
    def _recompute_sla_dates(self, companies):
        """The at-risk and escalation moments of the open cases of ``companies`` after their settings changed."""
        complaints = self.sudo().with_context(active_test=False).search(
            [('company_id', 'in', companies.ids), ('state', 'in', COMPLAINT_OPEN_STATES)])
        for fname in ('date_response_at_risk', 'date_resolution_at_risk', 'date_escalation_deadline'):
            self.env.add_to_compute(self._fields[fname], complaints)
        complaints.flush_recordset()

    # ------------------------------------------------------------------
    # Escalation (cron)
    # ------------------------------------------------------------------
    @api.model
    def _escalation_pending_sql(self, level, now):
        """SQL condition of the open cases due for escalation ``level`` at ``now``."""
        if level == ESCALATION_TEAM_LEADER:
            due = SQL("((date_first_response IS NULL AND date_response_deadline < %(now)s)"
                      " OR date_resolution_deadline < %(now)s)", now=now)
        else:
            due = SQL("date_escalation_deadline < %s", now)
        return SQL("state IN %s AND escalation_level < %s AND %s", COMPLAINT_OPEN_STATES, level, due)

    @api.model
    def _cron_escalate(self, batch_size=ESCALATION_BATCH_SIZE):
        """Escalate the open cases past their deadlines, committing each batch as Odoo's crons do."""
        self._escalate_overdue(batch_size, self.env['ir.cron']._commit_progress)

    @api.model
    def _escalate_overdue(self, batch_size=ESCALATION_BATCH_SIZE, commit_progress=None):
        """Level 1 to the team leader once a deadline is breached, level 2 to the complaint managers
        once the case is still open the configured working hours after its resolution deadline.
        Batches are claimed, handled and (with ``commit_progress``, see ``ir.cron._commit_progress``)
        committed one after the other; each level happens once per case, even with two runs at once."""
        now = fields.Datetime.now()
        self._run_escalations([
            (level, self._escalation_pending_sql(level, now),
             SQL("escalation_level = %s, date_escalated = %s", level, now), ['escalation_level', 'date_escalated'])
            for level in (ESCALATION_TEAM_LEADER, ESCALATION_MANAGERS)
        ], batch_size, commit_progress)

    def _escalate(self, level):
        """Tell the people of ``level`` about these cases, which were just marked with it."""
        managers = self._escalation_users(GROUP_MANAGER, self.company_id)
        if level == ESCALATION_TEAM_LEADER:
            users = {complaint: complaint.team_id.leader_id or managers.get(complaint.company_id, self.env['res.users'])
                     for complaint in self}
            title = self.env._("Escalated to the team leader")
            summary = self.env._("Complaint overdue")
        else:
            users = {complaint: managers.get(complaint.company_id, self.env['res.users']) for complaint in self}
            title = self.env._("Escalated to the complaint managers")
            summary = self.env._("Complaint still open after escalation")
        notes = {complaint: self._escalation_note(title, users[complaint], complaint._escalation_reason(level))
                 for complaint in self}
        self._escalate_to(users, summary, notes, 'customer_complaint_return.mail_act_case_escalation')
        if level == ESCALATION_MANAGERS:
            self.filtered(lambda c: c.company_id.complaint_escalation_raise_severity)._raise_severity()

    def _escalation_reason(self, level):
        self.ensure_one()
        if level == ESCALATION_MANAGERS:
            return self.env._(
                "The case is still open %(hours)s working hours after its resolution deadline.",
                hours=f"{self.company_id.complaint_escalation_hours:g}")
        if not self.date_first_response and self.sla_response_status == 'breached':
            return self.env._("The first response deadline passed without an answer to the customer.")
        return self.env._("The resolution deadline passed.")

    def _raise_severity(self):
        """One step up the severities: the case is re-routed as for any change of severity, but
        keeps the deadlines it was given, so that its service-level history stays true (a case
        late at "normal" is not judged again against the tighter deadlines of "high")."""
        keys = [key for key, _label in SEVERITIES]
        labels = dict(self._fields['severity']._description_selection(self.env))
        deadlines = [self._fields['date_response_deadline'], self._fields['date_resolution_deadline']]
        for severity, complaints in self.filtered(lambda c: c.severity != keys[-1]).grouped('severity').items():
            raised = keys[keys.index(severity) + 1]
            with self.env.protecting(deadlines, complaints):
                complaints.write({'severity': raised})
            note = self.env._(
                "Severity raised from %(old)s to %(new)s by the escalation. The first response and resolution "
                "deadlines stay those of %(old)s: the service levels are measured against them.",
                old=labels[severity], new=labels[raised])
            complaints._message_log_batch(bodies=dict.fromkeys(complaints.ids, note))

    @api.model
    def _unlink_settled_escalations(self):
        """Escalation activities of cases no longer open are done with."""
        activity_type = self.env.ref('customer_complaint_return.mail_act_case_escalation')
        settled = self.with_context(active_test=False).search(
            [('activity_ids.activity_type_id', '=', activity_type.id), ('state', 'not in', COMPLAINT_OPEN_STATES)])
        settled._unlink_escalation_activities('customer_complaint_return.mail_act_case_escalation')

    # ------------------------------------------------------------------
    # Corrective actions
    # ------------------------------------------------------------------
    @api.depends('corrective_action_ids')
    def _compute_corrective_action_count(self):
        for complaint in self:
            complaint.corrective_action_count = len(complaint.corrective_action_ids)

    @api.depends('category_id.corrective_action_required', 'severity', 'company_id.complaint_corrective_severity')
    def _compute_corrective_action_required(self):
        for complaint in self:
            threshold = complaint.company_id.complaint_corrective_severity
            complaint.corrective_action_required = complaint.category_id.corrective_action_required or bool(
                threshold and SEVERITY_RANK[complaint.severity or 'normal'] >= SEVERITY_RANK[threshold])

    def _check_corrective_actions_done(self):
        """A case that requires a corrective action is closed only once one was carried out and
        none of its actions is still pending."""
        for complaint in self.filtered('corrective_action_required'):
            actions = complaint.corrective_action_ids
            pending = actions.filtered(lambda action: action.state in CORRECTIVE_ACTION_PENDING_STATES)
            if pending:
                raise UserError(self.env._(
                    "%(name)s cannot be closed while its corrective actions %(actions)s are not carried out.",
                    name=complaint.name, actions=", ".join(pending.mapped('name'))))
            if not actions.filtered(lambda action: action.state in CORRECTIVE_ACTION_DONE_STATES):
                raise UserError(self.env._(
                    "%(name)s needs a corrective action carried out before it is closed (its category or "
                    "severity requires one).", name=complaint.name))

    def action_view_corrective_actions(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id(
            'customer_complaint_return.action_customer_corrective_action')
        action['domain'] = [('complaint_ids', 'in', self.ids)]
        action['context'] = {
            'default_complaint_ids': self.ids,
            'default_title': self.subject,
            'default_category_id': self.category_id.id,
            'default_root_cause_id': self.root_cause_id.id,
            'default_product_ids': self.product_ids.ids,
            'default_lot_ids': self.lot_ids.ids,
            'default_responsible_department': self.responsible_department,
            'default_company_id': self.company_id.id,
        }
        return action

    def action_recall_lots(self):
        self.ensure_one()
        return self.env['customer.lot.recall']._action_open_for(self.lot_ids, complaint=self)
