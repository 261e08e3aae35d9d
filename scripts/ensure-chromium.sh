#!/usr/bin/env bash
# Makes sure Debian's chromium (driven by pip playwright through executable_path: no browser download)
# and a CJK font (so the portal's Chinese pages render in screenshots) are installed; idempotent.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if ! fc-list 2>/dev/null | grep -qiE 'wqy|noto sans cjk|noto serif cjk'; then
  need+=(fonts-wqy-zenhei)
fi
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  sudo=sudo
else
  sudo=
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Install ${need[*]} with your package manager (the portal's browser tests need them)." >&2
  exit 1
fi
$sudo apt-get install -y --no-install-recommends "${need[@]}" >/dev/null \
  || { $sudo apt-get update >/dev/null && $sudo apt-get install -y --no-install-recommends "${need[@]}" >/dev/null; }
command -v chromium >/dev/null 2>&1
