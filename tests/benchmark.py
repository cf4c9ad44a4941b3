"""Benchmark behind ``make bench``: what a return costs, in queries and milliseconds.

``python3 tests/benchmark.py [--cases N] [--warmup N] [--no-oca] [--no-pdf] [--warm] [--check]``

Builds a throwaway PostgreSQL cluster (as ``make test`` does) with up to three
databases made from one template, so that they differ only by the modules named:

- ``core``: Odoo alone (``sale_stock``, ``account`` with its generic chart of accounts);
- ``addon``: the same plus this addon;
- ``oca``: the same plus OCA's ``rma_sale``, only when it is importable.

Then, in this one process, it walks returns of 2 of 5 delivered and invoiced
units along each path below, rotating the paths case by case (case i takes
path i mod k), so that warm caches, a busy machine or a growing database weigh
the same on every path:

- ``core_addon``:   Odoo's own path in the addon's database, *Track as a Customer
                    Return* unticked: the delivery's Return wizard, the receipt,
                    the invoice's Credit Note (reversal) trimmed to the returned
                    units, posting it;
- ``addon``:        this addon's flow: create the return case, submit, approve,
                    receive, create the credit note, post it (four customer mails);
- ``core_tracked``: Odoo's path with the box ticked, as the warehouse finds it;
- ``core``:         Odoo's path in the database without the addon;
- ``oca``:          OCA's RMA from the sale order: create, confirm, receive,
                    refund, post.

Every step runs as a fresh request would (caches invalidated), is flushed with
its pending writes and tracking, then committed (outside the measure); with
``--warm`` the steps of a case run in one transaction with warm caches (the way
the issue's reference figures were measured), committed after the case. The
report gives the median queries and milliseconds of every step, the ratios
the team tunes the addon to, and exits 0; ``--check`` exits 1 when a target
is missed. The cluster and its folder are removed afterwards, even on failure
or Ctrl-C.
"""
import argparse
import gc
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from unittest.mock import patch

from odoo import api
from odoo.addons.base.models.ir_actions_report import IrActionsReport
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.tools import config as odoo_config

import harness

DB_CORE = "ccr_bench_core"
DB_ADDON = "ccr_bench_addon"
DB_OCA = "ccr_bench_oca"
CORE_MODULES = ["sale_stock", "account", "repair", "sale_loyalty"]
OCA_MODULE = "rma_sale"

ORDERED_QTY = 5
RETURNED_QTY = 2
UNIT_PRICE = 150.0

# What the team tunes the addon to (see README, Benchmark).
TARGET_FLOW_RATIO = 1.25  # addon flow / Odoo's own path, in queries
TARGET_CREDIT_NOTE_QUERIES = 80
TARGET_HOOK_OVERHEAD = 0.03  # Odoo's path with the addon installed (unticked) / without it, minus 1
TARGET_AUTO_SUBMIT_MS = 300  # a submit the return rules approve at once, PDF printed by the mail queue


def oca_importable():
    """Whether OCA's rma_sale can be installed here (``pip install odoo-addon-rma_sale``)."""
    try:
        return importlib.util.find_spec(f"odoo.addons.{OCA_MODULE}") is not None
    except ImportError:
        return False


def say(message):
    harness.say(f"bench: {message}")


def expect(condition, message):
    """Stop the bench when a flow did not do what it must (assert would vanish under -O)."""
    if not condition:
        raise RuntimeError(f"benchmark flow went wrong: {message}")


# ---------------------------------------------------------------------------
# Databases
# ---------------------------------------------------------------------------
def copy_database(connection, data_dir, template, name):
    """``name`` as a copy of ``template``, filestore included, as Odoo's own duplicate does."""
    subprocess.run([harness.pg_bin("createdb"), "-T", template, name], env=harness.pg_env(connection), check=True)
    source = os.path.join(data_dir, "filestore", template)
    if os.path.isdir(source):
        shutil.copytree(source, os.path.join(data_dir, "filestore", name))


def build_databases(config, connection, data_dir, with_oca):
    """{path database key: database name}. Odoo alone is installed once, then copied, so that
    the databases differ only by the modules added to each copy."""
    harness.install_modules(config, DB_CORE, CORE_MODULES)
    databases = {"core": DB_CORE, "addon": DB_ADDON}
    if with_oca:
        databases["oca"] = DB_OCA
    for key, name in databases.items():
        if key != "core":
            copy_database(connection, data_dir, DB_CORE, name)
            harness.install_modules(config, name, [harness.ADDON if key == "addon" else OCA_MODULE])
    return databases


# ---------------------------------------------------------------------------
# One database open in this process
# ---------------------------------------------------------------------------
class BenchDatabase:
    """A registry, one cursor and the environment of the administrator, who holds every
    role (sales, stock, invoicing, complaint manager, RMA manager), as in ``make demo``."""

    def __init__(self, name):
        self.name = name
        threading.current_thread().dbname = name
        self.registry = Registry(name)
        self.cr = self.registry.cursor()
        env = api.Environment(self.cr, api.SUPERUSER_ID, {})
        admin = env.ref("base.user_admin")
        # Customer mails wait in the queue (mail.mail), as they do for more than a few
        # recipients: nothing is sent from here, and sending is no part of a step.
        context = dict(admin.context_get(), mail_notify_force_send=False)
        self.env = api.Environment(self.cr, admin.id, context)
        self.customer = self.product = None
        # --warm: the steps of a case follow each other in one transaction, caches kept.
        self.warm = False

    def activate(self):
        threading.current_thread().dbname = self.name

    def close(self):
        self.cr.rollback()
        self.cr.close()

    def set_up(self, stock):
        """A customer with an e-mail and a storable product invoiced on delivery with the
        company's 15% sale tax, with ``stock`` units on hand."""
        env = self.env
        company = env.company
        self.customer = env["res.partner"].create({
            "name": "Bench Customer", "is_company": True, "email": "returns@customer.example.com"})
        self.product = env["product.product"].create({
            "name": "Bench Chair",
            "type": "consu",
            "is_storable": True,
            "list_price": UNIT_PRICE,
            "standard_price": UNIT_PRICE / 2,
            "invoice_policy": "delivery",
            "taxes_id": [Command.set(company.account_sale_tax_id.ids)],
        })
        if "customer.return.rule" in env:
            # Damaged bench chairs are approved at once: the auto-approved path.
            env["customer.return.rule"].create({
                "name": "Bench: damaged chairs at once", "sequence": 1, "company_id": company.id,
                "action": "auto_approve",
                "domain": str([("product_id", "=", self.product.id), ("condition", "=", "damaged")]),
            })
        warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        env["stock.quant"].with_context(inventory_mode=True).create({
            "product_id": self.product.id,
            "location_id": warehouse.lot_stock_id.id,
            "inventory_quantity": stock,
        }).action_apply_inventory()
        self.cr.commit()

    def new_order(self):
        """A sale order of 5 units, confirmed, delivered and invoiced (set-up, not measured)."""
        env = self.env
        order = env["sale.order"].create({
            "partner_id": self.customer.id,
            "order_line": [Command.create({
                "product_id": self.product.id, "product_uom_qty": ORDERED_QTY, "price_unit": UNIT_PRICE})],
        })
        order.action_confirm()
        receive_or_deliver(order.picking_ids)
        order._create_invoices().action_post()
        self.cr.commit()
        return order

    def measure(self, step, case):
        """(queries, ms) of ``step(env, case)`` run as a new request: nothing cached,
        its writes and tracking flushed into it; committed afterwards, outside the measure."""
        env, cr = self.env, self.cr
        if not self.warm:
            env.invalidate_all()
        queries = cr.sql_log_count
        started = time.perf_counter()
        step(env, case)
        env.flush_all()
        cr.flush()
        elapsed = (time.perf_counter() - started) * 1000
        queries = cr.sql_log_count - queries
        if not self.warm:
            cr.commit()
        return queries, elapsed


def receive_or_deliver(pickings):
    """Validate ``pickings`` in full, as the warehouse does."""
    for move in pickings.move_ids:
        move.quantity = move.product_uom_qty
    pickings.move_ids.picked = True
    pickings.button_validate()


# ---------------------------------------------------------------------------
# The steps of each path: ``step(env, case)``; ``case`` carries the documents along
# ---------------------------------------------------------------------------
def core_return(env, case, track=None):
    """Odoo's Return button on the delivery: 2 units, refunded (``to_refund``). ``track``
    sets the addon's *Track as a Customer Return*; None where the addon is absent."""
    delivery = env["sale.order"].browse(case["order"]).picking_ids
    values = {"picking_id": delivery.id}
    if track is not None:
        values["create_customer_return"] = track
    wizard = env["stock.return.picking"].with_context(
        active_model="stock.picking", active_id=delivery.id, active_ids=delivery.ids,
    ).create(values)
    wizard.product_return_moves.write({"quantity": RETURNED_QTY, "to_refund": True})
    case["receipt"] = wizard.action_create_returns()["res_id"]


def core_receive(env, case):
    receive_or_deliver(env["stock.picking"].browse(case["receipt"]))


def core_credit_note(env, case):
    """Odoo's *Credit Note* on the invoice, trimmed to the returned units."""
    invoice = env["sale.order"].browse(case["order"]).invoice_ids
    reversal = env["account.move.reversal"].with_context(
        active_model="account.move", active_ids=invoice.ids,
    ).create({"reason": "Returned goods", "journal_id": invoice.journal_id.id})
    reversal.refund_moves()
    note = reversal.new_move_ids
    note.write({"invoice_line_ids": [
        Command.update(line.id, {"quantity": RETURNED_QTY})
        for line in note.invoice_line_ids if line.display_type == "product"
    ]})
    case["credit_note"] = note.id


def core_post(env, case):
    env["account.move"].browse(case["credit_note"]).action_post()


def addon_create(env, case):
    order = env["sale.order"].browse(case["order"])
    case["return"] = env["customer.return"].create({
        "partner_id": order.partner_id.id,
        "sale_order_id": order.id,
        "reason_id": env.ref("customer_complaint_return.return_reason_defective").id,
        "line_ids": [Command.create({
            "sale_line_id": order.order_line.id, "quantity": RETURNED_QTY, "condition": "defective"})],
    }).id


def addon_create_damaged(env, case):
    """The request the bench's return rule approves at once (set up in ``set_up``)."""
    addon_create(env, case)
    env["customer.return"].browse(case["return"]).line_ids.condition = "damaged"


def addon_submit(env, case):
    env["customer.return"].browse(case["return"]).action_submit()


def addon_approve(env, case):
    env["customer.return"].browse(case["return"]).action_approve()


def addon_receive(env, case):
    receive_or_deliver(env["customer.return"].browse(case["return"]).picking_ids)


def addon_credit_note(env, case):
    env["customer.return"].browse(case["return"]).action_create_credit_note()


def addon_post(env, case):
    env["customer.return"].browse(case["return"]).credit_note_ids.action_post()


def oca_create(env, case):
    """*Create RMA* on the sale order: its wizard, 2 units, operation Refund."""
    order = env["sale.order"].browse(case["order"])
    wizard = env["sale.order.rma.wizard"].browse(order.action_create_rma()["res_id"])
    wizard.operation_id = env.ref("rma.rma_operation_refund")
    wizard.line_ids.quantity = RETURNED_QTY
    case["rma"] = wizard.create_rma().id


def oca_confirm(env, case):
    env["rma"].browse(case["rma"]).action_confirm()


def oca_receive(env, case):
    receive_or_deliver(env["rma"].browse(case["rma"]).reception_move_id.picking_id)


def oca_refund(env, case):
    env["rma"].browse(case["rma"]).action_refund()


def oca_post(env, case):
    env["rma"].browse(case["rma"]).refund_id.action_post()


# ---------------------------------------------------------------------------
# What each path must have done: the flows are real, every case is checked
# ---------------------------------------------------------------------------
def credited_units(env, order):
    notes = env["sale.order"].browse(order).invoice_ids.filtered(
        lambda move: move.move_type == "out_refund" and move.state == "posted")
    return sum(notes.invoice_line_ids.mapped("quantity"))


def check_core(env, case):
    receipt = env["stock.picking"].browse(case["receipt"])
    expect(receipt.state == "done", f"return receipt {receipt.name} is {receipt.state}")
    expect(credited_units(env, case["order"]) == RETURNED_QTY, "the credit note does not credit 2 units")
    return receipt


def check_core_untracked(env, case):
    receipt = check_core(env, case)
    expect(not receipt.customer_return_id, "an unticked return made a return case")


def check_core_tracked(env, case):
    receipt = check_core(env, case)
    expect(receipt.customer_return_id.state == "received", "the ticked return made no received return case")


def check_addon(env, case):
    record = env["customer.return"].browse(case["return"])
    expect(record.state == "done", f"return case {record.name} is {record.state}")
    expect(credited_units(env, case["order"]) == RETURNED_QTY, "the credit note does not credit 2 units")
    # submitted, approved, received and done: four mails to the customer
    mails = env["mail.notification"].search([
        ("mail_message_id", "in", record.message_ids.ids), ("res_partner_id", "=", record.partner_id.id),
        ("notification_type", "=", "email")])
    expect(len(mails) == 4, f"return case {record.name} sent {len(mails)} customer mails, not 4")


def check_oca(env, case):
    record = env["rma"].browse(case["rma"])
    expect(record.state == "refunded", f"RMA {record.name} is {record.state}")
    expect(record.refund_id.state == "posted", f"refund of RMA {record.name} is not posted")
    expect(record.refund_id.reversed_entry_id, f"refund of RMA {record.name} reverses no invoice")
    expect(record.refund_line_id.quantity == RETURNED_QTY, f"refund of RMA {record.name} does not credit 2 units")


class Path:
    """A way through a return: its steps, in one database."""

    def __init__(self, key, label, database, steps, check):
        self.key = key
        self.label = label
        self.database = database
        self.steps = steps  # [(step name, step)]
        self.check = check
        self.results = {name: [] for name, _step in steps}  # step name -> [(queries, ms)]

    def run(self, record):
        database = self.database
        database.activate()
        case = {"order": database.new_order().id}
        # Start from a clean heap: a garbage collection owed to the previous case, maybe of
        # another path, would land in the timing of this one.
        gc.collect()
        measures = [(name, database.measure(step, case)) for name, step in self.steps]
        database.cr.commit()
        database.env.invalidate_all()
        self.check(database.env, case)
        if record:
            for name, measure in measures:
                self.results[name].append(measure)


def core_steps(track=None):
    """The steps of Odoo's own path; ``track``: see ``core_return``."""
    return [
        ("return", lambda env, case: core_return(env, case, track)),
        ("receive", core_receive),
        ("credit note", core_credit_note),
        ("post", core_post),
    ]


def make_paths(databases):
    """The paths to rotate, over the opened ``databases`` ({key: BenchDatabase})."""
    addon = databases["addon"]
    paths = [
        Path("core_addon", "Odoo's path, addon installed, unticked", addon, core_steps(track=False),
             check_core_untracked),
        Path("addon", "This addon's flow (4 customer mails)", addon, [
            ("create", addon_create), ("submit", addon_submit), ("approve", addon_approve),
            ("receive", addon_receive), ("credit note", addon_credit_note), ("post", addon_post),
        ], check_addon),
        Path("addon_auto", "This addon's flow, approved by a return rule", addon, [
            ("create", addon_create_damaged), ("submit", addon_submit),
            ("receive", addon_receive), ("credit note", addon_credit_note), ("post", addon_post),
        ], check_addon),
        Path("core_tracked", "Odoo's path, addon installed, ticked", addon, core_steps(track=True),
             check_core_tracked),
        Path("core", "Odoo's path, addon not installed", databases["core"], core_steps(), check_core),
    ]
    if "oca" in databases:
        paths.append(Path("oca", "OCA rma_sale refund", databases["oca"], [
            ("create", oca_create), ("confirm", oca_confirm), ("receive", oca_receive),
            ("refund", oca_refund), ("post", oca_post),
        ], check_oca))
    return paths


def run_paths(paths, cases, warmup):
    """``warmup`` rounds, then ``cases`` recorded cases per path, path i mod k for case i."""
    rounds = warmup + cases
    total = rounds * len(paths)
    started = time.monotonic()
    for index in range(total):
        path = paths[index % len(paths)]
        path.run(record=index >= warmup * len(paths))
        if (index + 1) % len(paths) == 0:
            done = (index + 1) // len(paths)
            say(f"round {done}/{rounds}{' (warm-up)' if done <= warmup else ''} "
                f"in {time.monotonic() - started:.0f}s")


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
def medians(results):
    """(median queries, median ms, n) of a list of (queries, ms)."""
    if not results:
        return (0, 0.0, 0)
    return (statistics.median(q for q, _ms in results), statistics.median(ms for _q, ms in results), len(results))


def summarize(paths):
    """{path key: {'label', 'steps': {step: (q, ms, n)}, 'total': (q, ms, n)}}; the total is the
    median of each case's sum over its steps."""
    summary = {}
    for path in paths:
        steps = {name: medians(results) for name, results in path.results.items()}
        per_case = list(zip(*path.results.values()))
        totals = [(sum(q for q, _ms in case), sum(ms for _q, ms in case)) for case in per_case]
        summary[path.key] = {"label": path.label, "steps": steps, "total": medians(totals)}
    return summary


def ratio(numerator, denominator):
    return numerator / denominator if denominator else float("nan")


def evaluate(summary):
    """[(text, met)] of the ratios of ``summary``: ``met`` is True or False for a target,
    None for a figure shown for information."""
    core = summary["core"]["total"]
    core_addon = summary["core_addon"]["total"]
    tracked = summary["core_tracked"]["total"]
    flow = summary["addon"]["total"]
    flow_ratio = ratio(flow[0], core[0])
    credit = summary["addon"]["steps"]["credit note"][0]
    hooks = ratio(core_addon[0], core[0]) - 1
    ticked = summary["core_tracked"]["steps"]["return"][0]
    unticked = summary["core_addon"]["steps"]["return"][0]
    form = summary["addon"]["steps"]["create"][0]
    auto = summary["addon_auto"]["total"]
    auto_submit = summary["addon_auto"]["steps"]["submit"]
    lines = [
        (f"addon flow / Odoo's path without the addon: queries {flow_ratio:.2f}x "
         f"(target <= {TARGET_FLOW_RATIO:.2f}x), ms {ratio(flow[1], core[1]):.2f}x",
         flow_ratio <= TARGET_FLOW_RATIO),
        (f"addon flow / Odoo's path in the same database: queries {ratio(flow[0], core_addon[0]):.2f}x, "
         f"ms {ratio(flow[1], core_addon[1]):.2f}x",
         None),
        (f"credit note step: {credit:.0f} queries (target <= {TARGET_CREDIT_NOTE_QUERIES})",
         credit <= TARGET_CREDIT_NOTE_QUERIES),
        (f"addon hooks on Odoo's path (unticked vs not installed): queries {hooks:+.1%} "
         f"(target <= {TARGET_HOOK_OVERHEAD:+.0%}), ms {ratio(core_addon[1], core[1]) - 1:+.1%}",
         hooks <= TARGET_HOOK_OVERHEAD),
        (f"case made by the Return button: {ticked - unticked:.0f} queries more than unticked "
         f"({ticked:.0f} vs {unticked:.0f}); case made in the form: {form:.0f} queries (target: no more)",
         ticked - unticked <= form),
        (f"flow approved by a return rule: {auto[0]:.0f} queries / {auto[1]:.0f} ms vs the manual flow "
         f"{flow[0]:.0f} / {flow[1]:.0f} (target: no more queries); its submit, which approves: "
         f"{auto_submit[1]:.0f} ms (target < {TARGET_AUTO_SUBMIT_MS} ms)",
         auto[0] <= flow[0] and auto_submit[1] < TARGET_AUTO_SUBMIT_MS),
        (f"Odoo's path ticked / unticked: queries {ratio(tracked[0], core_addon[0]):.2f}x, "
         f"ms {ratio(tracked[1], core_addon[1]):.2f}x",
         None),
    ]
    if "oca" in summary:
        oca = summary["oca"]["total"]
        lines.append((
            f"OCA rma_sale / Odoo's path without the addon: queries {ratio(oca[0], core[0]):.2f}x, "
            f"ms {ratio(oca[1], core[1]):.2f}x; addon flow / OCA: queries {ratio(flow[0], oca[0]):.2f}x, "
            f"ms {ratio(flow[1], oca[1]):.2f}x",
            None))
    return lines


def format_report(summary, evaluation):
    rows = [("path", "step", "queries", "ms", "n")]
    for entry in summary.values():
        for name, (queries, ms, n) in entry["steps"].items():
            rows.append((entry["label"], name, f"{queries:.0f}", f"{ms:.0f}", str(n)))
        queries, ms, n = entry["total"]
        rows.append((entry["label"], "TOTAL", f"{queries:.0f}", f"{ms:.0f}", str(n)))
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    lines = []
    for index, row in enumerate(rows):
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])] + [
            cell.rjust(width) for cell, width in zip(row[2:], widths[2:])]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    lines.append("")
    lines.append("Medians per step; TOTAL is the median of each case's total.")
    for text, met in evaluation:
        mark = "    " if met is None else ("ok  " if met else "MISS")
        lines.append(f"{mark} {text}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Command
# ---------------------------------------------------------------------------
def parse_command_line(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=8, help="recorded cases per path (default 8)")
    parser.add_argument("--warmup", type=int, default=1, help="rounds over every path not recorded (default 1)")
    parser.add_argument("--no-oca", action="store_true", help="leave OCA rma_sale out even when importable")
    parser.add_argument("--no-pdf", action="store_true",
                        help="approval mail without its PDF, as on a machine without wkhtmltopdf")
    parser.add_argument("--warm", action="store_true",
                        help="run the steps of a case in one transaction with warm caches, as the issue measured, "
                             "instead of each step as a fresh request")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--scale", type=int, metavar="N",
                        help="scale mode instead (tests/bench_scale.py): the dashboard, lists and a complaint's "
                             "creation at N complaints filled by SQL, e.g. 100000 or 1000000")
    parser.add_argument("--rounds", type=int, default=5, help="scale mode: measured runs per request (default 5)")
    parser.add_argument("--explain", action="store_true", help="scale mode: the plans of the slow queries too")
    options = parser.parse_args(argv)
    if options.cases < 1 or options.warmup < 0:
        parser.error("--cases must be at least 1 and --warmup at least 0")
    return options


def measure_all(config, databases, options):
    """Open every database in this process, set it up, run the paths; the summary."""
    odoo_config.parse_config([
        "-c", config, "--log-level=warn",
        # Without a web server wkhtmltopdf cannot fetch the report's style sheets, and says so
        # for every approval: the PDF is made all the same.
        "--log-handler=odoo.addons.base.models.ir_actions_report:ERROR",
        "--log-handler=odoo.modules.module:ERROR",
    ], setup_logging=True)
    opened = {}
    with ExitStack() as stack:
        if options.no_pdf:
            # The addon leaves the PDF out of the approval mail where wkhtmltopdf is missing.
            stack.enter_context(patch.object(IrActionsReport, "get_wkhtmltopdf_state", lambda self: "install"))
        try:
            for key, name in databases.items():
                opened[key] = BenchDatabase(name)
            for database in opened.values():
                database.warm = options.warm
            paths = make_paths(opened)
            for database in opened.values():
                served = sum(1 for path in paths if path.database is database)
                database.set_up(stock=ORDERED_QTY * (options.warmup + options.cases) * served)
            pdf = opened["addon"].env["ir.actions.report"].get_wkhtmltopdf_state() != "install"
            say(f"the approval mail carries the return authorization PDF: {'yes' if pdf else 'no'}")
            if "oca" in opened:
                module = opened["oca"].env["ir.module.module"].search([("name", "=", OCA_MODULE)])
                say(f"OCA {OCA_MODULE} {module.latest_version} measured")
            say(f"{options.cases} cases per path after {options.warmup} warm-up round(s), "
                f"{len(paths)} paths rotated: {', '.join(path.key for path in paths)}")
            run_paths(paths, options.cases, options.warmup)
            return summarize(paths)
        finally:
            for database in opened.values():
                database.close()


def run_bench(options):
    with_oca = oca_importable() and not options.no_oca
    if not with_oca:
        say("OCA rma_sale is not measured: "
            + ("--no-oca" if options.no_oca else "not importable (pip install odoo-addon-rma_sale)"))
    started = time.monotonic()
    with harness.throwaway_cluster("ccr-bench-", "bench") as work:
        databases = build_databases(work.config, work.cluster.connection, work.data_dir, with_oca)
        summary = measure_all(work.config, databases, options)
        evaluation = evaluate(summary)
        print()
        print(format_report(summary, evaluation), flush=True)
        print()
        say(f"done in {time.monotonic() - started:.0f}s")
        missed = [text for text, met in evaluation if met is False]
        work.status = 1 if options.check and missed else 0
    return work.status


if __name__ == "__main__":
    OPTIONS = parse_command_line(sys.argv[1:])
    if OPTIONS.scale:
        import bench_scale  # the scale mode is in its own module
        sys.exit(bench_scale.run_scale(OPTIONS.scale, OPTIONS.rounds, OPTIONS.explain))
    sys.exit(run_bench(OPTIONS))
