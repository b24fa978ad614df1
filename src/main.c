/* main.c: command line, clock, the pipeline run, temporary outputs and the exit status. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlschemastypes.h>

#include "cmd_calc.h"
#include "config.h"
#include "diag.h"
#include "encoding.h"
#include "evaluate.h"
#include "ingest.h"
#include "labels.h"
#include "model.h"
#include "policy.h"
#include "prior.h"
#include "recommend.h"
#include "render.h"
#include "util.h"
#include "verify.h"

#ifndef CV_VERSION
#define CV_VERSION "0.1.0"
#endif
#ifndef CV_DATADIR
#define CV_DATADIR "templates"
#endif
#ifndef CV_FONTFILE
#define CV_FONTFILE "build/fonts/custeval-sans.ttf"
#endif

const struct renderer renderers[] = {
	{ "xml", "report.xml", render_xml },
	{ "csv", "scores.csv", render_csv },
	{ "pdf", "report.pdf", render_pdf },
};
const size_t n_renderers = sizeof(renderers) / sizeof(renderers[0]);

static const char S_usage[] =
"usage: custeval run   [options]      evaluate customers: write report.pdf, report.xml, scores.csv, rejects.csv\n"
"       custeval check [options]      read the inputs only and print a data-quality summary\n"
"                                     (exit 2 when rows were rejected)\n"
"       custeval verify REPORT.xml [input options]\n"
"                                     check a report against its schema and the inputs' hashes\n"
"       custeval weights --method ahp|entropy|critic ...   weighting calculator (see --help)\n"
"       custeval rank --method topsis|sum ...              ranking calculator\n"
"       custeval --help | --version\n"
"\n"
"inputs (each may be a file or a quoted glob such as 'sales-2024-*.csv'):\n"
"  --sales FILE          sales lines (required, here or in the config)\n"
"  --payments FILE       payments received\n"
"  --credit FILE         credit / receivables snapshots\n"
"  --customers FILE      customer master data\n"
"  --assessments FILE    the sales team's dealer assessments\n"
"options:\n"
"  --config FILE         XML config (templates/config.xsd); defaults: templates/default-profile.xml\n"
"  --as-of YYYY-MM-DD    evaluation date (default: config, else today)\n"
"  --cycle-years N       length of the value cycle in years (default 4)\n"
"  --lang zh-CN|zh-TW|en language of reports and messages (default zh-CN)\n"
"  --out DIR             output folder (default ./out)\n"
"  --title TEXT, --client TEXT   report title and client name on the cover\n"
"  --encoding NAME       encoding of every input: auto (default), utf-8, gb18030, big5, utf-16le\n"
"  --legacy-encoding NAME  encoding for files that are not UTF-8 (default gb18030)\n"
"  --strict              stop at the first bad row (exit 2, no report)\n"
"  --prior REPORT.xml    previous period's report: adds tier migration\n"
"  --per-customer        also write DIR/customers/ID.pdf: one scorecard letter per customer\n"
"  --split-by region|rep|type  also write DIR/by-KEY/VALUE.pdf: one pack per region, rep or type\n"
"  --quiet               no progress line and no notes\n"
"  --timings             print the seconds each stage and output took to stderr\n"
"exit status: 0 ok, 1 usage error, 2 invalid config or data, 3 I/O error\n";

static const char S_usage_cn[] =
"用法：custeval run   [选项]         评估客户：生成 report.pdf、report.xml、scores.csv、rejects.csv\n"
"      custeval check [选项]         只读取输入数据并打印数据质量摘要（有被拒绝的行时退出码为 2）\n"
"      custeval verify REPORT.xml [输入选项]\n"
"                                    按模式校验报告，并核对输入文件的 SHA-256\n"
"      custeval weights --method ahp|entropy|critic ...   权重计算器（详见其 --help）\n"
"      custeval rank --method topsis|sum ...              排序计算器\n"
"      custeval --help | --version\n"
"\n"
"输入（均可为单个文件，或加引号的通配符，如 'sales-2024-*.csv'）：\n"
"  --sales FILE          销售明细（必需，可在此给出或写在配置文件中）\n"
"  --payments FILE       回款记录\n"
"  --credit FILE         信用 / 应收账款快照\n"
"  --customers FILE      客户主数据\n"
"  --assessments FILE    销售团队对经销商的评估\n"
"选项：\n"
"  --config FILE         XML 配置文件（templates/config.xsd）；默认值见 templates/default-profile.xml\n"
"  --as-of YYYY-MM-DD    评估日期（默认取配置文件中的日期，否则为今天）\n"
"  --cycle-years N       价值周期的年数（默认 4）\n"
"  --lang zh-CN|zh-TW|en 报告与提示信息的语言（默认 zh-CN）\n"
"  --out DIR             输出目录（默认 ./out）\n"
"  --title TEXT, --client TEXT   封面上的报告标题与委托单位\n"
"  --encoding NAME       所有输入文件的编码：auto（默认）、utf-8、gb18030、big5、utf-16le\n"
"  --legacy-encoding NAME  非 UTF-8 文件按此编码读取（默认 gb18030）\n"
"  --strict              遇到第一行错误数据即停止（退出码 2，不生成报告）\n"
"  --prior REPORT.xml    上期报告：增加等级变动分析\n"
"  --per-customer        另为每个客户生成 DIR/customers/编码.pdf 评估通知函\n"
"  --split-by region|rep|type  另按区域、业务员或客户类型各生成一份报告 DIR/by-KEY/取值.pdf\n"
"  --quiet               不显示进度与提示\n"
"  --timings             在标准错误输出各阶段及各输出文件耗时\n"
"退出码：0 成功，1 命令行用法错误，2 配置或数据无效，3 读写错误\n";

static const char S_usage_tw[] =
"用法：custeval run   [選項]         評估客戶：產生 report.pdf、report.xml、scores.csv、rejects.csv\n"
"      custeval check [選項]         只讀取輸入資料並列印資料品質摘要（有被拒絕的列時結束碼為 2）\n"
"      custeval verify REPORT.xml [輸入選項]\n"
"                                    依綱要檢驗報告，並核對輸入檔的 SHA-256\n"
"      custeval weights --method ahp|entropy|critic ...   權重計算器（詳見其 --help）\n"
"      custeval rank --method topsis|sum ...              排序計算器\n"
"      custeval --help | --version\n"
"\n"
"輸入（皆可為單一檔案，或加引號的萬用字元，如 'sales-2024-*.csv'）：\n"
"  --sales FILE          銷售明細（必要，可在此給出或寫在設定檔中）\n"
"  --payments FILE       收款紀錄\n"
"  --credit FILE         信用 / 應收帳款快照\n"
"  --customers FILE      客戶主檔\n"
"  --assessments FILE    業務團隊對經銷商的評估\n"
"選項：\n"
"  --config FILE         XML 設定檔（templates/config.xsd）；預設值見 templates/default-profile.xml\n"
"  --as-of YYYY-MM-DD    評估日期（預設取設定檔中的日期，否則為今天）\n"
"  --cycle-years N       價值週期的年數（預設 4）\n"
"  --lang zh-CN|zh-TW|en 報告與提示訊息的語言（預設 zh-CN）\n"
"  --out DIR             輸出資料夾（預設 ./out）\n"
"  --title TEXT, --client TEXT   封面上的報告標題與委託單位\n"
"  --encoding NAME       所有輸入檔的編碼：auto（預設）、utf-8、gb18030、big5、utf-16le\n"
"  --legacy-encoding NAME  非 UTF-8 檔案依此編碼讀取（預設 gb18030）\n"
"  --strict              遇到第一列錯誤資料即停止（結束碼 2，不產生報告）\n"
"  --prior REPORT.xml    上期報告：增加等級變動分析\n"
"  --per-customer        另為每位客戶產生 DIR/customers/編碼.pdf 評估通知函\n"
"  --split-by region|rep|type  另依區域、業務員或客戶類型各產生一份報告 DIR/by-KEY/值.pdf\n"
"  --quiet               不顯示進度與提示\n"
"  --timings             在標準錯誤輸出各階段及各輸出檔案耗時\n"
"結束碼：0 成功，1 命令列用法錯誤，2 設定或資料無效，3 讀寫錯誤\n";

/* --help in the language --lang names; English when none is given. */
static const char *
S_usage_for(int argc, char **argv)
{
	int i, lang = LANG_EN;

	for (i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "--lang") == 0 &&
		    diag_lang_parse(argv[i + 1]) >= 0)
			lang = diag_lang_parse(argv[i + 1]);
	return lang == LANG_ZH_CN ? S_usage_cn : lang == LANG_ZH_TW ?
	    S_usage_tw : S_usage;
}

struct opts {
	const char *cmd;
	const char *config;
	const char *inputs[IN__COUNT];
	const char *as_of, *lang, *out, *title, *client, *encoding, *legacy;
	const char *prior, *report, *split_by;
	int cycle_years;
	int strict, quiet, per_customer, timings;
};

/* Outputs are written under temporary names and renamed at the end. */
struct outs {
	char **tmp, **final;
	size_t n, cap;
};

static struct diag *S_diag;
static int S_quiet;
static int S_progress_shown;	/* a "\r...%" line is on the terminal */

static void
S_oom(void)
{
	fputs("custeval: error: out of memory\n", stderr);
	exit(CV_EXIT_IO);
}

static void
S_sink(const struct diag_msg *m, void *ctx)
{
	char line[4096];
	struct diag *d = ctx;

	if (S_quiet && m->sev == DIAG_NOTE)
		return;
	diag_format(m, d->lang, line, sizeof(line));
	if (S_progress_shown) {
		fputc('\n', stderr);
		S_progress_shown = 0;
	}
	fprintf(stderr, "%s\n", line);
}

static void
S_progress(const char *path, uint64_t done, uint64_t total, void *ctx)
{
	(void)ctx;
	if (total == 0)
		return;
	fprintf(stderr, "\rcusteval: %s: %3d%%", path,
	    (int)(100.0 * (double)done / (double)total));
	S_progress_shown = 1;
	if (done >= total) {
		fputc('\n', stderr);
		S_progress_shown = 0;
	}
	fflush(stderr);
}

static const char *
S_datadir(void)
{
	const char *e = getenv("CUSTEVAL_DATADIR");

	return e != NULL && e[0] != '\0' ? e : CV_DATADIR;
}

static char *
S_path(const char *dir, const char *name)
{
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "%s/%s", dir, name);
	return b.data;
}

/* Replace "{lang}" in a template path. */
static char *
S_expand_lang(const char *p, enum diag_lang lang)
{
	const char *at = strstr(p, "{lang}");
	struct buf b;

	buf_init(&b);
	if (at == NULL) {
		buf_puts(&b, p);
		return b.data;
	}
	buf_add(&b, p, (size_t)(at - p));
	buf_puts(&b, diag_lang_code(lang));
	buf_puts(&b, at + 6);
	return b.data;
}

/* A template named without a folder lives in the templates folder. */
static char *
S_template(const char *name, enum diag_lang lang)
{
	char *p = S_expand_lang(name, lang), *q;

	if (strchr(p, '/') != NULL)
		return p;
	q = S_path(S_datadir(), p);
	free(p);
	return q;
}

/* Options that take a value (all others are flags or unknown). */
static int
S_takes_value(const char *a)
{
	static const char *const names[] = { "--sales", "--payments",
	    "--credit", "--customers", "--assessments", "--config", "--as-of",
	    "--lang", "--out", "--title", "--client", "--encoding",
	    "--legacy-encoding", "--prior", "--cycle-years", "--split-by" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(a, names[i]) == 0)
			return 1;
	return 0;
}

static int
S_parse(int argc, char **argv, struct opts *o, struct diag *d)
{
	static const struct {
		const char *name;
		int kind;
	} in_flags[] = {
		{ "--sales", IN_SALES }, { "--payments", IN_PAYMENTS },
		{ "--credit", IN_CREDIT }, { "--customers", IN_CUSTOMERS },
		{ "--assessments", IN_ASSESSMENTS },
	};
	int i;
	size_t k;

	for (i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int takes = 1;

		if (strcmp(a, "--strict") == 0) {
			o->strict = 1;
			continue;
		}
		if (strcmp(a, "--quiet") == 0) {
			o->quiet = 1;
			continue;
		}
		if (strcmp(a, "--per-customer") == 0) {
			o->per_customer = 1;
			continue;
		}
		if (strcmp(a, "--timings") == 0) {
			o->timings = 1;
			continue;
		}
		if (a[0] != '-' && o->report == NULL &&
		    strcmp(o->cmd, "verify") == 0) {
			o->report = a;
			continue;
		}
		if (v == NULL && strncmp(a, "--", 2) == 0) {
			diag_add(d, S_takes_value(a) ? D_OPTION_ARG :
			    D_UNKNOWN_OPTION, NULL, 0L, 0L, a);
			return -1;
		}
		for (k = 0; k < sizeof(in_flags) / sizeof(in_flags[0]); k++)
			if (strcmp(a, in_flags[k].name) == 0)
				break;
		if (k < sizeof(in_flags) / sizeof(in_flags[0]))
			o->inputs[in_flags[k].kind] = v;
		else if (strcmp(a, "--config") == 0)
			o->config = v;
		else if (strcmp(a, "--as-of") == 0)
			o->as_of = v;
		else if (strcmp(a, "--lang") == 0)
			o->lang = v;
		else if (strcmp(a, "--out") == 0)
			o->out = v;
		else if (strcmp(a, "--title") == 0)
			o->title = v;
		else if (strcmp(a, "--client") == 0)
			o->client = v;
		else if (strcmp(a, "--encoding") == 0)
			o->encoding = v;
		else if (strcmp(a, "--legacy-encoding") == 0)
			o->legacy = v;
		else if (strcmp(a, "--prior") == 0)
			o->prior = v;
		else if (strcmp(a, "--cycle-years") == 0) {
			char *end;
			long y = strtol(v, &end, 10);
			if (*v == '\0' || *end != '\0' || y < 1 || y > 10) {
				diag_add(d, D_BAD_CYCLE, NULL, 0L, 0L, v);
				return -1;
			}
			o->cycle_years = (int)y;
		}
		else if (strcmp(a, "--split-by") == 0) {
			if (strcmp(v, "region") != 0 && strcmp(v, "rep") != 0 &&
			    strcmp(v, "type") != 0) {
				diag_add(d, D_USAGE, NULL, 0L, 0L,
				    "--split-by takes region, rep or type");
				return -1;
			}
			o->split_by = v;
		}
		else {
			diag_add(d, D_UNKNOWN_OPTION, NULL, 0L, 0L, a);
			return -1;
		}
		i += takes;
	}
	return 0;
}

/* Build the config: default profile, user config, then flags. */
static int
S_config(struct config *cfg, const struct opts *o, struct diag *d)
{
	char *xsd = S_path(S_datadir(), "config.xsd");
	char *def = S_path(S_datadir(), "default-profile.xml");
	int rc = -1, k;

	config_init(cfg);
	if (config_load(cfg, def, xsd, d) != 0)
		goto out;
	/* The default profile names files relative to templates/; a run
	 * without a user config reads templates from there too. */
	if (o->config != NULL) {
		cfg->source = cv_strdup(o->config);
		if (config_load(cfg, o->config, xsd, d) != 0)
			goto out;
	}
	for (k = 0; k < IN__COUNT; k++)
		if (o->inputs[k] != NULL)
			config_set_input(cfg, (enum input_kind)k, o->inputs[k]);
	if (o->as_of != NULL && cv_date_parse_iso(o->as_of, &cfg->as_of) != 0) {
		diag_add(d, D_BAD_DATE_OPTION, NULL, 0L, 0L, o->as_of);
		goto out;
	}
	if (o->lang != NULL)
		cfg->lang = (enum diag_lang)diag_lang_parse(o->lang);
	if (o->out != NULL) {
		free(cfg->out_dir);
		cfg->out_dir = cv_strdup(o->out);
	}
	if (o->title != NULL) {
		free(cfg->title);
		cfg->title = cv_strdup(o->title);
	}
	if (o->client != NULL) {
		free(cfg->client);
		cfg->client = cv_strdup(o->client);
	}
	if (o->encoding != NULL)
		for (k = 0; k < IN__COUNT; k++) {
			free(cfg->in[k].encoding);
			cfg->in[k].encoding = cv_strdup(o->encoding);
		}
	if (o->legacy != NULL) {
		free(cfg->legacy_encoding);
		cfg->legacy_encoding = cv_strdup(o->legacy);
	}
	if (o->cycle_years > 0)
		cfg->cycle_years = o->cycle_years;
	if (o->strict)
		cfg->strict = 1;
	if (cfg->in[IN_SALES].n_paths == 0) {
		diag_add(d, D_NO_SALES, NULL, 0L, 0L);
		goto out;
	}
	for (k = 0; k < IN__COUNT; k++) {
		const char *e = cfg->in[k].encoding;
		if (e != NULL && strcmp(e, "auto") != 0 && enc_detect_name(e) < 0) {
			diag_add(d, D_ENCODING_UNKNOWN, NULL, 0L, 0L, e);
			goto out;
		}
	}
	k = enc_detect_name(cfg->legacy_encoding);
	if (k < 0 || !enc_kind_is_legacy((enum enc_kind)k)) {
		diag_add(d, o->legacy != NULL ? D_BAD_LEGACY : D_ENCODING_UNKNOWN,
		    NULL, 0L, 0L, cfg->legacy_encoding);
		goto out;
	}
	if (config_finish(cfg, d) != 0)
		goto out;
	rc = 0;
out:
	free(xsd);
	free(def);
	return rc;
}

static int
S_mkdirs(const char *dir, struct diag *d)
{
	char tmp[4096];
	size_t i, n = strlen(dir);

	if (n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	memcpy(tmp, dir, n);
	tmp[n] = '\0';
	for (i = 1; i <= n; i++)
		if (tmp[i] == '/' || tmp[i] == '\0') {
			char c = tmp[i];
			tmp[i] = '\0';
			if (mkdir(tmp, 0777) != 0 && errno != EEXIST) {
				diag_add(d, D_MKDIR_FAILED, NULL, 0L, 0L, tmp,
				    strerror(errno));
				return -1;
			}
			tmp[i] = c;
		}
	return 0;
}

/* Add an output; returns its temporary path. */
static const char *
S_out_add(struct outs *o, const char *dir, const char *name)
{
	struct buf b;

	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 16;
		o->tmp = cv_realloc(o->tmp, o->cap * sizeof(char *));
		o->final = cv_realloc(o->final, o->cap * sizeof(char *));
	}
	o->final[o->n] = S_path(dir, name);
	buf_init(&b);
	buf_printf(&b, "%s/.%s.tmp", dir, name);
	o->tmp[o->n] = b.data;
	return o->tmp[o->n++];
}

static void
S_out_free(struct outs *o, int unlink_tmp)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		if (unlink_tmp)
			unlink(o->tmp[i]);
		free(o->tmp[i]);
		free(o->final[i]);
	}
	free(o->tmp);
	free(o->final);
	memset(o, 0, sizeof(*o));
}

/*
 * A value as a file name: '/' and '\\' and a leading '.' replaced, cut to
 * 150 bytes at a character boundary.  When the name had to change (or the
 * value is empty) a short hash of the value is appended, so two different
 * values never share a file: "a/b" -> "a_b-1f3c9d2e.pdf", "a_b" -> "a_b.pdf".
 */
static void
S_file_name(const char *v, const char *ext, char *out, size_t n)
{
	size_t i, o = 0, len = strlen(v);
	int changed = len == 0;

	for (i = 0; i < len && o < 150 && o + 32 < n; i++) {
		int bad = v[i] == '/' || v[i] == '\\' || (o == 0 && v[i] == '.');
		out[o++] = bad ? '_' : v[i];
		changed |= bad;
	}
	if (i < len) {
		changed = 1;
		while (o > 0 && ((unsigned char)out[o] & 0xC0) == 0x80)
			o--;	/* do not cut a UTF-8 character */
		if (o > 0 && (unsigned char)v[o] >= 0x80 &&
		    ((unsigned char)v[o] & 0xC0) == 0x80)
			o--;
	}
	if (o == 0)
		o = (size_t)snprintf(out, n, "unassigned");
	if (changed)
		o += (size_t)snprintf(out + o, n - o, "-%08x",
		    (unsigned)(cv_hash(v, len) & 0xffffffffu));
	snprintf(out + o, n - o, "%s", ext);
}

static const char *
S_split_value(const struct eval_customer *e, const char *by)
{
	if (strcmp(by, "region") == 0)
		return e->c->region;
	if (strcmp(by, "rep") == 0)
		return e->c->rep;
	return cust_type_key(e->c->type);
}

static const struct evaluation *S_split_ev;
static const char *S_split_by;

static int
S_cmp_split(const void *a, const void *b)
{
	const struct eval_customer *x = &S_split_ev->ec[*(const size_t *)a];
	const struct eval_customer *y = &S_split_ev->ec[*(const size_t *)b];
	int c = strcmp(S_split_value(x, S_split_by), S_split_value(y, S_split_by));

	return c != 0 ? c : strcmp(x->c->id, y->c->id);
}

/* One pack per region, rep or type: DIR/by-KEY/VALUE.pdf. */
static int
S_split(struct report *rep, const struct evaluation *ev, const char *by,
    const char *out_dir, struct outs *outs, int progress, struct diag *d)
{
	size_t *idx = cv_malloc((ev->n ? ev->n : 1) * sizeof(size_t));
	size_t i, start, done = 0;
	char name[512];
	char *sub;
	struct buf b;
	int rc = 0;

	buf_init(&b);
	buf_printf(&b, "%s/by-%s", out_dir, by);
	sub = b.data;
	if (S_mkdirs(sub, d) != 0) {
		free(idx);
		free(sub);
		return -1;
	}
	for (i = 0; i < ev->n; i++)
		idx[i] = i;
	S_split_ev = ev;
	S_split_by = by;
	qsort(idx, ev->n, sizeof(size_t), S_cmp_split);
	for (start = 0; start < ev->n && rc == 0; start = i) {
		const char *v = S_split_value(&ev->ec[idx[start]], by);
		for (i = start; i < ev->n &&
		    strcmp(S_split_value(&ev->ec[idx[i]], by), v) == 0; i++)
			;
		rep->subset = idx + start;
		rep->n_subset = i - start;
		rep->subset_label = strcmp(by, "type") == 0 ?
		    label2(rep->labels, "type.", v) : v[0] ? v :
		    label(rep->labels, "word.none");
		S_file_name(v[0] ? v : "", ".pdf", name, sizeof(name));
		rc = render_pdf(rep, S_out_add(outs, sub, name), d);
		done++;
		if (progress)
			fprintf(stderr, "\rcusteval: %s packs: %zu", by, done);
	}
	if (progress)
		fputc('\n', stderr);
	rep->subset = NULL;
	rep->n_subset = 0;
	rep->subset_label = NULL;
	free(idx);
	free(sub);
	return rc;
}

/* One scorecard letter per customer: DIR/customers/ID.pdf. */
static int
S_per_customer(struct report *rep, const struct evaluation *ev,
    const char *out_dir, struct outs *outs, int progress, struct diag *d)
{
	char name[512];
	char *sub = S_path(out_dir, "customers");
	size_t i;

	if (S_mkdirs(sub, d) != 0) {
		free(sub);
		return -1;
	}
	for (i = 0; i < ev->n; i++) {
		S_file_name(ev->ec[i].c->id, ".pdf", name, sizeof(name));
		if (render_pdf_scorecard(rep, i, S_out_add(outs, sub, name), d)
		    != 0) {
			free(sub);
			return -1;
		}
		if (progress && (i % 50 == 0 || i + 1 == ev->n))
			fprintf(stderr, "\rcusteval: customer scorecards: "
			    "%zu/%zu", i + 1, ev->n);
	}
	if (progress)
		fputc('\n', stderr);
	free(sub);
	return 0;
}

static int
S_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Rename every temporary output to its final name.  Files being replaced
 * are first moved aside; if any rename fails, the new files are taken
 * back and the old ones restored, so the folder holds one run's outputs.
 */
static int
S_publish(struct outs *o, const char *rej_tmp, const char *rej_final,
    struct diag *d)
{
	size_t i, j, n = o->n + 1;
	char **tmp = cv_malloc(n * sizeof(char *));
	char **fin = cv_malloc(n * sizeof(char *));
	char **bak = cv_calloc(n, sizeof(char *));
	int rc = 0;

	for (i = 0; i < o->n; i++) {
		tmp[i] = o->tmp[i];
		fin[i] = o->final[i];
	}
	tmp[o->n] = (char *)(uintptr_t)rej_tmp;
	fin[o->n] = (char *)(uintptr_t)rej_final;
	/* A folder in the way cannot be replaced by a file, and two outputs
	 * may not share a name: stop before anything changes. */
	for (i = 0; i < n; i++) {
		struct stat sb;
		if (lstat(fin[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
			diag_add(d, D_PUBLISH_ROLLBACK, fin[i], 0L, 0L, fin[i]);
			rc = -1;
			goto out;
		}
	}
	{
		char **sorted = cv_malloc(n * sizeof(char *));
		memcpy(sorted, fin, n * sizeof(char *));
		qsort(sorted, n, sizeof(char *), S_cmp_str);
		for (j = 1; j < n && rc == 0; j++)
			if (strcmp(sorted[j], sorted[j - 1]) == 0) {
				diag_add(d, D_PUBLISH_ROLLBACK, sorted[j], 0L,
				    0L, sorted[j]);
				rc = -1;
			}
		free(sorted);
		if (rc != 0)
			goto out;
	}
	for (i = 0; i < n; i++) {
		struct stat sb;
		if (lstat(fin[i], &sb) == 0) {
			struct buf b;
			buf_init(&b);
			buf_printf(&b, "%s.%zu.old", tmp[i], i);
			bak[i] = b.data;
			if (rename(fin[i], bak[i]) != 0) {
				free(bak[i]);
				bak[i] = NULL;
				break;
			}
		}
		if (rename(tmp[i], fin[i]) != 0) {
			if (bak[i] != NULL)
				rename(bak[i], fin[i]);
			break;
		}
	}
	if (i < n) {
		/* Output i could not be replaced: undo outputs 0 .. i-1. */
		rc = -1;
		diag_add(d, D_PUBLISH_ROLLBACK, fin[i], 0L, 0L, fin[i]);
		for (j = 0; j < i; j++) {
			rename(fin[j], tmp[j]);
			if (bak[j] != NULL)
				rename(bak[j], fin[j]);
		}
	} else
		for (j = 0; j < n; j++)
			if (bak[j] != NULL)
				unlink(bak[j]);
out:
	for (j = 0; j < n; j++)
		free(bak[j]);
	free(bak);
	free(tmp);
	free(fin);
	return rc;
}

/* One renderer run on its own thread. */
struct S_job {
	const struct renderer *rd;
	const struct report *rep;
	const char *path;
	struct diag *d;
	int rc;
	double seconds;		/* wall-clock time of this renderer */
};

static double S_now(void);

/* The renderers still to start, shared by the two threads. */
struct S_jobs {
	pthread_mutex_t mu;
	struct S_job *job;
	const size_t *order;	/* indexes into job, longest first */
	size_t n, next;
};

static void *
S_jobs_run(void *arg)
{
	struct S_jobs *q = arg;
	struct S_job *j;
	double t;

	for (;;) {
		pthread_mutex_lock(&q->mu);
		j = q->next < q->n ? &q->job[q->order[q->next++]] : NULL;
		pthread_mutex_unlock(&q->mu);
		if (j == NULL)
			return NULL;
		t = S_now();
		j->rc = j->rd->render(j->rep, j->path, j->d);
		j->seconds = S_now() - t;
	}
}

/*
 * Render every output.  They only read the evaluation, so two threads
 * take them in turn, the longest first (the PDF pack, then the XML
 * archive), and the files are the same as when run one after another.
 */
static int
S_render_all(const struct report *rep, struct outs *outs, const char *dir,
    int timings, struct diag *d)
{
	static const char *const first[] = { "pdf", "xml" };	/* longest */
	struct S_job job[8];
	size_t order[8], n = 0, k;
	struct S_jobs q;
	pthread_t tid;
	int threaded, rc = 0;
	size_t i;

	for (k = 0; k <= 2; k++)
		for (i = 0; i < n_renderers && i < 8; i++) {
			int named = strcmp(renderers[i].name, "pdf") == 0 ||
			    strcmp(renderers[i].name, "xml") == 0;
			if (k < 2 ? strcmp(renderers[i].name, first[k]) == 0 :
			    !named)
				order[n++] = i;
		}
	for (i = 0; i < n_renderers && i < 8; i++) {
		job[i].rd = &renderers[i];
		job[i].rep = rep;
		job[i].path = S_out_add(outs, dir, renderers[i].filename);
		job[i].d = d;
		job[i].rc = 0;
		job[i].seconds = 0;
	}
	pthread_mutex_init(&q.mu, NULL);
	q.job = job;
	q.order = order;
	q.n = n;
	q.next = 0;
	threaded = pthread_create(&tid, NULL, S_jobs_run, &q) == 0;
	S_jobs_run(&q);
	if (threaded)
		pthread_join(tid, NULL);
	pthread_mutex_destroy(&q.mu);
	for (i = 0; i < q.n; i++) {
		if (job[i].rc != 0)
			rc = -1;
		if (timings)
			fprintf(stderr, "custeval: timing:   %-10s %8.3f s\n",
			    renderers[i].filename, job[i].seconds);
	}
	return rc;
}

/* --timings: wall-clock seconds per stage (main is the only clock reader). */
static double S_t0;

static double
S_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Peak resident memory so far in MiB (Linux), or -1. */
static long
S_peak_mib(void)
{
	FILE *fp = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(fp);
	return kb < 0 ? -1 : kb / 1024;
}

static void
S_lap(const struct opts *o, const char *stage)
{
	double t = S_now();

	if (o->timings)
		fprintf(stderr, "custeval: timing: %-12s %8.3f s  peak %ld MiB\n",
		    stage, t - S_t0, S_peak_mib());
	S_t0 = t;
}

static int
S_exit(struct diag *d)
{
	return d->worst_exit;
}

static void
S_print_check(const struct model *m, const struct labels *L)
{
	size_t i;
	char b1[40], b2[40], d1[16], d2[16];

	printf("%s | %s | %s | %s | %s | %s | %s\n", label(L, "col.kind"),
	    label(L, "col.file"), label(L, "col.rows-read"),
	    label(L, "col.rows-accepted"), label(L, "col.rows-rejected"),
	    label(L, "col.rows-outside"), label(L, "col.encoding"));
	for (i = 0; i < m->n_inputs; i++) {
		const struct input_stats *in = &m->inputs[i];
		printf("%s | %s | %llu | %llu | %llu | %llu | %s\n",
		    label2(L, "kind.", in->kind), in->path,
		    (unsigned long long)in->rows_read,
		    (unsigned long long)in->rows_accepted,
		    (unsigned long long)in->rows_rejected,
		    (unsigned long long)in->rows_outside, in->encoding);
		if (in->date_min == CV_DATE_NONE)
			continue;
		printf("    %s %s .. %s", label(L, "col.date-range"),
		    cv_date_str(in->date_min, d1), cv_date_str(in->date_max, d2));
		/* inputs with a money column: sales, payments, credit */
		if (strcmp(in->kind, "customers") != 0 &&
		    strcmp(in->kind, "assessments") != 0)
			printf(", %s %s", label(L, "col.amount"),
			    cv_money_group(in->amount_total, b1));
		putchar('\n');
	}
	if (m->n_reasons > 0) {
		printf("\n%s\n", label(L, "check.rejects"));
		for (i = 0; i < m->n_reasons; i++) {
			const char *eg = label(L, "check.example");
			int several = m->reasons[i].count > 1;
			/* grouped rows show the first one's text as an example */
			printf("  %s  %llu  (%s%s%s)\n",
			    label2(L, "kind.", m->reasons[i].kind),
			    (unsigned long long)m->reasons[i].count,
			    several ? eg : "", several &&
			    (unsigned char)eg[strlen(eg) - 1] < 0x80 ? " " : "",
			    m->reasons[i].text);
		}
	}
	printf("\n%s: %zu\n", label(L, "check.customers"), m->n_cust);
	printf("%s: %s\n", label(L, "check.revenue"),
	    cv_money_group(m->revenue_total, b1));
	printf("%s: %s\n", label(L, "check.cost"),
	    cv_money_group(m->cost_total, b2));
	printf("%s: %s\n", label(L, "check.payments"),
	    cv_money_group(m->payments_total, b1));
	printf("%s: %s\n", label(L, "check.revenue-window"),
	    cv_money_group(m->revenue_in_window, b2));
}

/*
 * The previous period's report is read on a thread of its own while the
 * inputs are read (it does not depend on them, and the ingest leaves the
 * second core mostly idle): for 100,000 customers that is 2 s saved.
 * Its messages are kept apart and added where the run uses it.
 */
struct prior_job {
	pthread_t tid;
	int live;
	atomic_int cancel;	/* the run failed: stop reading */
	const char *path, *xsd;
	struct diag d;
	struct prior *p;
};

static void *
S_prior_thread(void *arg)
{
	struct prior_job *j = arg;

	j->p = prior_load(j->path, j->xsd, &j->cancel, &j->d);
	return NULL;
}

/* The report, as prior_load gives it (NULL: failed, messages in d). */
static struct prior *
S_prior_join(struct prior_job *j, struct diag *d)
{
	struct prior *p;

	if (j->live)
		pthread_join(j->tid, NULL);
	else
		j->p = prior_load(j->path, j->xsd, NULL, &j->d);
	j->live = 0;
	diag_append(d, &j->d);
	p = j->p;
	j->p = NULL;
	return p;
}

static int
S_run(const struct opts *o, struct diag *d, int check_only)
{
	struct config cfg;
	struct model m;
	struct evaluation ev;
	struct ingest_opts io;
	struct recommend rec;
	struct pol_library *pol = NULL;
	struct labels *labels = NULL;
	struct prior *prior = NULL;
	struct prior_job pj;
	struct report rep;
	struct outs outs;
	char *rej_tmp = NULL, *rej_final = NULL;
	char *xsd_report = NULL, *lab_path = NULL, *pol_path = NULL,
	    *pol_xsd = NULL, *font = NULL, *tpl_path = NULL;
	char cfg_sha[65] = "";
	FILE *rejects = NULL;
	size_t i;
	int ok = 0, have_eval = 0, progress = !o->quiet && isatty(2);

	memset(&m, 0, sizeof(m));
	memset(&pj, 0, sizeof(pj));
	memset(&outs, 0, sizeof(outs));
	memset(&rec, 0, sizeof(rec));
	if (S_config(&cfg, o, d) != 0) {
		config_free(&cfg);
		return S_exit(d) ? S_exit(d) : CV_EXIT_DATA;
	}
	d->lang = cfg.lang;
	if (cfg.as_of == CV_DATE_NONE) {
		/* The only clock read in the program. */
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		cfg.as_of = cv_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1,
		    tm.tm_mday);
	}
	if (o->config != NULL)
		cv_sha256_file(o->config, cfg_sha);
	model_init(&m, cfg.as_of, cfg.cycle_years);

	if (!check_only) {
		if (S_mkdirs(cfg.out_dir, d) != 0)
			goto done;
		rej_final = S_path(cfg.out_dir, "rejects.csv");
		rej_tmp = S_path(cfg.out_dir, ".rejects.csv.tmp");
		if ((rejects = fopen(rej_tmp, "wb")) == NULL) {
			diag_add(d, D_WRITE_FAILED, rej_tmp, 0L, 0L, rej_tmp);
			goto done;
		}
	}
	memset(&io, 0, sizeof(io));
	io.cfg = &cfg;
	io.rejects = rejects;
	io.max_messages = 10;
	if (progress)
		io.progress = S_progress;
	xsd_report = S_path(S_datadir(), "report.xsd");
	pj.path = o->prior;
	pj.xsd = xsd_report;
	diag_init(&pj.d, cfg.lang);
	if (o->prior != NULL && !check_only) {
		/* libxml2 2.9's schema types are set up without a lock:
		 * here, before a second thread can need them. */
		xmlInitParser();
		xmlSchemaInitTypes();
		pj.live = pthread_create(&pj.tid, NULL, S_prior_thread,
		    &pj) == 0;
	}
	S_t0 = S_now();
	if (ingest_all(&m, &io, d) != 0)
		goto done;
	S_lap(o, "ingest");
	if (check_only) {
		lab_path = S_path(S_datadir(), "labels.xml");
		if ((labels = labels_load(lab_path, cfg.lang, d)) == NULL)
			goto done;
		S_print_check(&m, labels);
		ok = 1;
		for (i = 0; i < m.n_inputs; i++)
			if (m.inputs[i].rows_rejected > 0)
				ok = 0;
		if (!ok && d->worst_exit == 0)
			d->worst_exit = CV_EXIT_DATA;
		ok = 1;
		goto done;
	}
	lab_path = S_path(S_datadir(), "labels.xml");
	if ((labels = labels_load(lab_path, cfg.lang, d)) == NULL)
		goto done;
	if (evaluate(&ev, &m, &cfg, labels, d) != 0)
		goto done;
	have_eval = 1;
	S_lap(o, "evaluate");

	pol_path = S_template(cfg.policies[0] ? cfg.policies :
	    "policies-{lang}.xml", cfg.lang);
	tpl_path = S_template(cfg.report_template[0] ? cfg.report_template :
	    "report-{lang}.xml", cfg.lang);
	pol_xsd = S_path(S_datadir(), "policies.xsd");
	if ((pol = pol_load(pol_path, pol_xsd, d)) == NULL)
		goto done;
	recommend_init(&rec, pol, &ev);
	if (o->prior != NULL) {
		int32_t pd;
		char b1[16];
		if ((prior = S_prior_join(&pj, d)) == NULL)
			goto done;
		if (cv_date_parse_iso(prior->as_of, &pd) == 0) {
			if (pd > m.as_of) {
				diag_add(d, D_PRIOR_NEWER, o->prior, 0L, 0L,
				    prior->as_of, cv_date_str(m.as_of, b1));
				goto done;
			}
			if (pd == m.as_of)
				diag_add(d, D_PRIOR_SAME, o->prior, 0L, 0L,
				    prior->as_of);
		}
		prior_migrate(prior, &ev);
	}

	font = cv_strdup(getenv("CUSTEVAL_FONT") != NULL ?
	    getenv("CUSTEVAL_FONT") : CV_FONTFILE);
	memset(&rep, 0, sizeof(rep));
	rep.cfg = &cfg;
	rep.m = &m;
	rep.ev = &ev;
	rep.rec = &rec;
	rep.pol = pol;
	rep.labels = labels;
	rep.prior = prior;
	rep.version = CV_VERSION;
	rep.font_path = font;
	rep.template_path = tpl_path;
	rep.datadir = S_datadir();
	rep.font_index = -1;
	rep.config_sha256 = cfg_sha;

	S_lap(o, "policies");
	if (S_render_all(&rep, &outs, cfg.out_dir, o->timings, d) != 0)
		goto done;
	S_lap(o, "render");
	if (o->split_by != NULL && S_split(&rep, &ev, o->split_by,
	    cfg.out_dir, &outs, progress, d) != 0)
		goto done;
	if (o->per_customer && S_per_customer(&rep, &ev, cfg.out_dir, &outs,
	    progress, d) != 0)
		goto done;
	if (rejects != NULL) {
		if (ferror(rejects) | (fclose(rejects) != 0)) {
			rejects = NULL;
			diag_add(d, D_WRITE_FAILED, rej_tmp, 0L, 0L, rej_tmp);
			goto done;
		}
		rejects = NULL;
	}
	/* Everything rendered: publish all files, or none. */
	if (S_publish(&outs, rej_tmp, rej_final, d) != 0)
		goto done;
	for (i = 0; i < n_renderers && i < outs.n; i++)
		printf("%s\n", outs.final[i]);
	printf("%s\n", rej_final);
	if (outs.n > n_renderers)
		printf("%s/ (%zu more PDF files)\n", cfg.out_dir,
		    outs.n - n_renderers);
	ok = 1;
done:
	if (pj.live) {
		/* The run stopped before it used the prior. */
		pj.cancel = 1;
		pthread_join(pj.tid, NULL);
		prior_free(pj.p);
	}
	diag_free(&pj.d);
	if (rejects != NULL)
		fclose(rejects);
	if (!ok) {
		if (rej_tmp != NULL)
			unlink(rej_tmp);
		if (!check_only)
			diag_add(d, D_NO_REPORT, NULL, 0L, 0L);
	}
	S_out_free(&outs, !ok);
	free(rej_tmp);
	free(rej_final);
	free(xsd_report);
	free(lab_path);
	free(pol_path);
	free(pol_xsd);
	free(tpl_path);
	free(font);
	prior_free(prior);
	recommend_free(&rec);
	pol_free(pol);
	labels_free(labels);
	if (have_eval)
		evaluation_free(&ev);
	model_free(&m);
	config_free(&cfg);
	if (!ok && d->worst_exit == 0)
		return CV_EXIT_DATA;
	return S_exit(d);
}

static int
S_verify(const struct opts *o, struct diag *d)
{
	char *xsd = S_path(S_datadir(), "report.xsd");
	int rc;

	if (o->report == NULL) {
		diag_add(d, D_USAGE, NULL, 0L, 0L,
		    "usage: custeval verify REPORT.xml [--sales FILE ...]");
		free(xsd);
		return CV_EXIT_USAGE;
	}
	rc = verify_report(o->report, xsd, o->inputs, d);
	free(xsd);
	return rc;
}

int
main(int argc, char **argv)
{
	struct diag d;
	struct opts o;
	int rc, lang;

	cv_set_oom_handler(S_oom);
	diag_init(&d, LANG_ZH_CN);	/* the documented default */
	d.sink = S_sink;
	d.sink_ctx = &d;
	S_diag = &d;
	memset(&o, 0, sizeof(o));
	LIBXML_TEST_VERSION;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		fputs(S_usage_for(argc, argv), argc < 2 ? stderr : stdout);
		return argc < 2 ? CV_EXIT_USAGE : CV_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("custeval %s\n", CV_VERSION);
		return CV_EXIT_OK;
	}
	/* Messages follow --lang when it is given anywhere. */
	{
		int i;
		for (i = 1; i + 1 < argc; i++)
			if (strcmp(argv[i], "--lang") == 0) {
				lang = diag_lang_parse(argv[i + 1]);
				if (lang < 0) {
					diag_add(&d, D_BAD_LANG, NULL, 0L, 0L,
					    argv[i + 1]);
					diag_free(&d);
					return CV_EXIT_USAGE;
				}
				d.lang = (enum diag_lang)lang;
			}
	}
	if (strcmp(argv[1], "weights") == 0 || strcmp(argv[1], "rank") == 0) {
		rc = strcmp(argv[1], "weights") == 0 ?
		    cmd_weights(argc - 1, argv + 1, stdout, &d) :
		    cmd_rank(argc - 1, argv + 1, stdout, &d);
		diag_free(&d);
		xmlCleanupParser();
		return rc;
	}
	o.cmd = argv[1];
	if (strcmp(o.cmd, "run") != 0 && strcmp(o.cmd, "check") != 0 &&
	    strcmp(o.cmd, "verify") != 0) {
		diag_add(&d, D_UNKNOWN_COMMAND, NULL, 0L, 0L, o.cmd);
		diag_free(&d);
		return CV_EXIT_USAGE;
	}
	for (rc = 2; rc < argc; rc++)
		if (strcmp(argv[rc], "--help") == 0) {
			fputs(S_usage_for(argc, argv), stdout);
			return CV_EXIT_OK;
		}
	if (S_parse(argc, argv, &o, &d) != 0) {
		diag_free(&d);
		return CV_EXIT_USAGE;
	}
	S_quiet = o.quiet;
	if (strcmp(o.cmd, "verify") == 0)
		rc = S_verify(&o, &d);
	else
		rc = S_run(&o, &d, strcmp(o.cmd, "check") == 0);
	diag_free(&d);
	xmlCleanupParser();
	return rc;
}
