"""Black-box tests of the shell scripts in tools/ (run by ctest as scripts_test, through pytest).

install-deps.sh runs against stand-ins for apt-get and dpkg-query on PATH (a test must never install or
upgrade packages on the machine); pg-test-server.sh starts a real PostgreSQL; run-benchmarks.sh runs the
real runner on the bundled benchmarks.
"""
import csv
import glob
import os
import pathlib
import re
import shutil
import stat
import subprocess
import tempfile
import textwrap

import pytest

SOURCE = os.environ["BENCHSTORE_SOURCE_DIR"]
BINARY = os.environ["BENCHSTORE_BINARY_DIR"]
TOOLS = os.path.join(SOURCE, "tools")


def write_exe(path, text):
    with open(path, "w") as f:
        f.write(textwrap.dedent(text))
    os.chmod(path, 0o755)


@pytest.fixture
def fake_apt(tmp_path):
    """apt-get and dpkg-query stand-ins: dpkg-query says every package is installed except those in
    FAKE_MISSING; apt-get logs its arguments, fails FAKE_LOCKED times with dpkg's lock message first,
    and for a simulation (-s) prints FAKE_SIMULATION."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt.log"
    write_exe(bin_dir / "dpkg-query", """\
        #!/bin/sh
        for a; do name=$a; done
        for p in $FAKE_MISSING; do [ "$p" = "$name" ] && exit 1; done
        printf 'install ok installed'
        """)
    write_exe(bin_dir / "apt-get", f"""\
        #!/bin/bash
        echo "$*" >> {log}
        n=$(cat {tmp_path}/locked 2>/dev/null || echo "${{FAKE_LOCKED:-0}}")
        if [ "$n" -gt 0 ]; then
          echo $((n - 1)) > {tmp_path}/locked
          echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (unattended-upgr)" >&2
          exit 100
        fi
        echo 0 > {tmp_path}/locked
        case " $* " in *" -s "*) printf '%b' "$FAKE_SIMULATION";; esac
        exit 0
        """)
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", LOCK_POLL="0.01", FAKE_MISSING="",
               FAKE_SIMULATION="", FAKE_LOCKED="0")
    env.pop("BENCHSTORE_REFUSE_UPGRADES", None)
    return env, log


def install_deps(env):
    return subprocess.run([os.path.join(TOOLS, "install-deps.sh")], env=env, capture_output=True, text=True)


@pytest.mark.skipif(os.geteuid() != 0, reason="the script uses sudo when not root")
def test_install_deps_waits_for_the_lock_and_installs_only_what_is_missing(fake_apt):
    env, log = fake_apt
    env.update(FAKE_MISSING="python3-pytest sqlite3", FAKE_LOCKED="3",
               FAKE_SIMULATION="Inst sqlite3 (3.40.1-2 Debian:12/stable [amd64])\\n")
    r = install_deps(env)
    assert r.returncode == 0, r.stderr
    assert "waiting" in r.stderr
    calls = log.read_text().splitlines()
    installs = [c for c in calls if " install " in f" {c} " and " -s " not in f" {c} "]
    assert len(installs) == 1
    assert installs[0].endswith("install -y -q --no-install-recommends --no-upgrade sqlite3 python3-pytest")
    assert all("DPkg::Lock::Timeout=" in c for c in calls)
    assert not any("upgrade" == c.split()[-1] or " dist-upgrade" in c for c in calls)


@pytest.mark.skipif(os.geteuid() != 0, reason="the script uses sudo when not root")
def test_install_deps_says_which_packages_apt_upgrades_and_goes_on(fake_apt):
    env, log = fake_apt
    env.update(FAKE_MISSING="sqlite3",
               FAKE_SIMULATION="Inst postgresql-15 [15.8-0+deb12u1] (15.10-0+deb12u1 Debian:12/stable)\\n"
                               "Inst sqlite3 (3.40.1-2 Debian:12/stable)\\n")
    r = install_deps(env)
    assert r.returncode == 0, r.stderr
    assert "also upgrades postgresql-15" in r.stdout
    assert any(" -y " in f" {c} " for c in log.read_text().splitlines())
    # Who wants no upgrade at all can still say so: then nothing is changed.
    log.unlink()
    env["BENCHSTORE_REFUSE_UPGRADES"] = "yes"
    r = install_deps(env)
    assert r.returncode == 1
    assert "would upgrade installed packages (postgresql-15)" in r.stderr
    assert not any(" -y " in f" {c} " for c in log.read_text().splitlines())


@pytest.mark.skipif(os.geteuid() != 0, reason="the script uses sudo when not root")
def test_install_deps_takes_the_installed_postgresql_whatever_its_metapackages(fake_apt, tmp_path):
    # A Debian 12 machine a point release behind: psql comes from postgresql-client-15, and the
    # postgresql-client metapackage is not installed; asking for it would upgrade postgresql-common & co.
    env, log = fake_apt
    write_exe(tmp_path / "bin" / "psql", "#!/bin/sh\nexit 0\n")
    env.update(FAKE_MISSING="postgresql-client postgresql sqlite3",
               FAKE_SIMULATION="Inst sqlite3 (3.40.1-2 Debian:12/stable)\\n")
    r = install_deps(env)
    assert r.returncode == 0, r.stderr
    installs = [c for c in log.read_text().splitlines() if " -y " in f" {c} "]
    assert len(installs) == 1 and installs[0].endswith("--no-upgrade sqlite3"), installs


def test_install_deps_does_nothing_when_all_is_present(fake_apt):
    env, log = fake_apt
    r = install_deps(env)
    assert r.returncode == 0 and "all packages present" in r.stdout
    assert not log.exists()


@pytest.fixture
def open_tmp():
    """A temporary folder the postgres user can reach (pytest's own sits in a root-only folder)."""
    path = tempfile.mkdtemp(prefix="benchstore-scripts-")
    os.chmod(path, 0o755)
    yield pathlib.Path(path)
    shutil.rmtree(path, ignore_errors=True)


def test_pg_test_server_serves_the_database_it_names_and_stops_only_its_own(open_tmp):
    tmp_path = open_tmp
    server = tmp_path / "pg"
    script = os.path.join(TOOLS, "pg-test-server.sh")
    start = subprocess.run([script, "start", str(server)], capture_output=True, text=True)
    assert start.returncode == 0, start.stderr
    conninfo = start.stdout.strip()
    try:
        assert "dbname=metrics" in conninfo and "password" not in conninfo
        q = subprocess.run(["psql", "-X", "-At", conninfo, "-c", "SELECT current_database()"],
                           capture_output=True, text=True)
        assert q.returncode == 0, q.stderr
        assert q.stdout.strip() == "metrics"
        for secret in ("pw", "pgpass"):
            mode = stat.S_IMODE(os.stat(server / secret).st_mode)
            assert mode & 0o077 == 0, f"{secret} is readable by others: {oct(mode)}"
        precious = tmp_path / "precious"
        precious.mkdir()
        (precious / "thesis.tex").write_text("years of work")
        refused = subprocess.run([script, "stop", str(precious)], capture_output=True, text=True)
        assert refused.returncode == 1
        assert "not made by pg-test-server.sh start" in refused.stderr
        assert (precious / "thesis.tex").exists()
    finally:
        stop = subprocess.run([script, "stop", str(server)], capture_output=True, text=True)
    assert stop.returncode == 0, stop.stderr
    assert not server.exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root runs the server as the postgres user")
def test_pg_test_server_says_when_the_postgres_user_cannot_reach_the_folder():
    closed = tempfile.mkdtemp(prefix="benchstore-closed-")  # mode 0700, as mktemp -d makes it
    try:
        r = subprocess.run([os.path.join(TOOLS, "pg-test-server.sh"), "start", os.path.join(closed, "pg")],
                           capture_output=True, text=True)
        assert r.returncode == 1
        assert f"the postgres user cannot enter {closed} (mode 700" in r.stderr, r.stderr
        assert f"chmod o+x {closed}" in r.stderr
        assert r.stderr.count("\n") == 1
    finally:
        shutil.rmtree(closed, ignore_errors=True)


def test_run_benchmarks_exports_the_run_it_made(tmp_path):
    # The real script in a scratch tree whose install and build steps are stand-ins and whose build/
    # is this build: the test must not reconfigure the build it runs from (ctest is running in it).
    tree = tmp_path / "tree"
    (tree / "tools").mkdir(parents=True)
    shutil.copy(os.path.join(TOOLS, "run-benchmarks.sh"), tree / "tools" / "run-benchmarks.sh")
    for stand_in in ("install-deps.sh", "build.sh"):
        write_exe(tree / "tools" / stand_in, "#!/bin/sh\nexit 0\n")
    os.symlink(os.path.realpath(BINARY), tree / "build")
    script = str(tree / "tools" / "run-benchmarks.sh")
    for attempt in (1, 2):
        r = subprocess.run([script, "acme/widgets", "main", f"c{attempt}", "try"], cwd=tmp_path,
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
    # The second run's summary against the newest CSV files: its own rows, not the whole store's.
    completed, failed = map(int, re.search(r"benchmarks: +(\d+) completed, (\d+) failed", r.stdout).groups())
    device = int(re.search(r"device measurements: +(\d+)", r.stdout).group(1))
    files = sorted(glob.glob(str(tmp_path / "benchmark_results" / "benchmarks_*.csv")))
    assert len(files) == 2
    with open(files[-1], newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == completed + failed
    assert {row["commit_id"] for row in rows} == {"c2"}
    device_file = os.path.join(os.path.dirname(files[-1]),
                               os.path.basename(files[-1]).replace("benchmarks_", "device_measurements_"))
    with open(device_file, newline="") as f:
        assert sum(1 for _ in csv.DictReader(f)) == device
