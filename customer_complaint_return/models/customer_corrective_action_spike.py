from odoo import fields, models


class CustomerCorrectiveAction(models.Model):
    """Corrective actions proposed by a spike of complaints (see customer.complaint.spike)."""
    _inherit = 'customer.corrective.action'

    origin = fields.Selection(selection_add=[('spike', "Complaint Spike")], ondelete={'spike': 'set default'})
    spike_ids = fields.One2many('customer.complaint.spike', 'corrective_action_id', string="Spike Alerts")
