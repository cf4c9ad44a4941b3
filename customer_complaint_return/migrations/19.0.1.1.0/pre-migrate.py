"""19.0.1.1.0: a complaint's deliveries are ``delivery_ids`` (they were ``picking_ids``).

Runs before the addon's models are loaded, so that the registry finds the links under
their new names: the relation table and its constraints are renamed, and the field
records keep their ids (tracking values, filters and exports that point to them stay
valid).
"""
from odoo.tools import sql

OLD_TABLE = 'customer_complaint_stock_picking_rel'
NEW_TABLE = 'customer_complaint_delivery_rel'
RENAMED_FIELDS = [
    # (model, old name, new name)
    ('customer.complaint', 'picking_ids', 'delivery_ids'),
    ('customer.complaint', 'picking_count', 'delivery_count'),
]


def migrate(cr, version):
    if not version:
        return
    rename_relation_table(cr)
    for model, old_name, new_name in RENAMED_FIELDS:
        rename_field(cr, model, old_name, new_name)
    cr.execute(
        "UPDATE ir_model_fields SET relation_table = %s WHERE relation_table = %s",
        [NEW_TABLE, OLD_TABLE])


def rename_relation_table(cr):
    if not sql.table_exists(cr, OLD_TABLE) or sql.table_exists(cr, NEW_TABLE):
        return
    cr.execute(sql.SQL("ALTER TABLE %s RENAME TO %s", sql.SQL.identifier(OLD_TABLE), sql.SQL.identifier(NEW_TABLE)))
    # Constraints and indexes carry the table's name: keep them recognisable.
    cr.execute("""
        SELECT conname FROM pg_constraint
         WHERE conrelid = %s::regclass AND conname LIKE %s
    """, [NEW_TABLE, OLD_TABLE + '%'])
    for (name,) in cr.fetchall():
        cr.execute(sql.SQL(
            "ALTER TABLE %s RENAME CONSTRAINT %s TO %s", sql.SQL.identifier(NEW_TABLE),
            sql.SQL.identifier(name), sql.SQL.identifier(sql.make_identifier(NEW_TABLE + name[len(OLD_TABLE):]))))
    cr.execute("""
        SELECT indexname FROM pg_indexes
         WHERE tablename = %s AND indexname LIKE %s
    """, [NEW_TABLE, OLD_TABLE + '%'])
    for (name,) in cr.fetchall():
        cr.execute(sql.SQL(
            "ALTER INDEX %s RENAME TO %s", sql.SQL.identifier(name),
            sql.SQL.identifier(sql.make_identifier(NEW_TABLE + name[len(OLD_TABLE):]))))


def rename_field(cr, model, old_name, new_name):
    """Rename the field record and its external id, unless the new one exists already."""
    cr.execute("SELECT 1 FROM ir_model_fields WHERE model = %s AND name = %s", [model, new_name])
    if cr.fetchone():
        return
    cr.execute(
        "UPDATE ir_model_fields SET name = %s WHERE model = %s AND name = %s", [new_name, model, old_name])
    model_key = model.replace('.', '_')
    cr.execute("""
        UPDATE ir_model_data SET name = %s
         WHERE module = 'customer_complaint_return' AND model = 'ir.model.fields' AND name = %s
    """, [f'field_{model_key}__{new_name}', f'field_{model_key}__{old_name}'])
