from . import customer_complaint_reason
