"""The 19.0.1.1.0 migration: a database made before it keeps every complaint's deliveries; an update
keeps an administrator's schedule of the crons."""
import importlib.util
import os

from odoo.fields import Command
from odoo.tests import tagged
from odoo.tools import convert_file

import odoo.addons.customer_complaint_return as addon

import common

MIGRATION = os.path.join(os.path.dirname(addon.__file__), 'migrations', '19.0.1.1.0', 'pre-migrate.py')
OLD_TABLE = 'customer_complaint_stock_picking_rel'
NEW_TABLE = 'customer_complaint_delivery_rel'


def load_migration():
    spec = importlib.util.spec_from_file_location('ccr_migration_19_0_1_1_0', MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged('post_install', '-at_install')
class TestMigration(common.ComplaintCommon):

    def _field_ids(self):
        self.env.cr.execute("""
            SELECT name, id, relation_table FROM ir_model_fields
             WHERE (model = 'customer.complaint' AND name IN ('picking_ids', 'delivery_ids', 'picking_count',
                                                               'delivery_count'))
                OR (model = 'stock.picking' AND name = 'complaint_ids')
        """)
        return {name: (field_id, table) for name, field_id, table in self.env.cr.fetchall()}

    def _names_on(self, table):
        self.env.cr.execute("""
            SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass
            UNION SELECT indexname FROM pg_indexes WHERE tablename = %s
        """, [table, table])
        return {name for (name,) in self.env.cr.fetchall()}

    def _put_back_schema_of_19_0_1_0_0(self):
        """The links as a database made with 19.0.1.0.0 holds them."""
        cr = self.env.cr
        for name in self._names_on(NEW_TABLE):
            old_name = OLD_TABLE + name[len(NEW_TABLE):]
            cr.execute(f'ALTER INDEX IF EXISTS "{name}" RENAME TO "{old_name}"')
        cr.execute(f'ALTER TABLE "{NEW_TABLE}" RENAME TO "{OLD_TABLE}"')
        cr.execute("UPDATE ir_model_fields SET relation_table = %s WHERE relation_table = %s", [OLD_TABLE, NEW_TABLE])
        for old, new in (('picking_ids', 'delivery_ids'), ('picking_count', 'delivery_count')):
            cr.execute("UPDATE ir_model_fields SET name = %s WHERE model = 'customer.complaint' AND name = %s",
                       [old, new])
            cr.execute("UPDATE ir_model_data SET name = %s WHERE module = 'customer_complaint_return' AND name = %s",
                       [f'field_customer_complaint__{old}', f'field_customer_complaint__{new}'])

    def test_deliveries_survive_the_update(self):
        complaint = self._create_complaint(
            sale_order_id=self.order.id, delivery_ids=[Command.set(self.delivery.ids)])
        other = self._create_complaint(subject="No delivery")
        self.env.flush_all()
        before = self._field_ids()
        self._put_back_schema_of_19_0_1_0_0()
        self.assertEqual(set(self._field_ids()), {'picking_ids', 'picking_count', 'complaint_ids'})

        migration = load_migration()
        migration.migrate(self.env.cr, '19.0.1.0.0')
        migration.migrate(self.env.cr, '19.0.1.0.0')  # a second run changes nothing
        self.env.invalidate_all()

        # The same field records (ids kept), under their new names and table.
        self.assertEqual(self._field_ids(), before)
        self.assertEqual(before['delivery_ids'][1], NEW_TABLE)
        self.assertEqual(before['complaint_ids'][1], NEW_TABLE)
        self.assertTrue(all(name.startswith(NEW_TABLE) for name in self._names_on(NEW_TABLE)))
        self.assertEqual(complaint.delivery_ids, self.delivery)
        self.assertEqual(complaint.delivery_count, 1)
        self.assertFalse(other.delivery_ids)
        self.assertEqual(self.delivery.complaint_ids, complaint)
        self.assertEqual(self.env.ref('customer_complaint_return.field_customer_complaint__delivery_ids').name,
                         'delivery_ids')

    def test_new_database_is_left_alone(self):
        before = self._field_ids()
        load_migration().migrate(self.env.cr, None)  # Odoo passes no version on a first install
        self.assertEqual(self._field_ids(), before)



SCHEDULED_ACTIONS = ('ir_cron_complaint_escalation', 'ir_cron_return_escalation', 'ir_cron_complaint_digest')


@tagged('post_install', '-at_install')
class TestScheduledActionsUpdate(common.ComplaintCommon):
    """An administrator's schedule of the addon's crons survives an update of the addon."""

    def test_update_keeps_the_schedule(self):
        crons = [self.env.ref(f'customer_complaint_return.{xmlid}') for xmlid in SCHEDULED_ACTIONS]
        for cron in crons:
            cron.write({'interval_number': 6, 'active': False})
        # the addon's follow-up data loaded again, as ``-u`` does
        convert_file(self.env(su=True), 'customer_complaint_return', 'data/customer_followup_data.xml', {},
                     mode='update')
        self.env.invalidate_all()
        self.assertEqual([(cron.interval_number, cron.active) for cron in crons], [(6, False)] * 3)
        self.env.cr.execute(
            "SELECT name, noupdate FROM ir_model_data WHERE module = 'customer_complaint_return' AND name IN %s",
            [SCHEDULED_ACTIONS])
        self.assertEqual(dict(self.env.cr.fetchall()), dict.fromkeys(SCHEDULED_ACTIONS, True))

    def test_19_0_1_3_0_marks_the_reasons_that_are_the_companys_fault(self):
        path = os.path.join(os.path.dirname(addon.__file__), 'migrations', '19.0.1.3.0', 'post-migrate.py')
        spec = importlib.util.spec_from_file_location('ccr_migration_19_0_1_3_0', path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        Reason = self.env['customer.return.reason'].sudo()
        reasons = {name: self.env.ref(f'customer_complaint_return.return_reason_{name}').sudo()
                   for name in ('defective', 'damaged', 'wrong_item', 'not_as_described', 'not_needed', 'repair')}
        own = Reason.create({'name': "Own reason (migration test)"})
        (own | Reason.concat(*reasons.values())).write({'is_company_fault': False})
        self.env.flush_all()
        migration.migrate(self.env.cr, '19.0.1.2.0')
        migration.migrate(self.env.cr, '19.0.1.2.0')  # a second run changes nothing
        self.env.invalidate_all()
        self.assertEqual({name: reason.is_company_fault for name, reason in reasons.items()}, {
            'defective': True, 'damaged': True, 'wrong_item': True, 'not_as_described': True,
            'not_needed': False, 'repair': False})
        self.assertFalse(own.is_company_fault)
        migration.migrate(self.env.cr, None)  # a new install: nothing to do
