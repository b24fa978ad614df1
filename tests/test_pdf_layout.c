/* test_pdf_layout.c: unit tests of the pl_ line breaker and an end-to-end showcase PDF (also --demo, --bench). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "pdf_layout.h"
#include "util.h"

/*
 * Scratch files go in a directory of this run's own (made on first use,
 * removed at exit), so two runs at the same time do not clash.  Returns
 * one of a few rotating buffers.
 */
static char S_tmpdir[64];

static void
S_tmpdir_remove(void)
{
	rmdir(S_tmpdir);
}

static const char *
S_tmp(const char *name)
{
	static char path[4][128];
	static int next;
	char *p = path[next++ % 4];

	if (S_tmpdir[0] == '\0') {
		snprintf(S_tmpdir, sizeof(S_tmpdir), "/tmp/test_pdf_layout.XXXXXX");
		if (mkdtemp(S_tmpdir) == NULL) {
			perror("test_pdf_layout: mkdtemp");
			exit(1);
		}
		atexit(S_tmpdir_remove);
	}
	snprintf(p, sizeof(path[0]), "%s/%s", S_tmpdir, name);
	return p;
}

/* ---- test width function: CJK 10, space 3, everything else 5 ---------- */

static float
S_w(long cp, void *ctx)
{
	(void)ctx;
	if (cp == ' ')
		return 3;
	return pl_is_cjk(cp) ? 10 : 5;
}

/* Wrap s and return its lines joined with '|'. */
static char *
S_wrapjoin(const char *s, float max)
{
	struct pl_span *ln = NULL;
	int n = pl_wrap(s, strlen(s), max, S_w, NULL, &ln), i;
	struct buf b;

	if (n < 0)
		return cv_strdup("<invalid>");
	buf_init(&b);
	buf_add(&b, "", 0);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_puts(&b, "|");
		buf_add(&b, s + ln[i].start, ln[i].len);
	}
	free(ln);
	return b.data;
}

#define WRAP_EQ(s, max, want) do { \
	char *got_ = S_wrapjoin((s), (max)); \
	assert_string_equal(got_, (want)); \
	free(got_); \
} while (0)

static void
test_cjk_breaks(void **state)
{
	(void)state;
	WRAP_EQ("一二三四五六七八九十", 35, "一二三|四五六|七八九|十");
	WRAP_EQ("一二三四五六七八九十", 100, "一二三四五六七八九十");
	WRAP_EQ("客戶評估報告", 20, "客戶|評估|報告");
}

static void
test_closing_punct(void **state)
{
	(void)state;
	/* "，" may not start a line: "三" moves down with it */
	WRAP_EQ("一二三，四五", 30, "一二|三，四|五");
	WRAP_EQ("一二三。", 30, "一二|三。");
	WRAP_EQ("一二三」", 30, "一二|三」");
	WRAP_EQ("一二三、四", 30, "一二|三、四");
	WRAP_EQ("一二三）", 30, "一二|三）");
	/* Latin punctuation after CJK too */
	WRAP_EQ("一二三.", 30, "一二|三.");
}

static void
test_opening_punct(void **state)
{
	(void)state;
	/* "「" may not end a line */
	WRAP_EQ("一二「三四」", 30, "一二|「三|四」");
	WRAP_EQ("甲乙（丙）", 30, "甲乙|（丙）");
	WRAP_EQ("甲乙《丙丁》", 30, "甲乙|《丙|丁》");
}

static void
test_latin_spaces(void **state)
{
	(void)state;
	WRAP_EQ("the quick brown fox", 60, "the quick|brown fox");
	WRAP_EQ("the quick brown fox", 1000, "the quick brown fox");
	/* several spaces collapse at the break, trailing spaces dropped */
	WRAP_EQ("aaaa    bbbb", 25, "aaaa|bbbb");
	WRAP_EQ("aaaa ", 25, "aaaa");
}

static void
test_hard_break(void **state)
{
	(void)state;
	WRAP_EQ("abcdefghij", 22, "abcd|efgh|ij");
	WRAP_EQ("ab abcdefghij", 22, "ab|abcd|efgh|ij");
	/* a single character wider than the line still goes somewhere */
	WRAP_EQ("中文", 4, "中|文");
}

static void
test_mixed(void **state)
{
	(void)state;
	/* CJK/Latin boundaries are break opportunities, Latin words not */
	WRAP_EQ("客户ABC公司", 30, "客户|ABC公|司");
	WRAP_EQ("客户ABCD公司", 29, "客户|ABCD|公司");
	WRAP_EQ("销售额2024年", 40, "销售额|2024年");
	WRAP_EQ("额2024年", 25, "额|2024|年");
	WRAP_EQ("Total 合计 12.5%", 30, "Total|合计|12.5%");
	WRAP_EQ("Total 合计 12.5%", 40, "Total 合|计 12.5%");
	WRAP_EQ("收入增长12.5%，", 50, "收入增长|12.5%，");
}

static void
test_newlines_empty(void **state)
{
	struct pl_span *ln = NULL;
	int n;

	(void)state;
	WRAP_EQ("ab\ncd", 100, "ab|cd");
	WRAP_EQ("ab\n\ncd", 100, "ab||cd");
	n = pl_wrap("", 0, 10, S_w, NULL, &ln);
	assert_int_equal(n, 1);
	assert_int_equal(ln[0].len, 0);
	free(ln);
}

static void
test_invalid_utf8(void **state)
{
	struct pl_span *ln = NULL;
	size_t bad = 0;
	char *c;

	(void)state;
	assert_int_equal(pl_wrap("ab\xff", 3, 10, S_w, NULL, &ln), -1);
	assert_int_equal(pl_wrap("\xe4\xb8", 2, 10, S_w, NULL, &ln), -1);
	assert_int_equal(pl_wrap("\xc0\xaf", 2, 10, S_w, NULL, &ln), -1);
	assert_int_equal(pl_wrap("\xed\xa0\x80", 3, 10, S_w, NULL, &ln), -1);
	c = pl_utf8_clean("a\xffz\xe4\xb8", 0, &bad);
	assert_string_equal(c, "a?z??");
	assert_int_equal(bad, 3);
	free(c);
	c = pl_utf8_clean("x\ty\r\nz\x01", 1, &bad);
	assert_string_equal(c, "x y\nz?");
	assert_int_equal(bad, 1);
	free(c);
	c = pl_utf8_clean("a\nb", 0, NULL);
	assert_string_equal(c, "a b");
	free(c);
	/* outside the BMP: libharu cannot draw it */
	c = pl_utf8_clean("\xf0\x9f\x98\x80!", 0, &bad);
	assert_string_equal(c, "?!");
	free(c);
}

/* Deterministic pseudo-random text: every line fits, nothing is lost. */
static void
test_wrap_properties(void **state)
{
	static const char *const parts[] = { "客", "户", "，", "。", "「",
	    "」", "a", "b", "c", " ", " ", "1", "（", "）", "\xe2\x80\xa6" };
	uint32_t seed = 12345;
	int round;

	(void)state;
	for (round = 0; round < 300; round++) {
		struct buf b, j;
		struct pl_span *ln = NULL;
		int n, i, len = (int)(seed % 60);
		float max = (float)(10 + (seed >> 8) % 90);

		buf_init(&b);
		buf_add(&b, "", 0);
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			buf_puts(&b, parts[(seed >> 16) % 15]);
		}
		n = pl_wrap(b.data, b.len, max, S_w, NULL, &ln);
		assert_true(n >= 1);
		buf_init(&j);
		buf_add(&j, "", 0);
		for (i = 0; i < n; i++) {
			size_t k = ln[i].start, e = k + ln[i].len, cps = 0;
			float w = 0;

			while (k < e) {
				const char *p = b.data + k;
				long cp = cv_utf8_next(&p, b.data + e);
				w += S_w(cp, NULL);
				k = (size_t)(p - b.data);
				cps++;
			}
			assert_true(fabsf(w - ln[i].width) < 0.01f);
			assert_true(w <= max + 0.01f || cps == 1);
			if (ln[i].len > 0)
				assert_true(b.data[ln[i].start] != ' ' ||
				    i == 0);
			buf_add(&j, b.data + ln[i].start, ln[i].len);
		}
		/* the text minus spaces survives unchanged */
		{
			struct buf a;
			size_t k;

			buf_init(&a);
			buf_add(&a, "", 0);
			for (k = 0; k < b.len; k++)
				if (b.data[k] != ' ')
					buf_add(&a, b.data + k, 1);
			for (k = 0; k < j.len; k++)
				if (j.data[k] == ' ')
					memmove(j.data + k, j.data + k + 1,
					    j.len - k), j.len--, k--;
			assert_string_equal(a.data, j.data);
			buf_free(&a);
		}
		free(ln);
		buf_free(&b);
		buf_free(&j);
		seed = seed * 1103515245u + 12345u;
	}
}

static void
test_classes(void **state)
{
	(void)state;
	assert_true(pl_is_cjk(0x4E2D));
	assert_true(pl_is_cjk(0xFF0C));
	assert_false(pl_is_cjk('A'));
	assert_true(pl_no_line_start(0x3002));
	assert_true(pl_no_line_start(0x300B));
	assert_true(pl_no_line_end(0x300A));
	assert_true(pl_no_line_end(0x201C));
	assert_false(pl_no_line_start(0x4E2D));
}

/* ---- pl_fixed: the bytes of cv_fixed (printf "%.*f") ------------------ */

#define FIXED_EQ(v, d) do { \
	char want_[64], got_[64]; \
	cv_fixed_printf((v), (d), want_); \
	assert_int_equal(pl_fixed_n((v), (d), got_), strlen(want_)); \
	assert_string_equal(got_, want_); \
} while (0)

static void
test_fixed(void **state)
{
	static const double tricky[] = {
		0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 0.125, 0.375, -0.125,
		0.005, 0.015, 0.025, 0.045, 1.005, 2.675, 9.995, -9.995, 99.5,
		0.05, 0.15, 0.25, 0.35, 1e-5, 5e-5, -5e-5, 1e-300, -1e-300,
		-0.004, -0.0049999, 123456789.125, -123456789.125, 1e15,
		4503599627370495.5, 4503599627370496.0, 9007199254740993.0,
		1e20, -1e20, 1e300, 5e-324, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3,
		12345.6789, 0.99995, 0.999949999, 999999.999995
	};
	uint64_t x = 88172645463325252ULL;
	size_t i;
	int d;

	(void)state;
	for (i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++)
		for (d = 0; d <= 10; d++)
			FIXED_EQ(tricky[i], d);
	/* NaN and infinities go through cv_fixed as they are */
	for (d = 0; d <= 4; d++) {
		FIXED_EQ(NAN, d);
		FIXED_EQ(INFINITY, d);
		FIXED_EQ(-INFINITY, d);
	}
	/* halves at every scale, then random values of every magnitude */
	for (i = 0; i < 20000; i++) {
		double v = ((double)i + 0.5) / 1000.0;
		FIXED_EQ(v, 2);
		FIXED_EQ(-v, 3);
		FIXED_EQ((double)i / 8.0, 2);
	}
	for (i = 0; i < 200000; i++) {
		double v;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = ldexp((double)(x >> 11), -(int)(x % 90));
		if (x & 1)
			v = -v;
		FIXED_EQ(v, (int)(x % 7));
	}
}

/* ---- showcase document ------------------------------------------------ */

static const char *
S_font(int *idx)
{
	const char *env = getenv("CUSTEVAL_FONT");

	if (env != NULL && *env) {
		*idx = -1;
		return env;
	}
	return pl_font_choose("build/fonts/custeval-sans.ttf", 0, idx);
}

/* A tiny valid PNG (stored deflate blocks), w x h RGB gradient. */
static uint32_t
S_crc(uint32_t crc, const unsigned char *p, size_t n)
{
	size_t i;
	int k;

	crc = ~crc;
	for (i = 0; i < n; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

static void
S_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void
S_chunk(FILE *fp, const char *type, const unsigned char *d, size_t n)
{
	unsigned char h[8], c[4];
	uint32_t crc;

	S_be32(h, (uint32_t)n);
	memcpy(h + 4, type, 4);
	crc = S_crc(0, h + 4, 4);
	if (n > 0)
		crc = S_crc(crc, d, n);
	S_be32(c, crc);
	fwrite(h, 1, 8, fp);
	if (n > 0)
		fwrite(d, 1, n, fp);
	fwrite(c, 1, 4, fp);
}

static int
S_write_png(const char *path, int w, int h, int corrupt)
{
	size_t row = (size_t)w * 3 + 1, raw_n = row * (size_t)h, i, z_n, o;
	unsigned char *raw = malloc(raw_n), *z, ihdr[13];
	uint32_t a = 1, bsum = 0;
	FILE *fp;
	int x, y;

	for (y = 0; y < h; y++) {
		raw[(size_t)y * row] = 0;
		for (x = 0; x < w; x++) {
			unsigned char *p = raw + (size_t)y * row + 1 + 3 * x;
			int in = (x - w / 6) * (x - w / 6) + (y - h / 2) *
			    (y - h / 2) < (h / 3) * (h / 3);
			p[0] = (unsigned char)(in ? 0xC8 : 0x1F + x * 40 / w);
			p[1] = (unsigned char)(in ? 0x96 : 0x5C + y * 30 / h);
			p[2] = (unsigned char)(in ? 0x3E : 0x73);
		}
	}
	z_n = 2 + raw_n + 5 * (raw_n / 65535 + 1) + 4;
	z = malloc(z_n);
	o = 0;
	z[o++] = 0x78;
	z[o++] = 0x01;
	for (i = 0; i < raw_n; i += 65535) {
		size_t len = raw_n - i < 65535 ? raw_n - i : 65535;
		z[o++] = i + len == raw_n;
		z[o++] = (unsigned char)(len & 0xFF);
		z[o++] = (unsigned char)(len >> 8);
		z[o++] = (unsigned char)(~len & 0xFF);
		z[o++] = (unsigned char)((~len >> 8) & 0xFF);
		memcpy(z + o, raw + i, len);
		o += len;
	}
	for (i = 0; i < raw_n; i++) {
		a = (a + raw[i]) % 65521;
		bsum = (bsum + a) % 65521;
	}
	S_be32(z + o, bsum << 16 | a);
	o += 4;
	if (corrupt)
		z[0] = 0x12;	/* bad zlib header, valid chunk CRC */
	fp = fopen(path, "wb");
	if (fp == NULL)
		return -1;
	fwrite("\x89PNG\r\n\x1a\n", 1, 8, fp);
	S_be32(ihdr, (uint32_t)w);
	S_be32(ihdr + 4, (uint32_t)h);
	ihdr[8] = 8;
	ihdr[9] = 2;
	ihdr[10] = ihdr[11] = ihdr[12] = 0;
	S_chunk(fp, "IHDR", ihdr, 13);
	S_chunk(fp, "IDAT", z, o);
	S_chunk(fp, "IEND", NULL, 0);
	fclose(fp);
	free(raw);
	free(z);
	return 0;
}

/* Deterministic generator for demo data. */
static uint32_t S_seed;
static double
S_rand(void)
{
	S_seed = S_seed * 1664525u + 1013904223u;
	return (double)(S_seed >> 8) / 16777216.0;
}

static void
S_money_fmt(double v, char *buf, size_t n, void *ctx)
{
	(void)ctx;
	if (fabs(v) >= 1e6)
		snprintf(buf, n, "%.1fM", v / 1e6);
	else if (fabs(v) >= 1e3)
		snprintf(buf, n, "%.0fk", v / 1e3);
	else
		snprintf(buf, n, "%.0f", v);
}

static const char S_zh_cn[] =
    "本报告依据经销商、批发商、零售商与代理商在评估期内的销售数据、回款记录与"
    "合作行为，对全部客户进行分级评价。评价体系由经济指标（销售额、销售增长率、"
    "毛利贡献、回款及时率）与非经济指标（品牌贡献、快速响应、管理改进、质量与安全）"
    "构成，权重按《客户评价管理办法》确定。对“大而不忠”的客户，报告单独列出其窜货、"
    "低价倾销等违规记录，并提出相应的支持与约束措施。";
static const char S_zh_tw[] =
    "本報告依據經銷商、批發商、零售商與代理商在評估期內的銷售資料、回款紀錄與合作"
    "行為，對全部客戶進行分級評價。評價體系由經濟指標（銷售額、銷售成長率、毛利貢獻、"
    "回款及時率）與非經濟指標（品牌貢獻、快速回應、管理改進、品質與安全）構成，權重依"
    "「客戶評價管理辦法」確定。對於「大而不忠」的客戶，報告另行列出其竄貨、低價傾銷等"
    "違規紀錄，並提出相應的支援與約束措施。";
static const char S_en[] =
    "This pack evaluates every dealer, wholesaler, retailer and agent over the "
    "evaluation period. Scores combine economic indicators (revenue, growth, "
    "gross-margin contribution, on-time payment) with non-economic ones (brand "
    "contribution, responsiveness, management improvement, quality and safety). "
    "Customers that are large but disloyal are listed separately with their "
    "cross-territory and price-dumping violations. A very long identifier such as "
    "CUSTOMER-ACCOUNT-REFERENCE-0000000000000000000000000000000000000000000042 is "
    "cut where it must be.";

/* Build the showcase; pages_extra adds filler pages (for --bench). */
static int
S_build_demo(const char *path, int filler, char *err, size_t errsz)
{
	struct pl_doc *doc;
	const char *font;
	int idx, i, rc;
	char logo[128], bad[128];
	char msg[256];

	snprintf(logo, sizeof(logo), "%s", S_tmp("logo.png"));
	snprintf(bad, sizeof(bad), "%s", S_tmp("bad.png"));
	font = S_font(&idx);
	if (font == NULL) {
		snprintf(err, errsz, "no font");
		return -1;
	}
	doc = pl_doc_new(font, idx, err, errsz);
	if (doc == NULL)
		return -1;
	pl_doc_set_info(doc, "客户评价管理报告 2024", "custeval",
	    "客户分级评价 / 客戶分級評價 / Customer evaluation",
	    "客户, evaluation", "custeval");
	pl_doc_set_date(doc, 2024, 12, 31);
	pl_doc_set_decoration(doc, "客户评价管理报告 · 华东区 2024 年度",
	    "2024-12-31", "机密 · 仅供内部使用", "第 %d 页 / 共 %d 页");

	/* cover */
	pl_page_new(doc, PL_PORTRAIT, 0);
	S_write_png(logo, 240, 80, 0);
	S_write_png(bad, 40, 20, 1);
	if (pl_image(doc, logo, pl_left(doc), pl_top(doc) - 50, 150, 50, msg,
	    sizeof(msg)) != 0) {
		snprintf(err, errsz, "logo: %s", msg);
		pl_doc_free(doc);
		return -1;
	}
	if (pl_image(doc, bad, pl_left(doc), 100, 50, 50, msg,
	    sizeof(msg)) == 0) {
		snprintf(err, errsz, "corrupt PNG accepted");
		pl_doc_free(doc);
		return -1;
	}
	pl_set_y(doc, pl_top(doc) - 260);
	pl_fill_rect(doc, pl_left(doc), pl_y(doc) - 4, 60, 4,
	    &pl_doc_palette(doc)->accent);
	pl_space(doc, 24);
	pl_paragraph_ex(doc, "客户评价管理报告", 30, 0, 0, 40, PL_LEFT,
	    &pl_doc_palette(doc)->accent);
	pl_paragraph_ex(doc, "客戶評價管理報告 · Customer Evaluation Pack", 14,
	    0, 0, 24, PL_LEFT, &pl_doc_palette(doc)->muted);
	pl_space(doc, 20);
	pl_paragraph_ex(doc, "华东区 · 评估期 2024-01-01 至 2024-12-31", 11, 0,
	    0, 18, PL_LEFT, NULL);
	pl_paragraph_ex(doc, "评估日期 2024-12-31 · 客户 1,000 家", 11, 0, 0, 18,
	    PL_LEFT, NULL);

	pl_toc_reserve(doc, 1);

	/* 1: text */
	pl_heading(doc, 1, "1 概述 / 概述 / Overview");
	pl_heading(doc, 2, "1.1 简体中文");
	pl_paragraph(doc, S_zh_cn, 10, 0, 0);
	pl_heading(doc, 2, "1.2 繁體中文");
	pl_paragraph(doc, S_zh_tw, 10, 0, 0);
	pl_heading(doc, 2, "1.3 English");
	pl_paragraph(doc, S_en, 10, 0, 0);
	pl_heading(doc, 3, "1.3.1 要点 Key points");
	pl_bullet(doc, "A 类客户 86 家，贡献销售额的 79.6%。", 10);
	pl_bullet(doc, "「大而不忠」客戶 12 家，其中 5 家存在竄貨記錄。", 10);
	pl_bullet(doc, "Revenue grew 8.4% year on year; the top 20% of "
	    "customers account for 80.3% of it.", 10);
	pl_heading(doc, 3, "1.3.2 检查清单 Checklist");
	pl_checkbox(doc, 1, "核对客户主数据与信用额度（已完成）", 10);
	pl_checkbox(doc, 0, "確認逾期帳款的催收計畫", 10);
	pl_checkbox(doc, 1, "Review the large-disloyal customers with the "
	    "regional sales manager and agree on measures for each of them "
	    "before the next quarterly meeting.", 10);
	pl_checkbox(doc, 0, "与“最危险的敌人”象限客户逐一面谈", 10);

	/* 2: charts */
	pl_heading(doc, 1, "2 图表 / 圖表 / Charts");
	{
		static const char *const dims[] = { "开发能力", "销售管理水平",
		    "銷售網路", "促销能力", "After-sales service",
		    "与本公司的关系" };
		static const double sc[] = { 82, 64.5, 71, 48, 90, 57 };
		struct pl_bar_chart c;

		memset(&c, 0, sizeof(c));
		c.title = "能力评分（0–100） · Capability scores";
		c.labels = dims;
		c.values = sc;
		c.n = 6;
		c.axis.min = 0;
		c.axis.max = 100;
		c.axis.ticks = 5;
		c.value_labels = 1;
		c.axis.decimals = 0;
		c.has_ref = 1;
		c.ref = 60;
		c.ref_label = "合格线 60";
		pl_chart_hbar(doc, pl_take(doc, 170), &c);
		pl_space(doc, 16);
	}
	{
		static const char *const tiers[] = { "A", "B", "C", "D" };
		static const double cnt[] = { 86, 214, 391, 309 };
		static const int ser[] = { 0, 0, 4, 4 };
		struct pl_bar_chart c;
		struct pl_box b = pl_take(doc, 180), l = b, r = b;

		l.w = b.w * 0.42f;
		r.x = b.x + b.w * 0.5f;
		r.w = b.w * 0.5f;
		memset(&c, 0, sizeof(c));
		c.title = "各级客户数 · Customers per tier";
		c.labels = tiers;
		c.values = cnt;
		c.n = 4;
		c.series = ser;
		c.value_labels = 1;
		c.axis.title = "客户数";
		pl_chart_column(doc, l, &c);
		{
			static const char *const mon[] = { "2023-01", "02",
			    "03", "04", "05", "06", "07", "08", "09", "10",
			    "11", "12", "2024-01", "02", "03", "04", "05",
			    "06", "07", "08", "09", "10", "11", "12" };
			double a[24], t[24];
			struct pl_series s[2];
			struct pl_line_chart lc;

			S_seed = 7;
			for (i = 0; i < 24; i++) {
				a[i] = 3.2e6 + 1.1e5 * i + 6e5 * sin(i * 0.52) +
				    2e5 * S_rand();
				t[i] = 3.4e6 + 1.0e5 * i;
			}
			a[5] = NAN;	/* a gap */
			s[0].name = "实际 Actual";
			s[0].values = a;
			s[1].name = "目标 Target";
			s[1].values = t;
			memset(&lc, 0, sizeof(lc));
			lc.title = "月度销售额 · Monthly revenue";
			lc.x_labels = mon;
			lc.n_points = 24;
			lc.series = s;
			lc.n_series = 2;
			lc.y.fmt = S_money_fmt;
			lc.y.title = "元 CNY";
			lc.markers = 1;
			pl_chart_line(doc, r, &lc);
		}
		pl_space(doc, 16);
	}
	{
		double v[1000];
		struct pl_lorenz_chart lz;

		S_seed = 99;
		for (i = 0; i < 1000; i++)
			v[i] = 1e4 * pow(S_rand() + 0.001, -1.25);
		memset(&lz, 0, sizeof(lz));
		lz.title = "帕累托曲线 · Pareto curve (1,000 customers)";
		lz.values = v;
		lz.n = 1000;
		lz.x_title = "客户累计占比 Cumulative share of customers";
		lz.y_title = "销售额累计占比 Cumulative share of revenue";
		lz.ref_share = 0.8;
		lz.ref_label = "80%";
		lz.cross_fmt = "%s 的客户贡献 80% 的销售额";
		pl_chart_lorenz(doc, pl_take(doc, 230), &lz);
		pl_space(doc, 16);
	}
	{
		static double x[2000], y[2000];
		static int g[2000];
		static const char *const gn[] = { "A", "B", "C", "D" };
		struct pl_scatter_chart sc;

		S_seed = 2024;
		for (i = 0; i < 2000; i++) {
			x[i] = 2e4 * pow(S_rand() + 0.002, -1.1);
			y[i] = 1 + 4 * pow(S_rand(), 0.8);
			g[i] = x[i] > 4e5 ? 0 : x[i] > 1e5 ? 1 : x[i] > 4e4 ?
			    2 : 3;
		}
		memset(&sc, 0, sizeof(sc));
		sc.title = "客户矩阵（规模 × 忠诚度） · Volume × loyalty";
		sc.x = x;
		sc.y = y;
		sc.group = g;
		sc.n = 2000;
		sc.xa.title = "年销售额（元，对数刻度）";
		sc.xa.log10 = 1;
		sc.xa.fmt = S_money_fmt;
		sc.ya.title = "忠诚度评分 Loyalty (1–5)";
		sc.ya.min = 1;
		sc.ya.max = 5;
		sc.ya.ticks = 4;
		sc.ya.decimals = 0;
		sc.split_x = 2e5;
		sc.split_y = 3;
		sc.zones[0] = "明日之星 small-loyal";
		sc.zones[1] = "最宝贵的财富 large-loyal";
		sc.zones[2] = "无价值 small-disloyal";
		sc.zones[3] = "最危险的敌人 large-disloyal";
		sc.group_names = gn;
		sc.n_groups = 4;
		pl_chart_scatter(doc, pl_take(doc, 280), &sc);
	}

	/* 3: table on landscape pages */
	pl_page_new(doc, PL_LANDSCAPE, 1);
	pl_heading(doc, 1, "3 客户明细 / 客戶明細 / Customer list");
	pl_paragraph(doc, "按销售额降序排列；名称过长时在列内换行。", 9, 0, 0);
	{
		static const struct pl_col cols[] = {
			{ "#", 26, 0, PL_RIGHT },
			{ "客户名称 Customer", 0, 3, PL_LEFT },
			{ "类型 Type", 0, 1.1f, PL_LEFT },
			{ "等级", 34, 0, PL_CENTER },
			{ "销售额（元） Revenue", 0, 1.3f, PL_RIGHT },
			{ "增长率 Growth", 0, 0.9f, PL_RIGHT },
			{ "象限 Quadrant", 0, 1.4f, PL_LEFT },
			{ "备注（窄列） Note", 46, 0, PL_LEFT },
		};
		static const char *const types[] = { "经销商", "批發商",
		    "retailer", "代理商", "key-account" };
		static const char *const quad[] = { "最宝贵的财富", "最危险的敌人",
		    "明日之星", "無價值" };
		char no[16], rev[48], gr[32], mb[40];
		double total = 0;

		pl_table_begin(doc, cols, 8, 8.5f, 1);
		S_seed = 5;
		for (i = 0; i < 120; i++) {
			const char *cells[8];
			char name[256];
			double r = 9.5e6 / (1 + i * 0.35) * (0.9 + 0.2 * S_rand());

			total += r;
			if (i % 17 == 3)
				snprintf(name, sizeof(name), "%s",
				    "浙江省杭州市西湖区未来科技城数字经济产业园智能制造装备销售服务有限责任公司");
			else if (i % 11 == 5)
				snprintf(name, sizeof(name), "%s",
				    "Shanghai Pudong International Trading & "
				    "Distribution Co., Ltd. (Branch No. 12)");
			else if (i % 7 == 2)
				snprintf(name, sizeof(name), "臺北市信義區%d號貿易股份有限公司",
				    i);
			else
				snprintf(name, sizeof(name), "华东第%d经销有限公司", i + 1);
			snprintf(no, sizeof(no), "%d", i + 1);
			cv_money_group((int64_t)llround(r * 100), mb);
			snprintf(rev, sizeof(rev), "%s", mb);
			snprintf(gr, sizeof(gr), "%+.1f%%", 30 * (S_rand() - 0.4));
			cells[0] = no;
			cells[1] = name;
			cells[2] = types[i % 5];
			cells[3] = i < 12 ? "A" : i < 40 ? "B" : i < 90 ? "C" : "D";
			cells[4] = rev;
			cells[5] = gr;
			cells[6] = quad[i % 4];
			cells[7] = i % 9 == 0 ? "逾期超过九十天且超信用额度需重点关注" :
			    i % 13 == 1 ? "ok" : "";
			pl_table_row(doc, cells, 8, PL_ROW_NORMAL);
		}
		{
			const char *cells[8] = { "", "合计 Total (120)", "", "",
			    NULL, "+4.2%", "", "" };
			cv_money_group((int64_t)llround(total * 100), mb);
			cells[4] = mb;
			pl_table_row(doc, cells, 8, PL_ROW_TOTAL);
		}
		pl_table_end(doc);
	}

	/* 4: back to portrait; a narrow-column stress table */
	pl_page_new(doc, PL_PORTRAIT, 1);
	pl_heading(doc, 1, "4 边界情况 / Edge cases");
	{
		static const struct pl_col cols[] = {
			{ "名称", 40, 0, PL_LEFT },
			{ "Description", 0, 1, PL_LEFT },
			{ "值", 50, 0, PL_RIGHT },
		};
		const char *r1[3] = { "一二三四五六七八九十一二三四五六七八九十"
		    "一二三四五六七八九十一二三四五六七八九十",
		    "Forty-character Chinese name in a 40 pt column.", "1" };
		const char *r2[3] = { "bad\xff\xfeutf8", "Invalid UTF-8 and an "
		    "emoji \xf0\x9f\x98\x80 and a Thai \xe0\xb8\x81 letter are "
		    "replaced by ?.", "2" };
		const char *r3[3] = { "（括号）", "「引号」在行首、行尾的处理，句号。"
		    "逗号，顿号、分号；冒号：问号？叹号！", "3.14" };

		pl_table_begin(doc, cols, 3, 9, 1);
		pl_table_row(doc, r1, 3, PL_ROW_NORMAL);
		pl_table_row(doc, r2, 3, PL_ROW_NORMAL);
		pl_table_row(doc, r3, 3, PL_ROW_SECTION);
		pl_table_row(doc, r3, 2, PL_ROW_NORMAL);
		pl_table_end(doc);
	}
	pl_heading(doc, 2, "4.1 截断 Truncation");
	{
		float y = pl_y(doc) - 12;
		pl_text_fit(doc, pl_left(doc), y, 120, 10, PL_LEFT, NULL,
		    "这是一段会被省略号截断的很长很长的文字");
		pl_text_fit(doc, pl_right(doc), y, 160, 10, PL_RIGHT, NULL,
		    "Right-aligned text that is far too long for its box");
		pl_text(doc, (pl_left(doc) + pl_right(doc)) / 2, y - 16, 10,
		    PL_CENTER, NULL, "居中 Centred");
		pl_set_y(doc, y - 30);
	}
	for (i = 0; i < filler; i++) {
		char h[64];

		snprintf(h, sizeof(h), "附录 %d Appendix", i + 1);
		pl_page_new(doc, PL_PORTRAIT, 1);
		pl_heading(doc, 2, h);
		while (pl_remaining(doc) > 20)
			pl_paragraph_ex(doc, S_zh_cn, 9, 0, 0, 12.5f, PL_LEFT,
			    NULL);
	}

	pl_toc_render(doc, "目录 / 目錄 / Contents", 2);
	rc = pl_doc_save(doc, path, err, errsz);
	pl_doc_free(doc);
	remove(logo);
	remove(bad);
	return rc;
}

static char *
S_slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	char *d;
	long len;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	d = malloc((size_t)len + 1);
	*n = fread(d, 1, (size_t)len, fp);
	fclose(fp);
	return d;
}

static void
test_showcase_deterministic(void **state)
{
	char err[512];
	char *a, *b;
	size_t na = 0, nb = 0;

	(void)state;
	assert_int_equal(S_build_demo(S_tmp("a.pdf"), 0, err,
	    sizeof(err)), 0);
	assert_int_equal(S_build_demo(S_tmp("b.pdf"), 0, err,
	    sizeof(err)), 0);
	a = S_slurp(S_tmp("a.pdf"), &na);
	b = S_slurp(S_tmp("b.pdf"), &nb);
	assert_non_null(a);
	assert_non_null(b);
	assert_true(na > 1000);
	assert_memory_equal(a, "%PDF-", 5);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na);
	free(a);
	free(b);
	remove(S_tmp("a.pdf"));
	remove(S_tmp("b.pdf"));
}

static void
test_errors(void **state)
{
	char err[256] = "";
	struct pl_doc *doc;
	const char *font;
	int idx;

	(void)state;
	doc = pl_doc_new("/nonexistent/font.ttf", -1, err, sizeof(err));
	assert_null(doc);
	assert_true(strstr(err, "font") != NULL);
	font = S_font(&idx);
	assert_non_null(font);
	doc = pl_doc_new(font, idx, err, sizeof(err));
	assert_non_null(doc);
	pl_page_new(doc, PL_PORTRAIT, 1);
	assert_int_equal(pl_image(doc, "/nonexistent.png", 0, 0, 10, 10, err,
	    sizeof(err)), -1);
	assert_int_equal(pl_image(doc, "/etc/hostname", 0, 0, 10, 10, err,
	    sizeof(err)), -1);
	{
		/* JPEG signature, then garbage: an error, not a crash */
		FILE *fp = fopen(S_tmp("bad.jpg"), "wb");
		assert_non_null(fp);
		fwrite("\xff\xd8\xff\xe0garbage garbage", 1, 20, fp);
		fclose(fp);
		assert_int_equal(pl_image(doc, S_tmp("bad.jpg"), 0, 0, 10, 10,
		    err, sizeof(err)), -1);
		remove(S_tmp("bad.jpg"));
	}
	/* widths: full-width CJK is 1 em, text width adds up */
	assert_true(fabsf(pl_text_width(doc, "中", 10) - 10) < 0.01f);
	assert_true(pl_text_width(doc, "iiii", 10) <
	    pl_text_width(doc, "MMMM", 10));
	assert_string_equal(pl_doc_error(doc), "");
	assert_int_equal(pl_doc_save(doc, "/nonexistent-dir/x.pdf", err,
	    sizeof(err)), -1);
	assert_true(err[0] != '\0');
	pl_doc_free(doc);
}

/* Header words are not split when other columns can give up room. */
static void
test_table_header_widths(void **state)
{
	char err[256] = "";
	struct pl_doc *doc;
	const char *font;
	int idx;
	/* weights that would leave "Customers" and "销售额占比" too narrow */
	struct pl_col cols[8] = {
		{ "Tier", 0, 1.6f, PL_LEFT },
		{ "Customers", 0, 0.5f, PL_RIGHT },
		{ "Share", 0, 0.5f, PL_RIGHT },
		{ "Score range", 0, 1.2f, PL_RIGHT },
		{ "Revenue", 0, 1.6f, PL_RIGHT },
		{ "销售额占比", 0, 0.45f, PL_RIGHT },
		{ "Gross profit", 0, 1.5f, PL_RIGHT },
		{ "Extraordinarily", 0, 0.2f, PL_RIGHT },
	};
	float one, h;
	const char *cells[1] = { "x" };

	(void)state;
	font = S_font(&idx);
	assert_non_null(font);
	doc = pl_doc_new(font, idx, err, sizeof(err));
	assert_non_null(doc);
	pl_page_new(doc, PL_PORTRAIT, 1);
	one = pl_table_measure(doc, cols, 1, 8.5f, cells, 1);
	/* every title on one line: nothing split, nothing wrapped */
	h = pl_table_measure(doc, cols, 8, 8.5f, NULL, 0);
	assert_true(fabsf(h - one) < 0.01f);
	pl_table_begin(doc, cols, 8, 8.5f, 1);
	assert_true(fabsf(pl_table_row_height(doc, cells, 1) - one) < 0.01f);
	pl_table_end(doc);
	/* headings measure as drawn */
	assert_true(pl_heading_height(doc, 3, "Short") > 10);
	assert_true(pl_heading_height(doc, 1, "Short") >
	    pl_heading_height(doc, 2, "Short"));
	assert_int_equal(pl_doc_replaced(doc), 0);
	pl_doc_free(doc);
}

static size_t
S_count_str(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle), i, c = 0;

	for (i = 0; i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			c++;
	return c;
}

/* Stamps: recorded once, placed again, moved; one form XObject each. */
static void
test_stamps(void **state)
{
	char err[256] = "";
	struct pl_doc *doc;
	const char *font;
	const struct pl_col cols[2] = { { "Item", 0, 3, PL_LEFT },
		{ "Owner", 0, 1, PL_LEFT } };
	const char *row[2] = { "Quarterly review with the dealer", "Sales" };
	size_t rep, n;
	char *pdf;
	int idx, i;

	(void)state;
	font = S_font(&idx);
	assert_non_null(font);
	doc = pl_doc_new(font, idx, err, sizeof(err));
	assert_non_null(doc);
	pl_page_new(doc, PL_PORTRAIT, 1);
	/* first time: draw (U+E000 is not in the font: one '?') */
	assert_int_equal(pl_stamp_begin(doc, "a", 1, 100, 700), 1);
	pl_fill_rect(doc, 100, 700, 50, 20, &pl_doc_palette(doc)->zebra);
	pl_text(doc, 102, 705, 9, PL_LEFT, NULL, "Stamp \xEE\x80\x80");
	/* a stamp inside a stamp is drawn into the outer one */
	assert_int_equal(pl_stamp_begin(doc, "b", 1, 0, 0), 1);
	pl_line(doc, 100, 698, 150, 698, 0.5f, &pl_doc_palette(doc)->rule);
	pl_stamp_end(doc);
	pl_stamp_end(doc);
	rep = pl_doc_replaced(doc);
	assert_int_equal(rep, 1);
	/* again, lower on the page and on the next page: placed only, and
	 * its replaced character counted again */
	assert_int_equal(pl_stamp_begin(doc, "a", 1, 100, 600), 0);
	pl_stamp_end(doc);
	assert_int_equal(pl_doc_replaced(doc), 2);
	pl_page_new(doc, PL_PORTRAIT, 1);
	assert_int_equal(pl_stamp_begin(doc, "a", 1, 120, 400), 0);
	pl_stamp_end(doc);
	/* "b" was never recorded on its own */
	assert_int_equal(pl_stamp_begin(doc, "b", 1, 0, 0), 1);
	pl_stamp_end(doc);
	/* table rows as stamps: the same row twice, then a different one */
	pl_table_begin(doc, cols, 2, 8.5f, 1);
	pl_table_stamp_rows(doc);
	for (i = 0; i < 3; i++) {
		if (i == 2)
			row[1] = "Finance";
		pl_table_row(doc, row, 2, PL_ROW_NORMAL);
	}
	pl_table_end(doc);
	assert_string_equal(pl_doc_error(doc), "");
	assert_int_equal(pl_doc_save(doc, S_tmp("st.pdf"), err,
	    sizeof(err)), 0);
	pl_doc_free(doc);
	pdf = S_slurp(S_tmp("st.pdf"), &n);
	assert_non_null(pdf);
	/* a, b, the table header, rows 1 (even), 2 (odd: zebra), 3, and the
	 * page decoration */
	assert_int_equal(S_count_str(pdf, n, "/Subtype /Form"), 7);
	free(pdf);
	remove(S_tmp("st.pdf"));

	/* an image or translucent dots cannot go into a stamp */
	doc = pl_doc_new(font, idx, err, sizeof(err));
	assert_non_null(doc);
	pl_page_new(doc, PL_PORTRAIT, 1);
	assert_int_equal(pl_stamp_begin(doc, "c", 1, 0, 0), 1);
	{
		float xy[2] = { 100, 100 };
		pl_dots(doc, xy, 1, 3, &pl_doc_palette(doc)->accent, 0.5f);
	}
	pl_stamp_end(doc);
	assert_true(strstr(pl_doc_error(doc), "stamp") != NULL);
	pl_doc_free(doc);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cjk_breaks),
		cmocka_unit_test(test_table_header_widths),
		cmocka_unit_test(test_closing_punct),
		cmocka_unit_test(test_opening_punct),
		cmocka_unit_test(test_latin_spaces),
		cmocka_unit_test(test_hard_break),
		cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_newlines_empty),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_wrap_properties),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_fixed),
		cmocka_unit_test(test_stamps),
		cmocka_unit_test(test_showcase_deterministic),
	};
	char err[512];

	if (argc == 3 && strcmp(argv[1], "--demo") == 0) {
		if (S_build_demo(argv[2], 0, err, sizeof(err)) != 0) {
			fprintf(stderr, "test_pdf_layout: %s\n", err);
			return 1;
		}
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "--bench") == 0) {
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (S_build_demo(argv[3], atoi(argv[2]), err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "test_pdf_layout: %s\n", err);
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		fprintf(stderr, "built in %.2f s\n", (double)(t1.tv_sec -
		    t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
