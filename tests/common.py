"""Shared fixtures: real customers, stock, and sale orders confirmed, delivered and invoiced."""
from datetime import datetime, time

from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

GROUP_USER = 'customer_complaint_return.group_complaint_user'
GROUP_MANAGER = 'customer_complaint_return.group_complaint_manager'


@tagged('post_install', '-at_install')
class ComplaintCommon(AccountTestInvoicingCommon):
    """A company with a chart of accounts, a working calendar, complaint configuration,
    users of each group, and one sale order for 5 chairs confirmed, delivered and invoiced."""

    @classmethod
    def default_env_context(cls):
        # Keep tracking and chatter on: the addon logs its process there.
        return {'no_reset_password': True}

    @classmethod
    def get_default_groups(cls):
        # The set-up user configures complaints and sells, as an administrator would.
        return super().get_default_groups() | cls.quick_ref(GROUP_MANAGER) \
            | cls.quick_ref('sales_team.group_sale_manager') | cls.quick_ref('stock.group_stock_manager')

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.warehouse = cls.env['stock.warehouse'].search([('company_id', '=', cls.company.id)], limit=1)
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.calendar = cls._create_calendar(cls.company)

        cls.customer = cls.env['res.partner'].create({
            'name': "Lin Wei Trading",
            'is_company': True,
            'email': "service@linwei.example.com",
            'phone': "+86 21 5555 0101",
        })
        cls.customer_contact = cls.env['res.partner'].create({
            'name': "Lin Wei",
            'parent_id': cls.customer.id,
            'email': "lin.wei@linwei.example.com",
            'phone': "+86 139 0000 0001",
        })
        cls.other_customer = cls.env['res.partner'].create({
            'name': "Zhang San Retail",
            'is_company': True,
            'email': "zhang.san@example.com",
        })

        cls.product_chair = cls._create_storable_product("Office Chair", 150.0)
        cls.product_desk = cls._create_storable_product("Standing Desk", 420.0)

        cls._configure_complaints(cls.company)
        cls._create_users()

        cls.order = cls._create_delivered_invoiced_order(cls.customer, [(cls.product_chair, 5, 150.0)])
        cls.delivery = cls.order.picking_ids
        cls.invoice = cls.order.invoice_ids

    # ------------------------------------------------------------------
    # Builders
    # ------------------------------------------------------------------
    @classmethod
    def _create_calendar(cls, company):
        """Monday to Friday, 08:00-12:00 and 13:00-17:00 UTC, as the company's calendar."""
        attendances = []
        for day in range(5):
            attendances += [
                Command.create({'name': f"Morning {day}", 'dayofweek': str(day), 'hour_from': 8, 'hour_to': 12,
                                'day_period': 'morning'}),
                Command.create({'name': f"Afternoon {day}", 'dayofweek': str(day), 'hour_from': 13, 'hour_to': 17,
                                'day_period': 'afternoon'}),
            ]
        calendar = cls.env['resource.calendar'].create({
            'name': f"Office hours {company.name}",
            'tz': 'UTC',
            'company_id': company.id,
            'attendance_ids': [Command.clear()] + attendances,
        })
        company.resource_calendar_id = calendar
        return calendar

    def _add_public_holiday(self, day):
        """A whole day off for everyone on the company's calendar (a date)."""
        return self.env['resource.calendar.leaves'].create({
            'name': "Public holiday",
            'calendar_id': self.calendar.id,
            'resource_id': False,
            'date_from': datetime.combine(day, time.min),
            'date_to': datetime.combine(day, time(23, 59, 59)),
        })

    @classmethod
    def _create_storable_product(cls, name, price, company=None, **values):
        return cls.env['product.product'].create({
            'name': name,
            'type': 'consu',
            'is_storable': True,
            'list_price': price,
            'standard_price': price / 2,
            'invoice_policy': 'delivery',
            'company_id': company.id if company else False,
            'taxes_id': [Command.set(cls.tax_sale_a.ids)] if not company else [Command.clear()],
            **values,
        })

    @classmethod
    def _put_in_stock(cls, product, quantity, location=None):
        # In the product's environment: the builders also serve data committed outside the test cursor.
        product.env['stock.quant'].with_context(inventory_mode=True).create({
            'product_id': product.id,
            'location_id': (location or cls.stock_location).id,
            'inventory_quantity': quantity,
        }).action_apply_inventory()

    @classmethod
    def _create_delivered_invoiced_order(cls, partner, lines, env=None):
        """A sale order confirmed, its delivery validated and its invoice posted."""
        env = env or cls.env
        for product, quantity, _price in lines:
            warehouse = env['stock.warehouse'].search([('company_id', '=', env.company.id)], limit=1)
            cls._put_in_stock(product, quantity, warehouse.lot_stock_id)
        order = env['sale.order'].create({
            'partner_id': partner.id,
            'order_line': [
                Command.create({'product_id': product.id, 'product_uom_qty': quantity, 'price_unit': price})
                for product, quantity, price in lines
            ],
        })
        order.action_confirm()
        cls._validate_delivery(order)
        invoice = order._create_invoices()
        invoice.action_post()
        return order

    @classmethod
    def _validate_delivery(cls, order):
        picking = order.picking_ids.filtered(lambda p: p.state not in ('done', 'cancel'))
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        picking.button_validate()
        return picking

    @classmethod
    def _configure_complaints(cls, company):
        """Categories, teams and deadlines of ``company`` used by the tests."""
        Category = cls.env['customer.complaint.category']
        cls.category_quality = Category.create({
            'name': "Product Quality", 'default_severity': 'normal', 'company_id': company.id})
        cls.category_delay = Category.create({
            'name': "Delivery Delay", 'default_severity': 'low', 'company_id': company.id})
        cls.category_safety = Category.create({
            'name': "Product Safety", 'default_severity': 'critical', 'company_id': company.id})
        Deadline = cls.env['customer.complaint.deadline']
        Deadline.create([
            {'severity': 'low', 'response_hours': 16, 'resolution_hours': 80, 'company_id': company.id},
            {'severity': 'normal', 'response_hours': 8, 'resolution_hours': 40, 'company_id': company.id},
            {'severity': 'high', 'response_hours': 4, 'resolution_hours': 16, 'company_id': company.id},
            {'severity': 'critical', 'response_hours': 2, 'resolution_hours': 8, 'company_id': company.id},
            {'severity': 'normal', 'category_id': cls.category_quality.id, 'response_hours': 4,
             'resolution_hours': 24, 'company_id': company.id},
        ])

    @classmethod
    def _create_users(cls):
        company = cls.company
        common = {'company_id': company.id, 'company_ids': [Command.set(company.ids)]}
        cls.user_agent_1 = new_test_user(
            cls.env, login='ccr_agent_1', name="Agent One", groups=f'base.group_user,{GROUP_USER}', **common)
        cls.user_agent_2 = new_test_user(
            cls.env, login='ccr_agent_2', name="Agent Two", groups=f'base.group_user,{GROUP_USER}', **common)
        cls.user_specialist = new_test_user(
            cls.env, login='ccr_specialist', name="Quality Specialist", groups=f'base.group_user,{GROUP_USER}',
            **common)
        cls.user_manager = new_test_user(
            cls.env, login='ccr_manager', name="Complaint Manager", groups=f'base.group_user,{GROUP_MANAGER}',
            **common)
        cls.user_employee = new_test_user(
            cls.env, login='ccr_employee', name="Plain Employee", groups='base.group_user', **common)
        Team = cls.env['customer.complaint.team']
        cls.team_service = Team.create({
            'name': "Customer Service",
            'sequence': 20,
            'severity_min': 'low',
            'severity_max': 'normal',
            'assignment_method': 'round_robin',
            'leader_id': cls.user_manager.id,
            'member_ids': [Command.set((cls.user_agent_1 | cls.user_agent_2).ids)],
            'company_id': company.id,
        })
        cls.team_specialists = Team.create({
            'name': "Specialists",
            'sequence': 10,
            'severity_min': 'high',
            'severity_max': 'critical',
            'assignment_method': 'leader',
            'leader_id': cls.user_specialist.id,
            'member_ids': [Command.set(cls.user_specialist.ids)],
            'company_id': company.id,
        })

    @classmethod
    def _load_chinese(cls):
        """Activate zh_CN with the addon's own translation file; the environment in Chinese."""
        cls.env['res.lang']._activate_lang('zh_CN')
        cls.env['ir.module.module']._load_module_terms(['customer_complaint_return'], ['zh_CN'], overwrite=True)
        return cls.env(context=dict(cls.env.context, lang='zh_CN'))

    @classmethod
    def _create_complaint(cls, **values):
        return cls.env['customer.complaint'].create({
            'partner_id': cls.customer.id,
            'subject': "Chair arrived with a broken leg",
            'channel': 'phone',
            'date_received': datetime(2026, 11, 2, 9, 0),  # a Monday
            **values,
        })


def pdf_rendering_available(env):
    """Whether Odoo can print PDF reports here (wkhtmltopdf installed and working)."""
    return env['ir.actions.report'].get_wkhtmltopdf_state() in ('ok', 'upgrade')


# Shown by `make test` (pytest -rs) for every PDF test that could not run.
NO_PDF_REASON = "wkhtmltopdf is not installed: PDF rendering not tested (see README, Prerequisites)"
