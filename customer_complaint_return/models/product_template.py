from odoo import api, fields, models

RETURN_FIGURES_GROUPS = 'customer_complaint_return.group_complaint_user,stock.group_stock_user'


class ProductTemplate(models.Model):
    _inherit = 'product.template'

    return_not_allowed = fields.Boolean(string="Not Returnable", help="This product cannot be returned.")
    return_delivered_qty = fields.Float(
        string="Delivered (period)", digits='Product Unit', compute='_compute_return_figures',
        groups=RETURN_FIGURES_GROUPS)
    return_qty = fields.Float(
        string="Returned (period)", digits='Product Unit', compute='_compute_return_figures',
        groups=RETURN_FIGURES_GROUPS)
    return_rate = fields.Float(
        string="Return Rate (%)", digits=(16, 2), compute='_compute_return_figures', groups=RETURN_FIGURES_GROUPS,
        help="Returned by customers / delivered to customers over the period, all variants, sales orders only.")

    @api.depends_context('return_date_from', 'return_date_to', 'allowed_company_ids')
    def _compute_return_figures(self):
        # The variants of all templates at once: their figures come from one query each.
        variants = self.with_context(active_test=False).product_variant_ids.grouped('product_tmpl_id')
        for template in self:
            mine = variants.get(template, self.env['product.product'])
            template.return_delivered_qty = sum(mine.mapped('return_delivered_qty'))
            template.return_qty = sum(mine.mapped('return_qty'))
            template.return_rate = 100.0 * template.return_qty / template.return_delivered_qty \
                if template.return_delivered_qty else 0.0

    def action_view_return_lines(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('customer_complaint_return.action_customer_return_line')
        action['domain'] = [('product_id.product_tmpl_id', '=', self.id)]
        return action
