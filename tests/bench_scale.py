"""Scale mode of ``make bench``: the dashboard, the lists and a complaint's creation at N complaints.

``make bench BENCH_ARGS="--scale 1000000"`` (``--scale 100000`` for a quick run; ``--rounds 5``);
``tests/benchmark.py`` parses the options and hands over to ``run_scale``.

Builds a throwaway cluster as ``make bench`` does, installs the addon in one database, fills it
by SQL (``generate_series``, ``INSERT ... SELECT``) with N complaints over three years in two
companies, a few thousand customers, a few hundred products and their lots, categories, causes
and teams, states and dates as they come in life (answered and resolved in time or late, closed
and still open), English and Chinese descriptions from word lists (so that trigram matching has
real texts to match), returns and corrective actions, then VACUUM ANALYZE. The fill drops the
complaint tables' secondary indexes first and builds them again afterwards, as a bulk load does.

Then, warm (each request run once, then the median of ``--rounds``), as a fresh request of the
web client would (ORM caches emptied, registry kept): a complaint's creation through the ORM as
a complaint user, the dashboard opened by a complaint manager (the server action that creates it,
then the ``web_read`` of its form; the ``onchange`` of a new period), its charts' drill-downs
(``formatted_read_group`` of the graph views) and the complaints' list, count, kanban and pivot.
It prints queries and milliseconds per request, and the fill's duration.
"""
import statistics
import subprocess
import threading
import time
from datetime import datetime, timedelta
from unittest.mock import patch

import harness
from odoo import api
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.sql_db import Cursor
from odoo.tools import SQL
from odoo.tools import config as odoo_config

DB_SCALE = "ccr_bench_scale"
TARGET_DASHBOARD_MS = 300
TARGET_READ_MS = 300
YEARS = 3
# Share of the complaints of the first company; the second has the rest.
FIRST_COMPANY_SHARE = 0.7
RETURN_SHARE = 0.05
ACTION_SHARE = 0.005

WORDS_EN = [
    "chair", "desk", "lamp", "cable", "screen", "drawer", "wheel", "handle", "box", "carton", "scratch",
    "crack", "dent", "broken", "missing", "late", "wrong", "colour", "size", "leg", "screw", "hinge",
    "paint", "stain", "smell", "noise", "wobble", "loose", "battery", "charger", "manual", "label",
    "invoice", "refund", "delivery", "courier", "damaged", "wet", "torn", "leaking", "faulty", "stopped",
    "working", "again"
]
WORDS_ZH = [
    "椅子", "桌子", "台灯", "电缆", "屏幕", "抽屉", "轮子", "把手", "包装", "纸箱", "划痕", "裂纹", "凹陷", "损坏", "缺件", "延迟", "错误",
    "颜色", "尺寸", "桌腿", "螺丝", "铰链", "油漆", "污渍", "异味", "噪音", "松动", "电池", "充电器", "说明书", "标签", "发票", "退款", "快递",
    "受潮", "破损", "漏水", "故障", "停止", "工作"
]
CATEGORIES = ("Product quality", "Delivery delay", "Wrong item", "Damaged in transit", "Service attitude", "Billing")
CAUSES = ("Supplier material", "Packaging", "Assembly", "Carrier handling", "Picking error", "Design",
          "Labelling", "Training", "Pricing", "Storage", "Documentation", "Unknown")


def say(message):
    harness.say(f"bench scale: {message}")


# ---------------------------------------------------------------------------
# The fill
# ---------------------------------------------------------------------------
def _sizes(count):
    """(customers, products, lots per product) for ``count`` complaints: a few thousand customers and
    a few hundred products at a million, a handful for a test."""
    return max(20, min(3000, count // 300)), max(8, min(300, count // 3000)), 3


def _master_data(env, count):
    """Companies, users, customers, products, lots, categories, causes and teams, through the ORM."""
    customers_count, products_count, lots_per_product = _sizes(count)
    companies = env.company | env["res.company"].create({"name": "Scale Branch (Shenzhen)"})
    env.user.company_ids = [Command.link(company.id) for company in companies]
    agents = env["res.users"].with_context(no_reset_password=True).create([{
        "name": f"Scale agent {index}", "login": f"scale_agent_{index}",
        "company_id": companies[index % 2].id, "company_ids": [Command.set(companies.ids)],
        "group_ids": [Command.set([env.ref("customer_complaint_return.group_complaint_user").id])],
    } for index in range(8)])
    customers = env["res.partner"].create([{
        "name": f"Scale customer {index}", "is_company": True, "email": f"customer{index}@scale.example.com",
    } for index in range(customers_count)])
    products = env["product.product"].create([{
        "name": f"Scale product {index}", "type": "consu", "is_storable": True, "tracking": "lot",
        "default_code": f"SC{index:04d}", "list_price": 10.0 + index,
    } for index in range(products_count)])
    lots = env["stock.lot"].create([{
        "name": f"LOT-{product.default_code}-{index}", "product_id": product.id, "company_id": companies[0].id,
    } for product in products for index in range(lots_per_product)])
    per_company = {}
    for company in companies:
        Category = env["customer.complaint.category"].with_company(company)
        per_company[company.id] = {
            "categories": Category.create([{"name": f"{name} ({company.id})", "company_id": company.id}
                                           for name in CATEGORIES]).ids,
            "causes": env["customer.complaint.cause"].create([{"name": f"{name} ({company.id})",
                                                               "company_id": company.id} for name in CAUSES]).ids,
            "teams": env["customer.complaint.team"].create([{"name": f"Scale team {index} ({company.id})",
                                                             "company_id": company.id} for index in range(3)]).ids,
            "users": agents.ids,
        }
    return {"companies": companies, "customers": customers, "products": products, "lots": lots,
            "per_company": per_company, "agents": agents}


def _secondary_indexes(cr, tables):
    """{name: definition} of the indexes of ``tables`` other than primary keys and unique ones."""
    cr.execute("""
        SELECT i.relname, pg_get_indexdef(i.oid)
          FROM pg_index x
          JOIN pg_class i ON i.oid = x.indexrelid
          JOIN pg_class t ON t.oid = x.indrelid
         WHERE t.relname = ANY(%s) AND NOT x.indisprimary AND NOT x.indisunique
    """, [list(tables)])
    return dict(cr.fetchall())


def _check_columns(cr, table, columns):
    """The fill must give every NOT NULL column without a default: say which one a new field added."""
    cr.execute("""
        SELECT column_name FROM information_schema.columns
         WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL
    """, [table])
    missing = sorted({name for (name,) in cr.fetchall()} - set(columns))
    if missing:
        raise RuntimeError(f"bench scale: fill of {table} misses required columns {missing}")


def _pick(array_sql, skew="random()"):
    """SQL picking one element of an SQL array, ``skew`` in [0, 1) choosing where."""
    return f"({array_sql})[1 + floor({skew} * array_length({array_sql}, 1))::int]"


def _words(array, count):
    return " || ' ' || ".join(_pick(array) for _index in range(count))


def _fill_complaints(cr, data, count, now, uid):
    """``count`` complaints by SQL; returns the range of their ids."""
    first, second = data["companies"].ids
    per_company = data["per_company"]
    columns = (
        "name", "company_id", "partner_id", "commercial_partner_id", "contact_name", "email", "subject",
        "description", "state", "channel", "date_received", "severity", "category_id", "root_cause_id",
        "team_id", "user_id", "date_assigned", "active", "date_started", "date_first_response", "date_resolved",
        "date_closed", "date_response_deadline", "date_resolution_deadline", "date_response_at_risk",
        "date_resolution_at_risk", "date_escalation_deadline", "sla_response_result", "sla_resolution_result",
        "escalation_level", "reopen_count", "create_uid", "create_date", "write_uid", "write_date",
    )
    _check_columns(cr, "customer_complaint", columns)
    cr.execute("SELECT COALESCE(MAX(id), 0) FROM customer_complaint")
    [start_id] = cr.fetchone()

    def arrays(key):
        return (f"(CASE WHEN company_id = {first} THEN ARRAY{per_company[first][key]}::int[] "
                f"ELSE ARRAY{per_company[second][key]}::int[] END)")

    english = _words("%(en)s", 3)
    chinese = _words("%(zh)s", 3)
    query = f"""
        INSERT INTO customer_complaint ({", ".join(columns)})
        SELECT 'SCALE/' || lpad(g::text, 8, '0'), company_id, partner_id, partner_id, 'Scale contact',
               'contact@scale.example.com', subject, '<p>' || subject || ' ' || body || '</p>',
               state, channel, received, severity, category_id, root_cause_id, team_id, user_id, received, TRUE,
               answered, answered, resolved, CASE WHEN state = 'closed' THEN resolved + interval '2 days' END,
               received + interval '1 day', received + interval '7 days',
               received + interval '19 hours', received + interval '134 hours', received + interval '8 days',
               CASE WHEN answered IS NULL THEN NULL WHEN answered <= received + interval '1 day' THEN 'met'
                    ELSE 'breached' END,
               CASE WHEN resolved IS NULL OR state NOT IN ('resolved', 'closed') THEN NULL
                    WHEN resolved <= received + interval '7 days' THEN 'met' ELSE 'breached' END,
               CASE WHEN state IN ('new', 'in_progress') AND %(now)s > received + interval '8 days' THEN 2
                    WHEN state IN ('new', 'in_progress') AND %(now)s > received + interval '7 days' THEN 1
                    ELSE 0 END,
               0, %(uid)s, received, %(uid)s, received
          FROM (
            SELECT g, company_id, received, state, partner_id, subject, body, channel, severity,
                   {_pick(arrays("categories"), "power(random(), 2)")} AS category_id,
                   CASE WHEN state = 'new' THEN NULL
                        ELSE {_pick(arrays("causes"), "power(random(), 2)")} END AS root_cause_id,
                   {_pick(arrays("teams"))} AS team_id,
                   {_pick(arrays("users"))} AS user_id,
                   CASE WHEN state = 'new' THEN NULL
                        ELSE received + power(random(), 2) * interval '60 hours' END AS answered,
                   CASE WHEN state IN ('resolved', 'closed', 'cancelled')
                        THEN received + interval '1 day' + power(random(), 1.5) * interval '12 days' END AS resolved
              FROM (
                SELECT g, company_id, received, partner_id, subject, body, channel, severity,
                       CASE WHEN r_state < open_share * 0.3 THEN 'new'
                            WHEN r_state < open_share THEN 'in_progress'
                            WHEN r_state < open_share + (1 - open_share) * 0.15 THEN 'resolved'
                            WHEN r_state < open_share + (1 - open_share) * 0.25 THEN 'cancelled'
                            ELSE 'closed' END AS state
                  FROM (
                    SELECT g, company_id, received, r_state, partner_id, subject, body, channel, severity,
                           CASE WHEN %(now)s - received < interval '14 days' THEN 0.6
                                WHEN %(now)s - received < interval '60 days' THEN 0.15
                                ELSE 0.015 END AS open_share
                      FROM (
                        SELECT g,
                               CASE WHEN random() < %(share)s THEN {first} ELSE {second} END AS company_id,
                               %(now)s - power(random(), 1.2) * interval '{365 * YEARS} days' AS received,
                               random() AS r_state,
                               {_pick("%(customers)s", "power(random(), 1.5)")} AS partner_id,
                               CASE WHEN random() < 0.7 THEN {english} ELSE {chinese} END AS subject,
                               CASE WHEN random() < 0.7 THEN {_words("%(en)s", 8)} ELSE {_words("%(zh)s", 8)} END
                                   AS body,
                               {_pick("%(channels)s")} AS channel,
                               {_pick("%(severities)s", "power(random(), 3)")} AS severity
                          FROM generate_series({start_id + 1}, {start_id + count}) g
                      ) base
                  ) aged
              ) stated
          ) picked
    """
    cr.execute(query, {
        "now": now, "uid": uid, "share": FIRST_COMPANY_SHARE, "customers": data["customers"].ids,
        "en": WORDS_EN, "zh": WORDS_ZH, "channels": ["phone", "email", "portal", "social", "in_person", "other"],
        "severities": ["normal", "low", "high", "critical"],
    })
    cr.execute("SELECT MIN(id), MAX(id) FROM customer_complaint WHERE id > %s", [start_id])
    return cr.fetchone()


def _fill_complaint_links(cr, data, ids):
    """One or two products per complaint, a lot of the product for 40% of them."""
    products = data["products"].ids
    cr.execute(f"""
        INSERT INTO customer_complaint_product_rel (complaint_id, product_id)
        SELECT id, {_pick("%(products)s", "power(random(), 2)")} FROM customer_complaint
         WHERE id BETWEEN %(first)s AND %(last)s
        UNION
        SELECT id, {_pick("%(products)s")} FROM customer_complaint
         WHERE id BETWEEN %(first)s AND %(last)s AND random() < 0.3
    """, {"products": products, "first": ids[0], "last": ids[1]})
    cr.execute("""
        INSERT INTO customer_complaint_stock_lot_rel (complaint_id, lot_id)
        SELECT rel.complaint_id, lots.ids[1 + floor(random() * array_length(lots.ids, 1))::int]
          FROM customer_complaint_product_rel rel
          JOIN (SELECT product_id, array_agg(id) AS ids FROM stock_lot WHERE id = ANY(%(lots)s)
                 GROUP BY product_id) lots ON lots.product_id = rel.product_id
         WHERE rel.complaint_id BETWEEN %(first)s AND %(last)s AND random() < 0.4
        ON CONFLICT DO NOTHING
    """, {"lots": data["lots"].ids, "first": ids[0], "last": ids[1]})


def _fill_returns(cr, env, ids, uid):
    """Return cases for a share of the complaints, in their company and currency."""
    columns = ("name", "company_id", "partner_id", "commercial_partner_id", "complaint_id", "currency_id",
               "user_id", "state", "channel", "date_request", "active", "create_uid", "create_date", "write_uid",
               "write_date")
    _check_columns(cr, "customer_return", columns)
    cr.execute(f"""
        INSERT INTO customer_return ({", ".join(columns)})
        SELECT 'SCALE-RMA/' || lpad(c.id::text, 8, '0'), c.company_id, c.partner_id, c.partner_id, c.id,
               company.currency_id, c.user_id,
               CASE WHEN c.state IN ('new', 'in_progress') THEN 'to_approve' WHEN c.state = 'cancelled'
                    THEN 'rejected' ELSE 'done' END,
               c.channel, (c.date_received + interval '1 day')::date, TRUE, %(uid)s, c.date_received, %(uid)s,
               c.date_received
          FROM customer_complaint c
          JOIN res_company company ON company.id = c.company_id
         WHERE c.id BETWEEN %(first)s AND %(last)s AND random() < %(share)s
    """, {"uid": uid, "first": ids[0], "last": ids[1], "share": RETURN_SHARE})


def _fill_corrective_actions(cr, ids, now, uid):
    """Corrective actions for a share of the complaints (their cause), linked to them."""
    columns = ("name", "title", "company_id", "state", "origin", "root_cause_id", "category_id", "date_deadline",
               "priority", "active", "create_uid", "create_date", "write_uid", "write_date")
    _check_columns(cr, "customer_corrective_action", columns)
    cr.execute(f"""
        WITH made AS (
            INSERT INTO customer_corrective_action ({", ".join(columns)})
            SELECT 'SCALE-CA/' || lpad(c.id::text, 8, '0'), 'Prevent: ' || left(c.subject, 60), c.company_id,
                   CASE WHEN c.date_received > %(now)s - interval '90 days' THEN 'in_progress' ELSE 'verified' END,
                   'manual', c.root_cause_id, c.category_id, (c.date_received + interval '30 days')::date, '0', TRUE,
                   %(uid)s, c.date_received, %(uid)s, c.date_received
              FROM customer_complaint c
             WHERE c.id BETWEEN %(first)s AND %(last)s AND c.root_cause_id IS NOT NULL AND random() < %(share)s
            RETURNING id, substring(name FROM 10)::int AS complaint_id
        )
        INSERT INTO customer_corrective_action_complaint_rel (action_id, complaint_id)
        SELECT id, complaint_id FROM made
    """, {"now": now, "uid": uid, "first": ids[0], "last": ids[1], "share": ACTION_SHARE})


def fill(env, count, now=None):
    """Fill the database of ``env`` with ``count`` complaints (see the module's docstring); returns
    ({step: seconds}, master data). Runs in the current transaction: the caller commits."""
    now = now or datetime.now().replace(microsecond=0)
    cr = env.cr
    timings = {}
    started = time.monotonic()
    data = _master_data(env, count)
    env.flush_all()
    timings["master data (ORM)"] = time.monotonic() - started

    tables = ("customer_complaint", "customer_complaint_product_rel", "customer_complaint_stock_lot_rel",
              "customer_return", "customer_corrective_action", "customer_corrective_action_complaint_rel",
              "customer_complaint_figure", "customer_complaint_product_figure", "customer_complaint_resolved_figure")
    indexes = _secondary_indexes(cr, tables)
    for name in indexes:
        cr.execute(SQL("DROP INDEX %s", SQL.identifier(name)))
    # the monthly figures' triggers are off for the load: the figures are rebuilt once after it
    for table in ("customer_complaint", "customer_complaint_product_rel"):
        cr.execute(SQL("ALTER TABLE %s DISABLE TRIGGER USER", SQL.identifier(table)))
    cr.execute("SELECT setseed(0.42)")
    step = time.monotonic()
    ids = _fill_complaints(cr, data, count, now, env.uid)
    timings["complaints (SQL)"] = time.monotonic() - step
    step = time.monotonic()
    _fill_complaint_links(cr, data, ids)
    _fill_returns(cr, env, ids, env.uid)
    _fill_corrective_actions(cr, ids, now, env.uid)
    timings["products, lots, returns, actions (SQL)"] = time.monotonic() - step
    step = time.monotonic()
    for definition in indexes.values():
        cr.execute(definition)
    timings[f"{len(indexes)} indexes rebuilt"] = time.monotonic() - step
    step = time.monotonic()
    for table in ("customer_complaint", "customer_complaint_product_rel"):
        cr.execute(SQL("ALTER TABLE %s ENABLE TRIGGER USER", SQL.identifier(table)))
    env["customer.complaint.figure"]._rebuild()
    timings["monthly figures rebuilt"] = time.monotonic() - step
    step = time.monotonic()
    for table in tables:
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    timings["ANALYZE"] = time.monotonic() - step
    env.invalidate_all()
    timings["total"] = time.monotonic() - started
    return timings, data


# ---------------------------------------------------------------------------
# The measures
# ---------------------------------------------------------------------------
def _view_spec(env, model, view_type):
    """The ``specification`` the web client sends for the fields of ``model``'s default view."""
    views = env[model].get_views([(False, view_type)])
    fields = views["models"][model]["fields"]
    spec = {}
    for name, description in fields.items():
        spec[name] = {"fields": {"display_name": {}}} if description["type"] == "many2one" else {}
    spec["display_name"] = {}
    return spec


def _measure(env, request, rounds):
    """(median queries, median ms, [ms]) of ``request(env)`` as a fresh request: run once (warm-up),
    then ``rounds`` times, ORM caches emptied before each run, its writes flushed into it."""
    results = []
    for index in range(rounds + 1):
        env.invalidate_all()
        queries = env.cr.sql_log_count
        started = time.perf_counter()
        request(env)
        env.flush_all()
        elapsed = (time.perf_counter() - started) * 1000
        if index:
            results.append((env.cr.sql_log_count - queries, elapsed))
    return (statistics.median(q for q, _ms in results), statistics.median(ms for _q, ms in results),
            [ms for _q, ms in results])


def _scale_users(env, data):
    """A complaint user (creation) and a complaint manager (dashboard), both companies allowed."""
    companies = data["companies"]
    Users = env["res.users"].with_context(no_reset_password=True)
    values = {"company_id": companies[0].id, "company_ids": [Command.set(companies.ids)]}
    user = Users.search([("login", "=", "scale_user")]) or Users.create({
        **values, "name": "Scale User", "login": "scale_user",
        "group_ids": [Command.set([env.ref("customer_complaint_return.group_complaint_user").id])]})
    manager = Users.search([("login", "=", "scale_manager")]) or Users.create({
        **values, "name": "Scale Manager", "login": "scale_manager",
        "group_ids": [Command.set([env.ref("customer_complaint_return.group_complaint_manager").id])]})
    return user, manager


def requests(env, data):
    """[(label, user, request(env), target ms)] measured at scale."""
    user, manager = _scale_users(env, data)
    company = data["companies"][0]
    customers, products = data["customers"], data["products"]
    category = data["per_company"][company.id]["categories"][0]
    counter = iter(range(10 ** 6))
    # the web client has the views already: their specifications are no part of a request
    dashboard_spec = _view_spec(env(user=manager), "customer.complaint.dashboard", "form")
    list_spec = _view_spec(env(user=user), "customer.complaint", "list")
    kanban_spec = _view_spec(env(user=user), "customer.complaint", "kanban")

    def create_complaint(env):
        index = next(counter)
        env["customer.complaint"].create({
            "partner_id": customers[index % len(customers)].id,
            "subject": "Chair leg cracked after a week",
            "description": "<p>The chair leg cracked, a screw is missing and the box was torn. 椅子 桌腿 裂纹</p>",
            "channel": "email", "category_id": category,
            "product_ids": [Command.set(products[index % len(products)].ids)],
        })

    def open_dashboard(env):
        action = env["customer.complaint.dashboard"].action_open()
        env["customer.complaint.dashboard"].browse(action["res_id"]).web_read(dashboard_spec)

    def change_period(env):
        today = datetime.now().date()
        env["customer.complaint.dashboard"].onchange(
            {"company_id": company.id, "date_from": str(today.replace(day=1, year=today.year - 1)),
             "date_to": str(today)},
            ["date_from"], dashboard_spec)

    def graph(model, groupby, measure="__count"):
        def request(env):
            start = datetime.now() - timedelta(days=365)
            env[model].formatted_read_group(
                [("company_id", "=", company.id), ("date_received", ">=", start)], groupby, [measure])
        return request

    def product_chart(env):
        # what the dashboard's product button opens: the monthly product figures of the last 12 months
        today = datetime.now().date()
        env["customer.complaint.product.figure"].formatted_read_group(
            [("company_id", "=", company.id), ("kind", "=", "category"),
             ("month", ">=", today.replace(day=1, year=today.year - 1))], ["product_id"], ["complaint_count:sum"])

    def trend_chart(env):
        # what the dashboard's trend button opens: the monthly figures of the last 12 months
        today = datetime.now().date()
        env["customer.complaint.month.figure"].formatted_read_group(
            [("company_id", "=", company.id), ("month", ">=", today.replace(day=1, year=today.year - 1))],
            ["month:month"], ["complaint_count:sum"])

    def complaint_list(env):
        # the list view's first page and its count, as the web client asks (count_limit)
        env["customer.complaint"].web_search_read([], list_spec, limit=80, count_limit=10001)

    def complaint_kanban(env):
        env["customer.complaint"].web_search_read(
            [("state", "in", ("new", "in_progress"))], kanban_spec, limit=80, count_limit=10001)

    def complaint_search(env):
        env["customer.complaint"].web_search_read(
            [("name", "ilike", "SCALE/0009")], {"name": {}, "subject": {}}, limit=80, count_limit=10001)

    def pivot(env):
        env["customer.complaint.report"].formatted_read_grouping_sets(
            [("company_id", "=", company.id)], [["category_id", "sla_status"], ["category_id"], ["sla_status"], []],
            ["complaint_count:sum"])

    return [
        ("complaint creation (ORM, complaint user)", user, create_complaint, None),
        ("dashboard: open (action + web_read)", manager, open_dashboard, TARGET_DASHBOARD_MS),
        ("dashboard: change the period (onchange)", manager, change_period, TARGET_DASHBOARD_MS),
        ("chart: Pareto of root causes (graph)", manager,
         graph("customer.complaint.report", ["root_cause_id"]), TARGET_READ_MS),
        ("chart: Pareto of categories (graph)", manager,
         graph("customer.complaint.report", ["category_id"]), TARGET_READ_MS),
        ("chart: trend by month (graph)", manager, trend_chart, TARGET_READ_MS),
        ("chart: complaints by product (graph)", manager, product_chart, TARGET_READ_MS),
        ("report: complaints by product, per complaint", manager,
         graph("customer.complaint.product.report", ["product_id"]), None),
        ("complaints list + count", user, complaint_list, TARGET_READ_MS),
        ("complaints kanban (open)", user, complaint_kanban, TARGET_READ_MS),
        ("complaints search by reference", user, complaint_search, TARGET_READ_MS),
        ("service levels pivot (category x SLA)", manager, pivot, TARGET_READ_MS),
    ]


def measure(env, data, rounds=5):
    """[(label, queries, ms, [ms], target)] of every request of ``requests``."""
    results = []
    for label, user, request, target in requests(env, data):
        queries, ms, samples = _measure(env(user=user), request, rounds)
        results.append((label, queries, ms, samples, target))
    return results


def explain(env, data, threshold_ms=5.0, out=print):
    """Each request once more, its SELECT queries slower than ``threshold_ms`` shown with their plan
    (EXPLAIN ANALYZE): where the time of a request goes, to tune queries and indexes."""
    for label, user, request, _target in requests(env, data):
        records = []
        original = Cursor.execute

        def spy(cr, query, params=None, log_exceptions=True, records=records, original=original):
            started = time.perf_counter()
            result = original(cr, query, params, log_exceptions)
            records.append(((time.perf_counter() - started) * 1000, query, params))
            return result

        env.invalidate_all()
        with patch.object(Cursor, "execute", spy):
            request(env(user=user))
            env.flush_all()
        out(f"== {label}: {len(records)} queries, {sum(ms for ms, _q, _p in records):.1f} ms in SQL")
        for ms, query, params in sorted(records, key=lambda record: -record[0]):
            if ms < threshold_ms:
                break
            if isinstance(query, SQL):
                query, params = query.code, query.params
            text = env.cr.mogrify(query, params).decode()
            out(f"-- {ms:.1f} ms: {text[:2000]}")
            if text.lstrip().upper().startswith(("SELECT", "WITH")):
                env.cr.execute("EXPLAIN (ANALYZE, BUFFERS) " + text)
                out("\n".join(f"   {line}" for (line,) in env.cr.fetchall()))


def format_report(count, timings, results, database_size=None):
    lines = [f"Scale: {count:,} complaints", "", "fill step                                  seconds"]
    lines += [f"  {name:<40} {seconds:8.1f}" for name, seconds in timings.items()]
    if database_size:
        lines.append(f"  database size: {database_size}")
    lines += ["", f"{'request (warm, median)':<46} {'queries':>7} {'ms':>8} {'min':>7} {'max':>7}  target"]
    for label, queries, ms, samples, target in results:
        mark = "" if target is None else (f"ok  < {target} ms" if ms < target else f"MISS < {target} ms")
        lines.append(f"{label:<46} {queries:7.0f} {ms:8.1f} {min(samples):7.1f} {max(samples):7.1f}  {mark}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Command: ``benchmark.py --scale N``
# ---------------------------------------------------------------------------
def _vacuum(connection):
    """VACUUM ANALYZE outside a transaction (psql), as autovacuum would have done by then."""
    subprocess.run([harness.pg_bin("psql"), "-d", DB_SCALE, "-qc", "VACUUM ANALYZE"],
                   env=harness.pg_env(connection), check=True)


def _database_size(cr):
    cr.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
    return cr.fetchone()[0]


def run_scale(count, rounds=5, explain_queries=False):
    """``make bench BENCH_ARGS="--scale N"``: fill ``count`` complaints, measure, print the report."""
    if count < 1 or rounds < 1:
        raise SystemExit("--scale and --rounds must be at least 1")
    started = time.monotonic()
    with harness.throwaway_cluster("ccr-scale-", "bench scale") as work:
        harness.install_modules(work.config, DB_SCALE, [harness.ADDON])
        odoo_config.parse_config(["-c", work.config, "--log-level=warn",
                                  "--log-handler=odoo.modules.module:ERROR"], setup_logging=True)
        threading.current_thread().dbname = DB_SCALE
        registry = Registry(DB_SCALE)
        with registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            say(f"filling {count:,} complaints")
            timings, data = fill(env, count)
            cr.commit()
            step = time.monotonic()
            _vacuum(work.cluster.connection)
            timings["VACUUM ANALYZE"] = time.monotonic() - step
            say(f"filled in {sum(v for k, v in timings.items() if k != 'total'):.0f}s; measuring")
            results = measure(env, data, rounds)
            report = format_report(count, timings, results, _database_size(cr))
            if explain_queries:
                explain(env, data)
            cr.rollback()
        print()
        print(report, flush=True)
        print()
        say(f"done in {time.monotonic() - started:.0f}s")
        work.status = 0
    return work.status
