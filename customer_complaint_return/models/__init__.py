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
from . import customer_complaint_figure
from . import customer_complaint_product_figure
from . import customer_complaint_month_figure
from . import customer_complaint_dashboard
from . import customer_complaint_figures_index
# Compensation from a complaint: coupons, gift cards, goodwill credit notes (after the dashboard it extends).
from . import customer_complaint_compensation
from . import customer_complaint_dashboard_compensation
from . import loyalty_card_complaint
# One timeline of each case and its documents (reads the models above).
from . import customer_case_timeline
from . import customer_case_mixin_timeline
# Related and duplicate cases at intake, and their merge.
from . import customer_complaint_related
# The customer chooses the resolution of each returned line among those the return rule allows.
from . import customer_return_resolution
from . import customer_return_resolution_choice
# Cost of poor quality: the ledger and the events that fill it (after every model it reads).
from . import customer_quality_cost
from . import account_move_quality_cost
from . import stock_move_quality_cost
from . import stock_picking_quality_cost
from . import customer_complaint_compensation_quality_cost
from . import customer_complaint_dashboard_quality_cost
from . import customer_complaint_quality_cost
from . import customer_return_quality_cost
# Spike alerts per product and lot, and 8D reports on corrective actions.
from . import customer_complaint_spike
from . import customer_corrective_action_spike
from . import customer_corrective_action_8d
