"""A real Syncthing pair on loopback, for the sync tests (Debian's `syncthing`).

Each instance has its own --home (keys, configuration, database), its GUI and sync listeners on
127.0.0.1 ports of its own, and no global or local discovery, relays, NAT traversal, usage
reports, crash reports or upgrades: nothing leaves the machine. They are introduced to each
other through the REST API with the API key `syncthing generate` wrote, and share one folder.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.support.desktop import wait_for

FOLDER_ID = "glutewake"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Syncthing:
    def __init__(self, home: Path, name: str):
        self.home, self.name = home, name
        self.gui, self.listen = free_port(), free_port()
        self.proc: subprocess.Popen | None = None
        self.env = dict(os.environ, HOME=str(home), STNODEFAULTFOLDER="1", STNOUPGRADE="1",
                        STNORESTART="1")
        home.mkdir(parents=True, exist_ok=True)
        subprocess.run(["syncthing", "generate", f"--home={home}", "--no-default-folder",
                        "--skip-port-probing"], env=self.env, check=True, capture_output=True,
                       timeout=60)
        self._confine()
        self.key = ET.parse(home / "config.xml").getroot().findtext("gui/apikey")
        self.id = ""

    def _confine(self) -> None:
        """Loopback only: listeners on our ports, no discovery, relays, NAT or reports."""
        path = self.home / "config.xml"
        tree = ET.parse(path)
        root = tree.getroot()
        gui = root.find("gui")
        gui.set("tls", "false")
        gui.find("address").text = f"127.0.0.1:{self.gui}"
        options = root.find("options")
        for old in options.findall("listenAddress"):
            options.remove(old)
        ET.SubElement(options, "listenAddress").text = f"tcp://127.0.0.1:{self.listen}"
        for key, value in (("globalAnnounceEnabled", "false"), ("localAnnounceEnabled", "false"),
                           ("relaysEnabled", "false"), ("natEnabled", "false"),
                           ("urAccepted", "-1"), ("autoUpgradeIntervalH", "0"),
                           ("crashReportingEnabled", "false"), ("startBrowser", "false"),
                           ("reconnectionIntervalS", "10")):
            element = options.find(key)
            if element is None:
                element = ET.SubElement(options, key)
            element.text = value
        tree.write(path)

    def start(self) -> Syncthing:
        log = open(self.home / "syncthing.log", "ab")
        self.proc = subprocess.Popen(
            ["syncthing", "serve", f"--home={self.home}", "--no-browser", "--no-restart",
             "--no-upgrade"], env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.id = wait_for(lambda: self._try("GET", "/rest/system/status"), "syncthing's API",
                           timeout=60)["myID"]
        return self

    def _try(self, method: str, path: str, body=None):
        try:
            return self.rest(method, path, body)
        except OSError:
            return None

    def rest(self, method: str, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{self.gui}{path}", data=data,
                                         method=method, headers={"X-API-Key": self.key})
        with urllib.request.urlopen(request, timeout=10) as answer:
            text = answer.read()
        return json.loads(text) if text.strip() else None

    def meet(self, other: Syncthing) -> None:
        self.rest("POST", "/rest/config/devices", {
            "deviceID": other.id, "name": other.name,
            "addresses": [f"tcp://127.0.0.1:{other.listen}"], "autoAcceptFolders": False})

    def share(self, folder: Path, other: Syncthing) -> None:
        """One folder with the other instance, watched for changes as Syncthing does by
        default (its file watcher, ten seconds' delay to gather changes)."""
        folder.mkdir(parents=True, exist_ok=True)
        self.rest("POST", "/rest/config/folders", {
            "id": FOLDER_ID, "label": "glutewake", "path": str(folder), "type": "sendreceive",
            "devices": [{"deviceID": self.id}, {"deviceID": other.id}],
            "fsWatcherEnabled": True, "rescanIntervalS": 3600})

    def connected(self, other: Syncthing) -> bool:
        found = self._try("GET", "/rest/system/connections") or {}
        return bool(found.get("connections", {}).get(other.id, {}).get("connected"))

    def pause(self, other: Syncthing) -> None:
        self.rest("POST", f"/rest/system/pause?device={other.id}")

    def resume(self, other: Syncthing) -> None:
        self.rest("POST", f"/rest/system/resume?device={other.id}")

    def idle(self) -> bool:
        """The folder is scanned and nothing waits to be pulled."""
        status = self._try("GET", f"/rest/db/status?folder={FOLDER_ID}") or {}
        return status.get("state") == "idle" and status.get("needTotalItems", 1) == 0

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


def pair(base: Path) -> tuple[Syncthing, Syncthing, Path, Path]:
    """Two running instances sharing one folder each (base/one/folder, base/two/folder),
    connected."""
    if shutil.which("syncthing") is None:
        from tests.support import skip_or_fail

        skip_or_fail("syncthing is not installed (Debian package syncthing; "
                     ".ci/desktop-packages.sh installs it)")
    one = Syncthing(base / "one" / "syncthing", "one").start()
    two = Syncthing(base / "two" / "syncthing", "two").start()
    folders = base / "one" / "folder", base / "two" / "folder"
    one.meet(two)
    two.meet(one)
    one.share(folders[0], two)
    two.share(folders[1], one)
    wait_for(lambda: one.connected(two) and two.connected(one), "the two syncthings to connect",
             timeout=60)
    return one, two, folders[0], folders[1]


def settle(*instances: Syncthing) -> None:
    time.sleep(0.2)
    wait_for(lambda: all(instance.idle() for instance in instances), "syncthing to settle",
             timeout=60)


def scan(instance: Syncthing) -> None:
    """Have it look at the folder now rather than after its watcher's delay."""
    instance.rest("POST", f"/rest/db/scan?folder={FOLDER_ID}")
