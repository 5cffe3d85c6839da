#!/bin/sh
# Fetches xterm.js and its fit add-on from the npm registry (`npm pack`) into the module's assets
# and rewrites assets/SHA256SUMS, which WebTransportSpec checks the served files against.
#   telnet-web/scripts/update-xterm.sh 6.0.0 0.11.0
# Then open the page (docs/web-terminal.md), run the module's tests and commit the assets.
set -eu
if [ $# -ne 2 ]; then
    echo "usage: $0 XTERM_VERSION FIT_ADDON_VERSION (for example: $0 6.0.0 0.11.0)" >&2
    exit 2
fi
xterm_version=$1
fit_version=$2
here=$(cd "$(dirname "$0")/.." && pwd)
assets="$here/src/main/resources/dev/telnetkit/web/assets"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "@xterm/xterm@$xterm_version" >/dev/null
npm pack --silent "@xterm/addon-fit@$fit_version" >/dev/null
mkdir xterm fit
tar -xzf "xterm-xterm-$xterm_version.tgz" -C xterm
tar -xzf "xterm-addon-fit-$fit_version.tgz" -C fit
cp xterm/package/lib/xterm.js xterm/package/css/xterm.css "$assets/"
cp xterm/package/LICENSE "$assets/LICENSE-xterm"
cp fit/package/lib/addon-fit.js "$assets/"
cp fit/package/LICENSE "$assets/LICENSE-addon-fit"
cd "$assets"
sha256sum xterm.js xterm.css addon-fit.js LICENSE-xterm LICENSE-addon-fit > SHA256SUMS
echo "xterm.js $xterm_version and addon-fit $fit_version in $assets (SHA256SUMS rewritten)"
