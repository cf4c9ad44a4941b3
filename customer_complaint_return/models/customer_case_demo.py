"""What the demo data needs to walk real documents through their flows; not used otherwise."""
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class CustomerCaseDemo(models.AbstractModel):
    _name = 'customer.case.demo'
    _description = "Demo Data Helpers of Complaints and Returns"

    @api.model
    def _deliver_and_invoice(self, order_ids, date=None):
        """Confirm the orders ``order_ids``, deliver them in full and post their invoices.

        The deliveries and invoices are dated ``date`` (default: now), and confirmed
        orders keep the order date they were created with, so that demo documents
        can lie in the past.
        """
        orders = self.env['sale.order'].browse(order_ids)
        date = fields.Datetime.to_datetime(date) or fields.Datetime.now()
        for order in orders.filtered(lambda order: order.state in ('draft', 'sent')):
            date_order = order.date_order
            order.action_confirm()
            order.date_order = date_order
        pickings = orders.picking_ids.filtered(lambda picking: picking.state not in ('done', 'cancel'))
        pickings.action_assign()
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty
        pickings.move_ids.picked = True
        # No one is there to answer the validation wizards: everything is delivered (no
        # backorder) and the customer gets no SMS (stock_sms asks first when installed).
        pickings.with_context(
            skip_backorder=True, picking_ids_not_to_backorder=pickings.ids, skip_sms=True,
        ).button_validate()
        if not_done := pickings.filtered(lambda picking: picking.state != 'done'):
            raise UserError(self.env._(
                "Deliveries %(names)s could not be validated.", names=", ".join(not_done.mapped('name'))))
        pickings.date_done = date
        # The stock moves too: return windows and return rates count from the moves' date.
        pickings.move_ids.date = date
        pickings.move_ids.move_line_ids.date = date
        invoices = orders._create_invoices(grouped=True)
        invoices.invoice_date = date.date()
        invoices.action_post()
        return invoices

    @api.model
    def _date_complaint_history(self, complaint_id, response_hours, resolution_hours=None, close_hours=None):
        """Date the steps of the demo complaint ``complaint_id`` as if they had happened the given
        hours after its receipt: its actions ran when the demo data was loaded, which would make
        every case received weeks ago answered weeks late. Its service levels follow."""
        complaint = self.env['customer.complaint'].browse(complaint_id)

        def after(hours):
            return complaint.date_received + timedelta(hours=hours) if hours is not None else False

        vals = {'date_started': after(response_hours), 'date_first_response': after(response_hours)}
        if resolution_hours is not None:
            vals['date_resolved'] = after(resolution_hours)
        if close_hours is not None:
            vals['date_closed'] = after(close_hours)
        complaint._process_write(vals)

    @api.model
    def _receive_and_credit(self, return_ids, credit=True):
        """Validate the return receipts of the approved cases ``return_ids`` in full and, with
        ``credit``, create and post their credit notes, as the warehouse and finance would."""
        cases = self.env['customer.return'].browse(return_ids)
        receipts = cases.picking_ids.filtered(lambda picking: picking.state not in ('done', 'cancel'))
        for move in receipts.move_ids:
            move.quantity = move.product_uom_qty
        receipts.move_ids.picked = True
        receipts.with_context(skip_backorder=True, picking_ids_not_to_backorder=receipts.ids).button_validate()
        if credit and any(cases.mapped('can_create_credit_note')):
            cases.action_create_credit_note()
            cases.credit_note_ids.filtered(lambda move: move.state == 'draft').action_post()

    @api.model
    def _recall_for_complaint(self, complaint_id):
        """Recall the lots of a complaint from its corrective action: notify the customers and
        open their draft returns, as a manager would."""
        complaint = self.env['customer.complaint'].browse(complaint_id)
        action = complaint.corrective_action_ids[:1]
        Recall = self.env['customer.lot.recall']
        wizard = Recall.browse(Recall._action_open_for(action.lot_ids, corrective_action=action)['res_id'])
        wizard.action_confirm()
