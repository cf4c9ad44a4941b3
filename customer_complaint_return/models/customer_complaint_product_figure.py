from odoo import fields, models


class CustomerComplaintProductFigure(models.Model):
    """Complaints by product and month, read from the monthly product figures the database keeps
    (see customer.complaint.figure): the dashboard's graph of products opens at once at a million
    complaints, where the row-by-row report (customer.complaint.product.report) joins every
    complaint of the period with its products. Each complaint's product is counted once per
    ``kind`` (by root cause and by category): graphs filter on one kind."""
    _name = 'customer.complaint.product.figure'
    _description = "Complaints by Product per Month"
    _auto = False
    _table = 'customer_complaint_product_figure'
    _order = 'month desc, id desc'
    _rec_name = 'product_id'

    company_id = fields.Many2one('res.company', readonly=True)
    month = fields.Date(readonly=True, help="First day of the month the complaints were received (UTC).")
    product_id = fields.Many2one('product.product', string="Product", readonly=True)
    kind = fields.Selection([('cause', "By Root Cause"), ('category', "By Category")], readonly=True)
    complaint_count = fields.Integer(string="Complaints", readonly=True, aggregator='sum')
