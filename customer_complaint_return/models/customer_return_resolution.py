"""What the customer may choose for a returned line on the portal: a small list of resolutions
(records in data, translatable, shown as tags on the return rules), each one a disposition of
return lines."""
from odoo import api, fields, models

from odoo.addons.customer_complaint_return.const import DISPOSITIONS

# Dispositions a customer may ask for; scrapping or sending goods back stays the company's call.
CHOOSABLE_DISPOSITIONS = ('refund', 'replace', 'exchange', 'store_credit', 'repair')


class CustomerReturnResolution(models.Model):
    _name = 'customer.return.resolution'
    _description = "Return Resolution"
    _order = 'sequence, id'

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(
        [(key, label) for key, label in DISPOSITIONS if key in CHOOSABLE_DISPOSITIONS],
        string="Disposition", required=True,
        help="The disposition of the return lines for which the customer chooses this resolution.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _code_uniq = models.Constraint('unique(code)', "There is already a resolution for this disposition.")

    @api.model
    def _get_labels(self):
        """{disposition: what the customer reads}: the resolutions' names, else the disposition's label."""
        labels = dict(self.env['customer.return.line']._fields['disposition']._description_selection(self.env))
        labels.update({resolution.code: resolution.name
                       for resolution in self.sudo().with_context(active_test=False).search([])})
        return labels

    @api.model
    def _describe_choices(self, codes, bonus=0.0):
        """[{code, name, bonus}] of the dispositions ``codes`` as the customer reads them: store
        credit with its ``bonus`` (%), if any."""
        labels = self._get_labels()
        choices = []
        for code in codes:
            code_bonus = bonus if code == 'store_credit' else 0.0
            name = labels.get(code, code)
            if code_bonus:
                name = self.env._("%(name)s (+%(percent)s%% bonus)", name=name, percent=f"{code_bonus:g}")
            choices.append({'code': code, 'name': name, 'bonus': code_bonus})
        return choices
