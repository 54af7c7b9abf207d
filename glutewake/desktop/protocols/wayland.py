"""pywayland's own core classes under the name the generated bindings import them by."""

from pywayland.protocol.wayland import WlSeat, WlSeatProxy

__all__ = ["WlSeat", "WlSeatProxy"]
