from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command, Domain
from odoo.tools import email_normalize, is_html_empty, single_email_re

from odoo.addons.customer_complaint_return.const import (
    CHANNELS,
    COMPLAINT_CANCELLABLE_STATES,
    COMPLAINT_OPEN_STATES,
    COMPLAINT_PROCESSED_STATES,
    COMPLAINT_REOPENABLE_STATES,
    COMPLAINT_STATES,
    DEMANDS,
    SEVERITIES,
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

    # ------------------------------------------------------------------
    # Intake
    # ------------------------------------------------------------------
    subject = fields.Char(tracking=True, help="What the complaint is about, in a few words.")
    state = fields.Selection(
        COMPLAINT_STATES, string="Status", required=True, default='new', copy=False,
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

    def write(self, vals):
        rerouting = bool({'severity', 'category_id'} & set(vals)) and 'team_id' not in vals
        teams_before = {complaint: complaint.team_id for complaint in self} if rerouting else {}
        result = super().write(vals)
        if rerouting:
            self._log_rerouting(teams_before)
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
        self.filtered(lambda complaint: not complaint.date_first_response).write(
            {'date_first_response': when or fields.Datetime.now()})

    def action_start(self):
        self._ensure_state(('new',), self.env._("Starting"))
        now = fields.Datetime.now()
        self.write({'state': 'in_progress', 'date_started': now})
        self._record_first_response(now)
        return True

    def action_resolve(self):
        self._ensure_state(COMPLAINT_OPEN_STATES, self.env._("Resolving"))
        missing = self.filtered(lambda complaint: is_html_empty(complaint.resolution))
        if missing:
            raise UserError(self.env._(
                "Describe the resolution before resolving %(names)s.", names=", ".join(missing.mapped('name'))))
        now = fields.Datetime.now()
        self.filtered(lambda complaint: not complaint.date_started).date_started = now
        self._record_first_response(now)
        self.write({'state': 'resolved', 'date_resolved': now})
        return True

    def action_close(self):
        self._ensure_state(('resolved',), self.env._("Closing"))
        self.write({'state': 'closed', 'date_closed': fields.Datetime.now()})
        return True

    def action_cancel(self):
        self._ensure_state(COMPLAINT_CANCELLABLE_STATES, self.env._("Cancelling"))
        return self._action_open_reason_wizard('cancel')

    def action_reopen(self):
        self._ensure_state(COMPLAINT_REOPENABLE_STATES, self.env._("Reopening"))
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
        self._ensure_state(COMPLAINT_CANCELLABLE_STATES, self.env._("Cancelling"))
        reason = self._check_reason(reason)
        self.write({'state': 'cancelled', 'cancel_reason': reason})
        self._log_reason(self.env._("Complaint cancelled"), reason)

    def _reopen(self, reason):
        """Put resolved or closed cases back in progress for ``reason``, logged in their chatter."""
        self._ensure_state(COMPLAINT_REOPENABLE_STATES, self.env._("Reopening"))
        reason = self._check_reason(reason)
        for complaint in self:
            complaint.write({
                'state': 'in_progress',
                'date_resolved': False,
                'date_closed': False,
                'reopen_count': complaint.reopen_count + 1,
            })
        self._log_reason(self.env._("Complaint reopened"), reason)

    # ------------------------------------------------------------------
    # Mail
    # ------------------------------------------------------------------
    def _message_post_after_hook(self, message, msg_values):
        # A public answer from an employee is the first response to the customer.
        if (message.message_type == 'comment'
                and not message.is_internal
                and message.subtype_id == self.env.ref('mail.mt_comment')
                and message.author_id.user_ids.filtered(lambda user: not user.share)):
            self.sudo()._record_first_response(message.date)
        return super()._message_post_after_hook(message, msg_values)

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
