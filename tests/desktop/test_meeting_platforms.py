"""Windows and macOS meeting detectors with their OS calls faked: the registry's consent store,
CoreAudio and CoreMediaIO answer as those systems do, through the same ctypes structures."""

from __future__ import annotations

import ctypes

import pytest

from glutewake.core.events import Hold, Reason
from glutewake.desktop.quiet import Quiet, find_detectors, registered
from glutewake.desktop.quiet.camera import DEVICES_PROPERTY, MacCamera, WindowsCamera
from glutewake.desktop.quiet.microphone import (
    CONSENT_STORE,
    DEFAULT_INPUT,
    RUNNING_SOMEWHERE,
    SCOPE_GLOBAL,
    SYSTEM_OBJECT,
    MacMicrophone,
    WindowsMicrophone,
    app_name,
    fourcc,
)
from tests.support.helpers import configured, settings

# --- Windows: HKCU\...\CapabilityAccessManager\ConsentStore ---

FILETIME = 133_800_000_000_000_000  # some moment in 2025, in 100 ns steps since 1601


class FakeRegistry:
    """Keys as paths under HKEY_CURRENT_USER, each with its QWORD values."""

    def __init__(self, keys: dict[str, dict[str, int]]):
        self.keys = keys

    def subkeys(self, path: str) -> list[str]:
        prefix = path + "\\"
        return sorted({key[len(prefix):].split("\\")[0] for key in self.keys
                       if key.startswith(prefix)})

    def number(self, path: str, value: str) -> int | None:
        return self.keys.get(path, {}).get(value)


def store(capability: str, apps: dict[str, tuple[int, int]], packaged=None) -> FakeRegistry:
    """apps: NonPackaged key -> (LastUsedTimeStart, LastUsedTimeStop)."""
    root = rf"{CONSENT_STORE}\{capability}"
    keys = {rf"{root}\NonPackaged\{name}": {"LastUsedTimeStart": start, "LastUsedTimeStop": stop}
            for name, (start, stop) in apps.items()}
    for name, (start, stop) in (packaged or {}).items():
        keys[rf"{root}\{name}"] = {"LastUsedTimeStart": start, "LastUsedTimeStop": stop}
    keys[root] = {}
    return FakeRegistry(keys)


@pytest.mark.parametrize("key, name", [
    ("C:#Program Files#Zoom#bin#Zoom.exe", "Zoom"),
    ("C:#Users#me#AppData#Local#Microsoft#Teams#current#Teams.EXE", "Teams"),
    ("Microsoft.SkypeApp_kzf8qxf38zg5c", "SkypeApp"),
    ("MSTeams_8wekyb3d8bbwe", "MSTeams"),
])
def test_consent_store_keys_become_readable_names(key, name):
    assert app_name(key) == name


def test_windows_microphone_in_use_until_the_app_stops():
    zoom = "C:#Program Files#Zoom#bin#Zoom.exe"
    recorder = "C:#Windows#System32#SoundRecorder.exe"  # used before, stopped since
    in_call = store("microphone", {zoom: (FILETIME, 0), recorder: (FILETIME - 9, FILETIME - 5)})
    assert WindowsMicrophone(in_call).hold() == Hold(Reason.MICROPHONE, source="Zoom")
    stopped = store("microphone", {zoom: (FILETIME, FILETIME + 10)})
    assert WindowsMicrophone(stopped).hold() is None
    never_used = store("microphone", {zoom: (0, 0)})  # a key with no use recorded yet
    assert WindowsMicrophone(never_used).hold() is None
    assert WindowsMicrophone(FakeRegistry({})).hold() is None  # no consent store at all


def test_windows_packaged_app_and_camera():
    camera_app = "Microsoft.WindowsCamera_8wekyb3d8bbwe"
    packaged = store("webcam", {}, packaged={camera_app: (FILETIME, 0)})
    assert WindowsCamera(packaged).hold() == Hold(Reason.CAMERA, source="WindowsCamera")
    assert WindowsMicrophone(packaged).hold() is None  # the microphone's key is another one


# --- macOS: CoreAudio and CoreMediaIO through ctypes ---

class FakeCoreAudio:
    """AudioObjectGetPropertyData as CoreAudio implements it for two properties."""

    def __init__(self, default_input: int = 73, running: int = 0, status: int = 0):
        self.default_input, self.running, self.status = default_input, running, status
        self.asked = []

    def AudioObjectGetPropertyData(self, thing, address, qualifier_size, qualifier, size, data):
        selector = address.contents.selector
        self.asked.append((thing, selector))
        assert address.contents.scope == SCOPE_GLOBAL and qualifier_size == 0
        assert size.contents.value == 4
        if self.status:
            return self.status
        if (thing, selector) == (SYSTEM_OBJECT, DEFAULT_INPUT):
            data.contents.value = self.default_input
        elif (thing, selector) == (self.default_input, RUNNING_SOMEWHERE):
            data.contents.value = self.running
        else:
            return fourcc("who?")  # kAudioHardwareUnknownPropertyError
        return 0


def test_mac_microphone_running_somewhere_is_a_call():
    idle = FakeCoreAudio(running=0)
    assert MacMicrophone(idle).hold() is None
    assert idle.asked == [(SYSTEM_OBJECT, fourcc("dIn ")), (73, fourcc("gone"))]
    assert MacMicrophone(FakeCoreAudio(running=1)).hold() == Hold(Reason.MICROPHONE)
    assert MacMicrophone(FakeCoreAudio(default_input=0)).hold() is None  # no input device


def test_mac_microphone_failure_is_no_reason_and_a_problem():
    failing = MacMicrophone(FakeCoreAudio(status=fourcc("!obj")))
    with pytest.raises(OSError):
        failing.hold()
    quiet = Quiet([failing])
    assert quiet.hold(settings()) is None
    assert quiet.problems() == [f"microphone (CoreAudio): CoreAudio refused property "
                                f"{DEFAULT_INPUT:#x} (status {fourcc('!obj')})"]


class FakeCoreMediaIO:
    """CMIOObjectGetPropertyDataSize and CMIOObjectGetPropertyData for the device list and
    each device's "running somewhere"."""

    def __init__(self, devices: dict[int, int]):
        self.devices = devices  # device id -> running

    def CMIOObjectGetPropertyDataSize(self, thing, address, qualifier_size, qualifier, size):
        assert (thing, address.contents.selector) == (SYSTEM_OBJECT, DEVICES_PROPERTY)
        size.contents.value = 4 * len(self.devices)
        return 0

    def CMIOObjectGetPropertyData(self, thing, address, qualifier_size, qualifier, data_size,
                                  used, data):
        selector = address.contents.selector
        if (thing, selector) == (SYSTEM_OBJECT, DEVICES_PROPERTY):
            values = list(self.devices)
        elif selector == RUNNING_SOMEWHERE and thing in self.devices:
            values = [self.devices[thing]]
        else:
            return fourcc("!obj")
        assert data_size >= 4 * len(values)
        for index, value in enumerate(values):
            data[index] = value
        used.contents.value = 4 * len(values)
        return 0


def test_mac_camera_any_device_running_is_a_video_call():
    assert MacCamera(FakeCoreMediaIO({})).hold() is None
    assert MacCamera(FakeCoreMediaIO({30: 0, 31: 0})).hold() is None
    assert MacCamera(FakeCoreMediaIO({30: 0, 31: 1})).hold() == Hold(Reason.CAMERA)


def test_the_structures_match_the_c_layout():
    assert ctypes.sizeof(ctypes.c_uint32) == 4
    from glutewake.desktop.quiet.microphone import PropertyAddress

    assert ctypes.sizeof(PropertyAddress) == 12  # three UInt32s, no padding
    assert fourcc("glob") == 0x676C6F62 and fourcc("dev#") == 0x64657623


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_find_detectors_skips_what_this_system_lacks(platform):
    """Here (Linux) the Windows and macOS libraries are missing: those detectors are skipped
    and the rest still work."""
    no_apps = configured(quiet={"apps": []})  # no tasklist or ps to run here
    found = find_detectors(None, lambda: no_apps, platform=platform)
    assert sorted(registered(d).setting for d in found) == ["quiet.apps", "quiet.calendars"]
