"""Set-up behind ``make test`` and ``make demo``.

``python3 tests/harness.py test [pytest options and files]``
    throwaway PostgreSQL cluster in a temporary folder, fresh database with the
    addon installed, pytest (pytest-odoo) over ``tests/`` or the files given; the cluster and the
    folder are removed afterwards, even on failure or Ctrl-C. Exit status is
    pytest's.

``python3 tests/harness.py i18n``
    the addon's terms exported to its .pot from a fresh database and merged
    into its .po files (gettext's msgmerge); prints what is left to translate.

``python3 tests/harness.py demo [--reset]``
    private cluster in ``.demo/`` of the checkout (or the server chosen with
    PGHOST/PGPORT/PGUSER), database ``ccr_demo`` created once with Odoo's demo
    data and this addon's, then Odoo served on http://localhost:8069.

Only the standard library, PostgreSQL's programs and an importable Odoo 19.0
are assumed.
"""
import argparse
import contextlib
import glob
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ADDON = "customer_complaint_return"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DB_SUPERUSER = "odoo"  # owner of the private clusters (Odoo refuses 'postgres')
PG_PORT = "5432"  # only a Unix socket in a private folder: the number never clashes
DEMO_DIR = os.path.join(ROOT, ".demo")
DEMO_DB = "ccr_demo"
DEMO_STAMP = os.path.join(DEMO_DIR, "addon.sha1")  # fingerprint of the addon the demo database has
TEST_DB = "ccr_test"
HTTP_PORT = "8069"


def say(message):
    print(f"[{ADDON}] {message}", flush=True)


# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------
def pg_bin(program):
    """Path of a PostgreSQL server program (Debian keeps them off PATH)."""
    found = shutil.which(program)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{program}"),
        key=lambda path: int(path.split("/")[4]) if path.split("/")[4].isdigit() else 0,
    )
    if candidates:
        return candidates[-1]
    sys.exit(f"PostgreSQL program '{program}' not found: install PostgreSQL 15+ (see README.md, Prerequisites).")


def as_server_user(command):
    """PostgreSQL refuses to run as root: run its programs as 'postgres' then."""
    if os.name == "posix" and os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def give_to_server_user(path):
    if os.name == "posix" and os.geteuid() == 0:
        shutil.chown(path, user="postgres", group="postgres")


class Cluster:
    """A private PostgreSQL cluster listening only on a socket in its folder."""

    def __init__(self, folder):
        self.folder = folder
        self.datadir = os.path.join(folder, "pgdata")
        self.socket_dir = os.path.join(folder, "socket")
        self.logfile = os.path.join(self.socket_dir, "postgresql.log")
        self.started_here = False

    @property
    def connection(self):
        return {"db_host": self.socket_dir, "db_port": PG_PORT, "db_user": DB_SUPERUSER}

    def _pg_ctl(self, *args, check=True):
        command = as_server_user([pg_bin("pg_ctl"), "-D", self.datadir, *args])
        return subprocess.run(command, check=check, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def is_running(self):
        if not os.path.isdir(self.datadir):
            return False
        return self._pg_ctl("status", check=False).returncode == 0

    def ensure_started(self):
        os.makedirs(self.folder, exist_ok=True)
        os.chmod(self.folder, 0o755)  # the server user must reach its socket folder
        os.makedirs(self.socket_dir, exist_ok=True)
        give_to_server_user(self.socket_dir)
        if not os.path.isfile(os.path.join(self.datadir, "PG_VERSION")):
            os.makedirs(self.datadir, exist_ok=True)
            os.chmod(self.datadir, 0o700)
            give_to_server_user(self.datadir)
            subprocess.run(
                as_server_user([
                    pg_bin("initdb"), "-D", self.datadir, "-U", DB_SUPERUSER, "--auth=trust",
                    "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
                ]),
                check=True, stdout=subprocess.DEVNULL,
            )
        if self.is_running():
            return
        options = (
            f"-c listen_addresses='' -k {self.socket_dir} -p {PG_PORT} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        result = self._pg_ctl("-l", self.logfile, "-o", options, "-w", "-t", "60", "start", check=False)
        if result.returncode:
            sys.exit(f"PostgreSQL did not start:\n{result.stderr}\n(log: {self.logfile})")
        self.started_here = True

    def stop(self):
        if self.is_running():
            self._pg_ctl("-m", "fast", "-w", "stop", check=False)


def external_server():
    """PGHOST/PGPORT/PGUSER select an existing server instead of a private cluster."""
    if not any(os.environ.get(name) for name in ("PGHOST", "PGPORT", "PGUSER")):
        return None
    return {
        "db_host": os.environ.get("PGHOST", ""),
        "db_port": os.environ.get("PGPORT", ""),
        "db_user": os.environ.get("PGUSER", ""),
        "db_password": os.environ.get("PGPASSWORD", ""),
    }


def pg_env(connection):
    """Environment for PostgreSQL's client programs to reach ``connection``."""
    return dict(os.environ, PGHOST=connection["db_host"], PGPORT=connection["db_port"],
                PGUSER=connection["db_user"], PGPASSWORD=connection.get("db_password", ""))


def database_exists(connection, name):
    result = subprocess.run(
        [pg_bin("psql"), "-d", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        env=pg_env(connection), capture_output=True, text=True, check=True,
    )
    return result.stdout.strip() == "1"


def addon_installed(connection, name):
    """Whether the addon is fully installed in database ``name``.

    Odoo creates the database before installing: an interrupted or failed
    set-up leaves one behind with its modules still 'to install'.
    """
    result = subprocess.run(
        [pg_bin("psql"), "-d", name, "-tAc", f"SELECT state FROM ir_module_module WHERE name = '{ADDON}'"],
        env=pg_env(connection), capture_output=True, text=True, check=False,
    )
    return result.returncode == 0 and result.stdout.strip() == "installed"


def drop_database(connection, name):
    subprocess.run([pg_bin("dropdb"), "--if-exists", name], env=pg_env(connection), check=True)


# ---------------------------------------------------------------------------
# Odoo
# ---------------------------------------------------------------------------
def write_odoo_config(path, connection, data_dir, **extra):
    options = {
        **connection,
        "addons_path": ROOT,
        "data_dir": data_dir,
        "max_cron_threads": 0,
        "http_interface": "127.0.0.1",
        # the editable installs add entries to odoo.addons.__path__ that Odoo warns about
        "log_handler": "odoo.modules.module:ERROR",
        **extra,
    }
    with open(path, "w", encoding="utf-8") as config:
        config.write("[options]\n")
        for key, value in options.items():
            config.write(f"{key} = {value}\n")


def free_tcp_port():
    """A TCP port nobody listens on now: two test runs at once (or a running ``make demo``)
    must not fight over Odoo's HTTP port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def odoo(config, *args, check=True):
    command = [sys.executable, "-m", "odoo", "server", "-c", config, *args]
    return subprocess.run(command, check=check)


# Installed beside the addon in the test database: kits (phantom bills of materials) are
# tested there, as most databases that sell kits have Manufacturing.
TEST_EXTRA_MODULES = ("mrp", "stock_delivery")


def install_modules(config, database, modules, with_demo=False):
    """Install ``modules`` in ``database``, which Odoo creates when it does not exist yet."""
    modules = ",".join(modules)
    say(f"installing {modules} in database {database}{' with demo data' if with_demo else ''}")
    started = time.monotonic()
    odoo(
        config, "-d", database, "-i", modules, "--stop-after-init", "--log-level=warn",
        "--with-demo" if with_demo else "--without-demo",
    )
    say(f"database {database} ready in {time.monotonic() - started:.0f}s")


def install_addon(config, database, with_demo, extra_modules=()):
    install_modules(config, database, (ADDON, *extra_modules), with_demo=with_demo)


def addon_fingerprint():
    """A digest of the addon's files, to notice that the demo database is older than the code."""
    digest = hashlib.sha1()
    folder = os.path.join(ROOT, ADDON)
    for current, dirs, files in sorted(os.walk(folder)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            path = os.path.join(current, name)
            digest.update(os.path.relpath(path, folder).encode())
            with open(path, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()


def read_stamp():
    with contextlib.suppress(OSError), open(DEMO_STAMP, encoding="utf-8") as stamp:
        return stamp.read().strip()
    return None


def write_stamp(value):
    with open(DEMO_STAMP, "w", encoding="utf-8") as stamp:
        stamp.write(value)


@contextlib.contextmanager
def interrupts_as_exceptions():
    """Turn SIGTERM into KeyboardInterrupt so that clean-up runs for it too."""
    def handler(signum, frame):
        raise KeyboardInterrupt
    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class Throwaway:
    """A private cluster in a temporary folder, with an Odoo configuration for it; the outcome
    of the work done with it becomes an exit status (``status``)."""

    def __init__(self, folder, cluster):
        self.folder = folder
        self.cluster = cluster
        self.config = os.path.join(folder, "odoo.conf")
        self.data_dir = os.path.join(folder, "data")
        self.status = 1


@contextlib.contextmanager
def throwaway_cluster(prefix, label, failure=(subprocess.CalledProcessError,)):
    """A started throwaway cluster (see ``Throwaway``); stopped and removed afterwards, also on
    failure, Ctrl-C or SIGTERM. ``failure``: the exceptions that end the work with a message."""
    folder = tempfile.mkdtemp(prefix=prefix)
    work = Throwaway(folder, Cluster(folder))
    started = False
    with interrupts_as_exceptions():
        try:
            work.cluster.ensure_started()
            write_odoo_config(work.config, work.cluster.connection, work.data_dir, http_port=free_tcp_port())
            started = True
            yield work
        except KeyboardInterrupt:
            say("interrupted")
            work.status = 130
        except failure as error:
            say(f"{label} failed: {error}")
            work.status = getattr(error, "returncode", 1) or 1
        finally:
            work.cluster.stop()
            shutil.rmtree(folder, ignore_errors=True)
            say(f"{label} cluster stopped and removed")
    if not started:
        # The cluster did not start: the work cannot run, the command ends with its status.
        sys.exit(work.status)


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------
def pytest_command(config, pytest_args):
    """The pytest command line of ``make test``.

    No test folder is named here: pytest.ini's ``testpaths`` gives ``tests/`` when the
    user names no file, so ``PYTEST_ARGS="tests/test_x.py"`` runs that file only.
    HttpCase tests need the HTTP server (``--odoo-http``); ``-rs`` lists every skip
    with its reason, so that a skip never hides.
    """
    return [
        sys.executable, "-m", "pytest",
        f"--odoo-config={config}", f"--odoo-database={TEST_DB}", "--odoo-log-level=warn", "--odoo-http",
        "-p", "no:cacheprovider", f"--rootdir={ROOT}", "-rs", *pytest_args,
    ]


def run_tests(pytest_args):
    with throwaway_cluster("ccr-test-", "test") as work:
        install_addon(work.config, TEST_DB, with_demo=False, extra_modules=TEST_EXTRA_MODULES)
        say("running pytest")
        work.status = subprocess.run(pytest_command(work.config, pytest_args), cwd=ROOT).returncode
    return work.status


def run_i18n():
    """Export the addon's terms to its .pot from a fresh database (no demo data, as Odoo makes
    .pot files) and merge them into every .po: new terms come untranslated, gone ones leave.
    msgmerge and msgattrib come with gettext."""
    i18n_dir = os.path.join(ROOT, ADDON, "i18n")
    pot = os.path.join(i18n_dir, f"{ADDON}.pot")
    with throwaway_cluster("ccr-i18n-", "i18n", (subprocess.CalledProcessError, FileNotFoundError)) as work:
        install_addon(work.config, TEST_DB, with_demo=False)
        subprocess.run([sys.executable, "-m", "odoo", "i18n", "export", "-c", work.config, "-d", TEST_DB,
                        "-l", "pot", "-o", pot, ADDON], check=True)
        for po in sorted(glob.glob(os.path.join(i18n_dir, "*.po"))):
            subprocess.run(["msgmerge", "--quiet", "--no-fuzzy-matching", "--update", "--backup=none", po, pot],
                           check=True)
            subprocess.run(["msgattrib", "--no-obsolete", "--output-file", po, po], check=True)
            untranslated = subprocess.run(["msgattrib", "--untranslated", po], capture_output=True, text=True,
                                          check=True).stdout.count('\nmsgid "') - 1
            say(f"{os.path.relpath(po, ROOT)}: {max(untranslated, 0)} terms to translate")
        work.status = 0
    return work.status


def run_demo(reset, port=HTTP_PORT):
    external = external_server()
    cluster = None
    if external:
        connection = external
    else:
        cluster = Cluster(os.path.join(DEMO_DIR, "postgresql"))
        cluster.ensure_started()
        connection = cluster.connection
    config = os.path.join(DEMO_DIR, "odoo.conf")
    os.makedirs(DEMO_DIR, exist_ok=True)
    write_odoo_config(config, connection, os.path.join(DEMO_DIR, "data"), http_port=port)
    status = 0
    with interrupts_as_exceptions():
        try:
            if not reset and database_exists(connection, DEMO_DB) and not addon_installed(connection, DEMO_DB):
                say(f"database {DEMO_DB} is incomplete (an earlier set-up did not finish): building it again")
                reset = True
            if reset:
                say(f"dropping database {DEMO_DB}")
                drop_database(connection, DEMO_DB)
                shutil.rmtree(os.path.join(DEMO_DIR, "data", "filestore", DEMO_DB), ignore_errors=True)
            fingerprint = addon_fingerprint()
            if not database_exists(connection, DEMO_DB):
                install_addon(config, DEMO_DB, with_demo=True)
            elif read_stamp() != fingerprint:
                say(f"reusing database {DEMO_DB}; the addon changed since it was built: updating it")
                odoo(config, "-d", DEMO_DB, "-u", ADDON, "--stop-after-init", "--log-level=warn")
            else:
                say(f"reusing database {DEMO_DB} (make demo-reset starts over)")
            write_stamp(fingerprint)
            say(f"Odoo is served on http://localhost:{port}  (login admin / admin, portal toni / toni; Ctrl-C stops it)")
            odoo(config, "-d", DEMO_DB, "--db-filter", f"^{DEMO_DB}$", check=False)
        except KeyboardInterrupt:
            pass
        except subprocess.CalledProcessError as error:
            say(f"set-up failed: {error}")
            status = error.returncode or 1
        finally:
            if cluster and cluster.started_here:
                cluster.stop()
                say("demo cluster stopped (its data stays in .demo/)")
    return status


def parse_command_line(argv):
    """(command, options) of the harness's command line ``argv``.

    ``test`` hands everything after it to pytest untouched: options first
    (``-k routing -x``), files, or both. argparse cannot take an option-first
    remainder, so it only parses the other commands.
    """
    if argv[:1] == ["test"]:
        return "test", [arg for arg in argv[1:] if arg != "--"]
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("test", help="run the test suite on a throwaway database; the rest goes to pytest")
    demo = sub.add_parser("demo", help="serve the demo database")
    demo.add_argument("--reset", action="store_true", help="drop and recreate the demo database")
    demo.add_argument("--port", type=int, help=f"HTTP port to serve on (default {HTTP_PORT})")
    sub.add_parser("i18n", help="export the addon's terms to its .pot and merge them into its .po files")
    args = parser.parse_args(argv)
    options = {"reset": getattr(args, "reset", False)}
    if getattr(args, "port", None):
        options["port"] = str(args.port)
    return args.command, options


def main(argv=None):
    command, options = parse_command_line(sys.argv[1:] if argv is None else argv)
    if command == "test":
        return run_tests(options)
    if command == "i18n":
        return run_i18n()
    return run_demo(options["reset"], options.get("port", HTTP_PORT))


if __name__ == "__main__":
    sys.exit(main())
