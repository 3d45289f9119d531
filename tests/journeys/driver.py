"""Drives the real `frontdesk` process under Xvfb as a person would.

Only real input reaches the program: key presses and clicks through XTEST (xdotool),
delivered to whatever has the keyboard focus, as a keyboard or a barcode scanner would.
To know when to press and where to click, the driver asks the program's read-only probe
(ui/probe.py) what a user would see, and reads the program's own log; it waits on those,
never on a fixed sleep. Afterwards the journeys check what the database holds.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("JOURNEY_ARTIFACTS", ROOT / "shots" / "journeys"))
DEFAULT_TIMEOUT = 20.0


class JourneyError(AssertionError):
    pass


def frontdesk_command() -> list[str]:
    """The console script a user starts (`make run` runs the same one)."""
    script = Path(sys.executable).with_name("frontdesk")
    if script.exists():
        return [str(script)]
    found = shutil.which("frontdesk")
    if found:
        return [found]
    return [sys.executable, "-m", "ui.launch"]


def admin_command() -> list[str]:
    script = Path(sys.executable).with_name("frontdesk-admin")
    return [str(script)] if script.exists() else [sys.executable, "-m", "app.admin.cli"]


def wait_until(
    what: str, check: Callable[[], Any], timeout: float = DEFAULT_TIMEOUT, every: float = 0.05
) -> Any:
    """Polls `check` until it returns something truthy; fails with `what` after timeout."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        last = check()
        if last:
            return last
        if time.monotonic() > deadline:
            raise JourneyError(f"timed out after {timeout:.0f} s waiting for {what}: {last!r}")
        time.sleep(every)


class Display:
    """A real X server (Xvfb) with a window manager, as on a counter PC."""

    def __init__(self, width: int = 1366, height: int = 768) -> None:
        self.width, self.height = width, height
        self.procs: list[subprocess.Popen[bytes]] = []
        self.name = ""
        self._mapped: set[str] = set()
        self._free_slots: list[tuple[int, int]] | None = None

    def start(self) -> Display:
        xvfb = shutil.which("Xvfb")
        if xvfb is None or shutil.which("xdotool") is None:
            raise RuntimeError(
                "Xvfb and xdotool are needed for the journeys (scripts/ensure-system.sh "
                "installs them: apt-get install xvfb xdotool)"
            )
        read, write = os.pipe()
        proc = subprocess.Popen(
            [
                xvfb,
                "-displayfd",
                str(write),
                "-screen",
                "0",
                f"{self.width}x{self.height}x24",
                "-nolisten",
                "tcp",
                "-noreset",
            ],
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        self.procs.append(proc)
        with os.fdopen(read) as fh:
            number = fh.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        self.name = f":{number}"
        wm = shutil.which("openbox")
        if wm:
            self.procs.append(
                subprocess.Popen(
                    [wm, "--sm-disable"],
                    env=self.env(),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            # The window manager is up when it owns the root window's WM selection.
            wait_until(
                "the window manager",
                lambda: (
                    "_NET_SUPPORTING_WM_CHECK(WINDOW)"
                    in subprocess.run(
                        ["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"],
                        env=self.env(),
                        capture_output=True,
                        text=True,
                    ).stdout
                    if shutil.which("xprop")
                    else True
                ),
                timeout=10,
            )
        return self

    def map_characters(self, text: str) -> bool:
        """Gives every character of `text` that the keyboard lacks (Chinese names) a key
        of its own, for good. xdotool would otherwise remap a key for each character and
        switch it back at once, racing the program reading the new map (characters were
        lost). Typing a mapped character is then an ordinary key press. True when the
        map changed (the program needs a moment to read it)."""
        wanted = sorted({c for c in text if ord(c) > 0x7F} - self._mapped)
        if not wanted:
            return False
        if self._free_slots is None:
            table = subprocess.run(
                ["xmodmap", "-pke"], env=self.env(), capture_output=True, text=True, check=True
            ).stdout
            codes = []
            for line in table.splitlines():
                parts = line.split()
                # Keys nobody has at a counter: unused ones and multimedia (XF86…) keys.
                if len(parts) <= 3 or parts[3].startswith("XF86"):
                    codes.append(int(parts[1]))
            self._free_slots = [(code, level) for code in codes for level in (0, 1)]
        if len(wanted) > len(self._free_slots):
            raise RuntimeError(f"no free keys left for {len(wanted)} more characters")
        by_code: dict[int, list[str]] = {}
        for char in wanted:
            code, level = self._free_slots.pop(0)
            by_code.setdefault(code, ["NoSymbol", "NoSymbol"])[level] = f"U{ord(char):04X}"
            self._mapped.add(char)
        script = "".join(f"keycode {code} = {' '.join(syms)}\n" for code, syms in by_code.items())
        subprocess.run(["xmodmap", "-"], input=script, env=self.env(), text=True, check=True)
        return True

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["DISPLAY"] = self.name
        env.pop("QT_QPA_PLATFORM", None)  # a real X server, not offscreen
        env.pop("WAYLAND_DISPLAY", None)
        return env

    def stop(self) -> None:
        for proc in reversed(self.procs):
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.procs.clear()


class App:
    """One run of the real program on a data folder."""

    def __init__(self, display: Display, data_dir: Path, journey: str) -> None:
        self.display = display
        self.data_dir = data_dir
        self.journey = journey
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = ARTIFACTS / journey / "run.log"
        self.socket_path = str(data_dir.parent / f"probe-{os.getpid()}-{id(self)}.sock")
        self._log_start = 0

    # --- process -------------------------------------------------------------------

    def start(self, *args: str, env: dict[str, str] | None = None) -> App:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        full_env = self.display.env()
        full_env["FRONTDESK_PROBE"] = self.socket_path
        full_env["PYTHONUNBUFFERED"] = "1"
        full_env.pop("FRONTDESK_LANG", None)
        full_env.update(env or {})
        with open(self.log_path, "ab") as log:
            self._log_start = log.tell()
            log.write(f"\n===== start {' '.join(args)}\n".encode())
            self._log_start = log.tell()
        with open(self.log_path, "ab") as log:  # the child keeps its own copy of the fd
            self.proc = subprocess.Popen(
                [*frontdesk_command(), "--data-dir", str(self.data_dir), *args],
                env=full_env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=str(ROOT),
            )
        return self

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def output(self) -> str:
        """What this run has printed so far."""
        with open(self.log_path, "rb") as fh:
            fh.seek(self._log_start)
            return fh.read().decode("utf-8", "replace")

    def wait_log(self, pattern: str, timeout: float = DEFAULT_TIMEOUT) -> re.Match[str]:
        rx = re.compile(pattern)

        def seen() -> re.Match[str] | None:
            if not self.running() and not rx.search(self.output()):
                raise JourneyError(
                    f"frontdesk exited ({self.proc.returncode if self.proc else '?'}) "
                    f"before logging {pattern!r}:\n{self.output()[-3000:]}"
                )
            return rx.search(self.output())

        return wait_until(f"log line {pattern!r}", seen, timeout)  # type: ignore[no-any-return]

    def wait_exit(self, timeout: float = DEFAULT_TIMEOUT) -> int:
        assert self.proc is not None
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.screenshot("not-exiting")
            raise JourneyError(f"frontdesk did not exit:\n{self.output()[-3000:]}") from None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    def assert_clean_output(self) -> None:
        out = self.output()
        for bad in ("Traceback", "CRITICAL", "Error:", "Fatal Python error"):
            if bad in out:
                raise JourneyError(f"{bad!r} in frontdesk's output:\n{out[-4000:]}")

    def stop(self) -> None:
        if self.running():
            self.kill(signal.SIGKILL)
            assert self.proc is not None
            self.proc.wait(10)

    # --- what a user sees (read-only probe) -------------------------------------------

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(5)
            sock.connect(self.socket_path)
            sock.sendall((json.dumps(request) + "\n").encode())
            data = b""
            while not data.endswith(b"\n"):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        return json.loads(data.decode("utf-8"))  # type: ignore[no-any-return]

    def state(self) -> dict[str, Any] | None:
        if not self.running():
            raise JourneyError(f"frontdesk is not running:\n{self.output()[-3000:]}")
        try:
            return self.ask({"op": "state"})
        except (OSError, ValueError):
            return None  # not listening yet, or busy starting

    def focus(self) -> dict[str, Any] | None:
        state = self.state()
        return state["focus"] if state else None

    def wait_focus(self, name: str, timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
        """Waits until the keyboard focus is on the widget named `name` (as the user
        would look at the screen before typing)."""

        def check() -> dict[str, Any] | None:
            f = self.focus()
            return f if f and f["name"] == name and f["window"] else None

        try:
            return wait_until(f"focus on {name}", check, timeout)  # type: ignore[no-any-return]
        except JourneyError as exc:
            self.screenshot(f"no-focus-{name}")
            raise JourneyError(f"{exc}; focus is on {self.focus()}") from None

    def wait_window(self, name: str, timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
        """Waits until the window named `name` is the active one."""

        def check() -> dict[str, Any] | None:
            s = self.state()
            if s and s["active_window"] == name:
                return next((w for w in s["windows"] if w["name"] == name), {"name": name})
            return None

        try:
            return wait_until(f"window {name}", check, timeout)  # type: ignore[no-any-return]
        except JourneyError as exc:
            self.screenshot(f"no-window-{name}")
            raise JourneyError(f"{exc}; state {self.state()}") from None

    def wait_gone(self, name: str, timeout: float = DEFAULT_TIMEOUT) -> None:
        def check() -> bool:
            s = self.state()
            return bool(s) and all(w["name"] != name for w in s["windows"])

        wait_until(f"window {name} to close", check, timeout)

    def widget(self, name: str) -> dict[str, Any] | None:
        s = self.ask({"op": "widget", "name": name}) if self.running() else {}
        return s.get("widget")

    def wait_widget(
        self,
        name: str,
        condition: Callable[[dict[str, Any]], bool] = lambda w: True,
        timeout: float = DEFAULT_TIMEOUT,
        what: str = "",
    ) -> dict[str, Any]:
        def check() -> dict[str, Any] | None:
            w = self.widget(name)
            return w if w and condition(w) else None

        try:
            return wait_until(what or f"widget {name}", check, timeout)  # type: ignore[no-any-return]
        except JourneyError as exc:
            self.screenshot(f"no-widget-{name}")
            raise JourneyError(f"{exc}; now {self.widget(name)}") from None

    def wait_text(self, name: str, needle: str, timeout: float = DEFAULT_TIMEOUT) -> str:
        w = self.wait_widget(
            name,
            lambda w: needle in (w.get("text") or ""),
            timeout,
            what=f"{needle!r} in {name}",
        )
        return str(w["text"])

    def texts(self) -> str:
        return "\n".join(t["text"] for t in self.ask({"op": "texts"})["texts"])

    # --- real input -------------------------------------------------------------------

    def _xdotool(self, *args: str) -> None:
        subprocess.run(["xdotool", *args], env=self.display.env(), check=True)

    def key(self, *keys: str) -> None:
        """Presses keys (xdotool names: Return, Tab, ctrl+q, F5 …) on whatever has focus."""
        for k in keys:
            self._xdotool("key", "--clearmodifiers", k)

    def type(self, text: str) -> None:
        """Types text on whatever has focus, as a keyboard or scanner would (Chinese as
        the characters an input method commits)."""
        if self.display.map_characters(text):
            # Not mapped at the start (text from the database): give the program time to
            # read the changed keyboard map.
            time.sleep(1.0)
        self._xdotool("type", "--delay", "15", "--", text)

    def click(self, name: str) -> None:
        """A left click in the middle of the visible widget named `name`."""
        w = self.wait_widget(name, lambda w: w["visible"] and w["enabled"])
        x, y = w["x"] + w["w"] // 2, w["y"] + w["h"] // 2
        self._xdotool("mousemove", str(x), str(y), "click", "1")

    def click_tab(self, tabs: str, index: int) -> None:
        """A click on a tab of the named tab widget."""

        def located() -> dict[str, Any] | None:
            found = self.ask({"op": "tab", "name": tabs, "index": index}).get("tab")
            return found if found and found["visible"] else None

        tab = wait_until(f"tab {index} of {tabs}", located)
        self.click_at(tab["x"] + tab["w"] // 2, tab["y"] + tab["h"] // 2)
        wait_until(
            f"tab {index} of {tabs} current",
            lambda: self.ask({"op": "tab", "name": tabs, "index": index})["tab"]["current"],
        )

    def click_at(self, x: int, y: int) -> None:
        self._xdotool("mousemove", str(x), str(y), "click", "1")

    def screenshot(self, label: str) -> Path:
        """The whole screen as the user sees it, kept with the journey's log."""
        from PIL import ImageGrab

        folder = ARTIFACTS / self.journey
        folder.mkdir(parents=True, exist_ok=True)
        number = len(list(folder.glob("*.png"))) + 1
        path = folder / f"{number:02d}-{label}.png"
        ImageGrab.grab(xdisplay=self.display.name).save(path)
        return path


# --- the database, read as it is on disk --------------------------------------------------


@contextmanager
def database(data_dir: Path) -> Iterator[sqlite3.Connection]:
    """The store's SQLite file, read-only (the app may still be running)."""
    con = sqlite3.connect(f"file:{data_dir / 'frontdesk.sqlite3'}?mode=ro", uri=True)
    try:
        yield con
    finally:
        con.close()


def query(data_dir: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with database(data_dir) as con:
        return con.execute(sql, params).fetchall()


def scalar(data_dir: Path, sql: str, *params: Any) -> Any:
    rows = query(data_dir, sql, *params)
    return rows[0][0] if rows else None
