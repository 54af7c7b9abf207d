"""Wayland protocol bindings that pywayland does not ship, vendored so nothing is generated at
run time.

idle.py is the KDE idle protocol (org_kde_kwin_idle, org_kde_kwin_idle_timeout), which sway 1.7
and other wlroots 0.15 compositors offer instead of ext-idle-notify-v1. It is the unchanged output
of pywayland 0.4.19's scanner for /usr/share/plasma-wayland-protocols/idle.xml from Debian 12's
plasma-wayland-protocols 1.10.0, whose sha256 is
0a456660197502e1b23b0f583ff99caddf8069a7d6c21fe2eb4893d579f5b5b2. The scanner needs wayland.xml
to resolve `wl_seat`, and Debian installs that only with libwayland-dev, so a stub naming just
that interface stood in:

    cat > stub-wayland.xml <<'XML'
    <?xml version="1.0" encoding="UTF-8"?>
    <protocol name="wayland"><interface name="wl_seat" version="9"/></protocol>
    XML
    python -m pywayland.scanner -i stub-wayland.xml \\
        /usr/share/plasma-wayland-protocols/idle.xml -o out
    cp out/idle.py glutewake/desktop/protocols/idle.py   # out/wayland.py, the stub's, is not kept

The generated file imports `WlSeat` from `.wayland`; wayland.py here hands it pywayland's own
classes, so both bindings share one wl_seat interface.
"""
