"""A tray icon with its full menu on any StatusNotifierItem host, spoken over D-Bus (jeepney).

KDE, XFCE, Cinnamon, Budgie, GNOME with the AppIndicator extension and waybar show
StatusNotifierItems; this needs no GTK and no PyGObject. The item lives at /StatusNotifierItem
under a name of its own, registers with org.kde.StatusNotifierWatcher (again whenever a watcher
appears), and exports the tray menu as com.canonical.dbusmenu at /MenuBar. Changes go out as
signals. Method calls arrive on the bus reader thread: they only read prepared state and reply;
menu actions run on the bus worker thread. The daemon's threads (the tick, the control channel,
menu actions) update the state: what is served is one immutable `Served`, replaced whole under a
small lock, so a host never sees a revision with another revision's menu, or one look's picture
with another's text.
"""

from __future__ import annotations

import itertools
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from jeepney import DBusAddress, HeaderFields, Message, new_error, new_method_return, new_signal
from jeepney.bus_messages import message_bus

from .bus import SNI_WATCHER, owner_changes
from .icon import Look, pixmaps
from .menu import Item

log = logging.getLogger(__name__)

ITEM_PATH = "/StatusNotifierItem"
MENU_PATH = "/MenuBar"
ITEM_IFACE = "org.kde.StatusNotifierItem"
MENU_IFACE = "com.canonical.dbusmenu"
PROPS_IFACE = "org.freedesktop.DBus.Properties"
WATCHER = DBusAddress("/StatusNotifierWatcher", bus_name=SNI_WATCHER, interface=SNI_WATCHER)
LAYOUT = "(ia{sv}av)"

INTROSPECTION = """<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
<node>
 <interface name="org.kde.StatusNotifierItem">
  <property name="Category" type="s" access="read"/>
  <property name="Id" type="s" access="read"/>
  <property name="Title" type="s" access="read"/>
  <property name="Status" type="s" access="read"/>
  <property name="WindowId" type="i" access="read"/>
  <property name="IconName" type="s" access="read"/>
  <property name="IconPixmap" type="a(iiay)" access="read"/>
  <property name="OverlayIconName" type="s" access="read"/>
  <property name="OverlayIconPixmap" type="a(iiay)" access="read"/>
  <property name="AttentionIconName" type="s" access="read"/>
  <property name="AttentionIconPixmap" type="a(iiay)" access="read"/>
  <property name="AttentionMovieName" type="s" access="read"/>
  <property name="ToolTip" type="(sa(iiay)ss)" access="read"/>
  <property name="ItemIsMenu" type="b" access="read"/>
  <property name="Menu" type="o" access="read"/>
  <property name="IconThemePath" type="s" access="read"/>
  <method name="ContextMenu"><arg name="x" type="i" direction="in"/><arg name="y" type="i" direction="in"/></method>
  <method name="Activate"><arg name="x" type="i" direction="in"/><arg name="y" type="i" direction="in"/></method>
  <method name="SecondaryActivate"><arg name="x" type="i" direction="in"/><arg name="y" type="i" direction="in"/></method>
  <method name="Scroll"><arg name="delta" type="i" direction="in"/><arg name="orientation" type="s" direction="in"/></method>
  <signal name="NewTitle"/>
  <signal name="NewIcon"/>
  <signal name="NewAttentionIcon"/>
  <signal name="NewOverlayIcon"/>
  <signal name="NewToolTip"/>
  <signal name="NewStatus"><arg name="status" type="s"/></signal>
 </interface>
 <interface name="com.canonical.dbusmenu">
  <property name="Version" type="u" access="read"/>
  <property name="TextDirection" type="s" access="read"/>
  <property name="Status" type="s" access="read"/>
  <property name="IconThemePath" type="as" access="read"/>
  <method name="GetLayout"><arg type="i" name="parentId" direction="in"/><arg type="i" name="recursionDepth" direction="in"/><arg type="as" name="propertyNames" direction="in"/><arg type="u" name="revision" direction="out"/><arg type="(ia{sv}av)" name="layout" direction="out"/></method>
  <method name="GetGroupProperties"><arg type="ai" name="ids" direction="in"/><arg type="as" name="propertyNames" direction="in"/><arg type="a(ia{sv})" name="properties" direction="out"/></method>
  <method name="GetProperty"><arg type="i" name="id" direction="in"/><arg type="s" name="name" direction="in"/><arg type="v" name="value" direction="out"/></method>
  <method name="Event"><arg type="i" name="id" direction="in"/><arg type="s" name="eventId" direction="in"/><arg type="v" name="data" direction="in"/><arg type="u" name="timestamp" direction="in"/></method>
  <method name="EventGroup"><arg type="a(isvu)" name="events" direction="in"/><arg type="ai" name="idErrors" direction="out"/></method>
  <method name="AboutToShow"><arg type="i" name="id" direction="in"/><arg type="b" name="needUpdate" direction="out"/></method>
  <method name="AboutToShowGroup"><arg type="ai" name="ids" direction="in"/><arg type="ai" name="updatesNeeded" direction="out"/><arg type="ai" name="idErrors" direction="out"/></method>
  <signal name="ItemsPropertiesUpdated"><arg type="a(ia{sv})" name="updatedProps"/><arg type="a(ias)" name="removedProps"/></signal>
  <signal name="LayoutUpdated"><arg type="u" name="revision"/><arg type="i" name="parent"/></signal>
  <signal name="ItemActivationRequested"><arg type="i" name="id"/><arg type="u" name="timestamp"/></signal>
 </interface>
 <interface name="org.freedesktop.DBus.Properties">
  <method name="Get"><arg type="s" name="interface" direction="in"/><arg type="s" name="name" direction="in"/><arg type="v" name="value" direction="out"/></method>
  <method name="GetAll"><arg type="s" name="interface" direction="in"/><arg type="a{sv}" name="props" direction="out"/></method>
 </interface>
 <interface name="org.freedesktop.DBus.Introspectable">
  <method name="Introspect"><arg type="s" name="data" direction="out"/></method>
 </interface>
</node>
"""


class MenuModel:
    """The menu description numbered for dbusmenu: ids, properties and the actions behind them."""

    def __init__(self, items: tuple[Item, ...]):
        self.actions: dict[int, Callable[[], None]] = {}
        self.nodes: dict[int, tuple[int, dict, list]] = {}
        numbers = itertools.count(1)

        def node(item: Item) -> tuple[int, dict, list]:
            ident = next(numbers)
            props: dict[str, tuple[str, object]] = {}
            if item.separator:
                props["type"] = ("s", "separator")
            else:
                props["label"] = ("s", item.label.replace("_", "__"))  # "_" marks mnemonics
                props["enabled"] = ("b", item.enabled)
                if item.checked is not None:
                    props["toggle-type"] = ("s", "checkmark")
                    props["toggle-state"] = ("i", int(item.checked))
                if item.children:
                    props["children-display"] = ("s", "submenu")
                if item.action:
                    self.actions[ident] = item.action
            built = (ident, props, [node(child) for child in item.children])
            self.nodes[ident] = built
            return built

        self.root = (0, {"children-display": ("s", "submenu")}, [node(item) for item in items])
        self.nodes[0] = self.root
        self.default = next((item.action for item in _walk(items) if item.default), None)

    def layout(self, ident: int, depth: int, names: list[str]):
        def wire(node, depth):
            number, props, children = node
            shown = {k: v for k, v in props.items() if not names or k in names}
            below = [] if depth == 0 else [(LAYOUT, wire(child, depth - 1)) for child in children]
            return number, shown, below

        return wire(self.nodes[ident], depth)

    def shape(self):
        """The menu without its texts and states: when only those change, hosts are sent the
        changed properties instead of being asked to fetch a new layout."""
        def outline(node):
            number, props, children = node
            kind = (props.get("type"), props.get("children-display"), props.get("toggle-type"))
            return number, kind, tuple(outline(child) for child in children)

        return outline(self.root)


def _walk(items):
    for item in items:
        yield item
        yield from _walk(item.children)


@dataclass(frozen=True)
class Served:
    """What hosts are served at one moment: read whole, replaced whole."""

    look: Look
    line: str
    icon: list[tuple[int, int, bytes]]
    model: MenuModel
    revision: int  # of the menu's layout: grows whenever its shape changes
    request: int  # which update made it: an older one never replaces a newer one

    @property
    def status(self) -> str:
        return "NeedsAttention" if self.look.phase == "due" else "Active"

    def item_properties(self) -> dict[str, tuple[str, object]]:
        return {
            "Category": ("s", "ApplicationStatus"), "Id": ("s", "glutewake"),
            "Title": ("s", "glutewake"), "Status": ("s", self.status),
            "WindowId": ("i", 0), "IconName": ("s", ""), "IconPixmap": ("a(iiay)", self.icon),
            "OverlayIconName": ("s", ""), "OverlayIconPixmap": ("a(iiay)", []),
            "AttentionIconName": ("s", ""), "AttentionIconPixmap": ("a(iiay)", self.icon),
            "AttentionMovieName": ("s", ""),
            "ToolTip": ("(sa(iiay)ss)", ("", [], "glutewake", self.line)),
            "ItemIsMenu": ("b", False), "Menu": ("o", MENU_PATH), "IconThemePath": ("s", ""),
        }


class SniTray:
    name = "StatusNotifierItem (D-Bus)"

    def __init__(self, bus, menu: Callable[[], tuple[Item, ...]], look: Look, line: str):
        self._bus = bus
        self._source = menu
        # Guards the three fields below and is never held while waiting: not for the menu
        # (built from the daemon, whose lock may be held by a thread waiting for a bus reply,
        # which only the reader thread, perhaps waiting for this lock, can deliver), not for a
        # bus call. Signals are sent under it (a send only writes to the socket), so that hosts
        # receive revisions in the order they were made.
        self._lock = threading.Lock()
        self._wanted = (look, line)  # the latest look and line asked for
        self._requests = 0  # updates begun
        self._served = Served(look, line, pixmaps(look), MenuModel(menu()), 1, 0)
        self._stopped = threading.Event()
        self.bus_name = f"org.kde.StatusNotifierItem-{os.getpid()}-1"
        bus.export(ITEM_PATH, self._item_call)
        bus.export(MENU_PATH, self._menu_call)
        bus.call(message_bus, "RequestName", "su", (self.bus_name, 4))  # 4: do not queue
        bus.subscribe(owner_changes(SNI_WATCHER), self._watcher_changed)
        self.register()

    # --- registration ---

    def register(self, attempts: int = 1) -> bool:
        for attempt in range(attempts):
            try:
                self._bus.call(WATCHER, "RegisterStatusNotifierItem", "s", (self.bus_name,))
            except Exception as err:
                if attempt + 1 == attempts:
                    log.warning("tray: the StatusNotifierWatcher refused the icon (%s)", err)
                    return False
                time.sleep(0.3)  # a watcher takes its name a moment before it serves calls
                continue
            log.info("tray: registered %s with the StatusNotifierWatcher", self.bus_name)
            return True
        return False

    def _watcher_changed(self, message: Message) -> None:
        _, _, new_owner = message.body
        if new_owner:  # a panel (re)started: it knows nothing of us yet
            self.register(attempts=10)
        else:
            log.info("tray: the StatusNotifierWatcher went away; waiting for it to come back")

    # --- state changes, sent as signals ---

    def served(self) -> Served:
        with self._lock:
            return self._served

    def update(self, look: Look, line: str) -> None:
        """Called after every look, from any thread; a new picture, text or menu only when
        something changed."""
        with self._lock:
            if (look, line) == self._wanted:
                return
            self._wanted = (look, line)
        self.refresh_menu()

    def refresh_menu(self) -> None:
        """Serve the latest look and line with the menu as it is now."""
        with self._lock:
            self._requests += 1
            request, (look, line), old = self._requests, self._wanted, self._served
        icon = old.icon if look == old.look else pixmaps(look)
        model = MenuModel(self._source())
        with self._lock:
            old = self._served
            if request < old.request:
                return  # a later update, with a newer menu, was served while this one built
            reshaped = model.shape() != old.model.shape()
            new = Served(look, line, icon, model, old.revision + 1 if reshaped else old.revision,
                         request)
            self._served = new
            self._announce(old, new)

    def _announce(self, old: Served, new: Served) -> None:
        """The signals for what changed, and nothing else: hosts answer each item signal with
        calls (the item's Id, then the property), and every call wakes the bus reader. A new
        layout when the menu's shape changed, otherwise just the properties that changed (a
        status line ticking over to the next minute)."""
        if new.look != old.look:
            self._emit(ITEM_PATH, ITEM_IFACE, "NewIcon")
            if new.status == "NeedsAttention":  # hosts show the attention icon only then
                self._emit(ITEM_PATH, ITEM_IFACE, "NewAttentionIcon")
            if new.status != old.status:
                self._emit(ITEM_PATH, ITEM_IFACE, "NewStatus", "s", (new.status,))
        if new.line != old.line:
            self._emit(ITEM_PATH, ITEM_IFACE, "NewToolTip")  # the title stays "glutewake"
        if new.revision != old.revision:
            self._emit(MENU_PATH, MENU_IFACE, "LayoutUpdated", "ui", (new.revision, 0))
            return
        changed = []
        for ident, (_, props, _) in new.model.nodes.items():
            before = old.model.nodes[ident][1]
            different = {name: value for name, value in props.items() if before.get(name) != value}
            if different:
                changed.append((ident, different))
        if changed:
            self._emit(MENU_PATH, MENU_IFACE, "ItemsPropertiesUpdated", "a(ia{sv})a(ias)",
                       (changed, []))

    def _emit(self, path: str, interface: str, member: str, signature: str | None = None,
              body: tuple = ()) -> None:
        self._bus.send(new_signal(DBusAddress(path, interface=interface), member, signature, body))

    # --- the two exported objects ---

    @staticmethod
    def menu_properties() -> dict[str, tuple[str, object]]:
        return {"Version": ("u", 3), "TextDirection": ("s", "ltr"), "Status": ("s", "normal"),
                "IconThemePath": ("as", [])}

    def _item_call(self, message: Message) -> Message | None:
        interface, member = _names(message)
        served = self.served()
        if interface == PROPS_IFACE:
            return _properties(message, member, {ITEM_IFACE: served.item_properties()})
        if member == "Introspect":
            return new_method_return(message, "s", (INTROSPECTION,))
        if member == "Activate" and served.model.default is not None:
            self._bus.later(served.model.default)
        if member in ("Activate", "SecondaryActivate", "ContextMenu", "Scroll"):
            return new_method_return(message)
        return _unknown(message, member)

    def _menu_call(self, message: Message) -> Message | None:
        interface, member = _names(message)
        served = self.served()
        model = served.model
        if interface == PROPS_IFACE:
            return _properties(message, member, {MENU_IFACE: self.menu_properties()})
        if member == "Introspect":
            return new_method_return(message, "s", (INTROSPECTION,))
        if member == "GetLayout":
            parent, depth, names = message.body
            if parent not in model.nodes:
                return _bad_id(message, parent)
            return new_method_return(message, "u" + LAYOUT,
                                     (served.revision, model.layout(parent, depth, names)))
        if member == "GetGroupProperties":
            ids, names = message.body
            found = [model.layout(i, 0, names)[:2] for i in (ids or model.nodes) if i in model.nodes]
            return new_method_return(message, "a(ia{sv})", (found,))
        if member == "GetProperty":
            ident, name = message.body
            props = model.nodes[ident][1] if ident in model.nodes else {}
            if name not in props:
                return _bad_id(message, ident)
            return new_method_return(message, "v", (props[name],))
        if member == "Event":
            ident, event, _, _ = message.body
            if ident not in model.nodes:
                return _bad_id(message, ident)
            self._event(model, ident, event)
            return new_method_return(message)
        if member == "EventGroup":
            missing = [ident for ident, *_ in message.body[0] if ident not in model.nodes]
            for ident, event, _, _ in message.body[0]:
                if ident in model.nodes:
                    self._event(model, ident, event)
            return new_method_return(message, "ai", (missing,))
        if member == "AboutToShow":
            return new_method_return(message, "b", (False,))
        if member == "AboutToShowGroup":
            return new_method_return(message, "aiai", ([], []))
        return _unknown(message, member)

    def _event(self, model: MenuModel, ident: int, event: str) -> None:
        if event == "clicked" and ident in model.actions:
            self._bus.later(model.actions[ident])

    # --- life cycle ---

    def run(self, ready: Callable[[], None]) -> None:
        """Nothing to drive: the bus threads serve the host. Wait for stop() on the main thread."""
        ready()
        self._stopped.wait()

    def stop(self) -> None:
        try:
            self._bus.call(message_bus, "ReleaseName", "s", (self.bus_name,), timeout=1)
        except Exception as err:
            log.info("tray: could not release %s (%s)", self.bus_name, err)
        self._stopped.set()


def _names(message: Message) -> tuple[str | None, str | None]:
    fields = message.header.fields
    return fields.get(HeaderFields.interface), fields.get(HeaderFields.member)


def _properties(message: Message, member: str | None, tables: dict[str, dict]) -> Message:
    if member == "GetAll":
        return new_method_return(message, "a{sv}", (tables.get(message.body[0], {}),))
    if member == "Get":
        interface, name = message.body
        value = tables.get(interface, {}).get(name)
        if value is None:
            return new_error(message, "org.freedesktop.DBus.Error.UnknownProperty", "s",
                             (f"no property {interface}.{name}",))
        return new_method_return(message, "v", (value,))
    return new_error(message, "org.freedesktop.DBus.Error.PropertyReadOnly", "s",
                     ("glutewake's properties are read-only",))


def _unknown(message: Message, member: str | None) -> Message:
    return new_error(message, "org.freedesktop.DBus.Error.UnknownMethod", "s",
                     (f"no method {member}",))


def _bad_id(message: Message, ident: int) -> Message:
    return new_error(message, "org.freedesktop.DBus.Error.InvalidArgs", "s",
                     (f"no menu item {ident}",))
