#!/usr/bin/env bash
# Installs the Debian libraries Qt needs (and pdftoppm for tests) when missing (fresh machine or CI).
set -euo pipefail
pkgs=(libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6 libdbus-1-3
      libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-render-util0
      libxcb-image0 libxcb-xinerama0 libxcb-randr0 libxcb-xfixes0
      poppler-utils)  # pdftoppm: tests turn coupon PDFs back into pictures to scan the QR
command -v dpkg-query >/dev/null 2>&1 || exit 0
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing system libraries for Qt: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq || true
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  || echo "warning: could not install ${missing[*]}; Qt may not start" >&2
