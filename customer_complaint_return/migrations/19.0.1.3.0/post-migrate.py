"""19.0.1.3.0: return reasons say whether the company is at fault (no restocking fee then).

The default reasons are ``noupdate``: an update does not set the new flag on them. The
reasons installed by the addon for goods that are the company's fault get it here.
"""

COMPANY_FAULT_REASONS = (
    'return_reason_defective', 'return_reason_damaged', 'return_reason_wrong_item', 'return_reason_not_as_described')


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        UPDATE customer_return_reason reason
           SET is_company_fault = TRUE
          FROM ir_model_data data
         WHERE data.model = 'customer.return.reason'
           AND data.module = 'customer_complaint_return'
           AND data.name IN %s
           AND data.res_id = reason.id
           AND reason.is_company_fault IS NOT TRUE
    """, [COMPANY_FAULT_REASONS])
