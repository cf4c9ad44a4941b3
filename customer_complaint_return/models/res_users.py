from odoo import models
from odoo.tools import SQL

from odoo.addons.customer_complaint_return.const import GROUP_APPROVER, GROUP_MANAGER, GROUP_USER


class ResUsers(models.Model):
    _inherit = 'res.users'

    def _customer_case_reads_all(self, model_name):
        """Whether a group of this user other than the addon's reads every record of
        ``model_name``: it grants read access on the model and none of those groups narrows it
        by a record rule. The addon's record rules on the host's documents (deliveries, invoices,
        orders) then let everything through, as Odoo ORs the rules of a user's groups: a stock user
        or an accountant who also handles complaints keeps what their job gives them."""
        self.ensure_one()
        own_groups = {self.env.ref(xmlid).id for xmlid in (GROUP_USER, GROUP_APPROVER, GROUP_MANAGER)}
        other_groups = tuple(set(self._get_group_ids()) - own_groups) or (None,)
        # One query, run when Odoo computes the user's rules on the model (it caches them).
        self.env.cr.execute(SQL("""
            SELECT EXISTS (
                       SELECT 1 FROM ir_model_access a
                        WHERE a.model_id = m.id AND a.active AND a.perm_read
                          AND (a.group_id IS NULL OR a.group_id IN %(groups)s))
                   AND NOT EXISTS (
                       SELECT 1 FROM ir_rule r
                         JOIN rule_group_rel rg ON rg.rule_group_id = r.id
                        WHERE r.model_id = m.id AND r.active AND r.perm_read AND rg.group_id IN %(groups)s)
              FROM ir_model m
             WHERE m.model = %(model)s
        """, groups=other_groups, model=model_name))
        row = self.env.cr.fetchone()
        return bool(row and row[0])
