from collections import defaultdict

from odoo import api, fields, models
from odoo.fields import Domain

# Cases that count as returns of a customer: asked for and not withdrawn.
RETURN_COUNT_EXCLUDED_STATES = ('draft', 'cancelled')


class ResPartner(models.Model):
    _inherit = 'res.partner'

    complaint_count = fields.Integer(
        compute='_compute_complaint_count', groups='customer_complaint_return.group_complaint_user')

    customer_return_count = fields.Integer(
        compute='_compute_customer_return_count', groups='customer_complaint_return.group_complaint_user')

    return_rate = fields.Float(
        string="Return Rate (%)", digits=(16, 2), compute='_compute_return_rate',
        groups='customer_complaint_return.group_complaint_user',
        help="Value the customer (their company and all its contacts) returned / value delivered to them over "
             "the last 12 months, in the allowed companies: sales orders and return cases' replacements, untaxed, "
             "after discount, as the products' return rates count goods.")
    return_count = fields.Integer(
        string="Returns (12 months)", compute='_compute_return_rate',
        groups='customer_complaint_return.group_complaint_user',
        help="Return cases the customer asked for in the last 12 months, neither draft nor cancelled.")

    def _compute_customer_return_count(self):
        counts = self.env['customer.return']._count_per_document(
            'commercial_partner_id', self.commercial_partner_id)
        for partner in self:
            partner.customer_return_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_customer_returns(self):
        self.ensure_one()
        return self.env['customer.return']._action_for_documents(
            [('commercial_partner_id', '=', self.commercial_partner_id.id)], {'partner_id': self.id})

    def _compute_complaint_count(self):
        # Complaints of a company and of all its contacts.
        counts = self.env['customer.complaint']._count_per_document(
            'commercial_partner_id', self.commercial_partner_id)
        for partner in self:
            partner.complaint_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_complaints(self):
        self.ensure_one()
        return self.env['customer.complaint']._action_for_documents(
            [('commercial_partner_id', '=', self.commercial_partner_id.id)], {'partner_id': self.id})

    # ------------------------------------------------------------------
    # Return rate of a customer and of a company: one rule, the products'
    # ------------------------------------------------------------------
    @api.depends_context('allowed_company_ids')
    def _compute_return_rate(self):
        companies = self.env.companies
        rates = self._get_customer_return_rates(companies)
        counts = self._count_recent_customer_returns(companies)
        for partner in self:
            customer = partner.commercial_partner_id._origin
            partner.return_rate = rates.get(customer, 0.0)
            partner.return_count = counts.get(customer, 0)

    def _get_customer_return_rates(self, companies):
        """{commercial partner: return rate in percent} of the customers of ``self`` (their
        commercial entities) within ``companies`` over the last 12 months ending today; 0.0
        for a customer with nothing delivered. Read as superuser: every user gets the same figure."""
        customers = self.commercial_partner_id._origin
        values = self._get_return_values(companies, customers)
        return {customer: self._return_rate(*values.get(customer, (0.0, 0.0))) for customer in customers}

    @api.model
    def _get_company_return_rate(self, company):
        """The return rate of all the customers of ``company`` together (the company average),
        in percent, over the last 12 months ending today."""
        values = self._get_return_values(company).values()
        return self._return_rate(sum(delivered for delivered, _returned in values),
                                 sum(returned for _delivered, returned in values))

    @api.model
    def _return_rate(self, delivered, returned):
        return 100.0 * returned / delivered if delivered else 0.0

    @api.model
    def _get_return_rate_period(self):
        """(from, to) datetimes of the rates: the products' return figures' default period, the
        last DEFAULT_RETURN_PERIOD_DAYS days ending today, whatever the context asks."""
        return self.env['product.product'].with_context(
            return_date_from=False, return_date_to=False)._return_period()

    @api.model
    def _get_return_values(self, companies, customers=None):
        """{commercial partner: (delivered value, returned value)} in the currency of the first of
        ``companies``, over the period of ``_get_return_rate_period``: the done moves of sales of
        ``companies`` (``product.product._customer_move_domain``) of ``customers`` (all customers when
        None), to and from the customer as ``stock.move`` tells them apart.

        A move's value is its goods in units of its order line (kits: whole kits, once) at the
        line's untaxed unit price after discount. Two grouped reads whatever the number of
        customers, then one pass per order line."""
        start, stop = self._get_return_rate_period()
        Move = self.env['stock.move'].sudo().with_context(active_test=False)
        domain = Domain('company_id', 'in', companies.ids) \
            & self.env['product.product']._customer_move_domain(start, stop)
        if customers is not None:
            customer_path = 'order_partner_id.commercial_partner_id'
            domain &= Domain(f'sale_line_id.{customer_path}', 'in', customers.ids) \
                | Domain(f'customer_return_line_id.sale_line_id.{customer_path}', 'in', customers.ids)
        # {sale line id: ({product: delivered qty}, {product: returned qty})}, in the product's unit
        goods = defaultdict(lambda: (defaultdict(float), defaultdict(float)))
        for index, direction in enumerate((Move._to_customer_domain(), Move._from_customer_domain())):
            for sale_line, replaced_line, product, qty in Move._read_group(
                    domain & direction, ['sale_line_id', 'customer_return_line_id.sale_line_id', 'product_id'],
                    ['product_qty:sum']):
                # replacements of a return case belong to the order line of the case
                line = sale_line or replaced_line
                if line:
                    goods[line.id][index][product] += qty
        values = defaultdict(lambda: [0.0, 0.0])
        unit_values = self._get_sale_line_unit_values(
            self.env['sale.order.line'].sudo().browse(goods), companies[:1].currency_id)
        for line, unit_value in unit_values.items():
            per_unit = line._get_return_goods_per_unit()
            customer = line.order_partner_id.commercial_partner_id
            for index, line_goods in enumerate(goods[line.id]):
                values[customer][index] += line._count_units(line_goods, per_unit) * unit_value
        return {customer: tuple(figures) for customer, figures in values.items()}

    @api.model
    def _get_sale_line_unit_values(self, lines, currency):
        """{sale line: value of one unit of the line, untaxed, after discount, in ``currency``}.

        The order's amounts are converted to its company's currency at the order's own rate
        (``currency_rate``, the rate of the order date), as sale's reports do; from there to
        ``currency`` (other companies' currencies only) at today's rate."""
        today = fields.Date.context_today(self)
        Currency = self.env['res.currency']
        factors = {}
        unit_values = {}
        for line in lines:
            order = line.order_id
            company_currency = order.company_id.currency_id
            if company_currency not in factors:
                factors[company_currency] = Currency._get_conversion_rate(
                    company_currency, currency, order.company_id, today)
            price = line.price_subtotal / line.product_uom_qty if line.product_uom_qty else 0.0
            unit_values[line] = price / (order.currency_rate or 1.0) * factors[company_currency]
        return unit_values

    def _count_recent_customer_returns(self, companies):
        """{commercial partner: number of return cases} of the customers of ``self`` within
        ``companies``, requested over the rates' period, neither draft nor cancelled (archived
        cases too: the goods came back all the same)."""
        start, stop = self._get_return_rate_period()
        customers = self.commercial_partner_id._origin
        return dict(self.env['customer.return'].sudo().with_context(active_test=False)._read_group(
            Domain('commercial_partner_id', 'in', customers.ids) & Domain('company_id', 'in', companies.ids)
            & Domain('date_request', '>=', start.date()) & Domain('date_request', '<', stop.date())
            & Domain('state', 'not in', RETURN_COUNT_EXCLUDED_STATES),
            ['commercial_partner_id'], ['__count']))
