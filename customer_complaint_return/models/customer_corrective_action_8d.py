"""8D report of a corrective action: the eight disciplines filled along the action's states.

With the 8D method on (``use_8d``), each state needs the disciplines of the steps before it: a
constraint, so that neither the buttons nor a direct ``write`` over RPC (clearing a discipline of a
done action, say) gets around it. The report prints in the language of the complaining customer.
"""
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import is_html_empty

# (field, discipline) in their order; D4 is the action's own root cause analysis.
EIGHT_D_FIELDS = (
    ('team_user_ids', "D1 Team"),
    ('problem_description', "D2 Problem Description"),
    ('containment', "D3 Containment Actions"),
    ('root_cause', "D4 Root Cause"),
    ('chosen_actions', "D5 Chosen Corrective Actions"),
    ('implementation', "D6 Implemented and Verified"),
    ('prevention', "D7 Prevention"),
    ('recognition', "D8 Team Recognition"),
)
# How many disciplines (in the order above) must be filled in each state.
EIGHT_D_REQUIRED_PER_STATE = {
    'open': 0,
    'cancelled': 0,
    'in_progress': 2,
    'reopened': 2,
    'done': 6,
    'not_effective': 6,
    'verified': 8,
}


class CustomerCorrectiveAction(models.Model):
    _inherit = 'customer.corrective.action'

    use_8d = fields.Boolean(
        string="8D Method", tracking=True,
        help="Follow the eight disciplines: starting needs D1-D2, marking done D1-D6, verifying all eight.")
    team_user_ids = fields.Many2many(
        'res.users', 'customer_corrective_action_8d_team_rel', 'action_id', 'user_id', string="D1 Team",
        check_company=True, domain=[('share', '=', False)],
        help="The cross-functional team that solves the problem.")
    problem_description = fields.Html(
        string="D2 Problem Description", compute='_compute_problem_description', store=True, readonly=False,
        help="What, where, when, how many: filled from the linked complaints when the 8D method is chosen.")
    containment = fields.Html(
        string="D3 Containment Actions", help="What protects the customers until the cause is removed.")
    chosen_actions = fields.Html(
        string="D5 Chosen Corrective Actions", help="The permanent corrective actions chosen, and why.")
    implementation = fields.Html(
        string="D6 Implemented and Verified", help="How the actions were implemented and checked to work.")
    prevention = fields.Html(
        string="D7 Prevention", help="Systems, procedures and practices changed so the problem cannot recur.")
    recognition = fields.Html(string="D8 Team Recognition", help="How the team's work was recognised.")

    @api.depends('complaint_ids', 'use_8d')
    def _compute_problem_description(self):
        for action in self:
            if action.use_8d and is_html_empty(action.problem_description) and action.complaint_ids:
                action.problem_description = action._prepare_problem_description()
            else:
                action.problem_description = action.problem_description

    def _prepare_problem_description(self):
        """The complaints the action answers: how many, about what, and each one's subject."""
        complaints = self.complaint_ids.sorted('date_received')
        intro = self.env._(
            "%(count)s complaints about %(products)s, received from %(first)s to %(last)s:",
            count=len(complaints), products=", ".join(complaints.product_ids.mapped('display_name')) or "-",
            first=fields.Date.to_string(complaints[:1].date_received.date()),
            last=fields.Date.to_string(complaints[-1:].date_received.date()))
        items = Markup("").join(
            Markup("<li>%s: %s</li>") % (complaint.name, complaint.subject or complaint.category_id.name or "")
            for complaint in complaints)
        return Markup("<p>%s</p><ul>%s</ul>") % (escape(intro), items)

    @api.constrains('use_8d', 'state', 'team_user_ids', 'problem_description', 'containment', 'root_cause',
                    'chosen_actions', 'implementation', 'prevention', 'recognition')
    def _check_8d_disciplines(self):
        for action in self.filtered('use_8d'):
            missing = action._get_missing_8d_disciplines()
            if missing:
                raise ValidationError(self.env._(
                    "%(name)s follows the 8D method: to be %(state)s it needs %(disciplines)s.",
                    name=action.name, state=action._state_label(action.state), disciplines=", ".join(missing)))

    def _get_missing_8d_disciplines(self):
        """Labels of the disciplines this action's state needs and that are still empty."""
        self.ensure_one()
        required = EIGHT_D_FIELDS[:EIGHT_D_REQUIRED_PER_STATE.get(self.state, 0)]
        return [self._fields[name]._description_string(self.env) if name != 'root_cause'
                else self.env._("D4 Root Cause")
                for name, _label in required if self._is_8d_empty(name)]

    def _is_8d_empty(self, name):
        value = self[name]
        if self._fields[name].type == 'html':
            return is_html_empty(value)
        if isinstance(value, str):
            return not value.strip()
        return not value

    def _get_8d_report_lang(self):
        """The report speaks the language of the customer of the first complaint, else the company's."""
        self.ensure_one()
        partner = self.complaint_ids.sorted('id')[:1].partner_id or self.company_id.partner_id
        return partner.lang or self.env.lang or 'en_US'

    def action_print_8d(self):
        return self.env.ref('customer_complaint_return.action_report_corrective_action_8d').report_action(self)
