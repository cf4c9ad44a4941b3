from odoo import api, models
from odoo.tools import SQL

# The columns of the monthly figures, in this order (see _FIGURE_VALUES).
FIGURE_KEYS = ('company_id', 'month', 'state', 'category_id', 'root_cause_id')
FIGURE_MEASURES = (
    'complaint_count',
    'response_count', 'response_hours', 'response_allowed_count', 'response_allowed_hours',
    'response_judged', 'response_met',
    'resolution_count', 'resolution_hours', 'resolution_allowed_count', 'resolution_allowed_hours',
    'resolution_judged', 'resolution_met',
)


def _handling(kind, done, deadline, result, sign):
    """SQL of the contributions of a complaint ``c`` to the ``kind`` handling times, times ``sign``:
    what customer.complaint.report counts and averages (hours from receipt, allowed hours, result)."""
    hours = "EXTRACT(EPOCH FROM (c.{} - c.date_received))::float8 / 3600.0"
    return (
        f"{sign} * (c.{done} IS NOT NULL)::int, "
        f"{sign} * COALESCE({hours.format(done)}, 0), "
        f"{sign} * (c.{done} IS NOT NULL AND c.{deadline} IS NOT NULL)::int, "
        f"{sign} * CASE WHEN c.{done} IS NOT NULL THEN COALESCE({hours.format(deadline)}, 0) ELSE 0 END, "
        f"{sign} * (c.{result} IS NOT NULL)::int, "
        f"{sign} * COALESCE(c.{result} = 'met', FALSE)::int"
    )


def _figure_values(sign):
    return (
        f"c.company_id, date_trunc('month', c.date_received)::date, c.state, c.category_id, c.root_cause_id, "
        f"{sign}, "
        f"{_handling('response', 'date_first_response', 'date_response_deadline', 'sla_response_result', sign)}, "
        f"{_handling('resolution', 'date_resolved', 'date_resolution_deadline', 'sla_resolution_result', sign)}"
    )


# Columns whose change moves a complaint in the monthly figures.
TRACKED_COLUMNS = (
    'company_id', 'date_received', 'state', 'category_id', 'root_cause_id', 'active',
    'date_first_response', 'date_response_deadline', 'sla_response_result',
    'date_resolved', 'date_resolution_deadline', 'sla_resolution_result',
)
# Columns whose change moves a complaint's products in the monthly product figures.
PRODUCT_KEY_COLUMNS = ('company_id', 'date_received', 'category_id', 'root_cause_id', 'active')


class CustomerComplaintFigure(models.AbstractModel):
    """Monthly figures of the complaints, kept by PostgreSQL triggers, for the dashboard at scale.

    At a million complaints, counting the complaints of a year by status, cause, category, month
    and product reads a few hundred thousand rows each time the dashboard opens (over a second).
    These tables hold the same counts and handling-time sums per company and month (UTC):

    - ``customer_complaint_figure``: by status, category and root cause, with the handling times;
    - ``customer_complaint_product_figure``: by product, and root cause or category (``kind``);
    - ``customer_complaint_resolved_figure``: complaints resolved per month.

    Triggers on the complaints and their products append one row of deltas per change (+1 for the
    new values, -1 for the old ones): writers never wait on each other, whatever writes the rows
    (ORM, SQL, imports), and the figures are exact in the writing transaction itself. The hourly
    cron folds the deltas back into one row per group. The dashboard reads whole months here and
    the days of a month it only partly covers from the complaints themselves."""
    _name = 'customer.complaint.figure'
    _description = "Complaint Monthly Figures"

    # ------------------------------------------------------------------
    # Tables and triggers
    # ------------------------------------------------------------------
    def init(self):
        cr = self.env.cr
        cr.execute("SELECT to_regclass('customer_complaint_figure') IS NULL")
        [(missing,)] = cr.fetchall()
        measures = ", ".join(
            f"{name} {'float8' if name.endswith('hours') else 'integer'} NOT NULL" for name in FIGURE_MEASURES)
        cr.execute(f"""
            CREATE TABLE IF NOT EXISTS customer_complaint_figure (
                id serial PRIMARY KEY, company_id integer NOT NULL, month date NOT NULL, state varchar, category_id integer,
                root_cause_id integer, {measures});
            CREATE INDEX IF NOT EXISTS customer_complaint_figure_company_month_idx
                ON customer_complaint_figure (company_id, month);
            CREATE TABLE IF NOT EXISTS customer_complaint_product_figure (
                id serial PRIMARY KEY, company_id integer NOT NULL, month date NOT NULL, product_id integer NOT NULL,
                kind varchar NOT NULL, key_id integer, complaint_count integer NOT NULL);
            CREATE INDEX IF NOT EXISTS customer_complaint_product_figure_company_month_idx
                ON customer_complaint_product_figure (company_id, month, kind);
            CREATE TABLE IF NOT EXISTS customer_complaint_resolved_figure (
                company_id integer NOT NULL, month date NOT NULL, complaint_count integer NOT NULL);
            CREATE INDEX IF NOT EXISTS customer_complaint_resolved_figure_company_month_idx
                ON customer_complaint_resolved_figure (company_id, month);
        """)
        self._create_triggers()
        if missing:
            self._rebuild()

    @api.model
    def _add_function_sql(self):
        """plpgsql: the rows of deltas of complaint ``c`` counted ``sign`` times (its products too)."""
        return f"""
            CREATE OR REPLACE FUNCTION customer_complaint_figure_add(c customer_complaint, sign integer,
                                                                     with_products boolean)
            RETURNS void LANGUAGE plpgsql AS $fn$
            BEGIN
                IF c.active IS NOT TRUE THEN
                    RETURN;
                END IF;
                INSERT INTO customer_complaint_figure ({", ".join(FIGURE_KEYS + FIGURE_MEASURES)})
                VALUES ({_figure_values('sign')});
                IF c.date_resolved IS NOT NULL THEN
                    INSERT INTO customer_complaint_resolved_figure (company_id, month, complaint_count)
                    VALUES (c.company_id, date_trunc('month', c.date_resolved)::date, sign);
                END IF;
                IF with_products THEN
                    INSERT INTO customer_complaint_product_figure
                                (company_id, month, product_id, kind, key_id, complaint_count)
                    SELECT c.company_id, date_trunc('month', c.date_received)::date, rel.product_id, k.kind,
                           k.key_id, sign
                      FROM customer_complaint_product_rel rel
                     CROSS JOIN (VALUES ('cause', c.root_cause_id), ('category', c.category_id)) k(kind, key_id)
                     WHERE rel.complaint_id = c.id;
                END IF;
            END $fn$;
        """

    @api.model
    def _create_triggers(self):
        old_keys = ", ".join(f"OLD.{name}" for name in PRODUCT_KEY_COLUMNS)
        new_keys = ", ".join(f"NEW.{name}" for name in PRODUCT_KEY_COLUMNS)
        old_all = ", ".join(f"OLD.{name}" for name in TRACKED_COLUMNS)
        new_all = ", ".join(f"NEW.{name}" for name in TRACKED_COLUMNS)
        self.env.cr.execute(self._add_function_sql() + f"""
            CREATE OR REPLACE FUNCTION customer_complaint_figure_trigger() RETURNS trigger
            LANGUAGE plpgsql AS $fn$
            DECLARE
                moved boolean;
            BEGIN
                IF TG_OP = 'UPDATE' THEN
                    IF ROW({old_all}) IS NOT DISTINCT FROM ROW({new_all}) THEN
                        RETURN NULL;
                    END IF;
                    moved := ROW({old_keys}) IS DISTINCT FROM ROW({new_keys});
                    PERFORM customer_complaint_figure_add(OLD, -1, moved);
                    PERFORM customer_complaint_figure_add(NEW, 1, moved);
                    RETURN NULL;
                ELSIF TG_OP = 'INSERT' THEN
                    -- its products come after it, through their own trigger
                    PERFORM customer_complaint_figure_add(NEW, 1, FALSE);
                    RETURN NULL;
                END IF;
                -- BEFORE DELETE: its products are still there
                PERFORM customer_complaint_figure_add(OLD, -1, TRUE);
                RETURN OLD;
            END $fn$;

            CREATE OR REPLACE FUNCTION customer_complaint_product_figure_trigger() RETURNS trigger
            LANGUAGE plpgsql AS $fn$
            DECLARE
                link record;
                sign integer;
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    link := NEW;
                    sign := 1;
                ELSE
                    link := OLD;
                    sign := -1;
                END IF;
                -- a complaint being deleted is gone already: its delete counted its products
                INSERT INTO customer_complaint_product_figure
                            (company_id, month, product_id, kind, key_id, complaint_count)
                SELECT c.company_id, date_trunc('month', c.date_received)::date, link.product_id, k.kind, k.key_id,
                       sign
                  FROM customer_complaint c
                 CROSS JOIN LATERAL (VALUES ('cause', c.root_cause_id), ('category', c.category_id)) k(kind, key_id)
                 WHERE c.id = link.complaint_id AND c.active IS TRUE;
                RETURN NULL;
            END $fn$;

            DROP TRIGGER IF EXISTS customer_complaint_figure_insert ON customer_complaint;
            DROP TRIGGER IF EXISTS customer_complaint_figure_update ON customer_complaint;
            DROP TRIGGER IF EXISTS customer_complaint_figure_delete ON customer_complaint;
            DROP TRIGGER IF EXISTS customer_complaint_product_figure_change ON customer_complaint_product_rel;
            CREATE TRIGGER customer_complaint_figure_insert AFTER INSERT ON customer_complaint
                FOR EACH ROW EXECUTE FUNCTION customer_complaint_figure_trigger();
            CREATE TRIGGER customer_complaint_figure_update AFTER UPDATE OF {", ".join(TRACKED_COLUMNS)}
                ON customer_complaint FOR EACH ROW EXECUTE FUNCTION customer_complaint_figure_trigger();
            CREATE TRIGGER customer_complaint_figure_delete BEFORE DELETE ON customer_complaint
                FOR EACH ROW EXECUTE FUNCTION customer_complaint_figure_trigger();
            CREATE TRIGGER customer_complaint_product_figure_change AFTER INSERT OR DELETE
                ON customer_complaint_product_rel FOR EACH ROW EXECUTE FUNCTION customer_complaint_product_figure_trigger();
        """)

    # ------------------------------------------------------------------
    # Rebuild and compaction
    # ------------------------------------------------------------------
    @api.model
    def _rebuild(self):
        """The figures again from the complaints (installation, bulk loads with the triggers off)."""
        sums = ", ".join(f"SUM({name})" for name in FIGURE_MEASURES)
        self.env.cr.execute(f"""
            TRUNCATE customer_complaint_figure, customer_complaint_product_figure, customer_complaint_resolved_figure;
            INSERT INTO customer_complaint_figure ({", ".join(FIGURE_KEYS + FIGURE_MEASURES)})
            SELECT {", ".join(FIGURE_KEYS)}, {sums}
              FROM (SELECT {_figure_values(1)} FROM customer_complaint c WHERE c.active IS TRUE)
                   AS f({", ".join(FIGURE_KEYS + FIGURE_MEASURES)})
             GROUP BY {", ".join(FIGURE_KEYS)};
            INSERT INTO customer_complaint_product_figure (company_id, month, product_id, kind, key_id, complaint_count)
            SELECT c.company_id, date_trunc('month', c.date_received)::date, rel.product_id, k.kind, k.key_id, COUNT(*)
              FROM customer_complaint_product_rel rel
              JOIN customer_complaint c ON c.id = rel.complaint_id AND c.active IS TRUE
             CROSS JOIN LATERAL (VALUES ('cause', c.root_cause_id), ('category', c.category_id)) k(kind, key_id)
             GROUP BY 1, 2, 3, 4, 5;
            INSERT INTO customer_complaint_resolved_figure (company_id, month, complaint_count)
            SELECT c.company_id, date_trunc('month', c.date_resolved)::date, COUNT(*)
              FROM customer_complaint c WHERE c.active IS TRUE AND c.date_resolved IS NOT NULL
             GROUP BY 1, 2;
        """)

    @api.model
    def _compact(self):
        """Fold the rows of deltas into one row per group. Rows appended meanwhile by other
        transactions are not in this one's snapshot: they stay, untouched."""
        sums = ", ".join(f"SUM({name})" for name in FIGURE_MEASURES)
        self.env.cr.execute(f"""
            WITH gone AS (DELETE FROM customer_complaint_figure RETURNING *)
            INSERT INTO customer_complaint_figure ({", ".join(FIGURE_KEYS + FIGURE_MEASURES)})
            SELECT {", ".join(FIGURE_KEYS)}, {sums} FROM gone
             GROUP BY {", ".join(FIGURE_KEYS)} HAVING SUM(complaint_count) != 0;
            WITH gone AS (DELETE FROM customer_complaint_product_figure RETURNING *)
            INSERT INTO customer_complaint_product_figure (company_id, month, product_id, kind, key_id, complaint_count)
            SELECT company_id, month, product_id, kind, key_id, SUM(complaint_count) FROM gone
             GROUP BY 1, 2, 3, 4, 5 HAVING SUM(complaint_count) != 0;
            WITH gone AS (DELETE FROM customer_complaint_resolved_figure RETURNING *)
            INSERT INTO customer_complaint_resolved_figure (company_id, month, complaint_count)
            SELECT company_id, month, SUM(complaint_count) FROM gone GROUP BY 1, 2 HAVING SUM(complaint_count) != 0;
        """)

    @api.model
    def _cron_compact(self):
        self._compact()

    # ------------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------------
    @api.model
    def _read_months(self, company, first, last, with_products=True, basis='root_cause_id'):
        """The figures of ``company`` for the months ``first`` to ``last`` (first days, both included):
        {'state': {state: count}, 'root_cause_id': {id: count}, 'category_id': {id: count},
        'months': {month: count}, 'times': {measure: sum}, 'products': {id: count},
        'pairs': {(product id, key id): count}, 'resolved': {month: count}}."""
        self.env['customer.complaint'].flush_model()
        cr = self.env.cr
        sums = ", ".join(f"SUM({name})" for name in FIGURE_MEASURES)
        cr.execute(SQL(f"""
            SELECT GROUPING(state, root_cause_id, category_id, month), state, root_cause_id, category_id, month,
                   {sums}
              FROM customer_complaint_figure
             WHERE company_id = %(company)s AND month >= %(first)s AND month <= %(last)s
             GROUP BY GROUPING SETS ((), (state), (root_cause_id), (category_id), (month))
        """, company=company.id, first=first, last=last))
        figures = {'state': {}, 'root_cause_id': {}, 'category_id': {}, 'months': {}, 'times': {},
                   'products': {}, 'pairs': {}, 'resolved': {}}
        # GROUPING bits, from the last column: month 1, category 2, cause 4, state 8
        sets = {15: None, 7: ('state', 1), 11: ('root_cause_id', 2), 13: ('category_id', 3), 14: ('months', 4)}
        for row in cr.fetchall():
            target = sets[row[0]]
            if target is None:
                figures['times'] = dict(zip(FIGURE_MEASURES, row[5:]))
            elif row[5]:
                figures[target[0]][row[target[1]]] = row[5]
        if with_products:
            kind = 'cause' if basis == 'root_cause_id' else 'category'
            cr.execute(SQL("""
                SELECT product_id, key_id, SUM(complaint_count) FROM customer_complaint_product_figure
                 WHERE company_id = %s AND month >= %s AND month <= %s AND kind = %s
                 GROUP BY product_id, key_id HAVING SUM(complaint_count) != 0
            """, company.id, first, last, kind))
            for product_id, key_id, count in cr.fetchall():
                figures['pairs'][product_id, key_id] = count
                figures['products'][product_id] = figures['products'].get(product_id, 0) + count
        return figures

    @api.model
    def _read_resolved(self, company, first, last):
        """{month: complaints resolved} of ``company`` for the months ``first`` to ``last``."""
        self.env['customer.complaint'].flush_model()
        self.env.cr.execute(SQL("""
            SELECT month, SUM(complaint_count) FROM customer_complaint_resolved_figure
             WHERE company_id = %s AND month >= %s AND month <= %s GROUP BY month HAVING SUM(complaint_count) != 0
        """, company.id, first, last))
        return dict(self.env.cr.fetchall())
