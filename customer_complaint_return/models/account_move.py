from odoo import fields, models
from odoo.fields import Command


class AccountMove(models.Model):
    _inherit = 'account.move'

    complaint_ids = fields.Many2many(
        'customer.complaint', 'customer_complaint_account_move_rel', 'move_id', 'complaint_id',
        string="Complaints", copy=False, groups='customer_complaint_return.group_complaint_user')
    complaint_count = fields.Integer(
        compute='_compute_complaint_count', groups='customer_complaint_return.group_complaint_user')
    customer_return_id = fields.Many2one(
        'customer.return', string="Customer Return", index='btree_not_null', copy=False, readonly=True,
        check_company=True)

    def _compute_complaint_count(self):
        counts = self.env['customer.complaint']._count_per_document('invoice_ids', self)
        for move in self:
            move.complaint_count = counts.get(move, 0)

    def action_view_complaints(self):
        self.ensure_one()
        defaults = {
            'partner_id': self.partner_id.id,
            'company_id': self.company_id.id,
            'invoice_ids': [Command.set(self.ids)],
        }
        return self.env['customer.complaint']._action_for_documents(
            [('invoice_ids', 'in', self.ids)], defaults)

    def action_view_customer_return(self):
        self.ensure_one()
        return self.customer_return_id.get_formview_action()

    def _keep_returned_lines(self, allocation):
        """Trim this draft reversal to the returned goods: ``allocation`` lists
        (original invoice line, return line, quantity); other lines are removed."""
        self.ensure_one()
        # The allocated lines were gathered return line by return line and share no prefetch:
        # read what is compared below for all of them at once, not one query per line.
        self.env['account.move.line'].concat(*(aml for aml, _line, _qty in allocation)).fetch(
            ['product_id', 'sale_line_ids', 'price_unit', 'product_uom_id'])
        self.env['customer.return.line'].concat(*(line for _aml, line, _qty in allocation)).mapped('product_uom_id')
        wanted = {}
        for invoice_line, return_line, quantity in allocation:
            key = (invoice_line.product_id, tuple(invoice_line.sale_line_ids.ids), invoice_line.price_unit)
            wanted.setdefault(key, []).append((invoice_line, return_line, quantity))
        commands = []
        for line in self.invoice_line_ids:
            key = (line.product_id, tuple(line.sale_line_ids.ids), line.price_unit)
            if line.display_type == 'product' and wanted.get(key):
                invoice_line, return_line, quantity = wanted[key].pop(0)
                commands.append(Command.update(line.id, {
                    'quantity': return_line.product_uom_id._compute_quantity(quantity, invoice_line.product_uom_id),
                    'customer_return_line_id': return_line.id,
                }))
            else:
                commands.append(Command.delete(line.id))
        self.write({'invoice_line_ids': commands})

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted.customer_return_id._update_progress()
        return posted

    def button_draft(self):
        result = super().button_draft()
        self.customer_return_id._update_progress()
        return result
