"""Query budgets: creating a case and loading the kanban must not cost a query per record."""
from datetime import datetime, timedelta

from odoo.tests import tagged
from odoo.tests.common import users, warmup

import common

# The fields the kanban card shows, as the web client asks for them.
KANBAN_SPEC = {
    'name': {},
    'subject': {},
    'state': {},
    'severity': {},
    'is_overdue': {},
    'date_resolution_deadline': {},
    'partner_id': {'fields': {'display_name': {}}},
    'category_id': {'fields': {'display_name': {}}},
    'user_id': {'fields': {'display_name': {}}},
    'activity_ids': {'fields': {}},
    'activity_state': {},
    'activity_exception_decoration': {},
    'activity_exception_icon': {},
}


@tagged('post_install', '-at_install')
class TestComplaintPerformance(common.ComplaintCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partners = cls.env['res.partner'].create([{'name': f"Kanban customer {i}"} for i in range(20)])
        categories = cls.category_quality | cls.category_delay | cls.category_safety
        start = datetime(2026, 11, 2, 9, 0)
        cls.kanban_complaints = cls.env['customer.complaint'].create([{
            'partner_id': partners[i % 20].id,
            'subject': f"Kanban case {i}",
            'category_id': categories[i % 3].id,
            'date_received': start + timedelta(hours=i),
        } for i in range(80)])
        cls.kanban_complaints[:30].action_start()
        cls.env.flush_all()

    def _create_case(self):
        return self.env['customer.complaint'].create({
            'partner_id': self.customer.id,
            'subject': "Scratched desk top",
            'channel': 'email',
            'category_id': self.category_quality.id,
            'sale_order_id': self.order.id,
            'delivery_ids': self.delivery.ids,
            'invoice_ids': self.invoice.ids,
            'product_ids': self.product_chair.ids,
            'date_received': datetime(2026, 11, 6, 18, 0),
        })

    @users('ccr_agent_1')
    @warmup
    def test_create_complaint_query_budget(self):
        # Routing, round-robin, deadlines on the calendar, reference, chatter and followers included;
        # 2 for the stored last rating of rating.mixin (the new case's ratings, read and aggregated);
        # the at-risk moments of the service levels read the calendar's work intervals once more (+2).
        with self.assertQueryCount(ccr_agent_1=39):  # +1: the related cases found at intake
            complaint = self._create_case()
        self.assertEqual(complaint.team_id, self.team_service)
        self.assertEqual(complaint.date_response_deadline, datetime(2026, 11, 9, 12, 0))

    @users('ccr_agent_1')
    @warmup
    def test_create_complaints_batch_query_budget(self):
        # Ten cases in one call: only the reference (one nextval each) and the chatter grow with the batch;
        # the at-risk moments of the service levels read the calendar's work intervals once more (+2).
        partners = self.env['res.partner'].sudo().create([{'name': f"Batch customer {i}"} for i in range(10)])
        with self.assertQueryCount(ccr_agent_1=36):  # last rating (rating.mixin) 2, service levels 2, related 1
            complaints = self.env['customer.complaint'].create([{
                'partner_id': partner.id,
                'category_id': self.category_delay.id,
                'date_received': datetime(2026, 11, 6, 18, 0),
            } for partner in partners])
        self.assertEqual(len(complaints), 10)
        self.assertEqual(set(complaints.mapped('date_response_deadline')), {datetime(2026, 11, 10, 17, 0)})

    @users('ccr_agent_1')
    @warmup
    def test_kanban_web_search_read_query_budget(self):
        Complaint = self.env['customer.complaint']
        domain = [('id', 'in', self.kanban_complaints.ids)]
        with self.assertQueryCount(ccr_agent_1=8):
            result = Complaint.web_search_read(domain, KANBAN_SPEC, limit=80)
        self.assertEqual(result['length'], 80)
        self.assertEqual(len(result['records']), 80)
        # The same request for 10 cases costs the same: nothing is read record by record.
        self.env.invalidate_all()
        with self.assertQueryCount(ccr_agent_1=8):
            result = Complaint.web_search_read(domain, KANBAN_SPEC, limit=10)
        self.assertEqual(len(result['records']), 10)
