#!/bin/sh
# e2e.sh: end-to-end tests of the custeval command on the sample company.
# Usage: CUSTEVAL=./build/custeval sh tests/e2e.sh   (from the repository root)
# Prints "N passed, M failed" and exits non-zero when anything failed.
set -u
LC_ALL=C
export LC_ALL
CV=${CUSTEVAL:-./build/custeval}
CVABS=$(cd "$(dirname "$CV")" && pwd)/$(basename "$CV")
T=$(mktemp -d "${TMPDIR:-/tmp}/custeval-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { # check "description" command...
	d=$1; shift
	if "$@" >/dev/null 2>&1; then ok; else bad "$d"; fi
}
expect_rc() { # expect_rc RC "description" command...
	want=$1; d=$2; shift 2
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" = "$want" ]; then ok; else bad "$d (exit $got, want $want)"; sed 's/^/  | /' "$T/err" | head -5; fi
}
grep_err() { # grep_err "description" pattern
	if grep -q -- "$2" "$T/err"; then ok; else bad "$1: stderr lacks '$2'"; sed 's/^/  | /' "$T/err" | head -5; fi
}

# --- the demo: two periods, the second with the first as prior --------------
expect_rc 0 "run 2026-07-31" "$CV" run --config samples/demo-2026Q3.xml --out "$T/q3" --quiet
expect_rc 0 "run 2026-10-31 with prior" "$CV" run --config samples/demo.xml --prior "$T/q3/report.xml" --out "$T/q4" --quiet
for f in report.pdf report.xml scores.csv rejects.csv; do
	check "q4 wrote $f" test -s "$T/q4/$f"
done
check "no temporary files left" sh -c "! ls -a '$T/q4' | grep -q tmp"

# XML valid against the schema, for both periods
check "q3 report.xml valid" xmllint --noout --stream --schema templates/report.xsd "$T/q3/report.xml"
check "q4 report.xml valid" xmllint --noout --stream --schema templates/report.xsd "$T/q4/report.xml"
check "root element and version" grep -q '<custeval-report version="1">' "$T/q4/report.xml"
check "customer elements" grep -q '<customer id="C0001"' "$T/q4/report.xml"
check "money with two decimals" grep -Eq '<revenue>[0-9]+\.[0-9]{2}</revenue>' "$T/q4/report.xml"
check "migration element" grep -q '<migration prior-as-of="2026-07-31"' "$T/q4/report.xml"

# Reasons and due dates are written once, in the policy-library; a customer's policy or
# checklist item leaves out the ones it shares with the library, and every one resolves.
check "library rule reason" grep -q '<rule key="tier-a" reason="A级（关键客户）：贡献最大，资源优先投入"/>' "$T/q4/report.xml"
check "library checklist reason (type)" grep -q '<checklist-reason customer-type="dealer" reason="经销商的重点支援领域"/>' "$T/q4/report.xml"
check "library checklist reason (dimension)" grep -q '<checklist-reason dimension="[a-z-]*" reason="针对薄弱项：' "$T/q4/report.xml"
check "library item due date" grep -q '<item-text key="[a-z-]*" .* due-days="[0-9]*" due="2026-1[12]-[0-9]*">' "$T/q4/report.xml"
python3 - "$T/q4/report.xml" <<'PY' >"$T/lib" 2>&1
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
lib = root.find('policy-library')
rules = {r.get('key'): r.get('reason') for r in lib.findall('rule')}
dims = {c.get('dimension'): c.get('reason') for c in lib.findall('checklist-reason') if c.get('dimension')}
types = {c.get('customer-type'): c.get('reason') for c in lib.findall('checklist-reason') if c.get('customer-type')}
dues = {i.get('key'): i.get('due') for i in lib.findall('item-text')}
bad, omitted, written = [], 0, 0
for c in root.findall('customers/customer'):
    for p in c.findall('policy'):
        r, lr = p.get('reason'), rules.get(p.get('rule'))
        if r is None and not lr: bad.append('%s: policy %s has no reason' % (c.get('id'), p.get('key')))
        if r is not None and r == lr: bad.append('%s: reason equal to the library written' % c.get('id'))
        if r is None: omitted += 1
        else: written += 1
    for it in c.findall('checklist/item'):
        d = it.get('dimension')
        r, lr = it.get('reason'), dims.get(d) if d else types.get(c.get('type'))
        if r is None and not lr: bad.append('%s: item %s has no reason' % (c.get('id'), it.get('key')))
        if r is not None and r == lr: bad.append('%s: item reason equal to the library written' % c.get('id'))
        due, ld = it.get('due'), dues.get(it.get('key'))
        if due is None and not ld: bad.append('%s: item %s has no due date' % (c.get('id'), it.get('key')))
        if due is not None and due == ld: bad.append('%s: due equal to the library written' % c.get('id'))
        if r is None: omitted += 1
if omitted == 0 or written == 0: bad.append('omitted %d, written %d: want both' % (omitted, written))
seg = root.find('segments/segment/policy')
if seg is None or not seg.get('reason'): bad.append('segment policies carry their reason')
print('\n'.join(bad[:10])); sys.exit(1 if bad else 0)
PY
if [ $? = 0 ]; then ok; else bad "library reasons"; cat "$T/lib"; fi
# An archive written before the library held the reasons (every reason and due date on the
# customer, none in the library) is still valid and gives the same migration as --prior.
python3 - "$T/q3/report.xml" "$T/q3-old.xml" <<'PY' >"$T/old" 2>&1
import sys, xml.etree.ElementTree as ET
tree = ET.parse(sys.argv[1]); root = tree.getroot()
lib = root.find('policy-library')
rules = {r.get('key'): r.get('reason') for r in lib.findall('rule')}
dims = {c.get('dimension'): c.get('reason') for c in lib.findall('checklist-reason') if c.get('dimension')}
types = {c.get('customer-type'): c.get('reason') for c in lib.findall('checklist-reason') if c.get('customer-type')}
dues = {i.get('key'): i.get('due') for i in lib.findall('item-text')}
for c in root.findall('customers/customer'):
    for p in c.findall('policy'):
        if p.get('reason') is None: p.set('reason', rules[p.get('rule')])
    for it in c.findall('checklist/item'):
        if it.get('reason') is None:
            it.set('reason', dims[it.get('dimension')] if it.get('dimension') else types[c.get('type')])
        if it.get('due') is None: it.set('due', dues[it.get('key')])
for e in lib.findall('rule') + lib.findall('checklist-reason'): lib.remove(e)
for i in lib.findall('item-text'): del i.attrib['due']
tree.write(sys.argv[2], encoding='UTF-8', xml_declaration=True)
PY
if [ $? = 0 ]; then ok; else bad "old-style archive"; cat "$T/old"; fi
check "old-style archive valid" xmllint --noout --stream --schema templates/report.xsd "$T/q3-old.xml"
expect_rc 0 "old-style archive as prior" "$CV" run --config samples/demo.xml --prior "$T/q3-old.xml" --out "$T/q4-old" --quiet
check "same migration from an old-style prior" sh -c "sed '/<migration/s/ prior-path=\"[^\"]*\"//' '$T/q4/report.xml' > '$T/m1' && sed '/<migration/s/ prior-path=\"[^\"]*\"//' '$T/q4-old/report.xml' > '$T/m2' && cmp '$T/m1' '$T/m2'"

# Hostile customer names, ids, regions and reps: escaped, cleaned, still valid XML.
printf '日期,单据编号,客户编码,金额\n2026-01-10,X1,H1,101.00\n2026-02-10,X2,"H<2>&""q""",102.00\n2026-03-10,X3,H3,103.00\n' > "$T/h-sales.csv"
printf '客户编码,客户名称,客户类型,区域,业务员\nH1,"A<b>&c ""q"" '"'"'s ]]> x",经销商,"r&d<",">rep"\n"H<2>&""q""","ctl\001\013 tab\there cr\rend",批发商,"&amp;",rep\nH3,"fffe[\357\277\276] emoji[\360\237\230\200]",零售商,a,b\n' > "$T/h-customers.csv"
expect_rc 0 "hostile names" "$CV" run --sales "$T/h-sales.csv" --customers "$T/h-customers.csv" --as-of 2026-12-31 --out "$T/hn" --quiet
check "hostile names: report.xml valid" xmllint --noout --stream --schema templates/report.xsd "$T/hn/report.xml"
check "hostile names: escaped" grep -qF 'name="A&lt;b&gt;&amp;c &quot;q&quot; '"'"'s ]]&gt; x" type="dealer" region="r&amp;d&lt;" rep="&gt;rep"' "$T/hn/report.xml"
python3 - "$T/hn/report.xml" <<'PY' >"$T/hnp" 2>&1
import sys, xml.etree.ElementTree as ET
c = {e.get('id'): e for e in ET.parse(sys.argv[1]).getroot().iter('customer')}
bad = []
if c['H1'].get('name') != 'A<b>&c "q" \'s ]]> x': bad.append('H1 name %r' % c['H1'].get('name'))
if 'H<2>&"q"' not in c: bad.append('id with markup lost: %r' % sorted(c))
elif c['H<2>&"q"'].get('region') != '&amp;': bad.append('region %r' % c['H<2>&"q"'].get('region'))
elif any(ord(ch) < 0x20 for ch in c['H<2>&"q"'].get('name')): bad.append('control character kept')
if '\ufffe' in c['H3'].get('name') or '\U0001F600' not in c['H3'].get('name'): bad.append('H3 name %r' % c['H3'].get('name'))
print('\n'.join(bad)); sys.exit(1 if bad else 0)
PY
if [ $? = 0 ]; then ok; else bad "hostile names read back"; cat "$T/hnp"; fi

# PDF: Chinese text extractable, fonts embedded, structure clean
if pdftotext "$T/q4/report.pdf" "$T/q4.txt" 2>/dev/null; then ok; else bad "pdftotext"; fi
check "pdf has the tier heading in Chinese" grep -q '客户分级' "$T/q4.txt"
check "pdf has the client name" grep -q '浙江恒远五金制品有限公司' "$T/q4.txt"
check "pdf fonts embedded" sh -c "pdffonts '$T/q4/report.pdf' | awk 'NR>2 && \$5==\"yes\"' | grep -q ."
check "qpdf --check" qpdf --check "$T/q4/report.pdf"

# scores.csv: UTF-8 with BOM, one row per customer + header
check "scores.csv has a BOM" sh -c "head -c 3 '$T/q4/scores.csv' | od -An -tx1 | grep -q 'ef bb bf'"
n_cust=$(tail -n +2 samples/customers.csv | wc -l)
n_rows=$(($(wc -l < "$T/q4/scores.csv") - 1))
if [ "$n_rows" = "$n_cust" ]; then ok; else bad "scores.csv rows $n_rows != customers $n_cust"; fi

# --- determinism: the same run twice gives identical bytes -------------------
expect_rc 0 "second identical run" "$CV" run --config samples/demo.xml --prior "$T/q3/report.xml" --out "$T/q4b" --quiet
for f in report.pdf report.xml scores.csv rejects.csv; do
	check "byte-identical $f" cmp "$T/q4/$f" "$T/q4b/$f"
done
for l in en zh-TW; do
	expect_rc 0 "run --lang $l" "$CV" run --config samples/demo.xml --lang $l --out "$T/$l" --quiet
	check "report.xml valid ($l)" xmllint --noout --stream --schema templates/report.xsd "$T/$l/report.xml"
done
pdftotext "$T/zh-TW/report.pdf" "$T/tw.txt" 2>/dev/null
check "pdf zh-TW heading" grep -q '客戶分級' "$T/tw.txt"
pdftotext "$T/en/report.pdf" "$T/en.txt" 2>/dev/null
check "pdf en heading" grep -q 'Customer tiers' "$T/en.txt"

# --- nothing lost: rows read = accepted + rejected; totals reconcile ---------
python3 - "$T/q4/report.xml" samples/sales.csv samples/payments.csv <<'PY' >"$T/recon" 2>&1
import sys, csv, xml.etree.ElementTree as ET
from decimal import Decimal
root = ET.parse(sys.argv[1]).getroot()
bad = 0
for i in root.iter('input'):
    r, a, j = (int(i.get(k)) for k in ('rows-read', 'rows-accepted', 'rows-rejected'))
    if r != a + j:
        print('rows mismatch', i.get('path')); bad = 1
def total(path, col):
    with open(path, encoding='utf-8-sig', newline='') as f:
        return sum(Decimal(row[col]) for row in csv.DictReader(f))
t = root.find('totals')
if Decimal(t.get('revenue')) != total(sys.argv[2], '金额'):
    print('revenue', t.get('revenue'), total(sys.argv[2], '金额')); bad = 1
if Decimal(t.get('payments')) != total(sys.argv[3], 'amount'):
    print('payments', t.get('payments')); bad = 1
cust = root.findall('customers/customer')
if sum(Decimal(c.findtext('revenue')) for c in cust) != Decimal(t.get('revenue-in-window')):
    print('customer revenue does not add up to the window total'); bad = 1
sys.exit(bad)
PY
if [ $? = 0 ]; then ok; else bad "reconciliation"; cat "$T/recon"; fi

# --- the planted customers ------------------------------------------------------
python3 - "$T/q4/report.xml" <<'PY' >"$T/planted" 2>&1
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
c = {e.get('id'): e for e in root.iter('customer')}
flags = lambda i: {f.text for f in c[i].findall('flag')}
checks = [
    ('C0001 fake-big', 'fake-big' in flags('C0001')),
    ('C0002 sleeping', c['C0002'].findtext('lifecycle') == 'sleeping'),
    ('C0003 fast-growing', c['C0003'].findtext('lifecycle') == 'fast-growing'),
    ('C0009 large-disloyal', c['C0009'].findtext('quadrant') == 'large-disloyal'),
    ('C0009 violations flag', 'large-disloyal-violations' in flags('C0009')),
    ('C0010 late payer', 'late-payer' in flags('C0010')),
    ('C0012 over limit', 'over-limit' in flags('C0012')),
    ('C0013 sharp decline', 'sharp-decline' in flags('C0013')),
] + [('%s small-loyal' % i, c[i].findtext('quadrant') == 'small-loyal') for i in ('C0004', 'C0005', 'C0006', 'C0007', 'C0008')]
bad = [n for n, okk in checks if not okk]
print('\n'.join(bad)); sys.exit(1 if bad else 0)
PY
if [ $? = 0 ]; then ok; else bad "planted customers:"; cat "$T/planted"; fi

# migration: every current customer appears once in the matrix
python3 - "$T/q4/report.xml" <<'PY' >"$T/mig" 2>&1
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
m = root.find('migration')
cells = m.findall('cell')
into = sum(int(x.get('customers')) for x in cells if x.get('to') != 'lost')
n = len(root.findall('customers/customer'))
assert into == n, (into, n)
assert int(m.get('up')) + int(m.get('down')) == len(m.findall('mover'))
assert int(m.get('up')) + int(m.get('down')) + int(m.get('same')) + int(m.get('new')) == n
PY
if [ $? = 0 ]; then ok; else bad "migration matrix"; cat "$T/mig"; fi
# read back our own report as prior: nobody moves
expect_rc 0 "prior = same period" "$CV" run --config samples/demo.xml --prior "$T/q4/report.xml" --out "$T/self" --quiet
check "self-migration: no movers" grep -q 'up="0" down="0" same="[0-9]*" new="0" lost="0"' "$T/self/report.xml"

expect_rc 2 "a newer prior is refused" "$CV" run --config samples/demo-2026Q3.xml --prior "$T/q4/report.xml" --out "$T/newer" --quiet --lang en
grep_err "newer prior: says why" "after this evaluation"

# --- verify ---------------------------------------------------------------------
expect_rc 0 "verify with the inputs" "$CV" verify "$T/q4/report.xml" --sales samples/sales.csv --payments samples/payments.csv --lang en
grep_err "verify says it matches" "matches the record"
sed 's/^2026-10-30,/2026-10-29,/' samples/sales.csv > "$T/sales-edited.csv"
expect_rc 2 "verify catches an edited input" "$CV" verify "$T/q4/report.xml" --sales "$T/sales-edited.csv" --lang en
grep_err "verify names the mismatch" "SHA-256 differs"
expect_rc 2 "verify from elsewhere cannot check: error" sh -c "cd /tmp && '$CVABS' verify '$T/q4/report.xml' --lang en"
grep_err "verify says what it could not check" "cannot be checked"
expect_rc 2 "verify rejects an invalid report" "$CV" verify tests/xml/newer-version.xml --lang en

# --- hostile prior reports are refused and no report is written -----------------
for x in doctype billion-laughs external-entity bad-utf8 newer-version utf16; do
	rm -rf "$T/h"
	expect_rc 2 "hostile prior $x refused" "$CV" run --config samples/demo.xml --prior tests/xml/$x.xml --out "$T/h" --quiet --lang en
	check "no report after hostile $x" sh -c "! test -e '$T/h/report.pdf' && ! test -e '$T/h/report.xml'"
done
# a DOCTYPE behind a comment longer than the prolog scan: refused when the parser meets it
{ printf '<?xml version="1.0" encoding="UTF-8"?>\n<!--'; head -c 1200000 /dev/zero | tr '\0' x; printf -- '-->\n<!DOCTYPE custeval-report [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'; sed 1d "$T/q3/report.xml"; } > "$T/late-doctype.xml"
expect_rc 2 "DOCTYPE past the prolog scan refused" "$CV" run --config samples/demo.xml --prior "$T/late-doctype.xml" --out "$T/h3" --quiet --lang en
grep_err "late DOCTYPE: message names the file" "late-doctype.xml"
check "no report after a late DOCTYPE" sh -c "! test -e '$T/h3/report.xml'"
# an entity reference without any DOCTYPE is refused too
sed '0,/<customer id="\([^"]*\)" name="/s//<customer id="\1" name="\&x;/' "$T/q3/report.xml" > "$T/entity-ref.xml"
expect_rc 2 "undeclared entity in a prior refused" "$CV" run --config samples/demo.xml --prior "$T/entity-ref.xml" --out "$T/h4" --quiet --lang en
grep_err "undeclared entity: says which" "Entity 'x'"
# a newer major version written with leading zeros is still newer
sed '0,/version="1"/s//version="0000000000000002"/' "$T/q3/report.xml" > "$T/v2-zeros.xml"
expect_rc 2 "version 0000000000000002 refused" "$CV" run --config samples/demo.xml --prior "$T/v2-zeros.xml" --out "$T/h5" --quiet --lang en
grep_err "version with zeros: says newer" "newer"
# a schema error in a prior names its line
sed '0,/<rank>/s//<bogus\/><rank>/' "$T/q3/report.xml" > "$T/bogus.xml"
expect_rc 2 "prior with an unknown element refused" "$CV" run --config samples/demo.xml --prior "$T/bogus.xml" --out "$T/h6" --quiet --lang en
grep_err "schema error in a prior: file and line" "bogus.xml:[0-9][0-9]*: error"
head -c 20000 "$T/q4/report.xml" > "$T/truncated.xml"
# a run that stops early on a pipe whose writer is idle returns at once
mkfifo "$T/idle.csv"
( printf '\357\273\277date,customer,amount\n2026-10-01,C1,abc\n'; exec sleep 30 ) > "$T/idle.csv" &
idle_writer=$!
expect_rc 2 "--strict stop on an idle pipe does not wait for the writer" timeout 10 "$CV" check --sales "$T/idle.csv" --strict --as-of 2026-10-31 --quiet --lang en
kill "$idle_writer" 2>/dev/null
expect_rc 2 "truncated prior refused" "$CV" run --config samples/demo.xml --prior "$T/truncated.xml" --out "$T/h2" --quiet --lang en
grep_err "truncated prior: message names the file" "truncated.xml"
check "no passwd content leaked" sh -c "! grep -rq 'root:' '$T/h' 2>/dev/null"

# --- options that change the report ----------------------------------------
expect_rc 0 "--title --client --cycle-years 2" "$CV" run --config samples/demo.xml --title "测试标题 Test Title" --client "示例客户有限公司" --cycle-years 2 --out "$T/opt" --quiet
pdftotext "$T/opt/report.pdf" "$T/opt.txt" 2>/dev/null
check "title on the cover" grep -q '测试标题 Test Title' "$T/opt.txt"
check "client on the cover" grep -q '示例客户有限公司' "$T/opt.txt"
check "cycle-years 2 in the archive" grep -q 'cycle-years="2"' "$T/opt/report.xml"
check "two cycle years recorded" test "$(grep -c '<cycle-year ' "$T/opt/report.xml")" = 2
tail -c +4 samples/sales.csv | iconv -f UTF-8 -t GB18030 > "$T/sales-gb.csv"   # BOM dropped first
expect_rc 0 "--encoding gb18030 forced" "$CV" run --sales "$T/sales-gb.csv" --encoding gb18030 --as-of 2026-10-31 --out "$T/gb" --quiet
check "forced encoding recorded" grep -q 'encoding="GB18030"' "$T/gb/report.xml"
expect_rc 0 "same sales as UTF-8" "$CV" run --sales samples/sales.csv --as-of 2026-10-31 --out "$T/u8" --quiet
check "GB18030 and UTF-8 give the same scores" cmp "$T/gb/scores.csv" "$T/u8/scores.csv"
expect_rc 1 "--encoding with an unknown name" "$CV" run --sales samples/sales.csv --encoding klingon --lang en
mkdir -p "$T/glob"
head -10001 samples/sales.csv > "$T/glob/sales-1.csv"
(head -1 samples/sales.csv; tail -n +10002 samples/sales.csv) > "$T/glob/sales-2.csv"
expect_rc 0 "a glob of monthly files" "$CV" run --sales "$T/glob/sales-*.csv" --as-of 2026-10-31 --out "$T/globout" --quiet
check "two sales inputs recorded" test "$(grep -c '<input kind="sales"' "$T/globout/report.xml")" = 2
check "glob run gives the same scores" cmp "$T/globout/scores.csv" "$T/u8/scores.csv"

# --- batch documents: one pack per region, one letter per customer ------------
expect_rc 0 "--split-by region --per-customer" "$CV" run --config samples/demo.xml --out "$T/batch" --split-by region --per-customer --quiet
n_regions=$(tail -n +2 samples/customers.csv | awk -F, '{print $4}' | sort -u | wc -l)
check "one pack per region ($n_regions)" test "$(ls "$T/batch/by-region" | grep -c '\.pdf$')" = "$n_regions"
check "one letter per customer" test "$(ls "$T/batch/customers" | grep -c '\.pdf$')" = "$n_cust"
pdftotext "$T/batch/by-region/华东.pdf" "$T/east.txt" 2>/dev/null
check "region pack names its region" grep -q '华东' "$T/east.txt"
pdftotext "$T/batch/customers/C0015.pdf" "$T/c15.txt" 2>/dev/null
check "letter carries the customer's id" grep -q 'C0015' "$T/c15.txt"
check "batch leaves no temporary files" sh -c "! find '$T/batch' -name '*.tmp' | grep -q ."
# values that clean to the same file name, an empty one, a very long one
mkdir -p "$T/collide/by-region"
echo old > "$T/collide/by-region/a_b.pdf"
expect_rc 0 "--split-by with colliding values" "$CV" run --sales tests/e2e/split-sales.csv --customers tests/e2e/split-customers.csv --as-of 2026-12-31 --out "$T/collide" --split-by region --quiet
check "six regions, six packs" test "$(ls "$T/collide/by-region" | grep -c '\.pdf$')" = 6
check "a_b.pdf replaced by this run's pack" sh -c "! grep -q '^old' '$T/collide/by-region/a_b.pdf'"
check "no backup files left" sh -c "! ls -a '$T/collide/by-region' | grep -q 'old\|tmp'"
expect_rc 1 "--split-by rejects other keys" "$CV" run --config samples/demo.xml --split-by colour --out "$T/b2"

# --- command line and exit codes ---------------------------------------------
expect_rc 0 "--version" "$CV" --version
expect_rc 0 "--help" "$CV" --help
check "--help lists --split-by" grep -q -- '--split-by' "$T/out"
expect_rc 0 "--help in zh-TW" "$CV" --help --lang zh-TW
check "--help zh-TW text" grep -q '結束碼' "$T/out"
expect_rc 0 "run --help in zh-CN" "$CV" run --help --lang zh-CN
check "--help zh-CN text" grep -q '退出码' "$T/out"
expect_rc 1 "no arguments" "$CV"
expect_rc 1 "unknown option" "$CV" run --bogus x --lang en
grep_err "unknown option message" "unknown option '--bogus'"
expect_rc 1 "unknown command" "$CV" frobnicate
expect_rc 1 "unknown last option" "$CV" run --quiet --bogus --lang en
grep_err "unknown last option is called unknown" "unknown option '--bogus'"
for y in 0 abc -3 99; do
	expect_rc 1 "--cycle-years $y refused" "$CV" run --sales samples/sales.csv --cycle-years $y --lang en
done
grep_err "cycle-years names the value" "not '99'"
expect_rc 1 "--legacy-encoding utf-8 refused" "$CV" run --sales samples/sales.csv --legacy-encoding utf-8 --lang en
expect_rc 1 "bad --as-of" "$CV" run --sales samples/sales.csv --as-of 2026-13-01 --lang en
expect_rc 1 "no sales" "$CV" run --lang en --out "$T/none"
expect_rc 2 "invalid config" "$CV" run --config tests/core/bad-config.xml --lang en --out "$T/bc"
grep_err "config error has file:line" "tests/core/bad-config.xml:4: error"
expect_rc 2 "misspelt column field" "$CV" run --config tests/core/misspelt-field.xml --as-of 2026-10-31 --lang en --out "$T/mf"
grep_err "misspelt field is named" "invalid value 'amout' for column field"
expect_rc 3 "missing input file" "$CV" run --sales "$T/nope.csv" --lang en --out "$T/nf"
check "failed run leaves no report" sh -c "! test -e '$T/nf/report.pdf'"
expect_rc 0 "sales only, built-in profile" "$CV" run --sales samples/sales.csv --as-of 2026-10-31 --out "$T/so" --quiet
check "sales-only report valid" xmllint --noout --stream --schema templates/report.xsd "$T/so/report.xml"
expect_rc 0 "--timings" "$CV" run --sales samples/sales.csv --as-of 2026-10-31 --out "$T/tm" --quiet --timings
for w in ingest evaluate render report.pdf report.xml scores.csv; do
	grep_err "--timings names $w" "timing: *$w .* s"
done
cmp -s "$T/tm/report.xml" "$T/so/report.xml" && ok || bad "--timings changes report.xml"
# A pipe is read once: every row, and the hash of the bytes that came through it.
cat samples/sales.csv | "$CV" run --sales /dev/stdin --as-of 2026-10-31 --out "$T/pipe" --quiet >/dev/null 2>&1 && ok || bad "run from a pipe"
check "pipe: every row read" grep -q 'rows-read="20232"' "$T/pipe/report.xml"
check "pipe: hash of the piped bytes" grep -q "sha256=\"$(sha256sum samples/sales.csv | cut -c1-64)\"" "$T/pipe/report.xml"
cmp -s "$T/pipe/scores.csv" "$T/so/scores.csv" && ok || bad "pipe and file give the same scores"
tail -c +4 samples/sales.csv | "$CV" check --sales /dev/stdin --as-of 2026-10-31 --lang en >"$T/out" 2>"$T/err"; rc=$?
[ "$rc" = 2 ] && ok || bad "pipe without BOM: exit $rc, want 2"
grep_err "pipe without BOM names --encoding" "a pipe without a BOM needs --encoding"
tail -c +4 samples/sales.csv | "$CV" check --sales /dev/stdin --encoding utf-8 --as-of 2026-10-31 --lang en >"$T/out" 2>&1 && ok || bad "pipe with --encoding"
expect_rc 0 "check on the sample" "$CV" check --config samples/demo.xml --lang en
check "check prints rows per file" grep -q 'sales' "$T/out"
expect_rc 0 "weights calculator" "$CV" weights --method entropy --data tests/data/methods/fighter.csv

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
