#!/bin/sh
# ensure-debs.sh PKG... - make sure Debian packages are installed.
# As root, missing ones are installed (apt-get update once, then install -y);
# otherwise the missing names are printed and the script fails.
missing=""
for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" \
        || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "heloval: missing Debian packages:$missing (run: sudo apt-get install$missing)" >&2
    exit 1
fi
echo "heloval: installing Debian packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || { echo "heloval: apt-get update failed" >&2; exit 1; }
# Never let a package's own service (nsd) start in the test machine.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -qq --no-install-recommends $missing >/dev/null \
    || { echo "heloval: apt-get install$missing failed" >&2; exit 1; }
