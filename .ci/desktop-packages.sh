#!/usr/bin/env bash
# Installs the Debian packages the desktop tests drive (X server, session bus, notification
# servers (dunst; mako, the usual one on wlroots desktops), tray hosts, xdotool; a sound server
# for calls; headless GNOME, sway and KWin for idle time on Wayland; logind for idle inhibitors;
# the desktop-entry and man-page checkers; a headless Chromium for the history page) and
# PyGObject's build needs. Used by `make test` and by .ci/run.
# As root it installs them; otherwise it prints the one apt-get line and the desktop tests skip.
set -u
PACKAGES="xvfb dbus dbus-x11 dunst libnotify-bin xdotool trayer x11-utils imagemagick \
libgirepository1.0-dev libcairo2-dev pkg-config gir1.2-gtk-3.0 gir1.2-ayatanaappindicator3-0.1 \
haskell-status-notifier-item-utils haskell-gtk-sni-tray-utils \
pulseaudio pulseaudio-utils pipewire pipewire-pulse wireplumber \
mutter sway wtype kwin-wayland plasma-wayland-protocols systemd desktop-file-utils man-db \
groff-base waybar grim fonts-dejavu-core mako-notifier chromium \
syncthing"

missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "desktop tests need:$missing (not a Debian system: install them by hand; the tests skip meanwhile)"
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "desktop tests need Debian packages; they skip until you run:"
  echo "  sudo apt-get install -y$missing"
  exit 0
fi
echo "installing Debian packages for the desktop tests:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null
