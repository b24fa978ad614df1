#!/bin/sh
# run.sh: `make bench`: custeval against DuckDB on generated sales files of 1M and 10M lines
# (100,000 customers, 4 years), measured in the same run.  Prints rows/s, MB/s, peak RSS and
# the ratio of DuckDB's time to ours (> 1 means custeval is faster).
set -eu
LC_ALL=C
export LC_ALL
CV=${CUSTEVAL:-./build/custeval}
GEN=${CUSTEVAL_GEN:-./build/custeval-gen}
D=bench/data
mkdir -p "$D"

# The peer: DuckDB's Node API, installed for the bench only (npm registry).
if [ ! -d bench/node_modules/@duckdb/node-api ]; then
	echo "installing @duckdb/node-api for the benchmark (npm)..."
	(cd bench && npm install --silent --no-save --no-package-lock @duckdb/node-api >/dev/null)
fi

measure() { # measure LABEL command... -> "seconds rss_kb"
	/usr/bin/time -f "%e %M" -o "$D/time.txt" "$@" >"$D/stdout.txt" 2>"$D/stderr.txt" || {
		echo "bench: $1 failed:"; cat "$D/stderr.txt"; exit 1; }
	cat "$D/time.txt"
}

best() { # best N command... -> fastest "seconds rss" of N runs
	n=$1; shift
	b=""
	i=0
	while [ $i -lt "$n" ]; do
		r=$(measure "$@")
		if [ -z "$b" ] || awk -v a="${r% *}" -v c="${b% *}" 'BEGIN{exit !(a<c)}'; then b=$r; fi
		i=$((i + 1))
	done
	echo "$b"
}

printf '%-8s %-28s %9s %12s %9s %10s\n' lines what seconds rows/s MB/s peak-MiB
for n in 1000000 10000000; do
	dir="$D/$n"
	if [ ! -s "$dir/sales.csv" ]; then
		mkdir -p "$dir"
		"$GEN" --customers 100000 --lines "$n" --sales-only --out "$dir"
	fi
	rows=$(($(wc -l < "$dir/sales.csv") - 1))
	mb=$(awk -v b="$(wc -c < "$dir/sales.csv")" 'BEGIN{printf "%.1f", b/1048576}')
	ingest=$(best 3 "$CV" check --sales "$dir/sales.csv" --customers "$dir/customers.csv" --as-of 2026-10-31 --quiet)
	whole=$(best 3 "$CV" run --sales "$dir/sales.csv" --customers "$dir/customers.csv" --as-of 2026-10-31 --out "$D/out-$n" --quiet)
	duck=$(best 3 node bench/duckdb-monthly.mjs "$dir/sales.csv")
	for what in "custeval ingest (check):$ingest" "custeval whole run:$whole" "duckdb monthly sums:$duck"; do
		label=${what%%:*}
		v=${what#*:}
		s=${v% *}
		kb=${v#* }
		awk -v n="$rows" -v s="$s" -v mb="$mb" -v kb="$kb" -v l="$label" -v lines="$n" \
		    'BEGIN{printf "%-8s %-28s %9.2f %12.0f %9.1f %10.1f\n", lines, l, s, n/s, mb/s, kb/1024}'
	done
	awk -v a="${duck% *}" -v b="${whole% *}" -v n="$n" \
	    'BEGIN{printf "%-8s ratio duckdb/custeval-whole-run = %.2f (> 1: custeval faster)\n", n, a/b}'
	# Where the whole run spends its time (100,000 customers evaluated).
	"$CV" run --sales "$dir/sales.csv" --customers "$dir/customers.csv" --as-of 2026-10-31 \
	    --out "$D/out-$n" --quiet --timings 2>&1 >/dev/null | sed "s/^custeval: timing:/$n   stage/"
	pages=$(pdfinfo "$D/out-$n/report.pdf" 2>/dev/null | awk '/^Pages:/{print $2}')
	echo "$n   report.pdf: ${pages:-?} pages, report.xml: $(($(wc -c < "$D/out-$n/report.xml") / 1048576)) MiB"
done

# The next period's run reads this one's archive back (--prior, tier migration): the last
# quarter's report of the 10M file as prior, then the whole run again with it.
n=10000000
dir="$D/$n"
"$CV" run --sales "$dir/sales.csv" --customers "$dir/customers.csv" --as-of 2026-07-31 \
    --out "$D/out-$n-q3" --quiet >/dev/null
prior=$(best 3 "$CV" run --sales "$dir/sales.csv" --customers "$dir/customers.csv" --as-of 2026-10-31 \
    --prior "$D/out-$n-q3/report.xml" --out "$D/out-$n-prior" --quiet)
awk -v s="${prior% *}" -v kb="${prior#* }" -v mb="$(($(wc -c < "$D/out-$n-q3/report.xml") / 1048576))" \
    'BEGIN{printf "%-8s %-28s %9.2f %12s %9s %10.1f   (prior report.xml: %d MiB)\n", "10000000", "custeval run with --prior", s, "", "", kb/1024, mb}'
"$CV" run --sales "$dir/sales.csv" --customers "$dir/customers.csv" --as-of 2026-10-31 \
    --prior "$D/out-$n-q3/report.xml" --out "$D/out-$n-prior" --quiet --timings 2>&1 >/dev/null |
    sed "s/^custeval: timing:/$n   prior stage/"

# Most Chinese ERP exports are GB18030/GBK: the 10M file converted (iconv, kept in bench/data),
# ingest alone, against the UTF-8 file's ingest measured above.
gb="$dir/sales-gb18030.csv"
if [ ! -s "$gb" ]; then
	tail -c +4 "$dir/sales.csv" | iconv -f UTF-8 -t GB18030 > "$gb.tmp" && mv "$gb.tmp" "$gb"
fi
gbt=$(best 3 "$CV" check --sales "$gb" --customers "$dir/customers.csv" --as-of 2026-10-31 --quiet)
awk -v s="${gbt% *}" -v kb="${gbt#* }" -v n="$(($(wc -l < "$gb") - 1))" -v b="$(wc -c < "$gb")" \
    'BEGIN{printf "%-8s %-28s %9.2f %12.0f %9.1f %10.1f\n", "10000000", "custeval ingest, GB18030", s, n/s, b/1048576/s, kb/1024}'
