import ast

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.customer_complaint_return.const import COMPLAINT_OPEN_STATES, SEVERITIES, SEVERITY_RANK


class CustomerComplaintTeam(models.Model):
    _name = 'customer.complaint.team'
    _description = "Complaint Handling Team"
    _inherit = ['mail.alias.mixin.optional', 'rating.parent.mixin']
    _order = 'sequence, id'
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(
        default=10, help="When several teams could take a case, the first one in this order does.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        'res.company', required=True, index=True, default=lambda self: self.env.company)
    color = fields.Integer()
    leader_id = fields.Many2one(
        'res.users', string="Team Leader", check_company=True, domain=[('share', '=', False)])
    member_ids = fields.Many2many(
        'res.users', 'customer_complaint_team_member_rel', 'team_id', 'user_id',
        string="Members", check_company=True, domain=[('share', '=', False)])
    severity_min = fields.Selection(
        SEVERITIES, string="From Severity", required=True, default='low',
        help="Lowest severity this team takes.")
    severity_max = fields.Selection(
        SEVERITIES, string="To Severity", required=True, default='critical',
        help="Highest severity this team takes.")
    category_ids = fields.Many2many(
        'customer.complaint.category', 'customer_complaint_team_category_rel', 'team_id', 'category_id',
        string="Categories", check_company=True,
        help="Categories this team specialises in. Empty: the team takes every category.")
    assignment_method = fields.Selection(
        [('leader', "Team leader"), ('round_robin', "Round-robin among members")],
        string="Assign To", required=True, default='round_robin',
        help="Who becomes responsible for a case routed to this team.")
    complaint_ids = fields.One2many('customer.complaint', 'team_id', string="Complaints")
    open_complaint_count = fields.Integer(compute='_compute_open_complaint_count', string="Open Complaints")

    @api.constrains('severity_min', 'severity_max')
    def _check_severity_range(self):
        for team in self:
            if SEVERITY_RANK[team.severity_min] > SEVERITY_RANK[team.severity_max]:
                raise ValidationError(self.env._(
                    "Team %(team)s: the lowest severity it takes must not be above the highest one.",
                    team=team.name))

    def _compute_open_complaint_count(self):
        counts = dict(self.env['customer.complaint']._read_group(
            [('team_id', 'in', self.ids), ('state', 'in', COMPLAINT_OPEN_STATES)], ['team_id'], ['__count']))
        for team in self:
            team.open_complaint_count = counts.get(team, 0)

    # ------------------------------------------------------------------
    # Routing
    # ------------------------------------------------------------------
    def _takes_severity(self, severity):
        self.ensure_one()
        rank = SEVERITY_RANK[severity or 'normal']
        return SEVERITY_RANK[self.severity_min] <= rank <= SEVERITY_RANK[self.severity_max]

    def _select_for(self, severity, category):
        """Among these teams, the one that takes a case of this severity and category.

        Specialists first: the category's own default team, then a team listing
        the category; a team without categories takes what no specialist takes.
        """
        candidates = self.filtered(lambda team: team._takes_severity(severity))
        if category.default_team_id in candidates:
            return category.default_team_id
        specialists = candidates.filtered(lambda team: category in team.category_ids)
        generalists = candidates.filtered(lambda team: not team.category_ids)
        return (specialists or generalists)[:1]

    def _pick_assignees(self, count):
        """Users responsible for ``count`` new cases of this team, in order."""
        self.ensure_one()
        if self.assignment_method == 'leader' and self.leader_id:
            return [self.leader_id] * count
        members = self.member_ids or self.leader_id
        if not members:
            return [self.env['res.users']] * count
        queue = self._members_least_recently_assigned(members)
        return [queue[index % len(queue)] for index in range(count)]

    def _members_least_recently_assigned(self, members):
        """Members ordered for round-robin: never assigned first, then the oldest assignment."""
        self.ensure_one()
        last = {
            user: (date, last_id)
            for user, date, last_id in self.env['customer.complaint'].with_context(active_test=False)._read_group(
                [('team_id', '=', self.id), ('user_id', 'in', members.ids), ('date_assigned', '!=', False)],
                ['user_id'], ['date_assigned:max', 'id:max'])
        }
        never = (fields.Datetime.to_datetime('1970-01-01'), 0)
        return sorted(members, key=lambda user: (last.get(user, never), user.id))

    # ------------------------------------------------------------------
    # Customers in the loop: e-mail alias and satisfaction rating
    # ------------------------------------------------------------------
    _rating_satisfaction_days = 90  # the team's satisfaction counts the last three months

    rating_active = fields.Boolean(
        string="Customer Ratings",
        help="When one of this team's complaints is closed, the customer is asked how satisfied they are.")
    rating_template_id = fields.Many2one(
        'mail.template', string="Rating Request Template",
        domain="[('model', '=', 'customer.complaint')]",
        default=lambda self: self.env.ref(
            'customer_complaint_return.mail_template_complaint_rating', raise_if_not_found=False),
        help="E-mail asking the customer to rate the handling of a closed complaint.")

    def _alias_get_creation_values(self):
        """Mails to the team's alias become its complaints, in its company, channel e-mail."""
        values = super()._alias_get_creation_values()
        values['alias_model_id'] = self.env['ir.model']._get_id('customer.complaint')
        if self.id:
            defaults = ast.literal_eval(self.alias_defaults or "{}")
            defaults.update(team_id=self.id, company_id=self.company_id.id, channel='email')
            values['alias_defaults'] = repr(defaults)
        return values

    def action_view_ratings(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('customer_complaint_return.action_complaint_rating')
        action['domain'] = [('parent_res_model', '=', self._name), ('parent_res_id', '=', self.id)]
        return action
