"""Cost of poor quality: a ledger read from the posted documents and the stock valuation.

Each row is one line of a source document (a credit note line, a done stock move, an issued
compensation, a return receipt charged by a carrier), in the company's currency, filled by the
event that makes the document count (posting, validation, issue) and removed when the document
stops counting (reset to draft, cancelled). Nobody types an amount: users only read the ledger."""
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.tools import split_every

from odoo.addons.customer_complaint_return.const import GROUP_MANAGER

# Documents read at a time when the ledger is rebuilt.
RECOMPUTE_BATCH = 1000

COST_TYPES = [
    ('credit_note', "Credit Note"),
    ('restocking_fee', "Restocking Fee"),
    ('replacement', "Replacement Delivery"),
    ('exchange', "Exchange Delivery"),
    ('scrap', "Scrapped Goods"),
    ('repair', "Repair"),
    ('compensation', "Compensation"),
    ('shipping', "Return Shipping"),
]


class CustomerQualityCost(models.Model):
    _name = 'customer.quality.cost'
    _description = "Cost of Poor Quality"
    _order = 'date desc, id desc'
    _check_company_auto = True
    _rec_name = 'source_document'

    company_id = fields.Many2one('res.company', required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related='company_id.currency_id', string="Currency")
    date = fields.Date(required=True, index=True, readonly=True)
    cost_type = fields.Selection(COST_TYPES, string="Type", required=True, readonly=True, index=True)
    amount = fields.Monetary(
        currency_field='currency_id', readonly=True, aggregator='sum',
        help="In the company's currency, as posted or valued; restocking fees kept by the company are negative.")
    return_id = fields.Many2one('customer.return', string="Return", readonly=True, index='btree_not_null')
    complaint_id = fields.Many2one('customer.complaint', string="Complaint", readonly=True, index='btree_not_null')
    partner_id = fields.Many2one('res.partner', string="Customer", readonly=True, index=True)
    product_id = fields.Many2one('product.product', string="Product", readonly=True, index='btree_not_null')
    cause_id = fields.Many2one('customer.complaint.cause', string="Root Cause", readonly=True, index='btree_not_null')
    category_id = fields.Many2one('customer.complaint.category', string="Category", readonly=True)
    return_reason_id = fields.Many2one('customer.return.reason', string="Return Reason", readonly=True)
    res_model = fields.Char(string="Source Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(string="Source Line", model_field='res_model', required=True, readonly=True)
    source_document = fields.Char(readonly=True, help="The document the cost was read from.")
    source_ref = fields.Reference(
        selection='_selection_source_ref', string="Source", compute='_compute_source_ref')

    _source_uniq = models.Constraint(
        'unique(res_model, res_id)', "A document line is counted once in the cost of poor quality.")

    @api.model
    def _selection_source_ref(self):
        return [(model, self.env[model]._description) for model in (
            'account.move', 'stock.picking', 'stock.scrap', 'repair.order', 'customer.complaint.compensation')]

    @api.depends('res_model', 'res_id')
    def _compute_source_ref(self):
        """The document of each row (the credit note of a line, the transfer, scrap or repair of a
        move), read per source model, and only where the user may read it."""
        self.source_ref = False
        for res_model, costs in self.grouped('res_model').items():
            if res_model not in self.env:
                continue
            lines = self.env[res_model].browse(costs.mapped('res_id')).sudo().exists()
            documents = {line.id: self._get_source_document(line) for line in lines}
            per_model = defaultdict(set)
            for document in documents.values():
                per_model[document._name].add(document.id)
            allowed = set()
            for name, ids in per_model.items():
                allowed.update(self.env[name].browse(ids)._filtered_access('read'))
            for cost in costs:
                document = documents.get(cost.res_id)
                if document in allowed:
                    cost.source_ref = f'{document._name},{document.id}'

    @api.model
    def _get_source_document(self, line):
        """The document of a source line: a credit note line's move, a stock move's scrap, repair
        or transfer; the record itself otherwise."""
        if line._name == 'account.move.line':
            return line.move_id
        if line._name == 'stock.move':
            return line.scrap_id or line.repair_id or line.picking_id
        return line

    # ------------------------------------------------------------------
    # Filling: each source keeps exactly its rows
    # ------------------------------------------------------------------
    @api.model
    def _prepare_case_vals(self, case=None, complaint=None):
        """Who and why of a cost: the customer, the complaint's root cause and category (the
        complaint of the return, if any), the return's reason."""
        complaint = complaint or (case.complaint_id if case else self.env['customer.complaint'])
        partner = (case or complaint).commercial_partner_id
        return {
            'return_id': case.id if case else False,
            'complaint_id': complaint.id,
            'partner_id': partner.id,
            'cause_id': complaint.root_cause_id.id,
            'category_id': complaint.category_id.id,
            'return_reason_id': case.reason_id.id if case else False,
        }

    @api.model
    def _sync_sources(self, res_model, res_ids, vals_list):
        """Make the rows of the source lines ``res_ids`` of ``res_model`` exactly ``vals_list``
        (each with its ``res_id``): missing rows are created, changed ones written, the rows of
        lines that no longer count removed. Idempotent; a few queries whatever the number of lines."""
        Cost = self.sudo()
        existing = {cost.res_id: cost for cost in Cost.search(
            Domain('res_model', '=', res_model) & Domain('res_id', 'in', list(res_ids)))} if res_ids else {}
        to_create = []
        for vals in vals_list:
            vals = dict(vals, res_model=res_model)
            cost = existing.pop(vals['res_id'], None)
            if cost is None:
                to_create.append(vals)
            elif any(cost._fields[name].convert_to_write(cost[name], cost) != value
                     for name, value in vals.items()):
                cost.write(vals)
        Cost.browse([cost.id for cost in existing.values()]).unlink()
        return Cost.create(to_create)

    # ------------------------------------------------------------------
    # Existing data: read every source again
    # ------------------------------------------------------------------
    @api.model
    def _recompute_ledger(self, companies=None):
        """Rebuild the ledger from the documents of ``companies`` (default: all): for the cases made
        before the ledger existed, or after a valuation was corrected."""
        companies = companies or self.env['res.company'].sudo().search([])
        company_domain = Domain('company_id', 'in', companies.ids)
        Move = self.env['account.move'].sudo()
        compensations = self.env['customer.complaint.compensation'].sudo().search(company_domain)
        moves = Move.search(company_domain & Domain('customer_return_id', '!=', False)) | compensations.credit_note_id
        for batch in split_every(RECOMPUTE_BATCH, moves.ids, Move.browse):
            batch._sync_quality_costs()
        compensations._sync_quality_costs()
        StockMove = self.env['stock.move'].sudo()
        stock_domain = (Domain('customer_return_line_id', '!=', False)
                        | Domain('repair_id.customer_return_id', '!=', False))
        stock_moves = StockMove.search(company_domain & Domain('state', '=', 'done') & stock_domain)
        for batch in split_every(RECOMPUTE_BATCH, stock_moves.ids, StockMove.browse):
            batch._sync_quality_costs(rebuild=True)
        return True

    def action_recompute_ledger(self):
        """Server action of the managers: rebuild the ledger of the allowed companies."""
        if not self.env.user.has_group(GROUP_MANAGER):
            raise AccessError(self.env._("Only complaint managers may rebuild the cost of poor quality."))
        self._recompute_ledger(self.env.companies)
        return {'type': 'ir.actions.client', 'tag': 'reload'}
