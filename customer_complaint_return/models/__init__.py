from . import customer_process_mixin
from . import customer_case_mixin
from . import customer_complaint_category
from . import customer_complaint_cause
from . import customer_complaint_team
from . import customer_complaint_deadline
from . import customer_complaint
from . import customer_complaint_portal
from . import customer_return_reason
from . import customer_return
from . import customer_return_portal
from . import customer_return_line
from . import sale_order
from . import sale_order_line
from . import res_company
from . import res_config_settings
from . import res_partner
from . import res_users
from . import product_category
from . import product_template
from . import product_product
from . import stock_move
from . import stock_picking
from . import stock_rule
from . import stock_scrap
from . import account_move
from . import account_move_line
from . import mail_thread
from . import mail_mail
from . import customer_case_demo
from . import customer_corrective_action
# Return policy rules: the rules, and their decision at submission.
from . import customer_return_rule
from . import customer_return_policy
# The customer's return rate on the review banner.
from . import customer_return_customer_rate
# Resolutions beyond a refund.
from . import customer_return_exchange
from . import customer_return_store_credit
from . import customer_return_label
from . import customer_return_repair
# SQL views over the tables above: created after them.
from . import customer_complaint_report
from . import customer_complaint_dashboard
# Compensation from a complaint: coupons, gift cards, goodwill credit notes (after the dashboard it extends).
from . import customer_complaint_compensation
from . import customer_complaint_dashboard_compensation
from . import loyalty_card_complaint
