"""Take the README's screenshots from a running ``make demo`` with headless Chromium.

    make demo                 # in one terminal (PORT=8070 make demo for another port)
    make screenshots          # in another (PORT=8070 make screenshots)

writes ``docs/portal_return_request.png`` (the customer toni requests a return on the portal, the
line showing what the return rules decide), ``docs/return_rules.png`` (the rules list, as admin),
``docs/complaint_kanban.png`` (the complaints kanban, as admin) and ``docs/return_form.png`` (a
received return's form at 1440 pixels, checked to need no horizontal scroll on its lines), and for the
learning features, as admin: ``docs/complaint_dashboard.png`` (the complaints dashboard, its figures and
charts), ``docs/quality_cost.png`` (the cost of poor quality by root cause), ``docs/complaint_related.png``
(an open complaint with its banner of similar open complaints), ``docs/case_timeline.png`` (a complaint's
Timeline tab) and ``docs/corrective_action_8d.png`` (a corrective action's 8D Report tab). Only the standard library,
the ``websocket-client`` package (installed by ``make test``'s test extra) and Chromium are used:
the browser is driven through its DevTools protocol.
"""
import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BROWSERS = ('chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable')
WIDTH, HEIGHT = 1440, 940
# The dashboard's screenshot is as high as its content, at most this.
DASHBOARD_MAX_HEIGHT = 4000


def authenticate(base_url, db, login, password):
    """The session id of ``login`` on the demo server."""
    payload = json.dumps({'jsonrpc': '2.0', 'method': 'call',
                          'params': {'db': db, 'login': login, 'password': password}}).encode()
    request = urllib.request.Request(f'{base_url}/web/session/authenticate', data=payload,
                                     headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=60) as response:
        body = json.loads(response.read())
        if body.get('error'):
            sys.exit(f"Cannot log in as {login}: {body['error'].get('data', {}).get('message')}")
        for header in response.headers.get_all('Set-Cookie') or []:
            if header.startswith('session_id='):
                return header.split(';', 1)[0].split('=', 1)[1]
    sys.exit(f"Cannot log in as {login}: no session cookie.")


def call(base_url, session_id, model, method, args=(), kwargs=None):
    """``method`` of ``model`` called over JSON-RPC in the session ``session_id``."""
    payload = json.dumps({'jsonrpc': '2.0', 'method': 'call', 'params': {
        'model': model, 'method': method, 'args': list(args), 'kwargs': kwargs or {}}}).encode()
    request = urllib.request.Request(f'{base_url}/web/dataset/call_kw/{model}/{method}', data=payload, headers={
        'Content-Type': 'application/json', 'Cookie': f'session_id={session_id}'})
    with urllib.request.urlopen(request, timeout=120) as response:
        body = json.loads(response.read())
    if body.get('error'):
        raise RuntimeError(f"{model}.{method}: {body['error'].get('data', {}).get('message')}")
    return body['result']


def click_tab(browser, label):
    """Open the notebook page of the form whose tab reads ``label``."""
    found = browser.evaluate(f"""(() => {{
        const tab = [...document.querySelectorAll('.o_notebook_headers a.nav-link')]
            .find(link => link.innerText.trim() === {json.dumps(label)});
        if (tab) {{ tab.click(); }}
        return !!tab;
    }})()""")
    if not found:
        raise RuntimeError(f"No {label} tab on the form.")
    time.sleep(1)


def scroll_to_tabs(browser):
    """Scroll the form so that its notebook's tabs come first under the control panel."""
    browser.evaluate("""(() => {
        const tabs = document.querySelector('.o_form_view .o_notebook_headers');
        const scroller = document.querySelector('.o_form_view .o_form_sheet_bg') || tabs.closest('.o_content');
        // the status bar stays on top of the form when it scrolls
        const bar = scroller.querySelector('.o_form_statusbar');
        const top = bar ? bar.getBoundingClientRect().bottom : scroller.getBoundingClientRect().top;
        scroller.scrollTop += tabs.getBoundingClientRect().top - top - 12;
    })()""")
    time.sleep(0.5)


class Browser:
    """A headless Chromium driven through its DevTools protocol."""

    def __init__(self, binary):
        import websocket  # websocket-client, from the test extra
        self.profile = tempfile.mkdtemp(prefix='ccr-shots-')
        self.process = subprocess.Popen([
            binary, '--headless=new', '--no-sandbox', '--disable-gpu', '--hide-scrollbars',
            '--remote-debugging-port=0', '--remote-allow-origins=*', f'--user-data-dir={self.profile}',
            f'--window-size={WIDTH},{HEIGHT}',
            'about:blank'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(self.profile, 'DevToolsActivePort')
        for _attempt in range(100):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            time.sleep(0.2)
        port = open(port_file).read().split()[0]
        with urllib.request.urlopen(f'http://127.0.0.1:{port}/json', timeout=10) as response:
            page = next(target for target in json.loads(response.read()) if target['type'] == 'page')
        self.socket = websocket.create_connection(page['webSocketDebuggerUrl'], timeout=60, suppress_origin=True)
        self.next_id = 0

    def send(self, method, **params):
        self.next_id += 1
        self.socket.send(json.dumps({'id': self.next_id, 'method': method, 'params': params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get('id') == self.next_id:
                if 'error' in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get('result', {})

    def evaluate(self, expression):
        result = self.send('Runtime.evaluate', expression=expression, returnByValue=True, awaitPromise=True)
        return result.get('result', {}).get('value')

    def wait_for(self, selector, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(f"document.readyState === 'complete' && !!document.querySelector({json.dumps(selector)})"):
                time.sleep(1.5)  # fonts, images and the web client's last renders
                return
            time.sleep(0.5)
        raise RuntimeError(f"{selector} did not appear within {timeout}s")

    def open(self, url, session_id, selector):
        self.send('Network.enable')
        self.send('Network.clearBrowserCookies')
        self.send('Network.setCookie', name='session_id', value=session_id, url=url)
        self.send('Page.enable')
        self.send('Page.navigate', url=url)
        self.wait_for(selector)

    def screenshot(self, path):
        data = self.send('Page.captureScreenshot', format='png')['data']
        with open(path, 'wb') as image:
            image.write(base64.b64decode(data))
        print(f"written {os.path.relpath(path, ROOT)}")

    def resize(self, height=None):
        """Make the page ``height`` pixels high (the default size without it), to show a long page whole."""
        if height:
            self.send('Emulation.setDeviceMetricsOverride', width=WIDTH, height=height, deviceScaleFactor=1,
                      mobile=False)
        else:
            self.send('Emulation.clearDeviceMetricsOverride')
        time.sleep(1.5)

    def close(self):
        try:
            self.socket.close()
        finally:
            self.process.terminate()
            self.process.wait(timeout=30)
            shutil.rmtree(self.profile, ignore_errors=True)


def take_portal_return_request(browser, base_url, db, folder):
    session = authenticate(base_url, db, 'toni', 'toni')
    browser.open(f'{base_url}/my/returns/new', session, 'a.o_ccr_choose_order')
    browser.evaluate("document.querySelector('a.o_ccr_choose_order').click()")
    time.sleep(1)
    browser.wait_for('form.o_ccr_return_form')
    # Fill the request as the customer would, without submitting it.
    browser.evaluate("""(() => {
        const line = document.querySelector('tr.o_ccr_return_line input.o_ccr_qty:not([disabled])').closest('tr');
        line.querySelector('input.o_ccr_qty').value = '1';
        line.querySelector('select.o_ccr_condition').value = 'damaged';
        const reason = document.querySelector('select.o_ccr_reason');
        reason.value = [...reason.options].find(option => option.dataset.photoRequired === '1').value;
        document.querySelector('#ccr_return_description').value = 'One cabinet arrived with a dented drawer.';
        // as the customer's typing does: the line asks the server what the return rules decide
        line.querySelector('input.o_ccr_qty').dispatchEvent(new Event('change', {bubbles: true}));
    })()""")
    browser.wait_for('tr.o_ccr_return_line .o_ccr_outcome:not(:empty)')
    browser.screenshot(os.path.join(folder, 'portal_return_request.png'))


def take_return_rules(browser, base_url, db, folder):
    session = authenticate(base_url, db, 'admin', 'admin')
    browser.open(f'{base_url}/odoo/action-customer_complaint_return.action_customer_return_rule', session,
                 '.o_data_row')
    browser.screenshot(os.path.join(folder, 'return_rules.png'))


def take_complaint_kanban(browser, base_url, db, folder):
    session = authenticate(base_url, db, 'admin', 'admin')
    browser.open(f'{base_url}/odoo/complaints', session, '.o_kanban_record')
    browser.screenshot(os.path.join(folder, 'complaint_kanban.png'))


def take_return_form(browser, base_url, db, folder):
    """The form of the demo return waiting for its credit note, whose lines must fit the screen."""
    session = authenticate(base_url, db, 'admin', 'admin')
    browser.open(f'{base_url}/odoo/action-customer_complaint_return.action_customer_return?view_type=list', session,
                 '.o_data_row')
    browser.evaluate("""(() => {
        const row = [...document.querySelectorAll('.o_data_row')].find(r => r.innerText.includes('Received'));
        (row || document.querySelector('.o_data_row')).querySelector('td.o_data_cell').click();
    })()""")
    browser.wait_for('.o_form_view .o_field_one2many .o_list_renderer')
    overflow = browser.evaluate("""(() => {
        const table = document.querySelector('.o_form_view .o_field_one2many .o_list_renderer');
        return table.scrollWidth - table.clientWidth;
    })()""")
    browser.screenshot(os.path.join(folder, 'return_form.png'))
    if overflow > 0:
        return f"The return form's lines scroll sideways by {overflow} pixels at {WIDTH} pixels."
    print(f"the return form's lines fit {WIDTH} pixels")
    return None


def take_complaint_dashboard(browser, base_url, db, folder):
    """Reporting > Complaints Dashboard, as admin: its figures and charts."""
    session = authenticate(base_url, db, 'admin', 'admin')
    browser.open(f'{base_url}/odoo/complaint-dashboard', session, '.o_form_view .o_field_html *')
    # the charts come below the figures: the page is made as high as the dashboard, within reason
    content = browser.evaluate("""(() => {
        const scroller = [...document.querySelectorAll('.o_action_manager *')]
            .filter(element => ['auto', 'scroll'].includes(getComputedStyle(element).overflowY))
            .sort((a, b) => (b.scrollHeight - b.clientHeight) - (a.scrollHeight - a.clientHeight))[0];
        return scroller.getBoundingClientRect().top + scroller.scrollHeight;
    })()""")
    browser.resize(min(int(content) + 20, DASHBOARD_MAX_HEIGHT))
    try:
        browser.screenshot(os.path.join(folder, 'complaint_dashboard.png'))
    finally:
        browser.resize()


def take_quality_cost(browser, base_url, db, folder):
    """Reporting > Cost by Root Cause: the cost of poor quality in a bar chart, the largest cause first."""
    session = authenticate(base_url, db, 'admin', 'admin')
    if not call(base_url, session, 'customer.quality.cost', 'search_count', [[]]):
        sys.exit("The demo has no cost of poor quality: nothing to show.")
    browser.open(f'{base_url}/odoo/action-customer_complaint_return.action_customer_quality_cost_by_cause',
                 session, '.o_graph_view canvas')
    browser.screenshot(os.path.join(folder, 'quality_cost.png'))


def take_complaint_related(browser, base_url, db, folder):
    """The form of the open demo complaint with the most similar open cases, its banner on top."""
    session = authenticate(base_url, db, 'admin', 'admin')
    complaints = call(base_url, session, 'customer.complaint', 'search_read',
                      [[('state', 'in', ('new', 'in_progress'))]], {'fields': ['similar_open_count', 'related_count']})
    complaints = [c for c in complaints if c['similar_open_count']]
    if not complaints:
        sys.exit("No open demo complaint has similar open complaints: no related cases banner to show.")
    complaint = max(complaints, key=lambda c: (c['similar_open_count'], c['related_count']))
    browser.open(f"{base_url}/odoo/complaints/{complaint['id']}", session, '.o_form_view .alert-warning')
    browser.screenshot(os.path.join(folder, 'complaint_related.png'))


def take_case_timeline(browser, base_url, db, folder):
    """The Timeline tab of the demo complaint whose timeline is the longest (the case and its documents)."""
    session = authenticate(base_url, db, 'admin', 'admin')
    complaints = call(base_url, session, 'customer.complaint', 'search_read', [[]], {'fields': ['timeline_html']})
    complaint = max(complaints, key=lambda c: len(c['timeline_html'] or ''))
    browser.open(f"{base_url}/odoo/complaints/{complaint['id']}", session, '.o_form_view .o_notebook_headers')
    click_tab(browser, 'Timeline')
    browser.wait_for('.o_form_view .o_notebook .tab-pane.active [name=timeline_html] *')
    scroll_to_tabs(browser)
    browser.screenshot(os.path.join(folder, 'case_timeline.png'))


def take_corrective_action_8d(browser, base_url, db, folder):
    """The 8D Report tab of a demo corrective action that follows the eight disciplines."""
    session = authenticate(base_url, db, 'admin', 'admin')
    actions = call(base_url, session, 'customer.corrective.action', 'search_read', [[('use_8d', '=', True)]],
                   {'fields': ['id'], 'limit': 1})
    if not actions:
        sys.exit("No demo corrective action uses the 8D report.")
    browser.open(f"{base_url}/odoo/action-customer_complaint_return.action_customer_corrective_action/"
                 f"{actions[0]['id']}", session, '.o_form_view .o_notebook_headers')
    click_tab(browser, '8D Report')
    scroll_to_tabs(browser)
    browser.screenshot(os.path.join(folder, 'corrective_action_8d.png'))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--url', default='http://localhost:8069', help="the running make demo")
    parser.add_argument('--db', default='ccr_demo')
    parser.add_argument('--out', default=os.path.join(ROOT, 'docs'), help="folder of the images")
    args = parser.parse_args()
    binary = next((shutil.which(name) for name in BROWSERS if shutil.which(name)), None)
    if not binary:
        sys.exit("Chromium is not installed (Debian package chromium): no screenshots.")
    os.makedirs(args.out, exist_ok=True)
    browser = Browser(binary)
    try:
        take_portal_return_request(browser, args.url.rstrip('/'), args.db, args.out)
        take_complaint_kanban(browser, args.url.rstrip('/'), args.db, args.out)
        # a return form that scrolls sideways fails the run, once the other screenshots are taken
        failure = take_return_form(browser, args.url.rstrip('/'), args.db, args.out)
        take_return_rules(browser, args.url.rstrip('/'), args.db, args.out)
        take_complaint_dashboard(browser, args.url.rstrip('/'), args.db, args.out)
        take_quality_cost(browser, args.url.rstrip('/'), args.db, args.out)
        take_complaint_related(browser, args.url.rstrip('/'), args.db, args.out)
        take_case_timeline(browser, args.url.rstrip('/'), args.db, args.out)
        take_corrective_action_8d(browser, args.url.rstrip('/'), args.db, args.out)
    finally:
        browser.close()
    if failure:
        sys.exit(failure)


if __name__ == '__main__':
    main()
