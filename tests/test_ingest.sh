#!/bin/sh
# test_ingest.sh: CLI tests of ingest: golden cases in tests/ingest/, encoding twins, strict mode, reconciliation.
#
# Usage: sh tests/test_ingest.sh            (from the repository root)
#        CUSTEVAL=./build-asan/custeval sh tests/test_ingest.sh
#        UPDATE_GOLDEN=1 sh tests/test_ingest.sh   (rewrite expected files; review with git diff)
#
# A golden case is a folder tests/ingest/NAME/ with:
#   cmd            custeval arguments (one line; OUT stands for a fresh output folder)
#   gen.sh         optional: run first, in a scratch copy of the folder, to make inputs
#   expected/      stdout, stderr (without later stages' notes), rc, and for `run` rejects.csv and report-inputs.xml
#                  (the <input> and <totals> lines of report.xml)
# Cases run in a scratch copy with --lang en and LC_ALL=C, so messages name files
# relatively and byte-for-byte comparison is stable.

LC_ALL=C
export LC_ALL
unset CUSTEVAL_DATADIR CUSTEVAL_FONT 2>/dev/null

ROOT=$(pwd)
CUSTEVAL=${CUSTEVAL:-./build/custeval}
case $CUSTEVAL in
/*) ;;
*) CUSTEVAL=$ROOT/$CUSTEVAL ;;
esac
CASES=$ROOT/tests/ingest
TMP=$(mktemp -d "${TMPDIR:-/tmp}/test_ingest.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM

pass=0
fail=0

ok() {
	pass=$((pass + 1))
	echo "ok - $1"
}

not_ok() {
	fail=$((fail + 1))
	echo "FAIL - $1"
}

if [ ! -x "$CUSTEVAL" ]; then
	echo "no binary at $CUSTEVAL (build it, or set CUSTEVAL)" >&2
	exit 2
fi

# compare NAME EXPECTED ACTUAL: golden comparison (or update).
compare() {
	if [ -n "$UPDATE_GOLDEN" ]; then
		mkdir -p "$(dirname "$2")"
		cp "$3" "$2"
		ok "$1 (updated)"
	elif [ ! -f "$2" ]; then
		not_ok "$1: missing $2 (run with UPDATE_GOLDEN=1)"
	elif cmp -s "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1"
		diff -u "$2" "$3" | head -20
	fi
}

# The <input .../> and <totals .../> lines of a report.
report_inputs() {
	grep -E '^ *<(input|totals) ' "$1" | sed 's/^ *//'
}

# Money "1234.56" / "-0.50" / "12" in cents, exactly (awk has 53-bit integers).
CENTS='function cents(s,   neg, i, f) {
	gsub(/"/, "", s); neg = 0
	if (substr(s, 1, 1) == "-") { neg = 1; s = substr(s, 2) }
	i = s; f = "00"
	if (index(s, ".") > 0) { i = substr(s, 1, index(s, ".") - 1); f = substr(s, index(s, ".") + 1) "00" }
	f = substr(f, 1, 2)
	return (neg ? -1 : 1) * (i * 100 + f)
}'

# rows-read = rows-accepted + rows-rejected on every <input> of a report.
check_balance() {
	grep '<input ' "$2" | awk -v name="$1" '
	function attr(s, a,   p) { p = index(s, " " a "=\""); if (!p) return -1
		s = substr(s, p + length(a) + 3); return substr(s, 1, index(s, "\"") - 1) + 0 }
	{ r = attr($0, "rows-read"); a = attr($0, "rows-accepted"); j = attr($0, "rows-rejected")
	  if (r < 0 || r != a + j) { print "  " name ": unbalanced: " $0; bad = 1 } n++ }
	END { exit (bad || n == 0) }'
}

# ---- golden cases --------------------------------------------------------
cp "$CASES/cfg.xml" "$TMP/cfg.xml"	# cases name it ../cfg.xml
for dir in "$CASES"/*/; do
	name=$(basename "$dir")
	[ -f "$dir/cmd" ] || continue
	work=$TMP/case-$name
	rm -rf "$work"
	cp -R "$dir" "$work"
	rm -rf "$work/expected"
	(cd "$work" && { [ ! -f gen.sh ] || sh gen.sh; })
	out=$TMP/out-$name
	rm -rf "$out"
	args=$(sed "s|OUT|$out|g" "$dir/cmd")
	(cd "$work" && eval "\"\$CUSTEVAL\" $args --lang en" >"$TMP/stdout" 2>"$TMP/stderr")
	echo $? >"$TMP/rc"
	sed "s|$out|OUT|g" "$TMP/stdout" >"$TMP/stdout.n"
	# Notes of later stages (evaluation) are not ingest's business.
	grep -v '^custeval: [^:]*cfg\.xml: note:' "$TMP/stderr" >"$TMP/stderr.n"
	compare "$name: exit status" "$dir/expected/rc" "$TMP/rc"
	compare "$name: stdout" "$dir/expected/stdout" "$TMP/stdout.n"
	compare "$name: stderr" "$dir/expected/stderr" "$TMP/stderr.n"
	if [ -f "$out/report.xml" ]; then
		report_inputs "$out/report.xml" >"$TMP/inputs"
		compare "$name: report inputs and totals" \
		    "$dir/expected/report-inputs.xml" "$TMP/inputs"
		if check_balance "$name" "$out/report.xml"; then
			ok "$name: rows read = accepted + rejected"
		else
			not_ok "$name: rows read = accepted + rejected"
		fi
	fi
	if [ -f "$out/rejects.csv" ]; then
		# Lines cut at 300 bytes: a huge rejected field stays out of git.
		cut -b 1-300 "$out/rejects.csv" >"$TMP/rejects.csv"
		compare "$name: rejects.csv (lines cut at 300 bytes)" \
		    "$dir/expected/rejects.csv" "$TMP/rejects.csv"
	fi
done

# ---- strict mode: exit 2 and nothing published -----------------------------
out=$TMP/out-strict2
(cd "$CASES/strict" && "$CUSTEVAL" run --config ../cfg.xml --sales sales.csv \
    --out "$out" --strict --lang en >/dev/null 2>&1)
rc=$?
if [ "$rc" = 2 ] && [ -z "$(ls -A "$out" 2>/dev/null)" ]; then
	ok "strict: exit 2, output folder empty"
else
	not_ok "strict: exit $rc, output folder: $(ls -A "$out" 2>/dev/null)"
fi

# ---- a GB18030 file and its UTF-8 twin give identical scores ---------------
twin=$TMP/twin
mkdir -p "$twin"
cp "$ROOT/samples/customers.csv" "$twin/customers.csv"
sed '1s/^\xEF\xBB\xBF//' "$ROOT/samples/sales.csv" >"$twin/sales-utf8.csv"
iconv -f UTF-8 -t GB18030 "$twin/sales-utf8.csv" >"$twin/sales-gb.csv"
iconv -f UTF-8 -t GB18030 "$twin/customers.csv" >"$twin/customers-gb.csv"
if cmp -s "$twin/sales-utf8.csv" "$twin/sales-gb.csv"; then
	not_ok "twins: GB18030 file equals its UTF-8 twin (no Chinese text?)"
fi
"$CUSTEVAL" run --config "$ROOT/samples/demo.xml" --sales "$twin/sales-utf8.csv" \
    --customers "$twin/customers.csv" --out "$TMP/twin-u" --quiet >/dev/null 2>&1
rc1=$?
"$CUSTEVAL" run --config "$ROOT/samples/demo.xml" --sales "$twin/sales-gb.csv" \
    --customers "$twin/customers-gb.csv" --out "$TMP/twin-g" --quiet \
    >/dev/null 2>"$TMP/twin.err"
rc2=$?
if [ "$rc1" = 0 ] && [ "$rc2" = 0 ] &&
    cmp -s "$TMP/twin-u/scores.csv" "$TMP/twin-g/scores.csv"; then
	ok "twins: GB18030 and UTF-8 inputs give identical scores.csv"
else
	not_ok "twins: exit $rc1/$rc2 or scores.csv differ"
fi
if grep -q 'encoding="GB18030"' "$TMP/twin-g/report.xml" 2>/dev/null; then
	ok "twins: report records the GB18030 encoding"
else
	not_ok "twins: report does not record the GB18030 encoding"
fi
# The legacy note is printed even with --quiet? No: --quiet drops notes.
"$CUSTEVAL" check --config "$ROOT/samples/demo.xml" --sales "$twin/sales-gb.csv" \
    --lang en >/dev/null 2>"$TMP/twin.note"
if grep -q 'sales-gb.csv: note: not UTF-8; read as GB18030' "$TMP/twin.note"; then
	ok "twins: a note names the legacy encoding used"
else
	not_ok "twins: no note about the legacy encoding"
fi

# ---- reconciliation: totals equal the sums of accepted rows, to the cent ---
demo=$TMP/demo
"$CUSTEVAL" run --config "$ROOT/samples/demo.xml" --out "$demo" --quiet \
    >/dev/null 2>&1
if [ -f "$demo/report.xml" ]; then
	# Sample files are clean: every row accepted (checked by the balance test).
	sales_sum=$(sed '1d' "$ROOT/samples/sales.csv" | awk -F, "$CENTS"'
	    { a += cents($8); c += cents($9) } END { printf "%.0f %.0f\n", a, c }')
	pay_sum=$(sed '1d' "$ROOT/samples/payments.csv" | awk -F, "$CENTS"'
	    { a += cents($3) } END { printf "%.0f\n", a }')
	tot=$(grep '<totals ' "$demo/report.xml" | awk "$CENTS"'
	    function attr(s, a,   p) { p = index(s, " " a "=\""); s = substr(s, p + length(a) + 3)
		return substr(s, 1, index(s, "\"") - 1) }
	    { printf "%.0f %.0f %.0f\n", cents(attr($0, "revenue")), cents(attr($0, "cost")), cents(attr($0, "payments")) }')
	if [ "$tot" = "$sales_sum $pay_sum" ]; then
		ok "reconcile: revenue, cost, payments = sums of the sample rows ($tot cents)"
	else
		not_ok "reconcile: report totals '$tot' vs sums '$sales_sum $pay_sum'"
	fi
	if check_balance demo "$demo/report.xml"; then
		ok "reconcile: demo rows read = accepted + rejected"
	else
		not_ok "reconcile: demo rows read = accepted + rejected"
	fi
else
	not_ok "reconcile: demo run failed"
fi

# Reconcile the malformed case independently: split sales.csv into records
# with awk (a record continues while its quotes are unbalanced; a rejected
# row is its first line only, as documented) and sum the last field of the
# records not listed in rejects.csv.
mal=$TMP/case-malformed
if [ -f "$TMP/out-malformed/report.xml" ]; then
	exp=$(awk -F, "$CENTS"'
	    NR == FNR { if (FNR > 1 && $2 ~ /^[0-9]+$/) bad[$2] = 1; next }
	    FNR == 1 { next }
	    rec == "" && (FNR in bad) { next }
	    { if (rec == "") rec = $0; else rec = rec "\n" $0
	      t = rec; q = gsub(/"/, "", t)
	      if (q % 2) next
	      n = split(rec, f, ","); sub(/\r$/, "", f[n]); a += cents(f[n]); rec = "" }
	    END { printf "%.0f\n", a }' "$TMP/out-malformed/rejects.csv" \
	    "$mal/sales.csv")
	got=$(grep '<totals ' "$TMP/out-malformed/report.xml" | awk "$CENTS"'
	    { p = index($0, " revenue=\""); s = substr($0, p + 10)
	      printf "%.0f\n", cents(substr(s, 1, index(s, "\"") - 1)) }')
	if [ -n "$exp" ] && [ "$exp" = "$got" ]; then
		ok "reconcile: malformed case revenue = sum of accepted rows ($got cents)"
	else
		not_ok "reconcile: malformed case revenue $got vs accepted rows $exp"
	fi
else
	not_ok "reconcile: malformed case wrote no report"
fi

# ---- check command: exit 2 when rows were rejected, 0 otherwise ------------
"$CUSTEVAL" check --config "$ROOT/samples/demo.xml" --lang en >/dev/null 2>&1
rc=$?
if [ "$rc" = 0 ]; then ok "check: clean inputs exit 0"; else not_ok "check: clean inputs exit $rc"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
