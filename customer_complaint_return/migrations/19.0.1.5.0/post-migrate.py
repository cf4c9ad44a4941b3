"""19.0.1.5.0: the cost of poor quality ledger is filled by the events of new documents; the
cases of a database made before it get their rows here, read from their posted documents and
stock valuation, as the managers' *Recompute* does. The monthly figures of the dashboard are
built by their model's ``init`` on the update."""
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env['customer.quality.cost']._recompute_ledger()
