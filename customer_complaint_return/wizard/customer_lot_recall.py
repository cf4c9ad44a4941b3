from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command, Domain
from odoo.tools import float_compare

from odoo.addons.customer_complaint_return.const import GROUP_MANAGER, RETURN_RESTARTABLE_STATES


class CustomerLotRecall(models.TransientModel):
    """Recall of lots or serial numbers: every delivery of them to a customer of the company,
    the customers told once each, a draft return case each, all logged on a corrective action."""
    _name = 'customer.lot.recall'
    _description = "Lot Recall"
    _check_company_auto = True

    company_id = fields.Many2one('res.company', required=True, readonly=True)
    lot_ids = fields.Many2many('stock.lot', string="Lots/Serial Numbers", required=True, check_company=True)
    complaint_id = fields.Many2one('customer.complaint', string="Complaint", readonly=True)
    corrective_action_id = fields.Many2one(
        'customer.corrective.action', string="Corrective Action", check_company=True,
        domain="[('company_id', '=', company_id)]",
        help="Where the recall is logged. Empty: a corrective action is created for the recall.")
    line_ids = fields.One2many(
        'customer.lot.recall.line', 'recall_id', string="Deliveries",
        compute='_compute_line_ids', store=True, readonly=False)
    notify_customers = fields.Boolean(
        string="Notify the Customers", default=True,
        help="Send each customer the recall notice once, listing their deliveries of the lots.")
    create_returns = fields.Boolean(
        string="Create Draft Returns", default=True,
        help="Open one draft return case per customer for the recalled goods they still have.")
    template_id = fields.Many2one(
        'mail.template', string="Recall Notice", domain=[('model', '=', 'customer.corrective.action')],
        default=lambda self: self.env.ref('customer_complaint_return.mail_template_lot_recall', raise_if_not_found=False))
    customer_count = fields.Integer(compute='_compute_counts')
    delivered_qty = fields.Float(string="Delivered", digits='Product Unit', compute='_compute_counts')

    @api.model
    def _action_open_for(self, lots, complaint=None, corrective_action=None):
        """The recall of ``lots`` from ``complaint`` or ``corrective_action``."""
        self._ensure_manager()
        if not lots:
            raise UserError(self.env._("Add the lots or serial numbers to recall first."))
        origin = corrective_action or complaint
        wizard = self.create({
            'company_id': origin.company_id.id,
            'lot_ids': [Command.set(lots.ids)],
            'complaint_id': complaint.id if complaint else False,
            'corrective_action_id': corrective_action.id if corrective_action
            else complaint.corrective_action_ids.filtered(lambda a: a.lot_ids & lots)[:1].id,
        })
        return {
            'type': 'ir.actions.act_window',
            'name': self.env._("Recall Lots"),
            'res_model': self._name,
            'res_id': wizard.id,
            'view_mode': 'form',
            'views': [(False, 'form')],
            'target': 'new',
        }

    @api.model
    def _ensure_manager(self):
        self.env['customer.case.mixin']._ensure_group((GROUP_MANAGER,), self.env._("recall lots"))

    @api.depends('lot_ids', 'company_id')
    def _compute_line_ids(self):
        for recall in self:
            recall.line_ids = [Command.clear()] + [Command.create(vals) for vals in recall._prepare_line_vals()]

    def _prepare_line_vals(self):
        """One line per delivery of the lots to a customer (done outgoing moves), in the recall's
        company, which must be one of the user's allowed companies."""
        self.ensure_one()
        if not self.lot_ids or self.company_id not in self.env.companies:
            return []
        # Move lines and moves share the location fields: the rule of goods to customers holds for both.
        move_lines = self.env['stock.move.line'].sudo().search(Domain([
            ('lot_id', 'in', self.lot_ids._origin.ids), ('state', '=', 'done'),
            ('company_id', '=', self.company_id.id),
        ]) & self.env['stock.move']._to_customer_domain(), order='date, id')
        quantities = defaultdict(float)
        for move_line in move_lines:
            key = (move_line.picking_id, move_line.move_id.sale_line_id, move_line.lot_id)
            quantities[key] += move_line.product_uom_id._compute_quantity(
                move_line.quantity, move_line.product_id.uom_id)
        return [{
            'picking_id': picking.id,
            'sale_line_id': sale_line.id,
            'lot_id': lot.id,
            'product_id': lot.product_id.id,
            'partner_id': (sale_line.order_id.partner_id or picking.partner_id).id,
            'quantity': quantity,
        } for (picking, sale_line, lot), quantity in quantities.items()]

    @api.depends('line_ids.selected', 'line_ids.quantity')
    def _compute_counts(self):
        for recall in self:
            lines = recall.line_ids.filtered('selected')
            recall.customer_count = len(lines.partner_id.commercial_partner_id)
            recall.delivered_qty = sum(lines.mapped('quantity'))

    # ------------------------------------------------------------------
    # Confirmation
    # ------------------------------------------------------------------
    def action_confirm(self):
        """Notify the customers of the selected deliveries and open their draft returns, once each
        even if the recall is run again, and log it all on the corrective action."""
        self.ensure_one()
        self._ensure_manager()
        lines = self.line_ids.filtered('selected')
        if not lines:
            raise UserError(self.env._("Select the deliveries to recall."))
        if not (self.notify_customers or self.create_returns):
            raise UserError(self.env._("Choose to notify the customers, to create their returns, or both."))
        action = self.corrective_action_id or self._create_corrective_action()
        # A second confirmation waits for the first one and then finds its customers done.
        self.env.cr.execute("SELECT id FROM customer_corrective_action WHERE id = %s FOR UPDATE", [action.id])
        action.invalidate_recordset(['recall_partner_ids', 'customer_return_ids'])
        notified, unreachable = self._notify_customers(action, lines) if self.notify_customers else ((), ())
        returns = self._create_returns(action, lines) if self.create_returns else self.env['customer.return']
        self._log_recall(action, lines, notified, unreachable, returns)
        return action._get_records_action(name=self.env._("Recall"))

    def _create_corrective_action(self):
        complaint = self.complaint_id
        return self.env['customer.corrective.action']._process_create({
            'title': self.env._("Recall of %(lots)s", lots=", ".join(self.lot_ids.mapped('name'))),
            'company_id': self.company_id.id,
            'origin': 'recall',
            'product_ids': [Command.set(self.lot_ids.product_id.ids)],
            'lot_ids': [Command.set(self.lot_ids.ids)],
            'complaint_ids': [Command.set(complaint.ids)],
            'category_id': complaint.category_id.id,
            'root_cause_id': complaint.root_cause_id.id,
            'responsible_department': complaint.responsible_department,
        })

    def _notify_customers(self, action, lines):
        """The recall notice to each customer not told yet, in their language; customers without an
        e-mail address are reported, not notified."""
        template = self.template_id or self.env.ref('customer_complaint_return.mail_template_lot_recall')
        notified, unreachable = [], []
        for customer, customer_lines in lines.grouped(lambda line: line.partner_id.commercial_partner_id).items():
            if customer in action.recall_partner_ids:
                continue
            recipients = customer_lines.partner_id.filtered('email') or customer.filtered('email')
            if not recipients:
                unreachable.append(customer)
                continue
            render = {'customer': customer, 'recall_lines': customer_lines}
            lang = customer.lang or recipients[:1].lang
            subject = template._render_field('subject', action.ids, set_lang=lang, add_context=render)[action.id]
            body = template._render_field(
                'body_html', action.ids, engine='qweb', set_lang=lang, add_context=render)[action.id]
            action.message_post(
                body=body, subject=subject, partner_ids=recipients.ids, message_type='comment',
                subtype_xmlid='customer_complaint_return.mt_corrective_action_recall_notice',
                email_layout_xmlid='mail.mail_notification_light')
            notified.append(customer)
        if notified:
            action._process_write({'recall_partner_ids': [Command.link(customer.id) for customer in notified]})
        return notified, unreachable

    def _create_returns(self, action, lines):
        """One draft return per customer who has none from this recall yet, for the recalled goods
        still with them: never more than delivered of the lots, nor than the order line can take back."""
        open_returns = action.customer_return_ids.filtered(lambda case: case.state not in RETURN_RESTARTABLE_STATES)
        # The recall reason of the data belongs to the main company: used for that company's returns only.
        reason = self.env.ref('customer_complaint_return.return_reason_recall', raise_if_not_found=False)
        if not reason or reason.sudo().company_id != self.company_id:
            reason = self.env['customer.return.reason']
        still_out = self._quantities_still_delivered(lines)
        vals_list = []
        for customer, customer_lines in lines.grouped(lambda line: line.partner_id.commercial_partner_id).items():
            if customer in open_returns.commercial_partner_id:
                continue
            line_vals = [
                {'sale_line_id': sale_line.id, 'quantity': quantity, 'lot_ids': [Command.set(lots.ids)],
                 'disposition': 'refund'}
                for sale_line, (quantity, lots) in still_out.items()
                if sale_line in customer_lines.sale_line_id and quantity > 0]
            if not line_vals:
                continue
            orders = customer_lines.sale_line_id.order_id
            vals_list.append({
                'partner_id': orders[:1].partner_id.id,
                'company_id': self.company_id.id,
                'sale_order_id': orders.id if len(orders) == 1 else False,
                'channel': 'other',
                'reason_id': reason.id,
                'description': Markup("<p>%s</p>") % self.env._(
                    "Recall of %(lots)s (corrective action %(action)s).",
                    lots=", ".join(customer_lines.lot_id.mapped('name')), action=action.name),
                'line_ids': [Command.create(vals) for vals in line_vals],
            })
        returns = self.env['customer.return'].create(vals_list)
        if returns:
            action.customer_return_ids = [Command.link(case.id) for case in returns]
        return returns

    def _quantities_still_delivered(self, lines):
        """{sale line: (quantity, lots)} of the recalled lots the customers still have: delivered,
        less what came back, and never more than the order line can take back (which also counts
        what is on its way back)."""
        back = defaultdict(float)
        for move_line in self.env['stock.move.line'].sudo().search([
                ('lot_id', 'in', lines.lot_id.ids), ('move_id.sale_line_id', 'in', lines.sale_line_id.ids),
                ('state', '=', 'done'), ('location_id.usage', '=', 'customer')]):
            back[move_line.move_id.sale_line_id, move_line.lot_id] += move_line.product_uom_id._compute_quantity(
                move_line.quantity, move_line.product_id.uom_id)
        figures = lines.sale_line_id._get_customer_return_figures()
        result = {}
        for sale_line, sale_line_lines in lines.filtered('sale_line_id').grouped('sale_line_id').items():
            still_out = {lot: sum(lot_lines.mapped('quantity')) - back[sale_line, lot]
                         for lot, lot_lines in sale_line_lines.grouped('lot_id').items()}
            lots = self.env['stock.lot'].union(*(lot for lot, quantity in still_out.items() if quantity > 0))
            in_line_unit = sale_line.product_id.uom_id._compute_quantity(
                sum(quantity for quantity in still_out.values() if quantity > 0), sale_line.product_uom_id)
            quantity = min(in_line_unit, figures[sale_line]['returnable'])
            if sale_line.product_id.tracking == 'serial':
                # one unit per serial number: as many serials as units to take back
                lots = lots[:int(quantity)]
                quantity = float(len(lots))
            if float_compare(quantity, 0.0, precision_rounding=sale_line.product_uom_id.rounding) > 0:
                result[sale_line] = (quantity, lots)
        return result

    def _log_recall(self, action, lines, notified, unreachable, returns):
        items = [self.env._("%(count)s deliveries of %(lots)s to %(customers)s customers.",
                            count=len(lines.picking_id), lots=", ".join(self.lot_ids.mapped('name')),
                            customers=len(lines.partner_id.commercial_partner_id))]
        if self.notify_customers:
            items.append(self.env._("Customers notified: %(names)s.",
                                    names=", ".join(c.name for c in notified) or self.env._("none (already notified)")))
        if unreachable:
            items.append(self.env._("Not notified, no e-mail address: %(names)s.",
                                    names=", ".join(c.name for c in unreachable)))
        if self.create_returns:
            items.append(Markup("%s %s") % (
                self.env._("Draft returns created:"),
                Markup(", ").join(case._get_html_link(title=case.display_name) for case in returns)
                or self.env._("none")))
        action.message_post(
            body=Markup("<strong>%s</strong><ul>%s</ul>") % (
                self.env._("Lot recall"), Markup().join(Markup("<li>%s</li>") % item for item in items)),
            subtype_xmlid='mail.mt_note')


class CustomerLotRecallLine(models.TransientModel):
    _name = 'customer.lot.recall.line'
    _description = "Delivery of a Recalled Lot"
    _order = 'partner_id, picking_id, id'

    recall_id = fields.Many2one('customer.lot.recall', string="Lot Recall", required=True, ondelete='cascade', index=True)
    selected = fields.Boolean(string="Recall", default=True)
    partner_id = fields.Many2one('res.partner', string="Customer", readonly=True)
    picking_id = fields.Many2one('stock.picking', string="Delivery", readonly=True)
    date_done = fields.Datetime(related='picking_id.date_done', string="Delivered On")
    sale_line_id = fields.Many2one('sale.order.line', string="Order Line", readonly=True)
    sale_order_id = fields.Many2one(related='sale_line_id.order_id', string="Sales Order")
    lot_id = fields.Many2one('stock.lot', string="Lot/Serial Number", readonly=True)
    product_id = fields.Many2one('product.product', string="Product", readonly=True)
    quantity = fields.Float(string="Delivered", digits='Product Unit', readonly=True)
    is_notified = fields.Boolean(string="Notified", compute='_compute_status')
    has_return = fields.Boolean(string="Return Open", compute='_compute_status')

    @api.depends('recall_id.corrective_action_id', 'partner_id')
    def _compute_status(self):
        for line in self:
            action = line.recall_id.corrective_action_id
            customer = line.partner_id.commercial_partner_id
            line.is_notified = customer in action.recall_partner_ids
            line.has_return = customer in action.customer_return_ids.filtered(
                lambda case: case.state not in RETURN_RESTARTABLE_STATES).commercial_partner_id
