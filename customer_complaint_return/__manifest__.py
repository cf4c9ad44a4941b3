{
    'name': "Customer Complaints & Returns",
    'version': '19.0.1.4.0',
    'category': 'Services/Complaints & Returns',
    'sequence': 160,
    'summary': "Complaint and return cases linked to sale orders, deliveries and credit notes",
    'description': """
Customer complaints and returns
===============================
Complaint cases for customer service: intake from every channel, classification,
routing to the right team, deadlines on the company's working calendar, a guarded
process from new to closed, and links to the customer's own sale orders,
deliveries, invoices, products and lots.

Return cases: requests checked against configurable conditions, review and
approval, return receipts made by Odoo's own return wizard on the original
deliveries, inspection, send back, replacement or scrap, and credit notes that
reverse the original invoices for exactly what the customer gave back.

Customers in the loop: the portal lists and shows their company's complaints and
returns, lets them submit a complaint, request a return of a delivered order and
answer a resolution; each team's e-mail alias turns mails into complaints; closed
complaints ask the customer for a satisfaction rating.
""",
    'author': "customer_complaint_return contributors",
    'license': 'LGPL-3',
    'depends': ['sale_stock', 'account', 'mail', 'resource', 'portal', 'rating', 'repair', 'sale_loyalty'],
    'data': [
        'security/customer_complaint_return_security.xml',
        'security/ir.model.access.csv',
        'security/customer_return_rule_security.xml',
        'security/customer_complaint_compensation_security.xml',
        'data/ir_sequence_data.xml',
        'data/customer_complaint_data.xml',
        'data/customer_return_data.xml',
        'data/customer_return_rule_data.xml',
        'report/customer_complaint_reports.xml',
        'report/customer_complaint_templates.xml',
        'report/customer_return_reports.xml',
        'report/customer_return_templates.xml',
        'data/mail_template_data.xml',
        'data/customer_return_store_credit_data.xml',
        'data/customer_portal_data.xml',
        'data/customer_followup_data.xml',
        'report/customer_complaint_digest_templates.xml',
        'wizard/customer_complaint_reason_views.xml',
        'wizard/customer_return_decision_views.xml',
        'wizard/stock_return_picking_views.xml',
        'wizard/customer_return_rate_views.xml',
        'wizard/customer_lot_recall_views.xml',
        'views/customer_complaint_views.xml',
        'views/customer_return_views.xml',
        'views/customer_return_exchange_views.xml',
        'views/customer_return_customer_rate_views.xml',
        'views/customer_return_reason_views.xml',
        'views/customer_complaint_category_views.xml',
        'views/customer_complaint_cause_views.xml',
        'views/customer_complaint_team_views.xml',
        'views/customer_complaint_deadline_views.xml',
        'views/sale_order_views.xml',
        'views/res_partner_views.xml',
        'views/stock_picking_views.xml',
        'views/account_move_views.xml',
        'views/product_views.xml',
        'views/res_config_settings_views.xml',
        'views/customer_corrective_action_views.xml',
        'views/customer_complaint_followup_views.xml',
        'views/customer_return_followup_views.xml',
        'views/customer_complaint_report_views.xml',
        'views/res_config_settings_followup_views.xml',
        'views/customer_complaint_menus.xml',
        'wizard/customer_return_rule_test_views.xml',
        'views/customer_return_rule_views.xml',
        'views/customer_return_rate_menus.xml',
        'views/customer_portal_views.xml',
        'views/portal_templates.xml',
        'views/customer_return_store_credit_views.xml',
        'views/customer_return_label_views.xml',
        'views/customer_return_repair_views.xml',
        'views/customer_return_repair_portal_templates.xml',
        'views/customer_followup_menus.xml',
        'data/customer_complaint_compensation_data.xml',
        'wizard/customer_complaint_compensation_views.xml',
        'views/customer_complaint_compensation_views.xml',
        'views/res_config_settings_compensation_views.xml',
        'views/customer_complaint_compensation_portal_templates.xml',
    ],
    'demo': [
        'demo/customer_complaint_demo.xml',
        'demo/customer_return_demo.xml',
        'demo/customer_portal_demo.xml',
        'demo/customer_followup_demo.xml',
    ],
    'assets': {
        'web.assets_frontend': [
            'customer_complaint_return/static/src/interactions/**/*',
        ],
        'web.assets_tests': [
            'customer_complaint_return/static/tests/tours/**/*',
        ],
    },
    'application': True,
    'installable': True,
}
