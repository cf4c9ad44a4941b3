from datetime import timedelta
from operator import methodcaller

from markupsafe import Markup
from psycopg2.errors import SerializationFailure
from pytz import utc

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, mute_logger
from odoo.tools.date_utils import localized

# Days of the calendar read at once to plan deadlines; longer deadlines fall back to plan_hours().
PLANNING_WINDOW_DAYS = 45
# Times a cron starts a batch again after another worker escalated some of its cases first.
MAX_CLAIM_CONFLICTS = 3


def _no_commit(processed=0, *, remaining=None, deactivate=False):
    """Progress of an escalation run outside a cron (demo data, tests): nothing to commit."""
    return float('inf')


class CustomerCaseMixin(models.AbstractModel):
    """What complaint and return cases share: a reference from their company's own sequence,
    the customer and company taken from the sales order, the customer's documents checked,
    guarded states and rights, reasons logged in the chatter, deadlines planned in working
    hours, and the actions that list the documents of a case."""
    _name = 'customer.case.mixin'
    _inherit = ['customer.process.mixin']
    _description = "Customer Case"

    # Set by each case model: the code of its sequences, the prefix of its references and
    # the action listing its cases.
    _case_sequence_code = None
    _case_sequence_prefix = None
    _case_action_xmlid = None

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, index='trigram',
        default=lambda self: self.env._("New"))
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        'res.company', required=True, index=True, default=lambda self: self.env.company)
    partner_id = fields.Many2one(
        'res.partner', string="Customer", required=True, index=True, tracking=True, check_company=True)
    commercial_partner_id = fields.Many2one(
        related='partner_id.commercial_partner_id', string="Customer Company", store=True, index=True,
        precompute=True)
    sale_order_id = fields.Many2one(
        'sale.order', string="Sales Order", index='btree_not_null', tracking=True, check_company=True,
        domain="[('partner_id', 'child_of', commercial_partner_id), ('state', '=', 'sale')]")

    @api.model_create_multi
    def create(self, vals_list):
        self._prepare_case_vals(vals_list)
        return super().create(vals_list)

    @api.model
    def _prepare_case_vals(self, vals_list):
        """Complete ``vals_list`` in place: customer and company of the sales order, and a reference."""
        orders = self.env['sale.order'].browse(
            [vals['sale_order_id'] for vals in vals_list if vals.get('sale_order_id')])
        sequences = {}
        for vals in vals_list:
            order = orders.browse(vals.get('sale_order_id'))
            if order:
                vals.setdefault('partner_id', order.partner_id.id)
                vals.setdefault('company_id', order.company_id.id)
            if vals.get('name', self.env._("New")) == self.env._("New"):
                company = self.env['res.company'].browse(vals.get('company_id')) or self.env.company
                if company not in sequences:
                    sequences[company] = self._get_reference_sequence(company)
                vals['name'] = sequences[company].next_by_id()

    @api.model
    def _get_reference_sequence(self, company):
        """The company's own sequence of references, created the first time."""
        sequences = self.env['ir.sequence'].sudo()
        sequence = sequences.search(
            [('code', '=', self._case_sequence_code), ('company_id', '=', company.id)], limit=1)
        return sequence or sequences.create(self._prepare_reference_sequence_vals(company))

    @api.model
    def _prepare_reference_sequence_vals(self, company):
        return {
            'name': self._get_reference_sequence_name(company),
            'code': self._case_sequence_code,
            'company_id': company.id,
            'prefix': self._case_sequence_prefix,
            'padding': 5,
        }

    @api.model
    def _get_reference_sequence_name(self, company):
        raise NotImplementedError()

    # ------------------------------------------------------------------
    # The customer's documents
    # ------------------------------------------------------------------
    @api.model
    def _document_customers(self, document):
        """Commercial entities a document of the host (order, order line, transfer, invoice) or a
        case belongs to; a transfer also belongs to the customer of its sales order."""
        if document._name == 'sale.order.line':
            return document.order_id.partner_id.commercial_partner_id
        if document._name == 'stock.picking':
            return document.partner_id.commercial_partner_id | document.sale_id.partner_id.commercial_partner_id
        if document._name in ('account.move', 'customer.complaint', 'customer.return'):
            return document.commercial_partner_id
        return document.partner_id.commercial_partner_id

    def _check_documents_customer(self, *documents):
        """Refuse the records of ``documents`` (recordsets of any model) that are not this
        case's customer's."""
        self.ensure_one()
        customer = self.commercial_partner_id
        foreign = [document for records in documents for document in records
                   if customer not in self._document_customers(document)]
        if foreign:
            raise ValidationError(self.env._(
                "%(documents)s: not a document of %(customer)s.",
                documents=", ".join(document.display_name for document in foreign), customer=customer.display_name))

    # ------------------------------------------------------------------
    # Guards
    # ------------------------------------------------------------------
    def _ensure_group(self, groups, action_label):
        """Refuse ``action_label`` to users in none of ``groups`` (xml ids)."""
        if not any(self.env.user.has_group(group) for group in groups):
            raise AccessError(self.env._(
                "You are not allowed to do this: %(action)s.", action=action_label))

    def _ensure_state(self, allowed, action_label):
        wrong = self.filtered(lambda case: case.state not in allowed)
        if wrong:
            states = dict(self._fields['state']._description_selection(self.env))
            raise UserError(self.env._(
                "%(action)s is not possible for %(names)s in status %(state)s.",
                action=action_label, names=", ".join(wrong.mapped('name')),
                state=", ".join(sorted({str(states[s]) for s in wrong.mapped('state')}))))

    def _check_reason(self, reason):
        reason = (reason or '').strip()
        if not reason:
            raise UserError(self.env._("Give a reason."))
        return reason

    def _log_reason(self, title, reason):
        body = Markup("<strong>%s</strong><br/>%s") % (title, reason)
        for case in self:
            case.message_post(body=body, subtype_xmlid='mail.mt_note')

    @api.model
    def _search_boolean(self, operator, value, domain):
        """The search of a computed boolean that is true exactly on ``domain``."""
        if operator not in ('in', 'not in'):
            return NotImplemented
        wanted = (operator == 'in') == (True in value)
        return domain if wanted else ~domain

    # ------------------------------------------------------------------
    # Deadlines in working hours
    # ------------------------------------------------------------------
    @api.model
    def _plan_working_hours(self, calendar, requests):
        """For each (start, hours) of ``requests``, the moment ``hours`` working hours of
        ``calendar`` after ``start`` (naive UTC datetimes; False when there is nothing to plan).

        The calendar's work intervals (leaves deducted) are read once for the whole batch.
        """
        planned = [False] * len(requests)
        todo = [(index, start, hours) for index, (start, hours) in enumerate(requests) if start and hours > 0]
        if not todo:
            return planned
        if not calendar:
            for index, start, hours in todo:
                planned[index] = start + timedelta(hours=hours)
            return planned
        starts = [start for _index, start, _hours in todo]
        intervals = self._read_work_intervals(calendar, min(starts), max(starts))
        for index, start, hours in todo:
            planned[index] = self._plan_in_intervals(calendar, intervals, start, hours)
        return planned

    @api.model
    def _read_work_intervals(self, calendar, first, last):
        """Work intervals of ``calendar`` (aware (begin, end) pairs, leaves deducted) from
        ``first`` to well after ``last`` (naive UTC datetimes), read at once."""
        window = (localized(first), localized(last) + timedelta(days=PLANNING_WINDOW_DAYS))
        return [(begin, stop) for begin, stop, _meta in calendar._work_intervals_batch(*window)[False]]

    @api.model
    def _plan_in_intervals(self, calendar, intervals, start, hours):
        """The moment (naive UTC) ``hours`` working hours after ``start``, walking ``intervals``
        read by ``_read_work_intervals``; beyond them, as the calendar plans it."""
        moment = self._consume_working_hours(intervals, localized(start), hours) \
            or calendar.plan_hours(hours, start, compute_leaves=True)  # beyond the window
        if moment and moment.tzinfo:
            moment = moment.astimezone(utc).replace(tzinfo=None)
        return moment

    @api.model
    def _consume_working_hours(self, intervals, start, hours):
        """Walk the sorted work ``intervals`` from ``start`` until ``hours`` are used up."""
        for begin, stop in intervals:
            if stop <= start:
                continue
            begin = max(begin, start)
            available = (stop - begin).total_seconds() / 3600
            if hours <= available:
                return begin + timedelta(hours=hours)
            hours -= available
        return None

    # ------------------------------------------------------------------
    # Documents of a case
    # ------------------------------------------------------------------
    @api.model
    def _count_per_document(self, field_name, documents):
        """Number of cases of each of ``documents``, linked to them through ``field_name``."""
        return dict(self._read_group([(field_name, 'in', documents.ids)], [field_name], ['__count']))

    @api.model
    def _action_view_records(self, records, xmlid):
        """The action ``xmlid`` on ``records``: their form when there is one."""
        action = self.env['ir.actions.act_window']._for_xml_id(xmlid)
        action['context'] = {'create': False}
        if len(records) == 1:
            action.update(views=[(False, 'form')], res_id=records.id)
        else:
            action['domain'] = [('id', 'in', records.ids)]
        return action

    def action_view_sale_order(self):
        self.ensure_one()
        return self.sale_order_id.get_formview_action()

    @api.model
    def _action_for_documents(self, domain, defaults):
        """Cases matching ``domain``; a new one gets ``defaults`` (field name -> value)."""
        action = self.env['ir.actions.act_window']._for_xml_id(self._case_action_xmlid)
        action['domain'] = domain
        action['context'] = {f'default_{key}': value for key, value in defaults.items()}
        return action

    @api.model
    def _action_new_for(self, defaults, title):
        """Form of a new case titled ``title``, prefilled with ``defaults`` (field name -> value)."""
        return {
            'type': 'ir.actions.act_window',
            'name': title,
            'res_model': self._name,
            'view_mode': 'form',
            'views': [(False, 'form')],
            'target': 'current',
            'context': {f'default_{key}': value for key, value in defaults.items()},
        }

    # ------------------------------------------------------------------
    # Follow-up: escalation of overdue cases
    # ------------------------------------------------------------------
    @api.model
    def _run_escalations(self, steps, batch_size, commit_progress=None):
        """Run the escalation ``steps``, in their order: for each (key, pending SQL, mark SQL,
        marked fields), claim the pending cases batch after batch (``_claim_for_escalation``) and
        hand each batch to ``cases._escalate(key)``; then remove the escalation activities of the
        cases no longer late (``_unlink_settled_escalations``). Each batch is committed with
        ``commit_progress`` (``ir.cron._commit_progress`` in a cron; nothing outside one)."""
        committing = commit_progress is not None
        commit_progress = commit_progress or _no_commit
        # Whatever the pending conditions read (cases, credit notes...) is in the database.
        self.env.flush_all()
        remaining = sum(self.env.execute_query(SQL(
            "SELECT COUNT(*) FROM %s WHERE active AND %s", SQL.identifier(self._table), pending))[0][0]
            for _key, pending, _mark, _fields in steps)
        commit_progress(remaining=remaining)
        for key, pending, mark, marked_fields in steps:
            escalate = methodcaller('_escalate', key)
            conflicts = 0
            while True:
                if not committing:
                    # Outside a cron the caller's transaction is left whole: a conflict with another
                    # worker raises, and Odoo runs the request again, as for any concurrent update.
                    cases = self._claim_for_escalation(pending, mark, marked_fields, batch_size)
                elif (cases := self._claim_in_savepoint(pending, mark, marked_fields, batch_size)) is None:
                    # Another worker escalated some of these cases since this transaction began: the
                    # cron commits what it did and starts again on what is left.
                    conflicts += 1
                    if conflicts > MAX_CLAIM_CONFLICTS:
                        break
                    commit_progress()
                    continue
                if not cases:
                    break
                escalate(cases)
                if not commit_progress(len(cases)):
                    return
        self._unlink_settled_escalations()
        commit_progress()

    @api.model
    def _claim_for_escalation(self, pending, mark, marked_fields, limit):
        """Mark at most ``limit`` active cases matching ``pending`` (SQL on this model's table) with
        ``mark`` (SQL assignments), and return them.

        The rows are claimed in one statement that skips the rows another worker holds: two runs at
        the same time never escalate a case twice, and a later run finds nothing left to do.
        ``pending`` must no longer match a marked case.
        """
        self.flush_model()
        table = SQL.identifier(self._table)
        rows = self.env.execute_query(SQL(
            "UPDATE %(table)s SET %(mark)s WHERE id IN ("
            " SELECT id FROM %(table)s WHERE active AND %(pending)s ORDER BY id LIMIT %(limit)s"
            " FOR UPDATE SKIP LOCKED) RETURNING id",
            table=table, mark=mark, pending=pending, limit=limit))
        cases = self.browse(sorted(case_id for [case_id] in rows))
        cases.invalidate_recordset(marked_fields)
        return cases

    @api.model
    def _claim_in_savepoint(self, pending, mark, marked_fields, limit):
        """``_claim_for_escalation`` that undoes only itself when another worker changed some of
        the rows since this transaction began, and then returns ``None``."""
        try:
            with self.env.cr.savepoint(), mute_logger('odoo.sql_db'):
                return self._claim_for_escalation(pending, mark, marked_fields, limit)
        except SerializationFailure:
            return None

    @api.model
    def _escalation_users(self, group_xmlid, companies):
        """Active internal users of ``group_xmlid`` (implied groups count), per company of ``companies``."""
        group = self.env.ref(group_xmlid, raise_if_not_found=False)
        if not group or not companies:
            return {}
        users = self.env['res.users'].sudo().search([
            ('all_group_ids', 'in', group.ids), ('share', '=', False), ('company_ids', 'in', companies.ids)])
        return {company: users.filtered(lambda user: company in user.company_ids) for company in companies}

    def _escalate_to(self, users_per_case, summary, notes, activity_type_xmlid):
        """Escalate these cases: an activity ``summary`` for each user of ``users_per_case``
        ({case: res.users}), who also follows the case from then on, and the note of ``notes``
        ({case: html}) in each chatter. Activities and notes are created in batches, so the cost
        does not grow with the number of cases; assignees find the activity in their to-do list
        (no e-mail per activity: a batch may hold hundreds)."""
        activity_type = self.env.ref(activity_type_xmlid)
        model_id = self.env['ir.model']._get_id(self._name)
        today = fields.Date.context_today(self)
        self.env['mail.activity'].sudo().with_context(mail_activity_quick_update=True).create([{
            'activity_type_id': activity_type.id,
            'res_model_id': model_id,
            'res_id': case.id,
            'user_id': user.id,
            'summary': summary,
            'date_deadline': today,
            'automated': True,
        } for case in self for user in users_per_case.get(case, ())])
        self._message_log_batch(bodies={case.id: notes[case] for case in self})

    def _unlink_escalation_activities(self, activity_type_xmlid):
        """Remove the escalation activities of these cases: what was escalated is done."""
        activity_type = self.env.ref(activity_type_xmlid)
        self.sudo().activity_ids.filtered(lambda activity: activity.activity_type_id == activity_type).unlink()

    @api.model
    def _escalation_note(self, title, users, reason):
        """Chatter note of an escalation: who it went to and why."""
        return Markup("<strong>%s</strong><br/>%s<br/>%s") % (
            title, reason,
            self.env._("Escalated to: %(users)s.", users=", ".join(users.mapped('name')) or self.env._("nobody")))
