"""The report of ``make bench``: medians, ratios and targets, from made-up measures (no database)."""
from unittest.mock import patch

import benchmark


def _path(key, measures):
    """A path whose steps measured ``measures`` ({step: [(queries, ms)]})."""
    path = benchmark.Path(key, key, None, [(name, None) for name in measures], None)
    for name, results in measures.items():
        path.results[name].extend(results)
    return path


def _paths(credit_queries=70, ticked_return=90, auto_submit=(150, 200.0)):
    core_steps = {"return": [(80, 100.0)] * 3, "receive": [(70, 90.0)] * 3,
                  "credit note": [(160, 600.0)] * 3, "post": [(110, 300.0)] * 3}
    return [
        _path("core_addon", {**core_steps, "return": [(82, 100.0)] * 3}),
        _path("addon", {
            "create": [(30, 50.0), (34, 60.0), (32, 55.0)], "submit": [(60, 100.0)] * 3,
            "approve": [(100, 200.0)] * 3, "receive": [(80, 100.0)] * 3,
            "credit note": [(credit_queries, 300.0)] * 3, "post": [(100, 300.0)] * 3,
        }),
        _path("addon_auto", {
            "create": [(32, 55.0)] * 3, "submit": [auto_submit] * 3, "receive": [(80, 100.0)] * 3,
            "credit note": [(credit_queries, 300.0)] * 3, "post": [(100, 300.0)] * 3,
        }),
        _path("core_tracked", {**core_steps, "return": [(ticked_return, 120.0)] * 3}),
        _path("core", core_steps),
    ]


def test_medians_per_step_and_of_the_case_totals():
    summary = benchmark.summarize(_paths())
    assert summary["addon"]["steps"]["create"] == (32, 55.0, 3)
    # TOTAL is the median of the per-case sums, not the sum of the step medians.
    assert summary["addon"]["total"] == (32 + 60 + 100 + 80 + 70 + 100, 55.0 + 100 + 200 + 100 + 300 + 300, 3)
    assert summary["core"]["total"] == (420, 1090.0, 3)


def test_targets_met_and_missed():
    met = [met for _text, met in benchmark.evaluate(benchmark.summarize(_paths()))]
    # flow ratio 442/420, credit note 70, hooks +0.5%, warehouse case 8 <= 32, auto flow 432 <= 442
    # queries and its submit 200 ms: all met
    assert met.count(True) == 5 and False not in met
    evaluation = benchmark.evaluate(benchmark.summarize(_paths(
        credit_queries=120, ticked_return=130, auto_submit=(170, 350.0))))
    missed = [text for text, met in evaluation if met is False]
    assert len(missed) == 3
    assert missed[0].startswith("credit note step: 120 queries")
    assert missed[1].startswith("case made by the Return button: 48 queries more")
    assert missed[2].startswith("flow approved by a return rule: 502 queries / 1105 ms vs the manual flow 492")


def test_oca_ratio_only_when_measured():
    paths = _paths()
    assert not any("OCA" in text for text, _met in benchmark.evaluate(benchmark.summarize(paths)))
    paths.append(_path("oca", {"create": [(50, 100.0)] * 3, "post": [(100, 200.0)] * 3}))
    lines = [text for text, met in benchmark.evaluate(benchmark.summarize(paths)) if "OCA" in text]
    assert lines and lines[0].startswith("OCA rma_sale / Odoo's path without the addon: queries 0.36x")


def test_report_lists_every_step_and_marks_targets():
    summary = benchmark.summarize(_paths(credit_queries=120))
    report = benchmark.format_report(summary, benchmark.evaluate(summary))
    assert report.splitlines()[0].split() == ["path", "step", "queries", "ms", "n"]
    assert "MISS credit note step: 120 queries (target <= 80)" in report
    assert sum(1 for line in report.splitlines() if "  TOTAL  " in line) == 5


def test_command_line():
    options = benchmark.parse_command_line([])
    assert (options.cases, options.warmup, options.no_oca, options.no_pdf, options.warm, options.check) == (
        8, 1, False, False, False, False)
    options = benchmark.parse_command_line(["--cases", "32", "--no-oca", "--warm", "--check"])
    assert (options.cases, options.no_oca, options.warm, options.check) == (32, True, True, True)


def test_oca_is_optional():
    with patch("importlib.util.find_spec", return_value=None):
        assert not benchmark.oca_importable()
    with patch("importlib.util.find_spec", side_effect=ImportError):
        assert not benchmark.oca_importable()
