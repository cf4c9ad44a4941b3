from odoo import fields, models


class CustomerCaseMixin(models.AbstractModel):
    _inherit = 'customer.case.mixin'

    # Read from the case's documents on each display (see customer.case.timeline): never stored.
    # Employees only: the portal gets the customer's events from its own page, never these.
    timeline_html = fields.Html(
        string="Timeline", compute='_compute_timeline_html', sanitize=False, groups='base.group_user')

    def _compute_timeline_html(self):
        timeline = self.env['customer.case.timeline']
        for case in self:
            record = case._origin
            case.timeline_html = timeline._render_html(timeline._get_events(record)) if record else False

    def _get_portal_timeline(self, can_link=False):
        """The customer's events of the case, for its portal page (called on the page's sudo record)."""
        self.ensure_one()
        return self.env['customer.case.timeline']._get_events(self, portal=True, can_link=can_link)
