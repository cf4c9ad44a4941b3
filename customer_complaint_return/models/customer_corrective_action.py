from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command, Domain

from odoo.addons.customer_complaint_return.const import (
    CORRECTIVE_ACTION_JOINABLE_STATES,
    CORRECTIVE_ACTION_ORIGINS,
    CORRECTIVE_ACTION_PENDING_STATES,
    CORRECTIVE_ACTION_STATES,
    GROUP_MANAGER,
    GROUP_USER,
)
from odoo.addons.customer_complaint_return.models.customer_case_mixin import CustomerCaseMixin
from odoo.addons.customer_complaint_return.models.customer_process_mixin import Transition

# Days after an action is done when its effectiveness is checked, unless told otherwise.
DEFAULT_VERIFICATION_DAYS = 30
OWNER_ACTIVITY = 'customer_complaint_return.mail_act_corrective_action'
VERIFY_ACTIVITY = 'customer_complaint_return.mail_act_corrective_action_verify'
# The only ways an action's state moves; verifying may further need a manager (its category says).
CORRECTIVE_ACTION_TRANSITIONS = (
    Transition('start', ('open', 'reopened'), 'in_progress', (GROUP_USER,)),
    Transition('done', ('open', 'in_progress', 'reopened'), 'done', (GROUP_USER,)),
    Transition('verify_effective', ('done',), 'verified', (GROUP_USER,)),
    Transition('verify_not_effective', ('done',), 'not_effective', (GROUP_USER,)),
    Transition('reopen', ('not_effective', 'verified'), 'reopened', (GROUP_USER,)),
    Transition('cancel', CORRECTIVE_ACTION_PENDING_STATES, 'cancelled', (GROUP_USER,)),
    Transition('set_open', ('cancelled',), 'open', (GROUP_USER,)),
)


class CustomerCorrectiveAction(models.Model):
    """A measure that removes the cause of complaints so that the same problem does not happen
    again: an owner, a due date, and a check that it worked (SPEC 1.4)."""
    _name = 'customer.corrective.action'
    _description = "Corrective Action"
    _inherit = ['customer.process.mixin', 'mail.thread', 'mail.activity.mixin']
    _order = 'priority desc, date_deadline, id desc'
    _check_company_auto = True
    _state_transitions = CORRECTIVE_ACTION_TRANSITIONS
    _process_fields = (
        'origin', 'cluster_product_id', 'recall_partner_ids', 'date_done', 'date_verified', 'verification_result',
        'verified_user_id', 'reopen_count',
    )
    # References from the company's own sequence, made as the cases make theirs (below).
    _case_sequence_code = 'customer.corrective.action'
    _case_sequence_prefix = 'CA/%(year)s/'

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, index='trigram',
        default=lambda self: self.env._("New"))
    title = fields.Char(required=True, tracking=True, help="What is done, in a few words.")
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        'res.company', required=True, index=True, default=lambda self: self.env.company)
    state = fields.Selection(
        CORRECTIVE_ACTION_STATES, string="Status", required=True, default='open', copy=False, readonly=True,
        index=True, tracking=True, group_expand=True)
    priority = fields.Selection([('0', "Normal"), ('1', "Urgent")], default='0')
    color = fields.Integer()
    origin = fields.Selection(
        CORRECTIVE_ACTION_ORIGINS, required=True, default='manual', readonly=True, copy=False,
        help="Created by hand, proposed by the detection of recurring complaints, or by a lot recall.")
    description = fields.Html(help="The measure decided and how it is carried out.")

    # What the action corrects
    category_id = fields.Many2one(
        'customer.complaint.category', string="Complaint Category", tracking=True, index=True,
        check_company=True)
    root_cause_id = fields.Many2one(
        'customer.complaint.cause', string="Root Cause", tracking=True, index=True, check_company=True)
    root_cause = fields.Text(string="Root Cause Details")
    product_ids = fields.Many2many(
        'product.product', 'customer_corrective_action_product_rel', 'action_id', 'product_id',
        string="Products", check_company=True)
    lot_ids = fields.Many2many(
        'stock.lot', 'customer_corrective_action_stock_lot_rel', 'action_id', 'lot_id',
        string="Lots/Serial Numbers", check_company=True, domain="[('product_id', 'in', product_ids)]")
    cluster_product_id = fields.Many2one(
        'product.product', string="Recurring Product", readonly=True, copy=False, index='btree_not_null',
        help="The product of the recurring complaints this action was proposed for.")
    complaint_ids = fields.Many2many(
        'customer.complaint', 'customer_corrective_action_complaint_rel', 'action_id', 'complaint_id',
        string="Complaints", check_company=True)
    customer_return_ids = fields.Many2many(
        'customer.return', 'customer_corrective_action_return_rel', 'action_id', 'return_id',
        string="Returns", check_company=True)
    complaint_count = fields.Integer(compute='_compute_counts')
    customer_return_count = fields.Integer(compute='_compute_counts')
    recall_partner_ids = fields.Many2many(
        'res.partner', 'customer_corrective_action_recall_partner_rel', 'action_id', 'partner_id',
        string="Customers Notified of the Recall", readonly=True, copy=False)

    # Who and when
    responsible_department = fields.Char(tracking=True)
    user_id = fields.Many2one(
        'res.users', string="Owner", tracking=True, index=True, check_company=True,
        default=lambda self: self.env.user, domain=[('share', '=', False)])
    verifier_id = fields.Many2one(
        'res.users', string="Verifier", tracking=True, check_company=True, domain=[('share', '=', False)],
        compute='_compute_verifier_id', store=True, readonly=False, precompute=True,
        help="Who checks that the action worked; gets the verification activity.")
    date_deadline = fields.Date(string="Due Date", tracking=True, index=True)
    date_done = fields.Datetime(string="Done On", readonly=True, copy=False)
    date_verification = fields.Date(
        string="Verification Date", tracking=True, copy=False,
        help="When the effectiveness of the action is checked.")
    date_verified = fields.Datetime(string="Verified On", readonly=True, copy=False)
    verification_result = fields.Selection(
        [('effective', "Effective"), ('not_effective', "Not Effective")],
        readonly=True, copy=False, tracking=True)
    verification_note = fields.Text(help="What was checked and what was found.")
    verified_user_id = fields.Many2one('res.users', string="Verified By", readonly=True, copy=False)
    reopen_count = fields.Integer(readonly=True, copy=False)
    requires_manager_verification = fields.Boolean(
        related='category_id.corrective_action_manager_verify', string="Manager Verification")
    is_overdue = fields.Boolean(compute='_compute_is_overdue', search='_search_is_overdue')

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends('name', 'title')
    def _compute_display_name(self):
        for action in self:
            action.display_name = f"{action.name} - {action.title}" if action.title else action.name

    @api.depends('complaint_ids', 'customer_return_ids')
    def _compute_counts(self):
        for action in self:
            action.complaint_count = len(action.complaint_ids)
            action.customer_return_count = len(action.customer_return_ids)

    @api.depends('category_id')
    def _compute_verifier_id(self):
        for action in self:
            leader = action.category_id.default_team_id.leader_id
            if leader and not action.verifier_id:
                action.verifier_id = leader

    @api.depends('date_deadline', 'state')
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for action in self:
            action.is_overdue = bool(
                action.state in CORRECTIVE_ACTION_PENDING_STATES and action.date_deadline
                and action.date_deadline < today)

    def _search_is_overdue(self, operator, value):
        domain = (Domain('state', 'in', CORRECTIVE_ACTION_PENDING_STATES)
                  & Domain('date_deadline', '<', fields.Date.context_today(self)))
        return self.env['customer.case.mixin']._search_boolean(operator, value, domain)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        self._prepare_case_vals(vals_list)
        actions = super().create(vals_list)
        actions._schedule_owner_activities()
        return actions

    def write(self, vals):
        result = super().write(vals)
        if 'user_id' in vals or 'date_deadline' in vals:
            self.filtered(lambda action: action.state in CORRECTIVE_ACTION_PENDING_STATES)._reschedule_owner_activities()
        return result

    # An action is no case (no customer, no order), but its reference is made the same way.
    _prepare_case_vals = CustomerCaseMixin._prepare_case_vals
    _get_reference_sequence = CustomerCaseMixin._get_reference_sequence
    _prepare_reference_sequence_vals = CustomerCaseMixin._prepare_reference_sequence_vals

    @api.model
    def _get_reference_sequence_name(self, company):
        return self.env._("Corrective action references of %(company)s", company=company.name)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        started = self.filtered(lambda action: action.state not in ('open', 'cancelled'))
        if started:
            raise UserError(self.env._(
                "Corrective actions that have been worked on cannot be deleted, archive them instead: %(names)s.",
                names=", ".join(started.mapped('name'))))

    # ------------------------------------------------------------------
    # Owner and verifier activities
    # ------------------------------------------------------------------
    def _schedule_owner_activities(self):
        """The owner's to-do, due on the action's due date: the reminder when the action is due."""
        for action in self.filtered(lambda action: action.user_id and action.state in CORRECTIVE_ACTION_PENDING_STATES):
            action.activity_schedule(
                OWNER_ACTIVITY, date_deadline=action.date_deadline or fields.Date.context_today(action),
                summary=action.title, user_id=action.user_id.id)

    def _reschedule_owner_activities(self):
        for action in self:
            activities = action.activity_reschedule(
                [OWNER_ACTIVITY], date_deadline=action.date_deadline or fields.Date.context_today(action),
                new_user_id=action.user_id.id)
            if not activities:
                action._schedule_owner_activities()

    def _schedule_verification_activities(self):
        for action in self:
            action.activity_schedule(
                VERIFY_ACTIVITY, date_deadline=action.date_verification or fields.Date.context_today(action),
                user_id=(action.verifier_id or action.user_id or self.env.user).id)

    # ------------------------------------------------------------------
    # Process
    # ------------------------------------------------------------------
    def action_start(self):
        self._check_transition('start', self.env._("Starting"))
        self._process_write({'state': 'in_progress'}, 'start')
        return True

    def action_done(self):
        self._check_transition('done', self.env._("Marking done"))
        today = fields.Date.context_today(self)
        for action in self:
            action._process_write({
                'state': 'done',
                'date_done': fields.Datetime.now(),
                'date_verification': action.date_verification or today + timedelta(days=DEFAULT_VERIFICATION_DAYS),
            }, 'done')
        self.activity_feedback([OWNER_ACTIVITY])
        self._schedule_verification_activities()
        return True

    def action_verify_effective(self):
        return self._verify('effective')

    def action_verify_not_effective(self):
        return self._verify('not_effective')

    def _verify(self, result):
        """Record the check of these done actions: effective, or not and to be reopened."""
        action_name = 'verify_effective' if result == 'effective' else 'verify_not_effective'
        self._check_transition(action_name, self.env._("Verifying"))
        self._check_can_verify()
        self._process_write({
            'state': 'verified' if result == 'effective' else 'not_effective',
            'verification_result': result,
            'date_verified': fields.Datetime.now(),
            'verified_user_id': self.env.uid,
        }, action_name)
        self.activity_feedback([VERIFY_ACTIVITY])
        return True

    def _check_can_verify(self):
        """Where the category asks for it, a complaint manager other than the owner verifies."""
        if self.env.su:
            return
        for action in self.filtered('requires_manager_verification'):
            if not self.env.user.has_group(GROUP_MANAGER):
                raise AccessError(self.env._(
                    "Only a complaint manager may verify %(name)s: its category requires it.", name=action.name))
            if action.user_id == self.env.user:
                raise AccessError(self.env._(
                    "You own %(name)s: another manager verifies its effectiveness.", name=action.name))

    def action_reopen(self):
        self._check_transition('reopen', self.env._("Reopening"))
        for reopen_count, actions in self.grouped('reopen_count').items():
            actions._process_write({
                'state': 'reopened',
                'date_done': False,
                'date_verification': False,
                'verification_result': False,
                'date_verified': False,
                'verified_user_id': False,
                'reopen_count': reopen_count + 1,
            }, 'reopen')
        self.activity_unlink([VERIFY_ACTIVITY])
        self._schedule_owner_activities()
        return True

    def action_cancel(self):
        self._check_transition('cancel', self.env._("Cancelling"))
        self._process_write({'state': 'cancelled'}, 'cancel')
        self.activity_unlink([OWNER_ACTIVITY, VERIFY_ACTIVITY])
        return True

    def action_set_open(self):
        self._check_transition('set_open', self.env._("Opening again"))
        self._process_write({'state': 'open'}, 'set_open')
        self._schedule_owner_activities()
        return True

    # ------------------------------------------------------------------
    # Smart buttons and recall
    # ------------------------------------------------------------------
    def action_view_complaints(self):
        self.ensure_one()
        return self.env['customer.case.mixin']._action_view_records(
            self.complaint_ids, 'customer_complaint_return.action_customer_complaint')

    def action_view_customer_returns(self):
        self.ensure_one()
        return self.env['customer.case.mixin']._action_view_records(
            self.customer_return_ids, 'customer_complaint_return.action_customer_return')

    def action_recall_lots(self):
        self.ensure_one()
        return self.env['customer.lot.recall']._action_open_for(self.lot_ids, corrective_action=self)

    # ------------------------------------------------------------------
    # Recurring complaints
    # ------------------------------------------------------------------
    @api.model
    def _propose_for_complaints(self, complaints):
        """Complaints about the same product with the same cause (or category, see Settings) that
        reach the configured count within the window get one corrective action, created open,
        owned by the leader of the category's team and linking them all; later complaints of the
        same cluster join that action instead of opening another one."""
        complaints = complaints.filtered(lambda c: c.state != 'cancelled' and c.product_ids)
        for company, company_complaints in complaints.grouped('company_id').items():
            if company.complaint_recurrence_count > 0:
                self.sudo().with_company(company)._propose_in_company(company, company_complaints)

    @api.model
    def _propose_in_company(self, company, complaints):
        key_field = 'root_cause_id' if company.complaint_recurrence_basis == 'cause' else 'category_id'
        clusters = {(product, complaint[key_field]) for complaint in complaints if complaint[key_field]
                    for product in complaint.product_ids}
        if not clusters:
            return
        products = self.env['product.product'].union(*(product for product, _key in clusters))
        keys = self.env[complaints[key_field]._name].union(*(key for _product, key in clusters))
        actions = self.search([
            ('company_id', '=', company.id), ('origin', '=', 'recurrence'),
            ('state', 'in', CORRECTIVE_ACTION_JOINABLE_STATES),
            ('cluster_product_id', 'in', products.ids), (key_field, 'in', keys.ids)])
        since = fields.Datetime.now() - timedelta(days=company.complaint_recurrence_days)
        recent = self.env['customer.complaint'].sudo().search([
            ('company_id', '=', company.id), ('state', '!=', 'cancelled'), ('date_received', '>=', since),
            ('product_ids', 'in', products.ids), (key_field, 'in', keys.ids)])
        for product, key in sorted(clusters, key=lambda cluster: (cluster[0].id, cluster[1].id)):
            members = recent.filtered(lambda c: product in c.product_ids and c[key_field] == key)
            action = actions.filtered(lambda a: a.cluster_product_id == product and a[key_field] == key)[:1]
            if action:
                action._join_cluster(complaints.filtered(lambda c: product in c.product_ids and c[key_field] == key))
                continue
            addressed = members.corrective_action_ids.filtered(
                lambda a: a.origin == 'recurrence' and a.cluster_product_id == product and a[key_field] == key)
            unaddressed = members.filtered(lambda c: not (c.corrective_action_ids & addressed))
            if len(unaddressed) >= company.complaint_recurrence_count:
                actions |= self._create_for_cluster(company, product, key_field, key, unaddressed)

    def _join_cluster(self, complaints):
        self.ensure_one()
        joining = complaints - self.complaint_ids
        if not joining:
            return
        self.complaint_ids = [Command.link(complaint.id) for complaint in joining]
        self.message_post(body=Markup("%s %s") % (
            self.env._("Recurring complaints joined this action:"),
            Markup(", ").join(complaint._get_html_link() for complaint in joining)), subtype_xmlid='mail.mt_note')
        joining._message_log_batch(bodies={complaint.id: self._recurrence_note() for complaint in joining})

    @api.model
    def _create_for_cluster(self, company, product, key_field, key, complaints):
        category = complaints.category_id[:1] if key_field == 'root_cause_id' else key
        owner = category.default_team_id.leader_id or complaints.team_id.leader_id[:1]
        action = self._process_create({
            'title': self.env._("Recurring: %(product)s - %(cause)s", product=product.display_name,
                                cause=key.display_name),
            'company_id': company.id,
            'origin': 'recurrence',
            'cluster_product_id': product.id,
            'product_ids': [Command.set(product.ids)],
            'lot_ids': [Command.set(complaints.lot_ids.filtered(lambda lot: lot.product_id == product).ids)],
            'category_id': category.id,
            'root_cause_id': key.id if key_field == 'root_cause_id' else False,
            'user_id': owner.id,
            'complaint_ids': [Command.set(complaints.ids)],
        })
        if key_field == 'root_cause_id':
            why = self.env._(
                "Proposed after %(count)s complaints about %(product)s with the root cause %(cause)s within %(days)s days:",
                count=len(complaints), product=product.display_name, cause=key.display_name,
                days=company.complaint_recurrence_days)
        else:
            why = self.env._(
                "Proposed after %(count)s complaints about %(product)s in the category %(category)s within "
                "%(days)s days:", count=len(complaints), product=product.display_name, category=key.display_name,
                days=company.complaint_recurrence_days)
        action.message_post(
            body=Markup("%s %s") % (why, Markup(", ").join(complaint._get_html_link() for complaint in complaints)),
            subtype_xmlid='mail.mt_note')
        complaints._message_log_batch(bodies={complaint.id: action._recurrence_note() for complaint in complaints})
        return action

    def _recurrence_note(self):
        self.ensure_one()
        return Markup("%s %s") % (self.env._("Recurring complaint, followed by corrective action"),
                                  self._get_html_link())
