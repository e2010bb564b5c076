# SPDX-License-Identifier: GPL-3.0-or-later
"""Fake hosts for the mdns suite.

A host is a network namespace (a veth joins two of them, created inside
them: nothing appears in the machine's own namespace), a private mount
namespace with a tmpfs on /run and the static Avahi services folder
emptied, its own host name (UTS namespace), its own system-type
dbus-daemon and its own avahi-daemon. Every process started in a host
is a child of the test, killed when the test ends or dies
(PR_SET_PDEATHSIG); the namespaces go with their last process.
Interface names carry the test's PID: other suites make namespaces at
the same time.
"""

import ctypes
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWNET = 0x40000000
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
PR_SET_PDEATHSIG = 1

TIMEOUT = 30

_libc = ctypes.CDLL(None, use_errno=True)

DBUS_CONF = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=/run/dbus/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
  <!-- The test runs as root: root may be the Avahi daemon, and the
       stand-in for systemd-hostnamed. -->
  <policy user="root">
    <allow own="org.freedesktop.Avahi"/>
    <allow own="org.freedesktop.hostname1"/>
  </policy>
</busconfig>
"""

AVAHI_CONF = """[server]
host-name={host_name}
domain-name=local
use-ipv4={ipv4}
use-ipv6=yes
allow-interfaces={interface}
enable-dbus=yes
ratelimit-interval-usec=1000000
ratelimit-burst=1000

[wide-area]
enable-wide-area=no

[publish]
publish-hinfo=no
publish-workstation=no
"""


def _check(ret, what):
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, '{0}: {1}'.format(what, os.strerror(err)))


def _die_with_parent():
    _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), 'prctl')


def _unshare_host():
    _die_with_parent()
    _check(_libc.unshare(CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWUTS), 'unshare')
    # Mounts made in the host stay in the host.
    _check(_libc.mount(b'none', b'/', None, MS_REC | MS_PRIVATE, None), 'mount --make-rprivate /')


def why_not():
    """None when fake hosts can be made here, else the reason."""
    if os.geteuid() != 0:
        return 'needs root (network and mount namespaces)'
    for tool in ('ip', 'dbus-daemon', 'avahi-daemon', 'sleep', 'mount'):
        if shutil.which(tool) is None:
            return '{0} is not installed'.format(tool)
    probe = subprocess.run(['true'], preexec_fn=_unshare_host, capture_output=True)
    if probe.returncode != 0:
        return 'cannot make namespaces here'
    return None


class Process:
    """A process in a host; its stdout and stderr lines are collected so
    that a test can wait for one with a deadline."""

    def __init__(self, argv, preexec_fn, env=None, stdin=False):
        self.argv = argv
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     preexec_fn=preexec_fn, env=env)
        self.lines = {'stdout': [], 'stderr': []}
        self.times = {'stdout': [], 'stderr': []}
        self.cond = threading.Condition()
        self.threads = [threading.Thread(target=self._read, args=(self.proc.stdout, 'stdout'), daemon=True),
                        threading.Thread(target=self._read, args=(self.proc.stderr, 'stderr'), daemon=True)]
        for t in self.threads:
            t.start()

    def _read(self, pipe, which):
        for raw in iter(pipe.readline, b''):
            line = raw.decode('utf-8', 'surrogateescape').rstrip('\n')
            with self.cond:
                self.lines[which].append(line)
                self.times[which].append(time.monotonic())
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def wait_line(self, which, pattern, timeout=TIMEOUT, start=0):
        """The first match at or after line @start, or None at the deadline."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for i in range(start, len(self.lines[which])):
                    m = regex.search(self.lines[which][i])
                    if m:
                        return m
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not any(t.is_alive() for t in self.threads)):
                    return None
                self.cond.wait(min(left, 0.2))

    def line_time(self, which, pattern):
        """When the first line matching @pattern was read (time.monotonic())."""
        regex = re.compile(pattern)
        with self.cond:
            for line, when in zip(self.lines[which], self.times[which]):
                if regex.search(line):
                    return when
        return None

    def count(self, which, pattern):
        regex = re.compile(pattern)
        with self.cond:
            return sum(1 for line in self.lines[which] if regex.search(line))

    def mark(self, which):
        with self.cond:
            return len(self.lines[which])

    def text(self, which):
        with self.cond:
            return '\n'.join(self.lines[which])

    def send(self, line):
        self.proc.stdin.write((line + '\n').encode())
        self.proc.stdin.flush()

    def signal(self, signum):
        if self.proc.poll() is None:
            self.proc.send_signal(signum)

    def wait(self, timeout=TIMEOUT):
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        for t in self.threads:
            t.join(5)
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()
        return code

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.wait()


class Host:
    def __init__(self, rig, label, host_name):
        self.rig = rig
        self.label = label
        self.host_name = host_name
        self.dir = os.path.join(rig.tmp, label)
        os.makedirs(self.dir)
        self.config = os.path.join(self.dir, 'config')   # XDG_CONFIG_HOME: its installation id
        self.processes = []
        self.bus = None
        self.avahi = None
        self.interface = None       # the first, where it meets A or B
        self.interfaces = []
        self.keeper = subprocess.Popen(['sleep', 'infinity'], preexec_fn=_unshare_host,
                                       stdin=subprocess.DEVNULL)
        self._ns = [os.open('/proc/{0}/ns/{1}'.format(self.keeper.pid, ns), os.O_RDONLY | os.O_CLOEXEC)
                    for ns in ('net', 'mnt', 'uts')]
        empty = os.path.join(self.dir, 'empty')
        os.makedirs(empty)
        self.run(['mount', '-t', 'tmpfs', 'tmpfs', '/run'])
        self.run(['mkdir', '-p', '/run/dbus'])
        if os.path.isdir('/etc/avahi/services'):
            self.run(['mount', '--bind', empty, '/etc/avahi/services'])
        self.run(['hostname', host_name])
        self.run(['ip', 'link', 'set', 'lo', 'up'])
        # Addresses usable at once, without duplicate address detection.
        self.run(['sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0'])

    def _enter(self):
        _die_with_parent()
        for fd, kind in zip(self._ns, (CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWUTS)):
            _check(_libc.setns(fd, kind), 'setns')
        os.chdir('/')

    def env(self, **extra):
        env = dict(os.environ)
        env.pop('DBUS_SYSTEM_BUS_ADDRESS', None)   # the host's own bus, at its usual place
        env.pop('DBUS_SESSION_BUS_ADDRESS', None)
        env['XDG_CONFIG_HOME'] = self.config
        env['LC_ALL'] = 'C.UTF-8'
        env.update(extra)
        return env

    def run(self, argv, check=True, timeout=TIMEOUT, **extra_env):
        result = subprocess.run(argv, preexec_fn=self._enter, env=self.env(**extra_env),
                                stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
        if check and result.returncode != 0:
            raise RuntimeError('{0} in {1}: {2}'.format(' '.join(argv), self.label,
                                                        result.stderr.decode(errors='replace')))
        return result

    def spawn(self, argv, stdin=False, **extra_env):
        proc = Process(argv, self._enter, env=self.env(**extra_env), stdin=stdin)
        self.processes.append(proc)
        return proc

    def add_address(self, address, interface=None):
        self.run(['ip', 'address', 'add', address, 'dev', interface or self.interface])

    def start_bus(self):
        conf = os.path.join(self.rig.tmp, 'system-bus.conf')
        if not os.path.exists(conf):
            with open(conf, 'w') as fp:
                fp.write(DBUS_CONF)
        self.bus = self.spawn(['dbus-daemon', '--config-file=' + conf, '--nofork', '--nopidfile',
                               '--print-address=1'])
        if self.bus.wait_line('stdout', r'^unix:') is None:
            raise RuntimeError('dbus-daemon in {0} did not start: {1}'.format(self.label, self.bus.text('stderr')))

    def start_avahi(self, ipv4=True):
        conf = os.path.join(self.dir, 'avahi-daemon.conf')
        with open(conf, 'w') as fp:
            fp.write(AVAHI_CONF.format(host_name=self.host_name, interface=','.join(self.interfaces),
                                       ipv4='yes' if ipv4 else 'no'))
        self.avahi = self.spawn(['avahi-daemon', '-f', conf, '--no-chroot', '--no-drop-root', '--no-rlimits'])
        if self.avahi.wait_line('stderr', r'Server startup complete') is None:
            raise RuntimeError('avahi-daemon in {0} did not start: {1}'.format(self.label, self.avahi.text('stderr')))

    def start_desktop(self):
        """An X display, a session bus with nothing to activate and a
        notification daemon recording what it shows, all of this host's
        own, for the app. Returns the environment the app needs."""
        xvfb = self.spawn(['Xvfb', '-displayfd', '1', '-screen', '0', '1024x900x24', '-nolisten', 'tcp'])
        m = xvfb.wait_line('stdout', r'^(\d+)$')
        if m is None:
            raise RuntimeError('Xvfb in {0} did not start: {1}'.format(self.label, xvfb.text('stderr')))
        env = {'DISPLAY': ':' + m.group(1), 'GDK_BACKEND': 'x11'}
        bus = self.spawn(['dbus-daemon', '--config-file=' + os.environ['PH_SESSION_BUS_CONF'], '--nofork',
                          '--nopidfile', '--print-address=1'])
        m = bus.wait_line('stdout', r'^unix:.*')
        if m is None:
            raise RuntimeError('the session bus in {0} did not start: {1}'.format(self.label, bus.text('stderr')))
        env['DBUS_SESSION_BUS_ADDRESS'] = m.group(0)
        env['PH_NOTIFY_LOG'] = os.path.join(self.dir, 'notifications.log')
        open(env['PH_NOTIFY_LOG'], 'w').close()
        dunstrc = os.path.join(self.dir, 'dunstrc')
        with open(os.environ['PH_DUNSTRC']) as src, open(dunstrc, 'w') as dst:
            dst.write(src.read().replace('@LOG@', os.environ['PH_RECORD_NOTIFICATION']))
        self.spawn(['dunst', '-config', dunstrc], **env)
        deadline = time.monotonic() + TIMEOUT
        while True:
            owned = self.run(['gdbus', 'call', '--session', '--dest', 'org.freedesktop.DBus',
                              '--object-path', '/org/freedesktop/DBus', '--method',
                              'org.freedesktop.DBus.NameHasOwner', 'org.freedesktop.Notifications'],
                             check=False, **env)
            if b'true' in owned.stdout:
                return env
            if time.monotonic() > deadline:
                raise RuntimeError('dunst in {0} did not start'.format(self.label))
            time.sleep(0.05)

    def stop_avahi(self):
        """A goodbye on the network, as when the service is stopped."""
        self.avahi.signal(signal.SIGTERM)
        self.avahi.wait()
        self.processes.remove(self.avahi)
        self.avahi = None

    def close(self):
        for proc in reversed(self.processes):
            proc.stop()
        self.keeper.kill()
        self.keeper.wait()
        for fd in self._ns:
            os.close(fd)


class Rig:
    """Two hosts, A and B, joined by a veth pair; with @third, a host C
    joined to B by a second pair (another link: B is wired and on wifi,
    A and C never hear each other)."""

    def __init__(self, ipv4=True, bus=True, avahi=True, third=False):
        self.tmp = tempfile.mkdtemp(prefix='posthouse-mdns-')
        pid = os.getpid()
        Rig.serial = getattr(Rig, 'serial', 0) + 1
        tag = '{0}{1}'.format(pid, Rig.serial)[-11:]
        self.a = Host(self, 'a', 'alpha')
        self.b = Host(self, 'b', 'bravo')
        self.c = Host(self, 'c', 'charlie') if third else None
        self.hosts = [h for h in (self.a, self.b, self.c) if h is not None]
        self._link(self.a, 'pa' + tag, '10.13.0.1/24', self.b, 'pb' + tag, '10.13.0.2/24', ipv4)
        if third:
            self._link(self.c, 'qc' + tag, '10.14.0.3/24', self.b, 'qb' + tag, '10.14.0.2/24', ipv4)
        for host in self.hosts:
            if bus:
                host.start_bus()
            if bus and avahi:
                host.start_avahi(ipv4)

    @staticmethod
    def _link(one, one_name, one_address, other, other_name, other_address, ipv4):
        one.run(['ip', 'link', 'add', one_name, 'type', 'veth',
                 'peer', 'name', other_name, 'netns', str(other.keeper.pid)])
        for host, name, address in ((one, one_name, one_address), (other, other_name, other_address)):
            host.interfaces.append(name)
            host.interface = host.interface or name
            host.run(['sysctl', '-qw', 'net.ipv6.conf.{0}.accept_dad=0'.format(name)])
            if ipv4:
                host.add_address(address, name)
            host.run(['ip', 'link', 'set', name, 'up'])

    def close(self):
        for host in self.hosts:
            host.close()
        shutil.rmtree(self.tmp, ignore_errors=True)
