"""A customer requests a return in a real headless browser (Odoo's tour runner, Chromium)."""
import unittest

from odoo.tests import tagged

import portal_common
from conftest import NO_TOUR_REASON, browser_problem


@tagged('post_install', '-at_install')
class TestPortalTour(portal_common.PortalCommon):

    def _start_tour(self, url, name, login):
        problem = browser_problem()
        if problem:
            self.skipTest(f"{NO_TOUR_REASON}: {problem}")
        try:
            self.start_tour(url, name, login=login)
        except unittest.SkipTest as skip:  # Odoo's runner could not drive the browser
            raise unittest.SkipTest(f"{NO_TOUR_REASON}: {skip}") from skip

    def test_tour_request_a_return(self):
        before = self._returns_of(self.order)
        self._start_tour('/my/returns', 'customer_complaint_return_portal_return_request', login=self.portal_a.login)
        case = self._returns_of(self.order) - before
        self.assertEqual(len(case), 1)
        self.assertEqual((case.state, case.channel, case.partner_id, case.reason_id),
                         ('to_approve', 'portal', self.customer_contact, self.reason_defective))
        self.assertEqual(case.line_ids.mapped(lambda line: (line.sale_line_id, line.quantity, line.condition)),
                         [(self.sale_line_chair, 2.0, 'damaged')])
        self.assertIn("The legs bend under load.", case.description)
        question = case.message_ids.filtered(lambda message: 'When will the courier come?' in (message.body or ''))
        self.assertEqual((question.author_id, question.message_type), (self.customer_contact, 'comment'))
