from . import customer_complaint_reason
from . import customer_return_decision
from . import stock_return_picking
from . import customer_return_rate
from . import customer_lot_recall
from . import account_move_reversal
from . import customer_return_rule_test
from . import customer_complaint_compensation
