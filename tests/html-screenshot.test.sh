#!/bin/sh
# html-screenshot.test.sh - the HTML report over sample-logs/ (offline, with
# its DNS snapshot) in headless Chromium at 1400x900, as a person opens it:
#  - a screenshot of the report as written (its CSP forbids scripts) must be
#    a real 1400x900 PNG with a picture in it (many colours, not blank);
#  - a geometry check on a copy of the page whose CSP meta is dropped and
#    which gets a small script: on load it measures #headline and
#    #table-impact (the heat map) with getBoundingClientRect() and writes
#    the result into <body data-geom>, read back with --dump-dom; both must
#    lie within the first 900 pixels (above the fold), and the headline
#    must show its six cards;
#  - the same check on a copy with a 1000-pixel block before the headline
#    must find both below the fold (the check can fail);
#  - a low-coverage report (its warning under the headline) keeps both
#    above the fold too.
# Chromium opens file:// pages only (no network), with its own profile in
# the test's temporary folder. Skipped, with a SKIP line, only when no
# Chromium can be had (it is in the Makefile's TEST_DEBS).
. tests/lib.sh
D=$T_TMP

CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ] && [ "$(id -u)" = 0 ]; then
    sh tests/ensure-debs.sh chromium >/dev/null 2>&1
    CHROME=$(command -v chromium || true)
fi
if [ -z "$CHROME" ]; then
    echo "SKIP html-screenshot: chromium not installed (apt-get install chromium)"
    exit 0
fi

check_cmd "run sample-logs" hv run --db "$D/s.db" --year 2026 \
    --accreditor dna.example --dns-zone sample-logs/dns-snapshot.zone \
    --no-progress -q sample-logs
check_cmd "html report" hv report --db "$D/s.db" --format html -o "$D/report.html"

# chrome ARGS... - headless Chromium at 1400x900 with a private profile
chrome() {
    timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu \
        --disable-background-networking --disable-component-update \
        --disable-sync --no-first-run --hide-scrollbars \
        --user-data-dir="$D/chrome" --window-size=1400,900 "$@" \
        2>>"$D/chrome.err"
}

# png_facts FILE - "WxH size_ok=.. varied=..": the PNG's size from its
# header, more than 20 kB, more than 50 colours among sampled pixels
png_facts() {
    python3 - "$1" <<'PYEOF'
import struct, sys, zlib
try:
    raw = open(sys.argv[1], "rb").read()
except OSError as e:
    print("missing:", e); sys.exit()
if raw[:8] != b"\x89PNG\r\n\x1a\n":
    print("not a png"); sys.exit()
w, h, depth, ctype = struct.unpack("!IIBB", raw[16:26])
idat, pos = b"", 8
while pos < len(raw):
    n, kind = struct.unpack("!I4s", raw[pos:pos + 8])
    if kind == b"IDAT":
        idat += raw[pos + 8:pos + 8 + n]
    pos += 12 + n
data = zlib.decompress(idat)
bpp = {2: 3, 6: 4}.get(ctype, 1) * depth // 8
stride = w * bpp + 1
# undo the PNG row filters, then sample pixels
prev = bytearray(w * bpp)
colours = set()
for y in range(h):
    f = data[y * stride]
    row = bytearray(data[y * stride + 1:(y + 1) * stride])
    for i in range(len(row)):
        a = row[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: row[i] = (row[i] + a) & 255
        elif f == 2: row[i] = (row[i] + b) & 255
        elif f == 3: row[i] = (row[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            row[i] = (row[i] + pr) & 255
    if y % 5 == 0:
        for x in range(0, w * bpp, bpp * 3):
            colours.add(bytes(row[x:x + 3]))
    prev = row
print(f"{w}x{h} size_ok={len(raw) > 20000} varied={len(colours) > 50}")
PYEOF
}

# ---- the screenshot of the page as written ----
chrome --screenshot="$D/shot.png" "file://$D/report.html" > /dev/null
check_eq "chromium screenshot exit" $? 0
check_eq "screenshot png" "$(png_facts "$D/shot.png")" \
    "1400x900 size_ok=True varied=True"

# geom FILE - the data-geom attribute Chromium's rendering of FILE wrote
geom() {
    chrome --virtual-time-budget=3000 --dump-dom "file://$1" > "$1.dom"
    python3 - "$1.dom" <<'PYEOF'
import json, re, sys, html
dom = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'data-geom="([^"]*)"', dom)
if not m:
    print("no geometry"); sys.exit()
g = json.loads(html.unescape(m.group(1)))
print(json.dumps(g, sort_keys=True))
PYEOF
}

# probe IN OUT [SPACER] - a copy of IN without its CSP meta, with the
# measuring script (and SPACER right after <body>)
probe() {
    python3 - "$1" "$2" "${3:-}" <<'PYEOF'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
script = """<script>
addEventListener("load", function () {
  var g = {vw: innerWidth, vh: innerHeight};
  ["headline", "table-impact"].forEach(function (id) {
    var e = document.getElementById(id);
    if (e) {
      var r = e.getBoundingClientRect();
      g[id] = {top: Math.round(r.top), bottom: Math.round(r.bottom),
               height: Math.round(r.height)};
    }
  });
  g.cards = document.querySelectorAll("#headline .card").length;
  document.body.setAttribute("data-geom", JSON.stringify(g));
});
</script>"""
page = page.replace("<body>", "<body>" + sys.argv[3], 1)
page = page.replace("</body>", script + "</body>", 1)
open(sys.argv[2], "w", encoding="utf-8").write(page)
PYEOF
}

# fold GEOM - "width=W headline=above|below impact=... cards=N": above
# means within the first 900 pixels of the page, the fold of the 1400x900
# screenshot (with --dump-dom Chromium's inner height is a little smaller,
# the window's own bars, but the layout depends on the width alone)
fold() {
    python3 - "$1" <<'PYEOF'
import json, sys
try:
    g = json.loads(sys.argv[1])
except ValueError:
    print("bad geometry:", sys.argv[1]); sys.exit()
def where(k):
    r = g.get(k)
    if r is None:
        return "missing"
    ok = r["top"] >= 0 and r["height"] > 40 and r["bottom"] <= 900
    return "above" if ok else "below"
print(f"width={g['vw']} headline={where('headline')}"
      f" impact={where('table-impact')} cards={g['cards']}")
PYEOF
}

probe "$D/report.html" "$D/probe.html"
G=$(geom "$D/probe.html")
check_eq "above the fold" "$(fold "$G")" \
    "width=1400 headline=above impact=above cards=6"

probe "$D/report.html" "$D/pushed.html" '<div style="height:1000px"></div>'
G=$(geom "$D/pushed.html")
check_eq "below the fold is seen" "$(fold "$G")" \
    "width=1400 headline=below impact=below cards=6"

# a study with low coverage: the warning under the headline must not push
# the impact table below the fold
check_cmd "scan low" hv scan --db "$D/low.db" --year 2026 --no-progress -q \
    sample-logs/sendmail/maillog sample-logs/postfix/mail.log
check_cmd "html low" hv report --db "$D/low.db" --format html -o "$D/low.html"
check_eq "low has its warning" "$(grep -c 'id="low-coverage"' "$D/low.html")" 1
probe "$D/low.html" "$D/low-probe.html"
G=$(geom "$D/low-probe.html")
check_eq "low above the fold" "$(fold "$G")" \
    "width=1400 headline=above impact=above cards=6"

if [ "$T_FAILED" != 0 ]; then
    cp "$D/shot.png" /tmp/heloval-html-screenshot.png 2>/dev/null &&
        echo "screenshot kept: /tmp/heloval-html-screenshot.png"
    tail -5 "$D/chrome.err"
fi
