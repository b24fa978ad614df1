/*
 * generate.c: deterministic sample-company generator for custeval.
 *
 * Writes the ERP-style CSV exports of a fictional manufacturer
 * (浙江恒远五金制品有限公司, Hengyuan Hardware): customers.csv, sales.csv,
 * payments.csv, credit.csv and assessments.csv, with a set of planted
 * customers (C0001..C0016) whose behaviour the tests rely on.
 * See samples/README.md.
 *
 * Self-contained C11, libc only.  Same arguments give byte-identical output
 * on any machine: own PRNG (splitmix64), all money in integer fen, and the
 * few doubles used for weights go through basic IEEE operations only (no
 * libm transcendental functions, whose last bits vary between libms).
 *
 * Exit codes: 0 ok, 1 bad usage, 2 out of memory, 3 I/O error.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

/* no fused multiply-add: keep the double arithmetic identical on every target */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#define EXIT_USAGE 1
#define EXIT_NOMEM 2
#define EXIT_IO 3
#define NEVER INT32_MAX
/* revenue weight of rank r is ((r + 0.5) / N) ^ -PARETO_EXP */
#define PARETO_EXP 0.92

/* ------------------------------------------------------------------ */
/* Memory                                                              */

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fputs("custeval-gen: out of memory\n", stderr);
		exit(EXIT_NOMEM);
	}
	return p;
}

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);
	if (!p) {
		fputs("custeval-gen: out of memory\n", stderr);
		exit(EXIT_NOMEM);
	}
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fputs("custeval-gen: out of memory\n", stderr);
		exit(EXIT_NOMEM);
	}
	return q;
}

/* ------------------------------------------------------------------ */
/* PRNG: splitmix64                                                    */

typedef struct {
	uint64_t s;
} Rng;

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static uint64_t rnext(Rng *r) { return splitmix(&r->s); }

/* Independent stream for (seed, a, b). */
static Rng rseed(uint64_t seed, uint64_t a, uint64_t b)
{
	uint64_t s = seed ^ 0x6A09E667F3BCC909ULL;
	Rng r;
	s = splitmix(&s) ^ (a * 0xD1B54A32D192ED03ULL);
	s = splitmix(&s) ^ (b * 0x8CB92BA72F3D8DD7ULL);
	r.s = splitmix(&s);
	return r;
}

static uint64_t rbelow(Rng *r, uint64_t n) { return n ? rnext(r) % n : 0; }

static int64_t rrange(Rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)rbelow(r, (uint64_t)(hi - lo + 1));
}

static double runit(Rng *r)
{
	return (double)(rnext(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Pick an index from integer weights. */
static int rpick(Rng *r, const int *w, int n)
{
	int total = 0, i;
	int64_t x;
	for (i = 0; i < n; i++)
		total += w[i];
	x = (int64_t)rbelow(r, (uint64_t)total);
	for (i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

/* ------------------------------------------------------------------ */
/* Portable math (basic IEEE operations only)                          */

static const double LN2 = 0.6931471805599453094;

static double my_ln(double x)
{
	int e = 0, i;
	double t, t2, term, sum;
	if (x <= 0)
		return -1e300;
	while (x >= 2.0) {
		x *= 0.5;
		e++;
	}
	while (x < 1.0) {
		x *= 2.0;
		e--;
	}
	if (x > 1.4142135623730951) {
		x *= 0.5;
		e++;
	}
	t = (x - 1.0) / (x + 1.0);
	t2 = t * t;
	term = t;
	sum = 0.0;
	for (i = 1; i < 60; i += 2) {
		sum += term / i;
		term *= t2;
	}
	return 2.0 * sum + e * LN2;
}

static double my_exp(double y)
{
	long k;
	double r, term, sum;
	int i;
	if (y > 700)
		y = 700;
	if (y < -700)
		y = -700;
	k = (long)(y / LN2 + (y >= 0 ? 0.5 : -0.5));
	r = y - (double)k * LN2;
	term = 1.0;
	sum = 1.0;
	for (i = 1; i < 30; i++) {
		term *= r / i;
		sum += term;
	}
	for (; k > 0; k--)
		sum *= 2.0;
	for (; k < 0; k++)
		sum *= 0.5;
	return sum;
}

static double my_pow(double x, double a) { return my_exp(a * my_ln(x)); }

/* ------------------------------------------------------------------ */
/* Dates: days since 1970-01-01                                        */

static int32_t days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

static void civil_from_days(int32_t z, int *y, int *m, int *d)
{
	int32_t era, doe, yoe, doy, mp;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int days_in_month(int y, int m)
{
	static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/* Add k months; a month-end date stays a month end, others are clamped. */
static int32_t add_months(int32_t day, int k)
{
	int y, m, d, t, nd, ny, nm;
	civil_from_days(day, &y, &m, &d);
	t = y * 12 + (m - 1) + k;
	ny = t / 12;
	nm = t % 12 + 1;
	nd = (d == days_in_month(y, m)) ? days_in_month(ny, nm) : d;
	if (nd > days_in_month(ny, nm))
		nd = days_in_month(ny, nm);
	return days_from_civil(ny, nm, nd);
}

static void fmt_date(int32_t day, char *buf)
{
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	buf[0] = (char)('0' + y / 1000 % 10);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + d / 10);
	buf[9] = (char)('0' + d % 10);
	buf[10] = 0;
}

static int parse_date(const char *s, int32_t *out)
{
	int y, m, d, i;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || y > 9000 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -1;
	*out = days_from_civil(y, m, d);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Buffered output with hand-written formatting                        */

typedef struct {
	FILE *f;
	char *buf;
	size_t len, cap;
	int err;
	char path[4096];
} Out;

#define OUTCAP ((size_t)1 << 22)

static int out_open(Out *o, const char *dir, const char *name)
{
	snprintf(o->path, sizeof o->path, "%s/%s", dir, name);
	o->f = fopen(o->path, "wb");
	o->len = 0;
	o->cap = OUTCAP;
	o->err = 0;
	o->buf = NULL;
	if (!o->f) {
		fprintf(stderr, "custeval-gen: cannot create %s: %s\n", o->path, strerror(errno));
		return -1;
	}
	o->buf = xmalloc(o->cap);
	return 0;
}

static void out_flush(Out *o)
{
	if (o->len && !o->err && fwrite(o->buf, 1, o->len, o->f) != o->len)
		o->err = errno ? errno : EIO;
	o->len = 0;
}

static int out_close(Out *o)
{
	out_flush(o);
	if (fclose(o->f) != 0 && !o->err)
		o->err = errno ? errno : EIO;
	free(o->buf);
	if (o->err) {
		fprintf(stderr, "custeval-gen: error writing %s: %s\n", o->path, strerror(o->err));
		return -1;
	}
	return 0;
}

static inline void out_need(Out *o, size_t n)
{
	if (o->len + n > o->cap)
		out_flush(o);
}

static inline void out_mem(Out *o, const void *p, size_t n)
{
	if (n > o->cap / 2) {
		out_flush(o);
		if (!o->err && fwrite(p, 1, n, o->f) != n)
			o->err = errno ? errno : EIO;
		return;
	}
	out_need(o, n);
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static inline void out_str(Out *o, const char *s) { out_mem(o, s, strlen(s)); }

/* The next three assume out_need() reserved room. */
static inline void put_ch(Out *o, char c) { o->buf[o->len++] = c; }

static inline void put_u64(Out *o, uint64_t v)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		o->buf[o->len++] = tmp[--n];
}

static inline void put_i64(Out *o, int64_t v)
{
	if (v < 0) {
		put_ch(o, '-');
		put_u64(o, (uint64_t)0 - (uint64_t)v);
	} else {
		put_u64(o, (uint64_t)v);
	}
}

/* fen -> "-1234.56" */
static inline void put_money(Out *o, int64_t fen)
{
	uint64_t a;
	if (fen < 0) {
		put_ch(o, '-');
		a = (uint64_t)0 - (uint64_t)fen;
	} else {
		a = (uint64_t)fen;
	}
	put_u64(o, a / 100);
	put_ch(o, '.');
	put_ch(o, (char)('0' + a / 10 % 10));
	put_ch(o, (char)('0' + a % 10));
}

static inline void put_mem(Out *o, const void *p, size_t n)
{
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

/* CSV field, quoted only when needed. */
static void out_field(Out *o, const char *s)
{
	const char *p;
	if (!strpbrk(s, ",\"\r\n")) {
		out_str(o, s);
		return;
	}
	out_need(o, 1);
	put_ch(o, '"');
	for (p = s; *p; p++) {
		out_need(o, 2);
		if (*p == '"')
			put_ch(o, '"');
		put_ch(o, *p);
	}
	out_need(o, 1);
	put_ch(o, '"');
}

/* ------------------------------------------------------------------ */
/* Master data                                                         */

enum { T_DEALER, T_WHOLESALER, T_RETAILER, T_AGENT, T_KEY, NTYPE };
static const char *const TYPE_ZH[NTYPE] = {"经销商", "批发商", "零售商", "代理商", "大客户"};
static const int TYPE_W[NTYPE] = {40, 20, 25, 10, 5};

enum { R_HD, R_HN, R_HB, R_HZ, R_XN, R_XB, R_DB, R_TW, R_HK, NREG };
static const char *const REGION_ZH[NREG] = {"华东", "华南", "华北", "华中", "西南",
					    "西北", "东北", "台湾", "香港"};
/* Mainland regions only; TW/HK assigned separately. */
static const int REGION_W[7] = {36, 18, 14, 12, 10, 5, 5};

static const char *const CITY_HD[] = {"杭州", "宁波", "温州", "绍兴", "金华", "台州", "嘉兴", "湖州",
				      "上海", "南京", "苏州", "无锡", "常州", "合肥", "芜湖", "福州",
				      "厦门", "泉州", "南昌", "济南", "青岛", "烟台", "潍坊", "临沂"};
static const char *const CITY_HN[] = {"广州", "深圳", "佛山", "东莞", "中山", "珠海",
				      "汕头", "江门", "南宁", "柳州", "桂林", "海口"};
static const char *const CITY_HB[] = {"北京", "天津", "石家庄", "唐山", "保定",
				      "廊坊", "太原", "大同", "呼和浩特", "包头"};
static const char *const CITY_HZ[] = {"武汉", "宜昌", "襄阳", "长沙", "株洲",
				      "衡阳", "郑州", "洛阳", "南阳"};
static const char *const CITY_XN[] = {"成都", "绵阳", "重庆", "昆明", "贵阳", "遵义", "南充"};
static const char *const CITY_XB[] = {"西安", "宝鸡", "兰州", "银川", "西宁", "乌鲁木齐"};
static const char *const CITY_DB[] = {"沈阳", "大连", "鞍山", "长春", "吉林", "哈尔滨", "大庆"};
static const char *const CITY_TW[] = {"臺北", "新北", "臺中", "臺南", "高雄", "桃園", "新竹"};
static const char *const CITY_HK[] = {"香港", "九龍", "荃灣", "觀塘"};

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *const *const CITIES[NREG] = {CITY_HD, CITY_HN, CITY_HB, CITY_HZ, CITY_XN,
						CITY_XB, CITY_DB, CITY_TW, CITY_HK};
static const int NCITIES[NREG] = {NELEM(CITY_HD), NELEM(CITY_HN), NELEM(CITY_HB),
				  NELEM(CITY_HZ), NELEM(CITY_XN), NELEM(CITY_XB),
				  NELEM(CITY_DB), NELEM(CITY_TW), NELEM(CITY_HK)};

static const char *const BRAND_S[] = {
    "顺达", "恒通", "永盛", "华美", "宏远", "金鼎", "鑫源", "瑞丰", "东升", "立信", "万家", "兴隆",
    "新宇", "和泰", "富民", "嘉禾", "天成", "隆昌", "振华", "明辉", "盛世", "佳和", "同创", "福瑞",
    "长青", "安泰", "汇通", "鼎盛", "宏达", "利民", "金诚", "联创", "恒昌", "泰和", "百盛", "广源",
    "润丰", "信达", "博远", "昌盛", "华通", "正和", "天润", "海川", "金桥", "锦程", "凯旋", "建业",
    "腾飞", "伟业", "荣华", "德隆", "丰泽", "聚源", "新华", "裕丰", "协力", "友联", "志诚", "东方",
    "北辰", "南洋", "中联", "盈科", "三和", "四通", "五洲", "九鼎", "百川", "千禧", "万通", "启明",
    "承志", "远航", "宏图", "嘉信", "亿达", "华盛", "众鑫", "鸿运", "恒丰", "诚信", "祥和", "金源",
    "旭日", "新源", "晨阳", "红星", "飞跃", "宝丰", "安达", "祥瑞", "富达", "永信", "德信", "汇金"};
static const char *const BRAND_T[] = {"宏達", "永豐", "興業", "聯華", "榮泰", "建興", "信昌", "泰豐",
				      "金寶", "福興", "德昌", "順發", "益新", "鴻運", "協和", "萬利",
				      "國豐", "東隆", "華興", "勝發", "源興", "振昌", "長興", "富源"};

enum { NIND = 10 };
static const char *const IND_ZH[NIND] = {"五金", "建材", "家居", "卫浴", "门窗",
					 "工具", "机电", "家电", "汽配", "照明"};
static const int IND_W[NIND] = {30, 20, 10, 8, 8, 8, 6, 4, 3, 3};
static const char *const TRADE_S[NIND][2] = {
    {"五金", "五金交电"}, {"建材", "装饰材料"}, {"家居", "家具五金"}, {"卫浴", "洁具"},
    {"门窗", "门窗配件"}, {"工具", "五金工具"}, {"机电设备", "机电"}, {"家电", "电器"},
    {"汽配", "汽车配件"}, {"照明", "灯饰"}};
static const char *const TRADE_T[NIND] = {"五金", "建材", "家居", "衛浴", "門窗",
					  "工具", "機電", "家電", "汽車零件", "照明"};
/* Key accounts: what they do, and the matching industry. */
static const char *const KEY_TRADE[] = {"建设工程", "装饰工程", "家具制造", "电器制造",
					"门窗制造", "房地产开发", "橱柜制造"};
static const int KEY_IND[] = {1, 1, 2, 7, 4, 1, 2};
static const char *const KEY_TRADE_T[] = {"營造工程", "室內裝修", "傢俱製造", "電器製造"};
static const int KEY_IND_T[] = {1, 1, 2, 7};

static const char *const REPS[8] = {"王建国", "李明华", "张伟", "刘芳",
				    "陈静", "杨磊", "赵海峰", "周晓燕"};

typedef struct {
	const char *code;
	const char *name;
	int price; /* list price in fen */
} Product;

static const Product PRODUCTS[] = {
    {"P001", "不锈钢合页4寸", 1250},     {"P002", "不锈钢合页5寸", 1680},
    {"P003", "液压缓冲合页", 860},       {"P004", "三节抽屉滑轨14寸", 2200},
    {"P005", "三节抽屉滑轨18寸", 2850},  {"P006", "阻尼抽屉滑轨", 4500},
    {"P007", "铝合金拉手128mm", 680},    {"P008", "锌合金拉手", 990},
    {"P009", "执手门锁", 13800},         {"P010", "智能指纹锁", 128000},
    {"P011", "防盗门锁体", 8600},        {"P012", "挂锁50mm", 1800},
    {"P013", "门吸", 750},               {"P014", "闭门器", 6500},
    {"P015", "不锈钢地漏", 2500},        {"P016", "铜角阀", 1980},
    {"P017", "冷热水龙头", 12800},       {"P018", "厨房水槽龙头", 16800},
    {"P019", "淋浴花洒套装", 39800},     {"P020", "PPR管件20mm", 120},
    {"P021", "膨胀螺栓M8", 45},          {"P022", "自攻螺丝(盒装)", 1500},
    {"P023", "螺丝刀套装", 3500},        {"P024", "活动扳手10寸", 2800},
    {"P025", "手电钻", 29900},           {"P026", "角磨机", 25900},
    {"P027", "钢卷尺5米", 1200},         {"P028", "塑料工具箱", 8900},
    {"P029", "铝合金人字梯", 26000},     {"P030", "不锈钢晾衣架", 32000},
    {"P031", "毛巾架", 7800},            {"P032", "浴室置物架", 5600},
    {"P033", "窗帘轨道2米", 4800},       {"P034", "衣柜挂衣杆", 1850},
    {"P035", "家具脚轮", 580},           {"P036", "气撑杆", 650},
    {"P037", "橱柜拉篮", 26000},         {"P038", "转角拉篮", 42000},
    {"P039", "LED灯带5米", 4500},        {"P040", "开关插座面板", 1280},
    {"P041", "门窗密封条10米", 2200},    {"P042", "铝合金窗把手", 1500},
    {"P043", "推拉门滑轮", 880},         {"P044", "玻璃门夹", 3200},
    {"P045", "不锈钢门把手", 12000},     {"P046", "C级锁芯", 6800},
    {"P047", "管道支架", 450},           {"P048", "钢丝绳100米", 18000},
    {"P049", "焊条5公斤", 4200},         {"P050", "电焊机", 88000}};
#define NPROD NELEM(PRODUCTS)

/* Seasonality by calendar month (Chinese New Year dip, autumn peak). */
static const double SEASON[12] = {0.90, 0.55, 1.10, 1.10, 1.05, 1.00,
				  0.90, 0.90, 1.10, 1.05, 1.10, 1.25};

enum {
	PAY_ONTIME,
	PAY_NORMAL,
	PAY_SLOW,
	PAY_LATE,      /* random late customers */
	PAY_VERYLATE,  /* C0010, C0011 */
	PAY_FAKEBIG,   /* C0001 */
	PAY_OVERLIMIT, /* C0012 */
};

typedef struct {
	char id[16];
	int idlen;
	char *name;
	int type, region, industry, rep, terms, plant;
	int32_t since;
	int first_m, last_m;	/* active months */
	int rank;
	double w;		/* revenue weight */
	double regularity;	/* share of active months with orders allowed */
	double gc;		/* yearly growth of order count */
	int force_monthly;	/* at least one invoice every active month */
	int cross_pct;		/* % invoices shipped outside own region */
	int pay;
	int discount_bp;
	int cost_adj_bp;
	double vline;		/* target line value in fen (before tv()) */
	int64_t ivline;
	int vkind;		/* 0 flat, 1 doubling each year, 2 drop in last year */
} Cust;

/* Simple string set for unique names. */
typedef struct {
	const char **slot;
	size_t cap;
} StrSet;

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* Returns 1 if inserted, 0 if already present. */
static int strset_add(StrSet *ss, const char *s)
{
	size_t i = (size_t)fnv(s) & (ss->cap - 1);
	while (ss->slot[i]) {
		if (strcmp(ss->slot[i], s) == 0)
			return 0;
		i = (i + 1) & (ss->cap - 1);
	}
	ss->slot[i] = s;
	return 1;
}

static int strset_has(const StrSet *ss, const char *s)
{
	size_t i = (size_t)fnv(s) & (ss->cap - 1);
	while (ss->slot[i]) {
		if (strcmp(ss->slot[i], s) == 0)
			return 1;
		i = (i + 1) & (ss->cap - 1);
	}
	return 0;
}

static void make_name(Rng *r, const Cust *c, char *buf, size_t n)
{
	int trad = c->region == R_TW || c->region == R_HK;
	const char *city = CITIES[c->region][rbelow(r, (uint64_t)NCITIES[c->region])];
	if (!trad) {
		const char *brand = BRAND_S[rbelow(r, NELEM(BRAND_S))];
		const char *trade = TRADE_S[c->industry][rbelow(r, 2)];
		static const char *const form2[] = {"有限公司", "有限公司", "有限公司", "有限责任公司"};
		switch (c->type) {
		case T_DEALER: {
			static const char *const tw[] = {"经销", "经销", "销售"};
			const char *t = tw[rbelow(r, 3)];
			const char *f = form2[rbelow(r, 4)];
			snprintf(buf, n, "%s%s%s%s%s", city, brand, trade, t, f);
			break;
		}
		case T_WHOLESALER: {
			static const char *const tw[] = {"批发", "贸易"};
			const char *t = tw[rbelow(r, 2)];
			const char *f = form2[rbelow(r, 4)];
			snprintf(buf, n, "%s%s%s%s%s", city, brand, trade, t, f);
			break;
		}
		case T_RETAILER: {
			static const char *const tw[] = {"商行", "经营部", "门市部", "店"};
			snprintf(buf, n, "%s%s%s%s", city, brand, trade, tw[rbelow(r, 4)]);
			break;
		}
		case T_AGENT: {
			static const char *const tw[] = {"代理", "商贸"};
			const char *t = tw[rbelow(r, 2)];
			const char *f = form2[rbelow(r, 4)];
			snprintf(buf, n, "%s%s%s%s%s", city, brand, trade, t, f);
			break;
		}
		default: {
			static const char *const kf[] = {"有限公司", "股份有限公司", "集团有限公司"};
			int k = 0, i;
			for (i = 0; i < NELEM(KEY_TRADE); i++)
				if (KEY_IND[i] == c->industry)
					k = i;
			snprintf(buf, n, "%s%s%s%s", city, brand, KEY_TRADE[k], kf[rbelow(r, 3)]);
			break;
		}
		}
	} else {
		const char *brand = BRAND_T[rbelow(r, NELEM(BRAND_T))];
		const char *trade = TRADE_T[c->industry];
		const char *form;
		if (c->region == R_HK) {
			form = "有限公司";
		} else {
			static const char *const ft[] = {"股份有限公司", "有限公司", "企業社"};
			form = ft[rbelow(r, 3)];
		}
		switch (c->type) {
		case T_DEALER: {
			static const char *const tw[] = {"經銷", "貿易"};
			snprintf(buf, n, "%s%s%s%s%s", city, brand, trade, tw[rbelow(r, 2)], form);
			break;
		}
		case T_WHOLESALER: {
			static const char *const tw[] = {"批發", "貿易"};
			snprintf(buf, n, "%s%s%s%s%s", city, brand, trade, tw[rbelow(r, 2)], form);
			break;
		}
		case T_RETAILER: {
			static const char *const tw[] = {"商行", "行"};
			snprintf(buf, n, "%s%s%s%s", city, brand, trade, tw[rbelow(r, 2)]);
			break;
		}
		case T_AGENT: {
			static const char *const tw[] = {"代理", "國際"};
			snprintf(buf, n, "%s%s%s%s%s", city, brand, trade, tw[rbelow(r, 2)], form);
			break;
		}
		default: {
			int k = 0, i;
			for (i = 0; i < NELEM(KEY_TRADE_T); i++)
				if (KEY_IND_T[i] == c->industry)
					k = i;
			snprintf(buf, n, "%s%s%s%s", city, brand, KEY_TRADE_T[k], form);
			break;
		}
		}
	}
}

/* ------------------------------------------------------------------ */
/* Options and calendar                                                */

typedef struct {
	long ncust;
	long long lines;
	int32_t end;
	int years;
	uint64_t seed;
	int sales_only;
	const char *out;
} Opts;

typedef struct {
	int y, mo;
	int32_t d0, d1; /* valid days of this month inside the window */
} Month;

static void usage(FILE *f)
{
	fputs("usage: custeval-gen [--customers N] [--lines N] [--end YYYY-MM-DD] [--years Y]\n"
	      "                    [--seed S] [--sales-only] --out DIR\n"
	      "Writes a deterministic sample company (customers.csv, sales.csv, payments.csv,\n"
	      "credit.csv, assessments.csv) into DIR. Defaults: 200 customers, 20000 lines,\n"
	      "end 2026-10-31, 4 years, seed 1. --sales-only writes customers.csv and sales.csv.\n",
	      f);
}

static int parse_num(const char *s, long long lo, long long hi, long long *out)
{
	char *e;
	long long v;
	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoll(s, &e, 10);
	if (errno || *e || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int parse_opts(int argc, char **argv, Opts *o)
{
	int i;
	long long v;
	o->ncust = 200;
	o->lines = 20000;
	o->end = days_from_civil(2026, 10, 31);
	o->years = 4;
	o->seed = 1;
	o->sales_only = 0;
	o->out = NULL;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = (i + 1 < argc) ? argv[i + 1] : NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(0);
		} else if (!strcmp(a, "--sales-only")) {
			o->sales_only = 1;
			continue;
		}
		if (!val) {
			fprintf(stderr, "custeval-gen: unknown option or missing value: %s\n", a);
			return -1;
		}
		if (!strcmp(a, "--customers")) {
			if (parse_num(val, 1, 9999999, &v)) {
				fprintf(stderr, "custeval-gen: bad --customers: %s\n", val);
				return -1;
			}
			o->ncust = (long)v;
		} else if (!strcmp(a, "--lines")) {
			if (parse_num(val, 0, 2000000000LL, &v)) {
				fprintf(stderr, "custeval-gen: bad --lines: %s\n", val);
				return -1;
			}
			o->lines = v;
		} else if (!strcmp(a, "--years")) {
			if (parse_num(val, 1, 30, &v)) {
				fprintf(stderr, "custeval-gen: bad --years: %s\n", val);
				return -1;
			}
			o->years = (int)v;
		} else if (!strcmp(a, "--seed")) {
			char *e;
			if (!*val || *val == '-') {
				fprintf(stderr, "custeval-gen: bad --seed: %s\n", val);
				return -1;
			}
			errno = 0;
			o->seed = strtoull(val, &e, 10);
			if (errno || *e) {
				fprintf(stderr, "custeval-gen: bad --seed: %s\n", val);
				return -1;
			}
		} else if (!strcmp(a, "--end")) {
			if (parse_date(val, &o->end)) {
				fprintf(stderr, "custeval-gen: bad --end (want YYYY-MM-DD): %s\n", val);
				return -1;
			}
		} else if (!strcmp(a, "--out")) {
			o->out = val;
		} else {
			fprintf(stderr, "custeval-gen: unknown option: %s\n", a);
			return -1;
		}
		i++;
	}
	if (!o->out || !*o->out) {
		fputs("custeval-gen: --out DIR is required\n", stderr);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Sales records                                                       */

typedef struct {
	int32_t qty;
	int32_t price;
	int64_t amount, cost;
	int16_t cost_bp;
	uint8_t prod;
} Line;

typedef struct {
	int32_t day;
	int32_t cust;
	int32_t ord;	/* creation order inside the month */
	int32_t orig;	/* for returns: ord of the original invoice */
	int32_t line_off;
	int32_t seq;
	uint8_t kind;	/* 0 = TH return, 1 = XS sale */
	uint8_t nl;
	uint8_t region;
} Inv;

typedef struct {
	int32_t cust, day, seq;
	int32_t pd1, pd2;
	int64_t total, ret, pa1, pa2;
} Rec;

static int cmp_inv(const void *a, const void *b)
{
	const Inv *x = a, *y = b;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->cust != y->cust)
		return x->cust < y->cust ? -1 : 1;
	return x->ord < y->ord ? -1 : (x->ord > y->ord);
}

typedef struct {
	int32_t day, cust, rec;
	int64_t amount;
	uint8_t part, ref;
} Pay;

static int cmp_pay(const void *a, const void *b)
{
	const Pay *x = a, *y = b;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->cust != y->cust)
		return x->cust < y->cust ? -1 : 1;
	if (x->rec != y->rec)
		return x->rec < y->rec ? -1 : 1;
	return x->part < y->part ? -1 : (x->part > y->part);
}

typedef struct {
	double key;
	int32_t idx;
} RankKey;

static int cmp_rankkey(const void *a, const void *b)
{
	const RankKey *x = a, *y = b;
	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return x->idx < y->idx ? -1 : (x->idx > y->idx);
}

/* Value multiplier of a customer's line in month m (of M). */
static double tv(const Cust *c, int m, int M)
{
	if (c->vkind == 1)
		return my_pow(2.0, (double)m / 12.0);
	if (c->vkind == 2)
		return m >= M - 12 ? 0.30 : 1.0;
	return 1.0;
}

/* Integer score in tenths (10..50), rounded to halves. */
static int halves(int tenths)
{
	int v = (tenths + 2) / 5 * 5;
	if (v < 10)
		v = 10;
	if (v > 50)
		v = 50;
	return v;
}

static void put_score(Out *o, int tenths)
{
	put_u64(o, (uint64_t)(tenths / 10));
	if (tenths % 10) {
		put_ch(o, '.');
		put_ch(o, (char)('0' + tenths % 10));
	}
}

/* ------------------------------------------------------------------ */

int main(int argc, char **argv)
{
	Opts opt;
	int32_t start, end, snap1;
	int M, i, m, idw;
	long N, c;
	Cust *cs;
	Month *months;
	char **datestr; /* per window day: "YYYY-MM-DD" */
	int ndays;
	Rng r;
	uint16_t *cnt;
	int prod_cost_bp[NPROD], prod_pop[NPROD];
	Rec *recs = NULL;
	size_t nrec = 0, caprec = 0;
	int status = 0;

	if (parse_opts(argc, argv, &opt)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (mkdir(opt.out, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "custeval-gen: cannot create %s: %s\n", opt.out, strerror(errno));
		return EXIT_IO;
	}

	/* ---- calendar ---- */
	end = opt.end;
	start = add_months(end, -12 * opt.years) + 1;
	snap1 = add_months(end, -3);
	{
		int ys, ms, ds, ye, me, de;
		civil_from_days(start, &ys, &ms, &ds);
		civil_from_days(end, &ye, &me, &de);
		M = (ye * 12 + me - 1) - (ys * 12 + ms - 1) + 1;
		months = xcalloc((size_t)M, sizeof *months);
		for (m = 0; m < M; m++) {
			int t = ys * 12 + ms - 1 + m;
			months[m].y = t / 12;
			months[m].mo = t % 12 + 1;
			months[m].d0 = days_from_civil(months[m].y, months[m].mo, 1);
			months[m].d1 = days_from_civil(months[m].y, months[m].mo,
						       days_in_month(months[m].y, months[m].mo));
			if (months[m].d0 < start)
				months[m].d0 = start;
			if (months[m].d1 > end)
				months[m].d1 = end;
		}
	}
	ndays = (int)(end - start + 1);
	datestr = xmalloc((size_t)ndays * sizeof *datestr);
	{
		char *pool = xmalloc((size_t)ndays * 11);
		for (i = 0; i < ndays; i++) {
			datestr[i] = pool + (size_t)i * 11;
			fmt_date(start + i, datestr[i]);
		}
	}

	/* ---- products ---- */
	r = rseed(opt.seed, 2, 0);
	for (i = 0; i < NPROD; i++) {
		prod_cost_bp[i] = (int)rrange(&r, 6800, 7900);
		prod_pop[i] = 0;
	}
	{
		/* Zipf-like popularity over a random permutation. */
		int perm[NPROD];
		for (i = 0; i < NPROD; i++)
			perm[i] = i;
		for (i = NPROD - 1; i > 0; i--) {
			int j = (int)rbelow(&r, (uint64_t)i + 1), t = perm[i];
			perm[i] = perm[j];
			perm[j] = t;
		}
		for (i = 0; i < NPROD; i++)
			prod_pop[perm[i]] = 60000 / (i + 4);
	}

	/* ---- customers ---- */
	N = opt.ncust;
	idw = 4;
	{
		long t = N;
		int d = 0;
		while (t) {
			d++;
			t /= 10;
		}
		if (d > idw)
			idw = d;
	}
	cs = xcalloc((size_t)N, sizeof *cs);
	r = rseed(opt.seed, 1, 0);
	{
		int32_t old_lo = days_from_civil(2008, 1, 1);
		int32_t new_hi = add_months(end, -6);
		if (old_lo > start - 365)
			old_lo = start - 5000;
		int hk_seen = 0;
		for (c = 0; c < N; c++) {
			Cust *k = &cs[c];
			long v = c + 1;
			int d;
			k->id[0] = 'C';
			for (d = idw; d >= 1; d--) {
				k->id[d] = (char)('0' + v % 10);
				v /= 10;
			}
			k->id[idw + 1] = ',';
			k->idlen = idw + 1; /* without the comma */
			k->plant = (c < 16) ? (int)c + 1 : 0;
			k->type = rpick(&r, TYPE_W, NTYPE);
			k->region = rpick(&r, REGION_W, 7);
			{
				double u = runit(&r);
				if (u < 0.015)
					k->region = R_TW;
				else if (u < 0.025)
					k->region = R_HK;
			}
			k->industry = rpick(&r, IND_W, NIND);
			if (runit(&r) < 0.80 || k->plant)
				k->since = (int32_t)rrange(&r, old_lo, start - 1);
			else
				k->since = (int32_t)rrange(&r, start, new_hi < start ? start : new_hi);
			{
				/* reps by territory, with some exceptions */
				static const int rep_of[NREG] = {0, 3, 5, 4, 6, 6, 5, 7, 7};
				if (k->region == R_HD)
					k->rep = (int)rbelow(&r, 3);
				else
					k->rep = rep_of[k->region];
				if (runit(&r) < 0.1)
					k->rep = (int)rbelow(&r, 8);
			}
			switch (k->type) {
			case T_DEALER: {
				static const int t4[] = {30, 45, 60, 90}, w4[] = {30, 35, 25, 10};
				k->terms = t4[rpick(&r, w4, 4)];
				break;
			}
			case T_WHOLESALER: {
				static const int t3[] = {30, 45, 60}, w3[] = {30, 40, 30};
				k->terms = t3[rpick(&r, w3, 3)];
				break;
			}
			case T_RETAILER:
				k->terms = runit(&r) < 0.7 ? 30 : 45;
				break;
			case T_AGENT:
				k->terms = runit(&r) < 0.5 ? 45 : 60;
				break;
			default:
				k->terms = runit(&r) < 0.5 ? 60 : 90;
				break;
			}
			if (k->region == R_TW || k->region == R_HK)
				k->terms = 60;
			{
				static const int pw[] = {45, 35, 15, 5};
				k->pay = rpick(&r, pw, 4);
			}
			{
				static const int dlo[NTYPE] = {9000, 8800, 9700, 9200, 8700};
				static const int dhi[NTYPE] = {9600, 9500, 10000, 9700, 9300};
				k->discount_bp = (int)rrange(&r, dlo[k->type], dhi[k->type]);
			}
			k->cost_adj_bp = (int)rrange(&r, -300, 300) + (10000 - k->discount_bp) / 2;
			k->regularity = runit(&r) < 0.25 ? 0.3 + 0.4 * runit(&r)
							 : 0.85 + 0.15 * runit(&r);
			k->gc = 0.85 + 0.35 * runit(&r);
			k->cross_pct = 0;
			k->vkind = 0;
			k->force_monthly = 0;
			if (k->region == R_HK)
				hk_seen = 1;
		}
		/* make sure the sample has at least one Hong Kong customer */
		if (!hk_seen && N >= 40)
			cs[N / 2 + 3].region = R_HK;
	}

	/* planted customers */
	for (c = 0; c < N && c < 16; c++) {
		Cust *k = &cs[c];
		int32_t old_hi = start - 400, old_lo2 = days_from_civil(2010, 1, 1);
		int32_t old;
		if (old_lo2 > old_hi - 365)
			old_lo2 = old_hi - 3650;
		old = (int32_t)rrange(&r, old_lo2, old_hi);
		k->since = old;
		k->regularity = 1.0;
		k->gc = 1.0;
		k->pay = PAY_NORMAL;
		if (k->region >= R_TW)
			k->region = R_HD;
		switch (k->plant) {
		case 1: /* fake big customer */
			k->type = T_DEALER;
			k->region = R_HD;
			k->industry = 0;
			k->terms = 60;
			k->pay = PAY_FAKEBIG;
			k->force_monthly = 1;
			break;
		case 2: /* sleeping */
			k->type = T_DEALER;
			k->terms = 30;
			k->pay = PAY_ONTIME;
			k->force_monthly = 1;
			break;
		case 3: /* fast grower */
			k->type = T_DEALER;
			k->terms = 45;
			k->pay = PAY_ONTIME;
			k->force_monthly = 1;
			k->vkind = 1;
			break;
		case 4: case 5: case 6: case 7: case 8: { /* small loyal */
			static const int ty[5] = {T_DEALER, T_RETAILER, T_DEALER, T_RETAILER, T_WHOLESALER};
			k->type = ty[k->plant - 4];
			k->terms = 30;
			k->pay = PAY_ONTIME;
			k->force_monthly = 1;
			break;
		}
		case 9: /* large, disloyal, violations */
			k->type = T_DEALER;
			k->region = R_HN;
			k->terms = 45;
			k->pay = PAY_SLOW;
			k->cross_pct = 30;
			k->regularity = -1; /* exact month mask below */
			break;
		case 10: case 11: /* late payers */
			k->type = k->plant == 10 ? T_WHOLESALER : T_DEALER;
			k->terms = k->plant == 10 ? 45 : 60;
			k->pay = PAY_VERYLATE;
			k->force_monthly = 1;
			break;
		case 12: /* over credit limit */
			k->type = T_WHOLESALER;
			k->terms = 60;
			k->pay = PAY_OVERLIMIT;
			k->force_monthly = 1;
			break;
		case 13: /* sharp decline */
			k->type = T_DEALER;
			k->terms = 45;
			k->pay = PAY_NORMAL;
			k->force_monthly = 1;
			k->vkind = 2;
			break;
		case 14: /* new customer */
			k->type = T_RETAILER;
			k->terms = 30;
			k->since = add_months(end, -14);
			k->pay = PAY_NORMAL;
			k->force_monthly = 1;
			break;
		case 15: /* long name */
			k->type = T_DEALER;
			k->region = R_XB;
			k->industry = 0;
			k->terms = 45;
			break;
		case 16: /* Taiwan dealer, weak capability */
			k->type = T_DEALER;
			k->region = R_TW;
			k->industry = 0;
			k->terms = 60;
			break;
		default:
			break;
		}
		if (k->type == T_KEY)
			k->type = T_DEALER;
		k->rep = k->region == R_TW || k->region == R_HK ? 7 : k->rep;
		{
			static const int dlo[NTYPE] = {9000, 8800, 9700, 9200, 8700};
			k->discount_bp = dlo[k->type] + 300;
			k->cost_adj_bp = (10000 - k->discount_bp) / 2;
		}
	}

	/* names */
	{
		StrSet ss;
		char buf[256];
		size_t cap = 64;
		while (cap < (size_t)N * 3)
			cap <<= 1;
		ss.cap = cap;
		ss.slot = xcalloc(cap, sizeof *ss.slot);
		if (N >= 15) {
			cs[14].name = strdup("新疆维吾尔自治区乌鲁木齐市天山区恒昌五金机电设备经销有限责任公司");
			strset_add(&ss, cs[14].name);
		}
		if (N >= 16) {
			cs[15].name = strdup("臺中永豐五金經銷股份有限公司");
			strset_add(&ss, cs[15].name);
		}
		for (c = 0; c < N; c++) {
			Cust *k = &cs[c];
			Rng nr = rseed(opt.seed, 4, (uint64_t)c);
			int tries;
			if (k->name)
				continue;
			for (tries = 0; tries < 60; tries++) {
				make_name(&nr, k, buf, sizeof buf);
				if (!strset_has(&ss, buf))
					break;
			}
			if (tries == 60) {
				size_t l = strlen(buf);
				snprintf(buf + l, sizeof buf - l, "第%ld分部", c + 1);
			}
			k->name = strdup(buf);
			if (!k->name) {
				fputs("custeval-gen: out of memory\n", stderr);
				return EXIT_NOMEM;
			}
			strset_add(&ss, k->name);
		}
		free(ss.slot);
	}

	/* active months */
	for (c = 0; c < N; c++) {
		Cust *k = &cs[c];
		int y, mo, d;
		if (k->since >= start) {
			civil_from_days(k->since, &y, &mo, &d);
			k->first_m = (y * 12 + mo - 1) - (months[0].y * 12 + months[0].mo - 1);
		} else {
			k->first_m = 0;
		}
		k->last_m = M - 1;
		if (k->plant == 2)
			k->last_m = M - 1 - 10;
		else if (!k->plant && k->since < start && runit(&r) < 0.015 && M >= 16)
			k->last_m = (int)rrange(&r, M / 4, M - 8);
		if (k->first_m > k->last_m)
			k->first_m = k->last_m;
		if (k->first_m < 0)
			k->first_m = 0;
		if (k->last_m < 0)
			k->last_m = 0;
	}

	/* ranks and revenue weights (Pareto quantiles) */
	{
		int32_t *taken = xcalloc((size_t)N, sizeof *taken);
		RankKey *keys = xmalloc((size_t)N * sizeof *keys);
		long nk = 0, next = 0;
		static const double want[17] = {0, -2, 0.30, 0.20, 0.60, 0.65, 0.70, 0.75, 0.80,
						-5, 0.12, 0.16, 0.10, 0.06, 0.45, 0.40, 0.50};
		static const double bonus[NTYPE] = {0.25, 0.20, 0.0, 0.15, 0.50};
		for (c = 0; c < N; c++)
			taken[c] = -1;
		for (c = 0; c < N && c < 16; c++) {
			double wv = want[c + 1];
			long rk = wv < 0 ? (long)(-wv) : (long)(wv * (double)N);
			if (rk >= N)
				rk = N - 1;
			while (taken[rk] >= 0)
				rk = (rk + 1) % N;
			taken[rk] = (int32_t)c;
			cs[c].rank = (int)rk;
		}
		for (c = 16; c < N; c++) {
			keys[nk].key = runit(&r) + bonus[cs[c].type];
			keys[nk].idx = (int32_t)c;
			nk++;
		}
		qsort(keys, (size_t)nk, sizeof *keys, cmp_rankkey);
		for (i = 0; i < nk; i++) {
			while (taken[next] >= 0)
				next++;
			taken[next] = keys[i].idx;
			cs[keys[i].idx].rank = (int)next;
		}
		for (c = 0; c < N; c++) {
			Cust *k = &cs[c];
			k->w = my_pow(((double)k->rank + 0.5) / (double)N, -PARETO_EXP);
			if (!k->plant) {
				k->w *= 0.85 + 0.30 * runit(&r);
				k->w *= (double)(k->last_m - k->first_m + 1) / (double)M;
			}
		}
		free(taken);
		free(keys);
	}

	/* monthly invoice counts and line values */
	cnt = xcalloc((size_t)N * (size_t)M, sizeof *cnt);
	{
		double sumlw = 0, sumw = 0, Lp = (double)opt.lines / 1.015, scale = 1.0;
		double *prof = xmalloc((size_t)M * sizeof *prof);
		int pass;
		for (c = 0; c < N; c++) {
			sumlw += my_pow(cs[c].w, 0.6);
			sumw += cs[c].w;
		}
		/* a few passes so that forced minimum orders still hit the --lines target */
		for (pass = 0; pass < 4; pass++) {
		double total_inv = 0;
		for (c = 0; c < N; c++) {
			Cust *k = &cs[c];
			Rng cr = rseed(opt.seed, 5, (uint64_t)c);
			double inv = scale * Lp * my_pow(k->w, 0.6) / sumlw / 3.0;
			double tot = 0, step, t, S = 0;
			uint16_t *row = cnt + (size_t)c * (size_t)M;
			step = my_pow(k->gc, 1.0 / 12.0);
			t = my_pow(k->gc, (double)k->first_m / 12.0);
			for (m = 0; m < M; m++) {
				prof[m] = 0;
				row[m] = 0;
			}
			if (k->plant == 3 || k->plant == 13)
				inv *= 3.0; /* more, smaller invoices: a steadier yearly trend */
			if (k->plant == 9) {
				/* orders in exactly 30% of the months */
				int want = (M * 3) / 10, got = 0;
				if (want < 1)
					want = 1;
				while (got < want) {
					int mm = (int)rbelow(&cr, (uint64_t)M);
					if (prof[mm] == 0) {
						prof[mm] = SEASON[months[mm].mo - 1];
						got++;
					}
				}
			} else {
				for (m = k->first_m; m <= k->last_m; m++) {
					if (runit(&cr) < k->regularity)
						prof[m] = SEASON[months[m].mo - 1] * t;
					t *= step;
				}
				if (k->force_monthly)
					for (m = k->first_m; m <= k->last_m; m++)
						if (prof[m] == 0)
							prof[m] = SEASON[months[m].mo - 1];
				if (k->plant == 13)
					for (m = M - 12; m < M; m++)
						if (m >= 0)
							prof[m] *= 0.8;
			}
			for (m = 0; m < M; m++)
				tot += prof[m];
			if (tot <= 0) {
				prof[k->last_m] = 1;
				tot = 1;
			}
			for (m = 0; m < M; m++) {
				double e, fl;
				long n;
				if (prof[m] <= 0)
					continue;
				e = inv * prof[m] / tot;
				fl = (double)(long)e;
				n = (long)fl + (runit(&cr) < e - fl ? 1 : 0);
				if (k->force_monthly && n < 1)
					n = 1;
				if (k->plant == 2 && m == k->last_m && n < 1)
					n = 1;
				if (n > 65535)
					n = 65535;
				row[m] = (uint16_t)n;
			}
			/* active customers (not churned) buy at least once in the last 4 months */
			if (k->last_m == M - 1 && k->first_m <= M - 4 && M >= 4 &&
			    !row[M - 1] && !row[M - 2] && !row[M - 3] && !row[M - 4])
				row[M - 1 - (int)rbelow(&cr, 4)] = 1;
			for (m = 0; m < M; m++) {
				S += (double)row[m] * tv(k, m, M);
				total_inv += row[m];
			}
			if (S <= 0)
				S = 1;
			/* average line value 5000 yuan over the company */
			k->vline = (Lp * 500000.0 / sumw) * k->w / (3.0 * S);
			if (Lp <= 0)
				k->vline = 300000.0 * k->w / (1.0 + k->w);
		}
		if (total_inv > 0 && Lp > 0)
			scale *= (Lp / 3.0) / total_inv;
		}
		free(prof);
	}

	/* ---- customers.csv ---- */
	{
		Out o;
		char db[11];
		if (out_open(&o, opt.out, "customers.csv"))
			return EXIT_IO;
		out_str(&o, "客户编码,客户名称,客户类型,区域,行业,建档日期,业务员,账期天数,授权区域\n");
		for (c = 0; c < N; c++) {
			Cust *k = &cs[c];
			out_mem(&o, k->id, (size_t)k->idlen + 1);
			out_field(&o, k->name);
			out_str(&o, ",");
			out_str(&o, TYPE_ZH[k->type]);
			out_str(&o, ",");
			out_str(&o, REGION_ZH[k->region]);
			out_str(&o, ",");
			out_str(&o, IND_ZH[k->industry]);
			out_str(&o, ",");
			fmt_date(k->since, db);
			out_str(&o, db);
			out_str(&o, ",");
			out_str(&o, REPS[k->rep]);
			out_need(&o, 32);
			put_ch(&o, ',');
			put_u64(&o, (uint64_t)k->terms);
			put_ch(&o, ',');
			out_str(&o, REGION_ZH[k->region]);
			out_str(&o, "\n");
		}
		if (out_close(&o))
			return EXIT_IO;
	}

	/* ---- sales.csv ---- */
	{
		Out o;
		Inv *invs = NULL;
		Line *lines = NULL;
		size_t capi = 0, capl = 0;
		int32_t *map = NULL;
		size_t capmap = 0;
		char prodstr[NPROD][64];
		size_t prodlen[NPROD];
		char regstr[NREG][16];
		size_t reglen[NREG];
		for (i = 0; i < NPROD; i++) {
			snprintf(prodstr[i], sizeof prodstr[i], ",%s,%s,", PRODUCTS[i].code, PRODUCTS[i].name);
			prodlen[i] = strlen(prodstr[i]);
		}
		for (i = 0; i < NREG; i++) {
			snprintf(regstr[i], sizeof regstr[i], ",%s\n", REGION_ZH[i]);
			reglen[i] = strlen(regstr[i]);
		}
		if (out_open(&o, opt.out, "sales.csv"))
			return EXIT_IO;
		out_str(&o, "\xEF\xBB\xBF日期,单据编号,客户编码,产品编码,产品名称,数量,单价,金额,成本,区域\n");
		for (m = 0; m < M; m++) {
			Rng sr = rseed(opt.seed, 6, (uint64_t)m);
			size_t ni = 0, nl = 0, j;
			int year_idx = m / 12;
			const Month *mon = &months[m];
			for (c = 0; c < N; c++) {
				Cust *k = &cs[c];
				int n = cnt[(size_t)c * (size_t)M + (size_t)m];
				int64_t vt;
				int32_t lo;
				if (!n)
					continue;
				vt = (int64_t)(k->vline * tv(k, m, M));
				if (vt < 100)
					vt = 100;
				lo = mon->d0 > k->since ? mon->d0 : k->since;
				if (lo > mon->d1)
					lo = mon->d1;
				for (; n > 0; n--) {
					Inv *iv;
					int nlines = (int)rrange(&sr, 1, 5), q;
					uint64_t used = 0;
					int region = k->region;
					if (ni + 2 > capi) {
						capi = capi ? capi * 2 : 4096;
						invs = xrealloc(invs, capi * sizeof *invs);
					}
					if (nl + 6 > capl) {
						capl = capl ? capl * 2 : 16384;
						lines = xrealloc(lines, capl * sizeof *lines);
					}
					if (k->cross_pct && (int)rbelow(&sr, 100) < k->cross_pct) {
						region = (int)rbelow(&sr, 6);
						if (region >= k->region)
							region++;
					}
					iv = &invs[ni];
					iv->day = (int32_t)rrange(&sr, lo, mon->d1);
					iv->cust = (int32_t)c;
					iv->ord = (int32_t)ni;
					iv->orig = -1;
					iv->line_off = (int32_t)nl;
					iv->kind = 1;
					iv->nl = (uint8_t)nlines;
					iv->region = (uint8_t)region;
					for (q = 0; q < nlines; q++) {
						Line *ln = &lines[nl];
						int p, tries = 0;
						int64_t qty, price, cbp;
						do {
							p = rpick(&sr, prod_pop, NPROD);
						} while ((used >> p & 1) && ++tries < 8);
						used |= (uint64_t)1 << p;
						price = (int64_t)PRODUCTS[p].price * (10000 + 300 * year_idx) / 10000;
						price = (price * k->discount_bp + 5000) / 10000;
						if (price < 1)
							price = 1;
						qty = vt * rrange(&sr, 40, 160) / 100 / price;
						if (qty < 1)
							qty = 1;
						if (qty >= 2000)
							qty = qty / 100 * 100;
						else if (qty >= 200)
							qty = qty / 10 * 10;
						if (qty > 2000000000LL / price)
							qty = 2000000000LL / price;
						if (k->plant == 1)
							cbp = rrange(&sr, 9700, 9990);
						else {
							cbp = prod_cost_bp[p] + k->cost_adj_bp + rrange(&sr, -150, 150);
							if (cbp < 6500)
								cbp = 6500;
							if (cbp > 8500)
								cbp = 8500;
						}
						ln->prod = (uint8_t)p;
						ln->qty = (int32_t)qty;
						ln->price = (int32_t)price;
						ln->amount = qty * price;
						ln->cost = (ln->amount * cbp + 5000) / 10000;
						ln->cost_bp = (int16_t)cbp;
						nl++;
					}
					ni++;
					/* about 1.5 % of lines are returns: one-line TH invoices */
					if (rbelow(&sr, 1000) < 45) {
						Inv *th = &invs[ni];
						const Line *src = &lines[iv->line_off + (int32_t)rbelow(&sr, (uint64_t)nlines)];
						Line *ln = &lines[nl];
						int64_t rq = 1 + (int64_t)rbelow(&sr, (uint64_t)(src->qty / 4 > 1 ? src->qty / 4 : 1));
						int64_t am;
						*th = *iv;
						th->kind = 0;
						th->ord = (int32_t)ni;
						th->orig = iv->ord;
						th->line_off = (int32_t)nl;
						th->nl = 1;
						th->day = iv->day + (int32_t)rrange(&sr, 0, 12);
						if (th->day > mon->d1)
							th->day = mon->d1;
						am = rq * src->price;
						ln->prod = src->prod;
						ln->qty = (int32_t)-rq;
						ln->price = src->price;
						ln->amount = -am;
						ln->cost = -((am * src->cost_bp + 5000) / 10000);
						ln->cost_bp = src->cost_bp;
						nl++;
						ni++;
					}
				}
			}
			qsort(invs, ni, sizeof *invs, cmp_inv);
			/* invoice numbers per day and kind */
			{
				int32_t pd = -1;
				int pk = -1, seq = 0;
				for (j = 0; j < ni; j++) {
					if (invs[j].day != pd || invs[j].kind != pk) {
						pd = invs[j].day;
						pk = invs[j].kind;
						seq = 0;
					}
					invs[j].seq = ++seq;
				}
			}
			if (!opt.sales_only) {
				if (ni > capmap) {
					capmap = ni * 2;
					map = xrealloc(map, capmap * sizeof *map);
				}
				for (j = 0; j < ni; j++) {
					const Inv *iv = &invs[j];
					Rec *rc;
					int q;
					if (!iv->kind)
						continue;
					if (nrec == caprec) {
						caprec = caprec ? caprec * 2 : 4096;
						recs = xrealloc(recs, caprec * sizeof *recs);
					}
					rc = &recs[nrec];
					memset(rc, 0, sizeof *rc);
					rc->cust = iv->cust;
					rc->day = iv->day;
					rc->seq = iv->seq;
					for (q = 0; q < iv->nl; q++)
						rc->total += lines[iv->line_off + q].amount;
					map[iv->ord] = (int32_t)nrec;
					nrec++;
				}
				for (j = 0; j < ni; j++)
					if (!invs[j].kind)
						recs[map[invs[j].orig]].ret -= lines[invs[j].line_off].amount;
			}
			/* emit */
			for (j = 0; j < ni; j++) {
				const Inv *iv = &invs[j];
				const char *ds = datestr[iv->day - start];
				char idbuf[32];
				size_t idl;
				int q;
				{
					char tmp[12];
					int s = iv->seq, nd = 0;
					idbuf[0] = iv->kind ? 'X' : 'T';
					idbuf[1] = iv->kind ? 'S' : 'H';
					memcpy(idbuf + 2, ds, 4);
					memcpy(idbuf + 6, ds + 5, 2);
					memcpy(idbuf + 8, ds + 8, 2);
					idl = 10;
					do {
						tmp[nd++] = (char)('0' + s % 10);
						s /= 10;
					} while (s);
					while (nd < 5)
						tmp[nd++] = '0';
					while (nd)
						idbuf[idl++] = tmp[--nd];
				}
				for (q = 0; q < iv->nl; q++) {
					const Line *ln = &lines[iv->line_off + q];
					const Cust *k = &cs[iv->cust];
					out_need(&o, 256);
					put_mem(&o, ds, 10);
					put_ch(&o, ',');
					put_mem(&o, idbuf, idl);
					put_ch(&o, ',');
					put_mem(&o, k->id, (size_t)k->idlen);
					put_mem(&o, prodstr[ln->prod], prodlen[ln->prod]);
					put_i64(&o, ln->qty);
					put_ch(&o, ',');
					put_money(&o, ln->price);
					put_ch(&o, ',');
					put_money(&o, ln->amount);
					put_ch(&o, ',');
					put_money(&o, ln->cost);
					put_mem(&o, regstr[iv->region], reglen[iv->region]);
				}
			}
		}
		free(invs);
		free(lines);
		free(map);
		if (out_close(&o))
			return EXIT_IO;
	}

	if (opt.sales_only)
		goto done;

	/* ---- payments ---- */
	{
		Pay *pays = xmalloc((nrec * 2 + 1) * sizeof *pays);
		size_t np = 0, j;
		Out o;
		Rng pr = rseed(opt.seed, 7, 0);
		for (j = 0; j < nrec; j++) {
			Rec *rc = &recs[j];
			const Cust *k = &cs[rc->cust];
			int64_t net = rc->total - rc->ret;
			int32_t d1, delay;
			rc->pd1 = rc->pd2 = NEVER;
			if (net <= 0)
				continue;
			switch (k->pay) {
			case PAY_ONTIME: delay = (int32_t)rrange(&pr, -7, 4); break;
			case PAY_NORMAL: delay = (int32_t)rrange(&pr, -3, 20); break;
			case PAY_SLOW: delay = (int32_t)rrange(&pr, 10, 45); break;
			case PAY_LATE: delay = (int32_t)rrange(&pr, 40, 100); break;
			case PAY_VERYLATE: delay = (int32_t)rrange(&pr, 60, 120); break;
			case PAY_FAKEBIG: delay = (int32_t)rrange(&pr, 60, 100); break;
			default: delay = (int32_t)rrange(&pr, 15, 40); break;
			}
			if (k->pay == PAY_VERYLATE) {
				int32_t od_end = end - (rc->day + k->terms);
				if (od_end >= 61 && od_end <= 118 && delay <= od_end)
					delay = od_end + 1 + (int32_t)rbelow(&pr, (uint64_t)(120 - od_end));
			}
			if (!k->plant && k->pay <= PAY_NORMAL && rbelow(&pr, 100) < 4)
				delay += (int32_t)rrange(&pr, 20, 60); /* the odd late invoice */
			d1 = rc->day + k->terms + delay;
			if (d1 < rc->day)
				d1 = rc->day;
			if (rbelow(&pr, 100) < 12) {
				int64_t a1 = net * rrange(&pr, 30, 70) / 100;
				int32_t d2;
				if (k->pay <= PAY_NORMAL) {
					/* good payers: part early, the rest on the usual date */
					d2 = d1;
					d1 = d2 - (int32_t)rrange(&pr, 7, 30);
					if (d1 < rc->day)
						d1 = rc->day;
				} else {
					/* slow payers: the rest comes later still */
					int32_t cap = rc->day + k->terms + 120;
					d2 = d1 + (int32_t)rrange(&pr, 7, 35);
					if (k->pay >= PAY_VERYLATE && d2 > cap)
						d2 = cap > d1 ? cap : d1;
				}
				if (a1 <= 0)
					a1 = net;
				rc->pa1 = a1;
				rc->pa2 = net - a1;
				rc->pd1 = d1 <= end ? d1 : NEVER;
				rc->pd2 = (rc->pa2 > 0 && d2 <= end) ? d2 : NEVER;
				if (rc->pa2 <= 0)
					rc->pd2 = NEVER;
			} else {
				rc->pa1 = net;
				rc->pd1 = d1 <= end ? d1 : NEVER;
			}
			if (rc->pd1 != NEVER) {
				pays[np].day = rc->pd1;
				pays[np].cust = rc->cust;
				pays[np].rec = (int32_t)j;
				pays[np].amount = rc->pa1;
				pays[np].part = 0;
				pays[np].ref = runit(&pr) < 0.70;
				np++;
			}
			if (rc->pd2 != NEVER) {
				pays[np].day = rc->pd2;
				pays[np].cust = rc->cust;
				pays[np].rec = (int32_t)j;
				pays[np].amount = rc->pa2;
				pays[np].part = 1;
				pays[np].ref = runit(&pr) < 0.70;
				np++;
			}
		}
		qsort(pays, np, sizeof *pays, cmp_pay);
		if (out_open(&o, opt.out, "payments.csv"))
			return EXIT_IO;
		out_str(&o, "date,customer_id,amount,invoice_ref\n");
		for (j = 0; j < np; j++) {
			const Pay *p = &pays[j];
			const Cust *k = &cs[p->cust];
			const Rec *rc = &recs[p->rec];
			out_need(&o, 128);
			put_mem(&o, datestr[p->day - start], 10);
			put_ch(&o, ',');
			put_mem(&o, k->id, (size_t)k->idlen + 1);
			put_money(&o, p->amount);
			put_ch(&o, ',');
			if (p->ref) {
				const char *ds = datestr[rc->day - start];
				char tmp[12];
				int s = rc->seq, nd = 0;
				put_ch(&o, 'X');
				put_ch(&o, 'S');
				put_mem(&o, ds, 4);
				put_mem(&o, ds + 5, 2);
				put_mem(&o, ds + 8, 2);
				do {
					tmp[nd++] = (char)('0' + s % 10);
					s /= 10;
				} while (s);
				while (nd < 5)
					tmp[nd++] = '0';
				while (nd)
					put_ch(&o, tmp[--nd]);
			}
			put_ch(&o, '\n');
		}
		free(pays);
		if (out_close(&o))
			return EXIT_IO;
	}

	/* ---- credit.csv ---- */
	{
		int64_t *bal = xcalloc((size_t)N * 2, sizeof *bal);
		int64_t *od = xcalloc((size_t)N * 2, sizeof *od);
		int32_t *maxd = xcalloc((size_t)N * 2, sizeof *maxd);
		int64_t *rev12 = xcalloc((size_t)N, sizeof *rev12);
		int64_t *limit = xcalloc((size_t)N, sizeof *limit);
		int32_t snaps[2];
		int32_t y12 = add_months(end, -12);
		size_t j;
		int s;
		Out o;
		Rng cr = rseed(opt.seed, 8, 0);
		snaps[0] = snap1;
		snaps[1] = end;
		for (j = 0; j < nrec; j++) {
			const Rec *rc = &recs[j];
			const Cust *k = &cs[rc->cust];
			int64_t net = rc->total - rc->ret;
			if (rc->day > y12)
				rev12[rc->cust] += net;
			if (net <= 0)
				continue;
			for (s = 0; s < 2; s++) {
				int32_t S = snaps[s], due = rc->day + k->terms;
				int64_t out;
				size_t x = (size_t)rc->cust * 2 + (size_t)s;
				if (rc->day > S)
					continue;
				out = net;
				if (rc->pd1 <= S)
					out -= rc->pa1;
				if (rc->pd2 <= S)
					out -= rc->pa2;
				if (out <= 0)
					continue;
				bal[x] += out;
				if (due < S) {
					od[x] += out;
					if (S - due > maxd[x])
						maxd[x] = S - due;
				}
			}
		}
		for (c = 0; c < N; c++) {
			const Cust *k = &cs[c];
			int64_t monthly = rev12[c] / 12, lim, need;
			int64_t step = 1000000; /* 10,000 yuan */
			if (monthly < 0)
				monthly = 0;
			lim = monthly * (k->terms + 30) / 30 * rrange(&cr, 120, 180) / 100;
			need = bal[c * 2] > bal[c * 2 + 1] ? bal[c * 2] : bal[c * 2 + 1];
			need = need * 115 / 100;
			if (lim < need)
				lim = need;
			lim = (lim + step - 1) / step * step;
			if (lim < 2 * step)
				lim = 2 * step;
			if (k->plant == 12) {
				lim = bal[c * 2 + 1] * 70 / 100 / 100000 * 100000; /* to 1,000 yuan */
				if (lim < 100000)
					lim = 100000;
			}
			limit[c] = lim;
		}
		if (out_open(&o, opt.out, "credit.csv"))
			return EXIT_IO;
		out_str(&o, "as_of,customer_id,credit_limit,balance,overdue_amount,max_days_overdue,rating\n");
		for (s = 0; s < 2; s++) {
			char db[11];
			fmt_date(snaps[s], db);
			for (c = 0; c < N; c++) {
				const Cust *k = &cs[c];
				size_t x = (size_t)c * 2 + (size_t)s;
				static const char *const RAT[6] = {"AAA", "AA", "A", "BBB", "BB", "B"};
				int rt;
				switch (k->pay) {
				case PAY_ONTIME: rt = k->rank < N * 3 / 10 ? 0 : 1; break;
				case PAY_NORMAL: rt = 2; break;
				case PAY_SLOW: rt = 3; break;
				case PAY_LATE: rt = 4; break;
				case PAY_VERYLATE: rt = 5; break;
				default: rt = 4; break;
				}
				if (maxd[x] > 90 && rt < 5)
					rt = 5;
				else if (maxd[x] > 60 && rt < 4)
					rt = 4;
				else if (maxd[x] > 30 && rt < 3)
					rt = 3;
				out_need(&o, 160);
				put_mem(&o, db, 10);
				put_ch(&o, ',');
				put_mem(&o, k->id, (size_t)k->idlen + 1);
				put_money(&o, limit[c]);
				put_ch(&o, ',');
				put_money(&o, bal[x]);
				put_ch(&o, ',');
				put_money(&o, od[x]);
				put_ch(&o, ',');
				put_u64(&o, (uint64_t)maxd[x]);
				put_ch(&o, ',');
				put_mem(&o, RAT[rt], strlen(RAT[rt]));
				put_ch(&o, '\n');
			}
		}
		free(bal);
		free(od);
		free(maxd);
		free(rev12);
		free(limit);
		if (out_close(&o))
			return EXIT_IO;
	}

	/* ---- assessments.csv ---- */
	{
		static const char *const DIMS[14] = {
		    "development", "sales-management", "network", "promotion", "after-sales",
		    "relationship", "product-traction", "management-improvement",
		    "brand-contribution", "responsiveness", "quality", "safety",
		    "cross-territory", "price-dumping"};
		int qy[4], qm[4], q, dd;
		int32_t qend[4];
		int ye, me, de, t;
		Out o;
		civil_from_days(end, &ye, &me, &de);
		t = ye * 12 + me - 1; /* month index of end */
		if (me % 3 != 0 || de != days_in_month(ye, me))
			t = t - (me % 3 == 0 ? 3 : me % 3);
		for (q = 3; q >= 0; q--) {
			qy[q] = t / 12;
			qm[q] = t % 12 + 1;
			qend[q] = days_from_civil(qy[q], qm[q], days_in_month(qy[q], qm[q]));
			t -= 3;
		}
		if (out_open(&o, opt.out, "assessments.csv"))
			return EXIT_IO;
		out_str(&o, "period,customer_id,dimension,score\n");
		for (q = 0; q < 4; q++) {
			char per[8];
			per[0] = (char)('0' + qy[q] / 1000 % 10);
			per[1] = (char)('0' + qy[q] / 100 % 10);
			per[2] = (char)('0' + qy[q] / 10 % 10);
			per[3] = (char)('0' + qy[q] % 10);
			per[4] = '-';
			per[5] = (char)('0' + qm[q] / 10);
			per[6] = (char)('0' + qm[q] % 10);
			for (c = 0; c < N; c++) {
				const Cust *k = &cs[c];
				Rng ar = rseed(opt.seed, 9, (uint64_t)c);
				Rng qr = rseed(opt.seed, 10 + (uint64_t)q, (uint64_t)c);
				int base[12], sc[14];
				double sz = 1.0 - (double)k->rank / (double)N;
				int pd_q1, pd_q2;
				if (k->since > qend[q])
					continue;
				for (dd = 0; dd < 12; dd++) {
					if (dd < 6)
						base[dd] = 20 + (int)(25.0 * sz) + (int)rrange(&ar, -8, 8);
					else
						base[dd] = 22 + (int)(18.0 * sz) + (int)rrange(&ar, -8, 8);
					sc[dd] = halves(base[dd] + (int)rrange(&qr, -5, 5));
				}
				sc[12] = 0;
				sc[13] = 0;
				if (!k->plant) {
					if (rbelow(&qr, 1000) < 30)
						sc[12] = (int)rrange(&qr, 1, 2) * 10;
					if (rbelow(&qr, 1000) < 15)
						sc[13] = 10;
				}
				pd_q1 = (int)rbelow(&ar, 4);
				pd_q2 = (pd_q1 + 1 + (int)rbelow(&ar, 3)) % 4;
				switch (k->plant) {
				case 4: case 5: case 6: case 7: case 8:
					sc[4] = rbelow(&qr, 2) ? 50 : 45;
					sc[5] = rbelow(&qr, 2) ? 50 : 45;
					break;
				case 9:
					sc[5] = (int)rrange(&qr, 2, 4) * 5; /* 1.0 .. 2.0 */
					sc[12] = (int)rrange(&qr, 3, 6) * 10;
					sc[13] = (q == pd_q1 || q == pd_q2) ? (int)rrange(&qr, 2, 4) * 10
									    : (int)rbelow(&qr, 2) * 10;
					break;
				case 16:
					sc[0] = (int)rrange(&qr, 2, 4) * 5;
					sc[2] = (int)rrange(&qr, 2, 4) * 5;
					sc[3] = (int)rrange(&qr, 2, 4) * 5;
					break;
				default:
					break;
				}
				for (dd = 0; dd < 14; dd++) {
					out_need(&o, 96);
					put_mem(&o, per, 7);
					put_ch(&o, ',');
					put_mem(&o, k->id, (size_t)k->idlen + 1);
					put_mem(&o, DIMS[dd], strlen(DIMS[dd]));
					put_ch(&o, ',');
					if (dd >= 12)
						put_u64(&o, (uint64_t)(sc[dd] / 10));
					else
						put_score(&o, sc[dd]);
					put_ch(&o, '\n');
				}
			}
		}
		if (out_close(&o))
			return EXIT_IO;
	}

done:
	free(recs);
	free(cnt);
	for (c = 0; c < N; c++)
		free(cs[c].name);
	free(cs);
	free(datestr[0]);
	free(datestr);
	free(months);
	return status;
}
