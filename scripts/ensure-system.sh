#!/usr/bin/env bash
# Installs the Debian packages the app and its tests need when missing (fresh machine or CI):
# Qt's libraries; pdftoppm (tests turn PDFs back into pictures); and for the journey tests,
# which drive the real program on a real X server: Xvfb, a window manager (openbox), xdotool
# (real key presses and clicks), xprop/xmodmap, and a CJK font for the window titles; and
# PostgreSQL, whose pg_virtualenv gives the server tests a throwaway cluster (make test-pg).
set -euo pipefail
pkgs=(libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6 libdbus-1-3
      libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-render-util0
      libxcb-image0 libxcb-xinerama0 libxcb-randr0 libxcb-xfixes0
      poppler-utils
      xvfb openbox xdotool x11-utils x11-xserver-utils fonts-wqy-microhei
      postgresql postgresql-client)
command -v dpkg-query >/dev/null 2>&1 || exit 0
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq || true
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  || echo "warning: could not install ${missing[*]}; Qt may not start" >&2
