from odoo import api, fields, models


class CustomerReturnRuleTest(models.TransientModel):
    _inherit = 'customer.return.rule.test'

    resolution_choices = fields.Char(
        string="The Customer May Choose", compute='_compute_resolution_choices',
        help="The resolutions the portal offers for this line, as its return reason suggests and the deciding "
             "rule allows. Empty: the reason's suggestion only.")

    @api.depends('line_id', 'rule_id')
    def _compute_resolution_choices(self):
        Resolution = self.env['customer.return.resolution']
        for wizard in self:
            line, rule = wizard.line_id, wizard.rule_id.sudo()
            codes = rule._get_resolution_codes(line) if line and rule.allowed_resolution_ids else []
            wizard.resolution_choices = ", ".join(
                choice['name'] for choice in Resolution._describe_choices(codes, rule._get_store_credit_bonus_for(line))
            ) if len(codes) > 1 else False
