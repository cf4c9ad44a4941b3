"""pytest hooks of the suite: browser tours that could not run are counted in one visible line."""
import importlib.util
import shutil

# Every skipped tour's reason starts with this, and the summary counts them by it.
NO_TOUR_REASON = "browser tour not run"


def browser_problem():
    """Why Odoo's tour runner cannot drive a browser here, or None when it can."""
    if importlib.util.find_spec('websocket') is None:
        return "the Python package websocket-client is missing (make test installs it)"
    if not any(shutil.which(name) for name in ('google-chrome', 'chromium', 'chromium-browser',
                                                'google-chrome-stable')):
        return "Chromium is not installed (Debian package chromium, see README, Prerequisites)"
    return None


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = [report for report in terminalreporter.stats.get('skipped', [])
               if NO_TOUR_REASON in str(report.longrepr)]
    if skipped:
        terminalreporter.write_line(
            f"[customer_complaint_return] {len(skipped)} browser tour(s) NOT run: "
            f"{browser_problem() or 'the browser could not be driven (see the skip reasons above)'}",
            yellow=True, bold=True)
