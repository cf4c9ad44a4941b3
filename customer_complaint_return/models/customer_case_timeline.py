"""One timeline of a case and its documents: the complaint, its returns, their receipts, deliveries,
credit notes and payments, corrective actions, compensations and ratings, in time order.

Nothing is stored: every display reads the events from the documents themselves, with a fixed
number of queries whatever their number (one read per model, one query for the tracked moments).
"""
from datetime import datetime, time

from markupsafe import Markup

from odoo import api, models
from odoo.tools import SQL, format_amount, format_datetime, formatLang

# Two events at the same moment are shown in the order a case goes through them.
KINDS = (
    'received', 'routed', 'started', 'first_response', 'escalated',
    'return_requested', 'return_approved', 'return_rejected', 'return_cancelled',
    'receipt_done', 'inspected', 'delivery_done', 'repair_created',
    'credit_note_posted', 'invoice_posted', 'store_credit', 'paid', 'return_done',
    'compensation', 'corrective_opened', 'corrective_done', 'corrective_verified',
    'resolved', 'closed', 'cancelled', 'rating',
)
KIND_RANK = {kind: rank for rank, kind in enumerate(KINDS)}
# What the customer sees on the portal: no escalations, no internal quality work, no one's name.
PORTAL_KINDS = frozenset(KINDS) - {'escalated', 'corrective_opened', 'corrective_done', 'corrective_verified'}
# The customer's documents that have a portal page of their own.
PORTAL_MODELS = frozenset({'customer.complaint', 'customer.return', 'account.move'})


class CustomerCaseTimeline(models.AbstractModel):
    _name = 'customer.case.timeline'
    _description = "Case Timeline"

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------
    @api.model
    def _get_events(self, case, portal=False, can_link=True):
        """The events of the case ``case`` (a complaint or a return) belongs to, oldest first:
        dicts {date, kind, title, description, res_model, res_id, name, url}. Internal users get
        links to the documents they may read; the portal (``portal``) gets the customer's events
        only, linked to their portal pages when ``can_link``."""
        case.ensure_one()
        case.check_access('read')  # the documents are read as superuser below
        complaint, returns = self._get_case_records(case.sudo())
        notes = returns.credit_note_ids.filtered(lambda move: move.state == 'posted')
        moments = self._read_tracked_moments([complaint, returns, notes])
        events = (
            self._complaint_events(complaint, moments, portal)
            + self._return_events(returns, moments, portal)
            + self._move_events(notes, moments, portal)
            + self._corrective_action_events(complaint.corrective_action_ids | returns.corrective_action_ids, portal)
            + self._compensation_events(complaint, portal)
            + self._rating_events(complaint, portal)
        )
        if portal:
            events = [event for event in events if event['kind'] in PORTAL_KINDS]
        events = [event for event in events if event['date']]
        events.sort(key=lambda event: (event['date'], KIND_RANK[event['kind']], event['res_id']))
        self._set_urls(events, portal, can_link)
        return events

    @api.model
    def _render_html(self, events):
        """The back-office rendering of ``events``: a list, each line a moment, a title, its document."""
        if not events:
            return Markup('<p class="text-muted">%s</p>') % self.env._("Nothing happened yet.")
        items = Markup().join(self._render_event(event) for event in events)
        return Markup('<ul class="list-unstyled mb-0 o_ccr_timeline">%s</ul>') % items

    @api.model
    def _render_event(self, event):
        document = event['name'] or ''
        if event['url'] and document:
            document = Markup('<a href="%s">%s</a>') % (event['url'], document)
        description = Markup('<div class="text-muted small">%s</div>') % event['description'] \
            if event['description'] else ''
        return Markup(
            '<li class="d-flex gap-3 mb-2 o_ccr_timeline_event" data-kind="%s">'
            '<span class="text-muted text-nowrap">%s</span>'
            '<div><strong>%s</strong> %s%s</div></li>'
        ) % (event['kind'], self._format_moment(event['date']), event['title'], document, description)

    @api.model
    def _format_moment(self, moment):
        return format_datetime(self.env, moment, dt_format='short')

    # ------------------------------------------------------------------
    # Reading the documents
    # ------------------------------------------------------------------
    @api.model
    def _get_case_records(self, case):
        """The complaint (maybe empty) and every return of the case, archived ones included."""
        complaint = case if case._name == 'customer.complaint' else case.complaint_id
        returns = case if case._name == 'customer.return' else self.env['customer.return'].sudo()
        if complaint:
            returns |= self.env['customer.return'].sudo().with_context(active_test=False).search(
                [('complaint_id', '=', complaint.id)])
        return complaint, returns

    @api.model
    def _read_tracked_moments(self, recordsets):
        """{(model, id, field): moment of its last change} from the chatter's tracking, for the
        moments no field records: cancellations and rejections, credit notes posted and paid."""
        targets = [(record._name, record.id) for records in recordsets for record in records]
        if not targets:
            return {}
        self.env.flush_all()
        rows = self.env.execute_query(SQL(
            """SELECT message.model, message.res_id, field.name, MAX(message.date)
                 FROM mail_tracking_value tracking
                 JOIN mail_message message ON message.id = tracking.mail_message_id
                 JOIN ir_model_fields field ON field.id = tracking.field_id
                WHERE (message.model, message.res_id) IN %s AND field.name IN ('state', 'payment_state')
             GROUP BY message.model, message.res_id, field.name""",
            tuple(targets)))
        return {(model, res_id, fname): moment for model, res_id, fname, moment in rows}

    @api.model
    def _event(self, kind, moment, record, title, description=''):
        if moment and not isinstance(moment, datetime):  # a day: its beginning
            moment = datetime.combine(moment, time.min)
        return {
            'date': moment, 'kind': kind, 'title': title, 'description': description,
            'res_model': record._name, 'res_id': record.id, 'name': record.display_name if record else '',
            'url': False,
        }

    # ------------------------------------------------------------------
    # Events of each document
    # ------------------------------------------------------------------
    @api.model
    def _complaint_events(self, complaint, moments, portal):
        if not complaint:
            return []
        _ = self.env._
        routed = '' if portal else ", ".join(
            name for name in (complaint.team_id.name, complaint.user_id.name) if name)
        events = [
            self._event('received', complaint.date_received, complaint, _("Complaint received"),
                        dict(complaint._fields['channel']._description_selection(self.env)).get(complaint.channel)),
            self._event('routed', complaint.date_assigned, complaint, _("Assigned"), routed),
            self._event('started', complaint.date_started, complaint, _("Handling started")),
            self._event('first_response', complaint.date_first_response, complaint, _("First answer to the customer")),
            self._event('escalated', complaint.date_escalated, complaint, _("Escalated"),
                        _("Level %(level)s", level=complaint.escalation_level)),
            self._event('resolved', complaint.date_resolved, complaint, _("Complaint resolved")),
            self._event('closed', complaint.date_closed, complaint, _("Complaint closed")),
        ]
        if complaint.state == 'cancelled':
            events.append(self._event(
                'cancelled', moments.get((complaint._name, complaint.id, 'state')), complaint,
                _("Complaint cancelled"), '' if portal else complaint.cancel_reason or ''))
        return events

    @api.model
    def _return_events(self, returns, moments, portal):
        events = []
        for case in returns:
            events += self._return_decision_events(case, moments, portal)
            events += self._return_goods_events(case, portal)
        return events

    @api.model
    def _return_requested_moment(self, case):
        """The request's day, at the moment it was recorded when that was the same day."""
        if case.date_submitted and case.date_submitted.date() == case.date_request:
            return case.date_submitted
        if case.create_date and case.create_date.date() == case.date_request:
            return case.create_date
        return case.date_request

    @api.model
    def _return_decision_events(self, case, moments, portal):
        _ = self.env._
        approver = '' if portal or not case.approved_user_id else _("By %(user)s", user=case.approved_user_id.name)
        events = [
            self._event('return_requested', self._return_requested_moment(case), case, _("Return requested"),
                        case.reason_id.name or ''),
            self._event('return_approved', case.date_approved, case,
                        _("Taken back by the warehouse") if case.is_warehouse_return else _("Return approved"),
                        approver),
            self._event('return_done', case.date_done, case, _("Return completed")),
        ]
        if not portal:
            escalations = [
                (case.date_review_escalated, _("Review escalated")),
                (case.date_settle_escalated, _("Settlement escalated")),
                (case.date_payment_escalated, _("Refund payment escalated")),
            ]
            for date, label in escalations:
                events.append(self._event('escalated', date, case, label))
        if case.state == 'rejected':
            events.append(self._event('return_rejected', moments.get((case._name, case.id, 'state')), case,
                                      _("Return rejected"), case.reject_reason or ''))
        elif case.state == 'cancelled':
            events.append(self._event('return_cancelled', moments.get((case._name, case.id, 'state')), case,
                                      _("Return cancelled"), '' if portal else case.cancel_reason or ''))
        return events

    @api.model
    def _return_goods_events(self, case, portal):
        _ = self.env._
        events = []
        for picking in case.all_picking_ids.filtered(lambda picking: picking.state == 'done'):
            if picking.picking_type_code == 'incoming':
                events.append(self._event('receipt_done', picking.date_done, picking, _("Goods received")))
            else:
                events.append(self._event('delivery_done', picking.date_done, picking, _("Goods sent to the customer")))
        inspection = self._inspection_event(case)
        if inspection:
            events.append(inspection)
        for repair in case.repair_order_ids:
            events.append(self._event('repair_created', repair.create_date, repair, _("Repair order created")))
        for card in case.store_credit_card_ids:
            events.append(self._event('store_credit', card.create_date, card, _("Store credit issued"),
                                      card.points_display or ''))
        return events

    @api.model
    def _inspection_event(self, case):
        """The inspection is recorded on the return's lines against the receipts: it is shown at
        the moment of the last receipt of the inspected goods."""
        inspected = case.line_ids.filtered(lambda line: line.condition_found or line.qty_rejected)
        receipts = inspected.move_ids.filtered(
            lambda move: move.state == 'done' and move.picking_code == 'incoming').picking_id
        if not inspected or not receipts:
            return None
        details = "; ".join(
            self.env._("%(product)s: %(accepted)s accepted, %(rejected)s rejected",
                       product=line.product_id.display_name, accepted=formatLang(self.env, line.qty_accepted),
                       rejected=formatLang(self.env, line.qty_rejected))
            for line in inspected)
        return self._event('inspected', max(receipts.mapped('date_done')), case, self.env._("Goods inspected"),
                           details)

    @api.model
    def _move_events(self, moves, moments, portal):
        """Credit notes (and exchange invoices) posted, and paid, at the moments their chatter recorded."""
        _ = self.env._
        events = []
        for move in moves:
            amount = format_amount(self.env, move.amount_total, move.currency_id)
            # A credit note made and posted in one step has no tracked posting: it was posted as it was made.
            posted = moments.get((move._name, move.id, 'state')) or move.create_date
            if move.move_type == 'out_refund':
                events.append(self._event('credit_note_posted', posted, move, _("Credit note posted"), amount))
            else:
                events.append(self._event('invoice_posted', posted, move, _("Exchange invoice posted"), amount))
            if move.payment_state in ('paid', 'in_payment'):
                paid = moments.get((move._name, move.id, 'payment_state')) or posted
                events.append(self._event(
                    'paid', paid, move, _("Refund paid") if move.move_type == 'out_refund' else _("Invoice paid"),
                    amount))
        return events

    @api.model
    def _corrective_action_events(self, actions, portal):
        if portal:
            return []
        _ = self.env._
        results = dict(actions._fields['verification_result']._description_selection(self.env))
        events = []
        for action in actions:
            events += [
                self._event('corrective_opened', action.create_date, action, _("Corrective action opened"),
                            action.title),
                self._event('corrective_done', action.date_done, action, _("Corrective action carried out")),
                self._event('corrective_verified', action.date_verified, action, _("Corrective action verified"),
                            results.get(action.verification_result, '')),
            ]
        return events

    @api.model
    def _compensation_events(self, complaint, portal):
        if not complaint:
            return []
        return [
            self._event('compensation', compensation.date_issued, compensation, self.env._("Compensation issued"),
                        format_amount(self.env, compensation.amount, compensation.currency_id))
            for compensation in complaint.compensation_ids.filtered(lambda c: c.state == 'issued')
        ]

    @api.model
    def _rating_events(self, complaint, portal):
        if not complaint:
            return []
        ratings = self.env['rating.rating'].sudo().search([
            ('res_model', '=', complaint._name), ('res_id', '=', complaint.id), ('consumed', '=', True)])
        texts = dict(ratings._fields['rating_text']._description_selection(self.env))
        return [
            self._event('rating', rating.write_date, rating, self.env._("Customer rating"),
                        self.env._("%(value)s/5 (%(text)s)", value=formatLang(self.env, rating.rating, digits=0),
                                   text=texts.get(rating.rating_text, '')))
            for rating in ratings
        ]

    # ------------------------------------------------------------------
    # Links
    # ------------------------------------------------------------------
    @api.model
    def _set_urls(self, events, portal, can_link):
        """Internal users: a link to each document they may read (the others: the fact only, unnamed).
        Portal: links to the customer's own portal pages only, for the logged-in customer."""
        if portal:
            if can_link:
                self._set_portal_urls(events)
            return
        ids_by_model = {}
        for event in events:
            ids_by_model.setdefault(event['res_model'], set()).add(event['res_id'])
        readable = {
            (model, record_id)
            for model, ids in ids_by_model.items()
            for record_id in self.env[model].browse(ids)._filtered_access('read').ids
        }
        for event in events:
            if (event['res_model'], event['res_id']) in readable:
                event['url'] = f"/odoo/{event['res_model']}/{event['res_id']}"
            else:  # the fact stays (the case's own fields tell it too), not what the document says
                event.update(name='', description='')

    @api.model
    def _set_portal_urls(self, events):
        for event in events:
            if event['res_model'] not in PORTAL_MODELS:
                continue
            record = self.env[event['res_model']].sudo().browse(event['res_id'])
            # the customer's invoices open with their own token, as on the case's documents
            event['url'] = record.get_portal_url() if record._name == 'account.move' else record.access_url
