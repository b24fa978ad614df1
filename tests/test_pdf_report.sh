#!/bin/sh
# test_pdf_report.sh: end-to-end checks of the PDF management pack (sections in three languages,
# planted customers, fonts, structure, determinism, long names, many customers, letters, bad templates).
# Usage: CUSTEVAL=./build/custeval sh tests/test_pdf_report.sh   (run from the repository root)
LC_ALL=C
export LC_ALL
CUSTEVAL=${CUSTEVAL:-./build/custeval}
T=$(mktemp -d "${TMPDIR:-/tmp}/pdfrep.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() {	# check DESCRIPTION COMMAND...
	d=$1
	shift
	if "$@" >/dev/null 2>&1; then ok; else bad "$d"; fi
}
# text of a PDF, lines joined (headings and cells may wrap); cached per file
text() {
	c=$T/txt.$(printf '%s' "$1" | cksum | cut -d' ' -f1)
	[ -f "$c" ] || pdftotext "$1" - 2>/dev/null | tr -d '\n' >"$c"
	cat "$c"
}
has() {		# has FILE STRING
	text "$1" | grep -F -q -- "$2"
}
pages() { pdfinfo "$1" 2>/dev/null | sed -n 's/^Pages: *//p'; }

for tool in pdftotext pdfinfo pdffonts qpdf; do
	command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool missing"; exit 0; }
done

# ---- the sample in three languages, with a prior period ---------------
"$CUSTEVAL" run --config samples/demo-2026Q3.xml --out "$T/q3" --quiet >/dev/null 2>&1
check "prior run" test -f "$T/q3/report.xml"
for l in zh-CN zh-TW en; do
	"$CUSTEVAL" run --config samples/demo.xml --prior "$T/q3/report.xml" \
	    --lang $l --out "$T/$l" --quiet >/dev/null 2>"$T/$l.err"
	check "$l: report.pdf written" test -s "$T/$l/report.pdf"
done

# a real ToUnicode map (libharu's is a CID map): text comes out with no
# warning, and every text code maps to itself
for l in zh-CN zh-TW en; do
	pdftotext "$T/$l/report.pdf" "$T/$l.txt" 2>"$T/$l.pdftotext.err"
	check "$l: pdftotext without warnings" test ! -s "$T/$l.pdftotext.err"
done
check "ToUnicode is a bfrange map" sh -c "qpdf --qdf --object-streams=disable \
    '$T/zh-CN/report.pdf' - 2>/dev/null | grep -a -q '<4E00> <4EFF> <4E00>'"

P=$T/zh-CN/report.pdf
for s in 目录 执行摘要 主要发现 与上期相比的主要变化 客户分级 帕累托分析 \
    销售量 生命周期与价值分组 风险客户清单 差异化客户政策 等级变动分析 \
    等级迁移矩阵 升级的客户 降级的客户 附录一：评估方法 附录二：数据质量 \
    客户评分卡 经销商支援清单 建议政策 假大户 睡眠型 前 20% 金额核对 \
    SHA-256 浙江恒远五金制品有限公司 恒远营销管理部; do
	check "zh-CN has '$s'" has "$P" "$s"
done
P=$T/zh-TW/report.pdf
for s in 目錄 摘要 主要發現 客戶分級 帕累托分析 風險客戶清單 差異化客戶政策 \
    等級變動分析 附錄一：評估方法 附錄二：資料品質 客戶評分卡 經銷商支援清單 \
    假大戶 睡眠型; do
	check "zh-TW has '$s'" has "$P" "$s"
done
P=$T/en/report.pdf
for s in Contents "Executive summary" "Key findings" "Main changes since the last evaluation" \
    "Customer tiers" "Pareto analysis" "Sales volume x loyalty" "Lifecycle and value groups" \
    "Customers at risk" "Policies by segment" "Tier migration" "Migration matrix" \
    "Appendix A: Method" "Appendix B: Data quality" "Customer scorecards" \
    "Dealer support checklist" "Fake big customer" "Sleeping" "Totals reconciliation"; do
	check "en has '$s'" has "$P" "$s"
done

# planted customers: C0001 (fake big, overdue) in the risk list with its name and flags
P=$T/zh-CN/report.pdf
name1=$(awk -F, '$1=="C0001"{print $2}' samples/customers.csv)
check "C0001's name in the pack" has "$P" "$name1"
check "C0001 scorecard heading" sh -c "pdftotext '$P' - 2>/dev/null | grep -E -q '^C0001 +$name1'"
pdftotext "$P" - 2>/dev/null | awk '/风险客户清单/{f=1} f' | tr -d '\n' | grep -q "C0001" && ok || bad "C0001 in the risk list"
check "C0001 flagged fake big in its scorecard" sh -c "pdftotext '$P' - 2>/dev/null | tr -d '\n' | grep -q '风险标记：假大户'"
# long name (C0015, 32 characters) is shown whole
name15=$(awk -F, '$1=="C0015"{print $2}' samples/customers.csv)
check "long name C0015 whole" has "$P" "$name15"
# traditional-character Taiwan customer
name16=$(awk -F, '$1=="C0016"{print $2}' samples/customers.csv)
check "Taiwan name C0016" has "$P" "$name16"

# structure, fonts, page counts
for l in zh-CN zh-TW en; do
	P=$T/$l/report.pdf
	n=$(pages "$P")
	check "$l: more than 60 pages ($n)" test "${n:-0}" -gt 60
	check "$l: qpdf --check" qpdf --check "$P"
	check "$l: fonts embedded" sh -c "pdffonts '$P' 2>/dev/null | tail -n +3 | awk '{print \$(NF-4)}' | grep -qv no"
	check "$l: no '?' replacement note" sh -c "! grep -q -e '?”代替' -e '「?」' -e \"as '?'\" '$T/$l.err'"
	check "$l: A4" sh -c "pdfinfo '$P' | grep -q 'A4'"
done
check "document title in UTF-8" sh -c "pdfinfo '$T/zh-CN/report.pdf' | grep -q '^Title: *客户价值评估报告'"
check "document keywords" sh -c "pdfinfo '$T/en/report.pdf' | grep -q '^Keywords: .*customer value'"
check "page X of Y footer" has "$T/zh-CN/report.pdf" "第 3 页 / 共"
check "page X of Y footer (en)" has "$T/en/report.pdf" "Page 3 of"

# table headers: a word is never split when the table has room ("Customers",
# not "Customer" / "s"; "销售额占比", not "销售额占" / "比")
check "en: 'Customers' header unbroken" sh -c "pdftotext '$T/en/report.pdf' - 2>/dev/null | grep -qx 'Customers'"
check "en: no header split to a lone 's'" sh -c "! pdftotext '$T/en/report.pdf' - 2>/dev/null | grep -qx 's'"
check "zh-CN: '销售额占比' header unbroken" sh -c "pdftotext '$T/zh-CN/report.pdf' - 2>/dev/null | grep -qx '销售额占比'"
check "zh-CN: no header split to a lone '比'" sh -c "! pdftotext '$T/zh-CN/report.pdf' - 2>/dev/null | grep -qx '比'"
# scorecard charts use short indicator names, not cut long ones
check "en: short indicator names in the charts" has "$T/en/report.pdf" "Growth (CAGR)"
check "en: no cut indicator name" sh -c "! pdftotext '$T/en/report.pdf' - 2>/dev/null | grep -q 'Violations (cross-territory, p…'"
# every pack scorecard fits one page: from the first scorecard on, every page
# carries a scorecard's bar chart (a spilled card's second page does not)
cards_spill() {	# cards_spill PDF CHART-TITLE: prints "cards spills"
	pdftotext "$1" - 2>/dev/null | awk -v t="$2" 'BEGIN { RS = "\f" }
	    { if (index($0, t)) { f = 1; n++ } else if (f && NR > 0 && $0 != "") s++ }
	    END { printf "%d %d\n", n, s }'
}
for l in en zh-CN zh-TW; do
	case $l in
	en) ct="Indicator scores (0–100)" ;;
	zh-CN) ct="各指标标准化得分（0–100）" ;;
	zh-TW) ct="各指標標準化得分（0–100）" ;;
	esac
	set -- $(cards_spill "$T/$l/report.pdf" "$ct")
	check "$l: scorecards found (${1:-0})" test "${1:-0}" -gt 50
	check "$l: every scorecard on one page (${2:-?} spilled)" test "${2:-1}" -eq 0
done
check "en: capped policies say how many more" has "$T/en/report.pdf" "more policies ("
# what every scorecard repeats (tiles, chart frames and labels, table headers
# and rows, page header and footer) is stored once and placed: still text on
# every page, down to the last scorecard
P=$T/zh-CN/report.pdf
n=$(pages "$P")
check "zh-CN: repeated parts stored once (form XObjects)" sh -c "grep -a -q '/Subtype /Form' '$P'"
for s in 综合得分 生命周期类别 各指标标准化得分 销售趋势 建议政策 原因 "第 $n 页 / 共 $n 页"; do
	check "zh-CN: last scorecard has '$s'" sh -c "pdftotext -f $n -l $n '$P' - 2>/dev/null | tr -d '\n' | grep -F -q -- '$s'"
done

# determinism: the same run twice gives the same bytes
"$CUSTEVAL" run --config samples/demo.xml --prior "$T/q3/report.xml" --out "$T/again" \
    --quiet >/dev/null 2>&1
check "two runs byte-identical" cmp "$T/zh-CN/report.pdf" "$T/again/report.pdf"

# no prior: the migration section says so
"$CUSTEVAL" run --config samples/demo.xml --out "$T/noprior" --quiet >/dev/null 2>&1
check "no prior: says so" has "$T/noprior/report.pdf" "没有上期报告"

# ---- letters and batch packs (wired in main.c) -------------------------
if "$CUSTEVAL" --help 2>&1 | grep -q -- --per-customer; then
	"$CUSTEVAL" run --config samples/demo.xml --out "$T/pc" --per-customer \
	    --split-by region --quiet >/dev/null 2>&1
	L=$T/pc/customers/C0015.pdf
	check "letter written" test -s "$L"
	check "letter greets the customer" has "$L" "尊敬的$name15"
	check "letter has the scorecard" has "$L" "建议政策"
	check "letter qpdf" qpdf --check "$L"
	# a group with no flagged customer: no "as follows:" without its table
	for R in "$T"/pc/by-region/*.pdf; do
		[ -f "$R" ] || continue
		check "$(basename "$R"): no dangling 'as follows'" sh -c "pdftotext '$R' - 2>/dev/null | awk '/分布如下：\$/ { getline n; if (n != \"风险标记\") bad = 1 } END { exit bad }'"
		check "$(basename "$R"): no '0 家客户带有'" sh -c "! pdftotext '$R' - 2>/dev/null | grep -q '^0 家客户带有'"
	done
	TW=$T/pc/by-region/台湾.pdf
	[ -f "$TW" ] && check "Taiwan pack: says no flags" has "$TW" "均无风险标记"
	"$CUSTEVAL" run --config samples/demo.xml --out "$T/pcen" --lang en \
	    --split-by region --quiet >/dev/null 2>&1
	for R in "$T"/pcen/by-region/*.pdf; do
		[ -f "$R" ] || continue
		check "en $(basename "$R"): no dangling 'as follows'" sh -c "pdftotext '$R' - 2>/dev/null | awk '/as follows:\$/ { getline n; if (n != \"Risk flags\") bad = 1 } END { exit bad }'"
		check "en $(basename "$R"): no '0 customers carry'" sh -c "! pdftotext '$R' - 2>/dev/null | grep -q '^0 customers carry'"
	done
	R=$(ls "$T"/pc/by-region/*.pdf 2>/dev/null | head -1)
	if [ -n "$R" ]; then
		check "region pack cover shows its scope" has "$R" "专项报告"
		check "region pack qpdf" qpdf --check "$R"
	fi
fi

# ---- a broken template is refused with FILE:LINE -------------------------
sed 's|<section kind="tiers"|<section kind="tiers" colour="red"|' templates/report-zh-CN.xml >"$T/bad.xml"
printf '<?xml version="1.0"?>\n<outputs/>\n' >/dev/null
cat >"$T/badcfg.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<custeval-config version="1">
  <report lang="zh-CN"/>
  <evaluation as-of="2026-10-31" cycle-years="4"/>
  <inputs><sales path="$(pwd)/samples/sales.csv"/></inputs>
  <outputs report-template="$T/bad.xml"/>
</custeval-config>
XML
"$CUSTEVAL" run --config "$T/badcfg.xml" --out "$T/bad" --quiet >/dev/null 2>"$T/bad.err"
check "bad template: run fails" test $? -ne 0
check "bad template: FILE:LINE in the message" grep -q "bad.xml:[0-9]" "$T/bad.err"
sed 's|{client}的|{clientx}的|' templates/report-zh-CN.xml >"$T/bad.xml"
"$CUSTEVAL" run --config "$T/badcfg.xml" --out "$T/bad" --quiet >/dev/null 2>"$T/bad.err"
check "unknown placeholder refused" grep -q "clientx" "$T/bad.err"
{ echo '<?xml version="1.0"?>'; echo '<!DOCTYPE x [<!ENTITY a "b">]>'; sed 1d templates/report-zh-CN.xml; } >"$T/bad.xml"
"$CUSTEVAL" run --config "$T/badcfg.xml" --out "$T/bad" --quiet >/dev/null 2>"$T/bad.err"
check "DOCTYPE refused" grep -q "DOCTYPE" "$T/bad.err"

# ---- many customers: capped lists, sampled chart, still fast --------------
GEN=./build/custeval-gen
if [ ! -x "$GEN" ] && command -v cc >/dev/null 2>&1; then
	GEN=$T/gen
	cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -o "$GEN" samples/generate.c -lm 2>/dev/null
fi
if [ -x "$GEN" ]; then
	mkdir -p "$T/big"
	"$GEN" --customers 12000 --lines 150000 --out "$T/big" >/dev/null 2>&1
	cat >"$T/big/cfg.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<custeval-config version="1">
  <report title="Many customers" client="Big Co" lang="en"/>
  <evaluation as-of="2026-10-31" cycle-years="4"/>
  <inputs>
    <sales path="sales.csv"/><payments path="payments.csv"/><credit path="credit.csv"/>
    <customers path="customers.csv"/><assessments path="assessments.csv"/>
  </inputs>
  <outputs scorecard-tiers="A"/>
</custeval-config>
XML
	s0=$(date +%s)
	"$CUSTEVAL" run --config "$T/big/cfg.xml" --out "$T/big/out" --quiet >/dev/null 2>&1
	s1=$(date +%s)
	B=$T/big/out/report.pdf
	check "many: pack written" test -s "$B"
	check "many: under 60 s ($((s1 - s0)) s)" test $((s1 - s0)) -lt 60
	check "many: scatter sampled" has "$B" "even sample of 4,000 of 12,000"
	check "many: scorecards capped" has "$B" "first 2,000 by rank"
	check "many: lists capped" has "$B" "listed here"
	check "many: qpdf" qpdf --check "$B"
	n=$(pages "$B")
	check "many: page count bounded ($n)" test "${n:-0}" -gt 100 -a "${n:-0}" -lt 3000
	# 2,000 scorecards share their fixed parts: few forms for many pages
	f=$(grep -a -c '/Subtype /Form' "$B")
	check "many: repeated parts stored once ($f forms, $n pages)" test "${f:-0}" -gt 0 -a "${f:-0}" -lt $((n / 4))
	check "many: last page has its scorecard's chart" sh -c "pdftotext -f $n -l $n '$B' - 2>/dev/null | tr -d '\n' | grep -F -q 'Indicator scores (0–100)'"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
