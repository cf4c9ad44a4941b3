"""Related and duplicate cases at intake: the open and recent complaints of the same customer, order,
product or lot, and those of any customer with a similar text (PostgreSQL trigrams), ranked; and
the merge of duplicates into the case that is kept."""
import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.customer_complaint_return.const import COMPLAINT_OPEN_STATES, GROUP_MANAGER, GROUP_USER

_logger = logging.getLogger(__name__)

# Cases received this many days before a complaint count as recent; open cases count whatever their age.
RELATED_RECENT_DAYS = 90
# Related cases kept per complaint and per kind of match (customer, order, product, lot, text).
RELATED_BRANCH_LIMIT = 50
# Latest cases read per customer, order, product or lot: a bound on the rows one check reads, whatever
# the size of the table (the index on the key gives them in order).
RELATED_SCAN_LIMIT = 200
# Cases of the company received around a complaint whose texts are compared (half before, half after).
# Measured at a million complaints: pg_trgm's GIN index answers "%" in 2.3 s on texts made of common
# words, while 500 texts compared one by one take 3.4 ms; the window keeps the check bounded.
RELATED_TEXT_WINDOW = 1000
RELATED_TEXT_WINDOW_PARAM = 'customer_complaint_return.related_text_window'
# Related cases shown on a complaint.
RELATED_LIMIT = 10
# pg_trgm's similarity() from which two texts count as similar (the default threshold of its % operator).
RELATED_MIN_SIMILARITY = 0.3
# Characters of the description compared: the start says what happened; long texts only dilute it.
RELATED_TEXT_CHARS = 100
# Weights of the ranking: a shared order or lot says more than a shared product or customer.
RELATED_WEIGHTS = {'order': 4.0, 'lot': 3.0, 'customer': 2.0, 'product': 1.0, 'text': 5.0}


def related_text_sql(alias):
    """The text of a complaint compared by trigrams: its subject and the start of its description
    without markup (cut before the markup is removed, so that long descriptions cost no more)."""
    return SQL(
        "(COALESCE(%(subject)s, '') || ' ' || LEFT(REGEXP_REPLACE(LEFT(COALESCE(%(description)s, ''), %(raw)s),"
        " '<[^>]*>', ' ', 'g'), %(chars)s))",
        subject=SQL.identifier(alias, 'subject'), description=SQL.identifier(alias, 'description'),
        raw=SQL(str(RELATED_TEXT_CHARS * 2)), chars=SQL(str(RELATED_TEXT_CHARS)))


class CustomerComplaint(models.Model):
    _inherit = 'customer.complaint'

    merged_into_id = fields.Many2one(
        'customer.complaint', string="Merged Into", readonly=True, copy=False, index='btree_not_null',
        check_company=True, help="The case this duplicate was merged into; it was cancelled then.")
    merged_ids = fields.One2many('customer.complaint', 'merged_into_id', string="Merged Cases")
    intake_related_count = fields.Integer(
        string="Related Open Cases at Intake", readonly=True, copy=False,
        groups='customer_complaint_return.group_complaint_user',
        help="Open cases related to this one (same customer, order, product, lot or a similar text) when it "
             "was received.")
    related_complaint_ids = fields.Many2many(
        'customer.complaint', compute='_compute_related_complaints', string="Related Cases",
        groups='customer_complaint_return.group_complaint_user')
    related_count = fields.Integer(
        string="Number of Related Cases", compute='_compute_related_complaints',
        groups='customer_complaint_return.group_complaint_user')
    similar_open_count = fields.Integer(
        string="Similar Open Cases", compute='_compute_related_complaints',
        groups='customer_complaint_return.group_complaint_user',
        help="Open cases of any customer with a similar text, or of the same order or lot.")

    # The latest cases of a customer, read backwards from this index (see _related_cases_sql).
    _commercial_partner_date_received_idx = models.Index('(commercial_partner_id, date_received)')

    # ------------------------------------------------------------------
    # Text similarity needs pg_trgm
    # ------------------------------------------------------------------
    def _auto_init(self):
        result = super()._auto_init()
        self._check_related_text_support()
        return result

    def _check_related_text_support(self):
        if not self._related_uses_trigram():
            _logger.warning(
                "PostgreSQL extension pg_trgm is missing: related complaints are found by customer, order, "
                "product and lot only, not by similar texts.")

    @api.model
    def _related_uses_trigram(self):
        return bool(self.env.registry.has_trigram)

    @api.model
    def _get_process_fields(self):
        # The merge sets these; nobody writes them by hand (nor over RPC).
        return super()._get_process_fields() | {'merged_into_id', 'intake_related_count'}

    # ------------------------------------------------------------------
    # Finding related cases: one query for a batch of complaints
    # ------------------------------------------------------------------
    def _related_candidate_sql(self, latest):
        """The cases among ``latest`` (SQL of the latest cases sharing a key with the complaint ``b``
        of the batch, at most ``RELATED_SCAN_LIMIT``) of its company, not cancelled, open or recent."""
        return SQL(
            """SELECT o.id FROM (%(latest)s) o
                WHERE o.company_id = b.company_id AND o.id != b.id AND o.state != 'cancelled'
                  AND (o.state IN %(open)s OR o.date_received >= b.date_received - %(days)s * INTERVAL '1 day')
             ORDER BY o.date_received DESC, o.id DESC LIMIT %(limit)s""",
            latest=latest, open=COMPLAINT_OPEN_STATES, days=RELATED_RECENT_DAYS, limit=RELATED_BRANCH_LIMIT)

    def _related_latest_sql(self, condition):
        return SQL(
            "SELECT o.id, o.company_id, o.state, o.date_received FROM customer_complaint o WHERE %s"
            " ORDER BY o.date_received DESC LIMIT %s", condition, RELATED_SCAN_LIMIT)

    def _related_latest_linked_sql(self, table, column, alias):
        """The latest cases linked to the product or lot ``alias``.``column`` of the complaint (by id,
        which follows the order of creation: the relation's index gives them without a sort)."""
        return SQL(
            "SELECT o.id, o.company_id, o.state, o.date_received FROM customer_complaint o WHERE o.id IN ("
            "SELECT r.complaint_id FROM %(table)s r WHERE r.%(column)s = %(alias)s.%(column)s"
            " ORDER BY r.complaint_id DESC LIMIT %(limit)s)",
            table=SQL.identifier(table), column=SQL.identifier(column), alias=SQL.identifier(alias),
            limit=RELATED_SCAN_LIMIT)

    def _related_text_sql(self):
        """Cases of the company received around the complaint ``b`` (a window of the latest ones
        before it and the first ones after it, by the (company_id, date_received) index) whose text
        is similar to its own, by pg_trgm's similarity()."""
        half = max(int(self.env['ir.config_parameter'].sudo().get_param(
            RELATED_TEXT_WINDOW_PARAM, RELATED_TEXT_WINDOW)) // 2, 1)
        window = SQL(" UNION ALL ").join(
            SQL("""(SELECT o.id, o.state, o.subject, o.description FROM customer_complaint o
                     WHERE o.company_id = b.company_id AND o.id != b.id AND o.date_received %(cmp)s b.date_received
                       AND o.date_received %(bound_cmp)s b.date_received %(sign)s %(days)s * INTERVAL '1 day'
                  ORDER BY o.date_received %(direction)s LIMIT %(half)s)""",
                cmp=SQL(cmp), bound_cmp=SQL(bound_cmp), sign=SQL(sign), direction=SQL(direction),
                days=RELATED_RECENT_DAYS, half=half)
            for cmp, bound_cmp, sign, direction in (('<=', '>=', '-', 'DESC'), ('>', '<=', '+', 'ASC')))
        return SQL(
            """SELECT b.id, m.id, 'text', m.similarity FROM base b CROSS JOIN LATERAL (
                   SELECT w.id, w.similarity FROM (
                       SELECT o.id, o.state, similarity(%(text)s, b.text) AS similarity FROM (%(window)s) o) w
                    WHERE w.state != 'cancelled' AND w.similarity >= %(min)s
                 ORDER BY w.similarity DESC LIMIT %(limit)s) m
                WHERE length(b.text) >= 3""",
            text=related_text_sql('o'), window=window, min=RELATED_MIN_SIMILARITY, limit=RELATED_BRANCH_LIMIT)

    def _related_cases_sql(self):
        """SQL of the related cases of these complaints: (complaint, related case, reasons, similarity,
        score, whether the related case is open)."""
        branches = [
            SQL("SELECT b.id, m.id, 'customer', 0.0 FROM base b CROSS JOIN LATERAL (%s) m",
                self._related_candidate_sql(self._related_latest_sql(
                    SQL("o.commercial_partner_id = b.commercial_partner_id")))),
            SQL("SELECT b.id, m.id, 'order', 0.0 FROM base b CROSS JOIN LATERAL (%s) m"
                " WHERE b.sale_order_id IS NOT NULL",
                self._related_candidate_sql(self._related_latest_sql(SQL("o.sale_order_id = b.sale_order_id")))),
            SQL("""SELECT b.id, m.id, 'product', 0.0 FROM base b
                     JOIN customer_complaint_product_rel bp ON bp.complaint_id = b.id
                    CROSS JOIN LATERAL (%s) m""",
                self._related_candidate_sql(self._related_latest_linked_sql(
                    'customer_complaint_product_rel', 'product_id', 'bp'))),
            SQL("""SELECT b.id, m.id, 'lot', 0.0 FROM base b
                     JOIN customer_complaint_stock_lot_rel bl ON bl.complaint_id = b.id
                    CROSS JOIN LATERAL (%s) m""",
                self._related_candidate_sql(self._related_latest_linked_sql(
                    'customer_complaint_stock_lot_rel', 'lot_id', 'bl'))),
        ]
        if self._related_uses_trigram():
            branches.append(self._related_text_sql())
        weights = SQL(" + ").join(
            SQL("CASE WHEN %s = ANY(array_agg(h.reason)) THEN %s ELSE 0 END", reason, weight)
            for reason, weight in RELATED_WEIGHTS.items() if reason != 'text')
        return SQL(
            """WITH base AS (
                   SELECT c.id, c.company_id, c.commercial_partner_id, c.sale_order_id, c.date_received,
                          %(text)s AS text
                     FROM customer_complaint c WHERE c.id IN %(ids)s),
               hits(complaint_id, other_id, reason, similarity) AS (%(branches)s)
               SELECT h.complaint_id, h.other_id, array_agg(DISTINCT h.reason), max(h.similarity),
                      %(weights)s + %(text_weight)s * max(h.similarity) AS score, o.state IN %(open)s
                 FROM hits h
                 JOIN customer_complaint o ON o.id = h.other_id
                WHERE o.active AND o.merged_into_id IS NULL
             GROUP BY h.complaint_id, h.other_id, o.date_received, o.state
             ORDER BY h.complaint_id, score DESC, o.date_received DESC, h.other_id DESC""",
            text=related_text_sql('c'), ids=tuple(self.ids), branches=SQL(" UNION ALL ").join(branches),
            weights=weights, text_weight=RELATED_WEIGHTS['text'], open=COMPLAINT_OPEN_STATES)

    def _get_related_cases(self, limit=RELATED_LIMIT):
        """The related cases of each complaint, best first: {complaint id: [(case id, reasons,
        similarity, score, is open)]}, at most ``limit`` each. One query for the whole batch; it reads the
        database as it is (records of the transaction are flushed first)."""
        result = {complaint_id: [] for complaint_id in self.ids}
        if not result:
            return result
        self.env['customer.complaint'].flush_model([
            'company_id', 'commercial_partner_id', 'sale_order_id', 'date_received', 'state', 'active',
            'subject', 'description', 'product_ids', 'lot_ids', 'merged_into_id'])
        for complaint_id, *row in self.env.execute_query(self._related_cases_sql()):
            if len(result[complaint_id]) < limit:
                result[complaint_id].append(tuple(row))
        return result

    @api.depends_context('uid')
    def _compute_related_complaints(self):
        related = self.filtered('id')._get_related_cases()
        for complaint in self:
            found = related.get(complaint.id, []) if complaint.id else []
            # A user sees the related cases he may read (same company: the record rules).
            cases = self.browse([row[0] for row in found])._filtered_access('read')
            complaint.related_complaint_ids = cases
            complaint.related_count = len(cases)
            complaint.similar_open_count = sum(
                1 for other_id, reasons, _similarity, _score, is_open in found
                if is_open and other_id in cases.ids and {'text', 'order', 'lot'} & set(reasons))

    # ------------------------------------------------------------------
    # At intake (back office, portal and e-mail all create)
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        complaints = super().create(vals_list)
        complaints._record_intake_related_count()
        return complaints

    def _record_intake_related_count(self):
        """Store the number of open related cases found at intake (one query to find, one to store)."""
        related = self._get_related_cases(limit=RELATED_BRANCH_LIMIT)
        counts = {complaint_id: sum(1 for row in rows if row[4]) for complaint_id, rows in related.items()}
        counts = {complaint_id: count for complaint_id, count in counts.items() if count}
        if counts:
            self.env.execute_query(SQL(
                "UPDATE customer_complaint c SET intake_related_count = v.count FROM (VALUES %s) AS v(id, count)"
                " WHERE c.id = v.id", SQL(", ").join(SQL("(%s, %s)", key, value) for key, value in counts.items())))
            self.invalidate_recordset(['intake_related_count'])

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_view_related_complaints(self):
        self.ensure_one()
        return self._action_view_records(self.related_complaint_ids, self._case_action_xmlid)

    def action_merge_related(self):
        """The merge wizard with this case kept and its similar open cases proposed."""
        self.ensure_one()
        customer = self.commercial_partner_id
        duplicates = self.related_complaint_ids.filtered(
            lambda case: case.state in COMPLAINT_OPEN_STATES and case.commercial_partner_id == customer)
        return self.env['customer.complaint.merge']._action_open(self | duplicates, self)

    def action_merge(self):
        """The merge wizard for the selected cases (list action)."""
        return self.env['customer.complaint.merge']._action_open(self, self[:1])

    # ------------------------------------------------------------------
    # Merge
    # ------------------------------------------------------------------
    def _check_can_merge(self, target):
        """Refuse merging these cases into ``target`` unless all are of one company and one commercial
        customer, still open (or resolved), and the user may handle every one of them."""
        sources = self - target
        if not sources:
            raise UserError(self.env._("Choose at least one other case to merge into %(name)s.", name=target.name))
        cases = sources | target
        if len(cases.company_id) > 1:
            raise UserError(self.env._("Cases of different companies cannot be merged: %(names)s.",
                                       names=", ".join(cases.mapped('name'))))
        if len(cases.commercial_partner_id) > 1:
            raise UserError(self.env._(
                "Cases of different customers cannot be merged (%(customers)s): their messages, documents and "
                "returns would be shown to the other customer.",
                customers=", ".join(cases.commercial_partner_id.mapped('display_name'))))
        done = cases.filtered(lambda case: case.state in ('closed', 'cancelled') or case.merged_into_id)
        if done:
            raise UserError(self.env._("Closed, cancelled or already merged cases cannot be merged: %(names)s.",
                                       names=", ".join(done.mapped('name'))))
        cases._check_merge_rights()

    def _check_merge_rights(self):
        """Complaint managers merge any case of their companies; complaint users only cases that are
        theirs or their team's (or nobody's yet)."""
        user = self.env.user
        if self.env.su or user.has_group(GROUP_MANAGER):
            return
        if not user.has_group(GROUP_USER):
            raise AccessError(self.env._("You are not allowed to merge complaints."))
        foreign = self.filtered(lambda case: (case.user_id and case.user_id != user) and not (
            case.team_id and user in case.team_id.member_ids | case.team_id.leader_id))
        if foreign:
            raise AccessError(self.env._(
                "Only a complaint manager may merge cases of other teams: %(names)s.",
                names=", ".join(foreign.mapped('name'))))

    def _merge_into(self, target):
        """Merge these duplicates into ``target``: their messages, attachments, followers, activities,
        ratings, documents, returns, compensations, store credits and corrective actions go to
        ``target``; they are cancelled with a link to it, and it logs a link to each."""
        self._check_can_merge(target)
        sources = self - target
        target._merge_documents(sources)
        target._merge_followers(sources)
        target._merge_linked_records(sources)
        target._merge_thread_records(sources)
        sources._process_write({'merged_into_id': target.id})
        reason = self.env._("Merged into %(name)s.", name=target.name)
        sources.with_context(customer_complaint_merging=True)._cancel(reason)
        target._log_merge(sources)
        return target

    def _merge_documents(self, sources):
        """The kept case gets the documents of the duplicates (its own sales order stays)."""
        self.ensure_one()
        # As superuser: documents the user may not read (another user's evidence) move all the same.
        vals = {
            field: [(4, record_id) for record_id in (sources.sudo()[field] - self.sudo()[field]).ids]
            for field in ('delivery_ids', 'invoice_ids', 'product_ids', 'lot_ids', 'attachment_ids')
        }
        vals = {field: commands for field, commands in vals.items() if commands}
        if not self.sale_order_id and sources.sale_order_id:
            vals['sale_order_id'] = sources.sudo().sale_order_id[:1].id
        if vals:
            self.sudo().write(vals)

    def _merge_followers(self, sources):
        self.ensure_one()
        partners = sources.sudo().message_partner_ids - self.sudo().message_partner_ids
        if partners:
            self.sudo().message_subscribe(partner_ids=partners.ids)

    def _merge_linked_records(self, sources):
        """Records pointing to the duplicates point to the kept case (as superuser: the checks are done,
        and the warehouse's, finance's and loyalty's records are not the complaint user's to write)."""
        self.ensure_one()
        for model, field in self._merge_linked_fields():
            records = self.env[model].sudo().search([(field, 'in', sources.ids)])
            if records:
                records.write({field: self.id})
        actions = sources.sudo().corrective_action_ids - self.sudo().corrective_action_ids
        if actions:
            self.sudo().write({'corrective_action_ids': [(4, action_id) for action_id in actions.ids]})

    @api.model
    def _merge_linked_fields(self):
        """(model, many2one field) of the records that follow a merged case into the kept one."""
        fields_ = [('customer.return', 'complaint_id'), ('customer.complaint.compensation', 'complaint_id')]
        if 'complaint_id' in self.env['loyalty.card']._fields:
            fields_.append(('loyalty.card', 'complaint_id'))
        return fields_

    def _merge_thread_records(self, sources):
        """Messages, attachments, activities and ratings of the duplicates move to the kept case: its
        chatter shows the whole history, each message with its date and author."""
        self.ensure_one()
        for model, model_field in (('mail.message', 'model'), ('mail.activity', 'res_model'),
                                   ('ir.attachment', 'res_model'), ('rating.rating', 'res_model')):
            records = self.env[model].sudo().search([(model_field, '=', self._name), ('res_id', 'in', sources.ids)])
            if records:
                records.write({'res_id': self.id})

    def _log_merge(self, sources):
        self.ensure_one()
        links = Markup(", ").join(source._get_html_link() for source in sources)
        self.message_post(
            body=Markup("%s %s") % (self.env._("Merged into this case:"), links), subtype_xmlid='mail.mt_note')
        for source in sources:
            source.message_post(
                body=Markup("%s %s") % (self.env._("Merged into"), self._get_html_link()),
                subtype_xmlid='mail.mt_note')

    @api.model
    def _merge_lock_sql(self, cases):
        return SQL("SELECT id FROM customer_complaint WHERE id IN %s ORDER BY id FOR NO KEY UPDATE",
                   tuple(cases.ids))
