/* model.c: customer table (hash-indexed), window arithmetic and ingest accounting. */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>
#include <strings.h>

#include "model.h"
#include "util.h"

static const char *const S_type_keys[CT__COUNT] = {
	"", "dealer", "wholesaler", "retailer", "agent", "key-account",
	"end-user"
};

/* Names users write in the type column, mapped to types. */
static const struct {
	const char *name;
	enum cust_type type;
} S_type_names[] = {
	{ "dealer", CT_DEALER }, { "distributor", CT_DEALER },
	{ "经销商", CT_DEALER }, { "經銷商", CT_DEALER }, { "分销商", CT_DEALER },
	{ "經銷", CT_DEALER }, { "经销", CT_DEALER },
	{ "wholesaler", CT_WHOLESALER }, { "批发商", CT_WHOLESALER },
	{ "批發商", CT_WHOLESALER }, { "批发", CT_WHOLESALER },
	{ "retailer", CT_RETAILER }, { "零售商", CT_RETAILER },
	{ "零售", CT_RETAILER }, { "门店", CT_RETAILER }, { "門市", CT_RETAILER },
	{ "agent", CT_AGENT }, { "代理商", CT_AGENT }, { "代理", CT_AGENT },
	{ "key-account", CT_KEY_ACCOUNT }, { "key account", CT_KEY_ACCOUNT },
	{ "ka", CT_KEY_ACCOUNT }, { "大客户", CT_KEY_ACCOUNT },
	{ "大客戶", CT_KEY_ACCOUNT }, { "直供大客户", CT_KEY_ACCOUNT },
	{ "end-user", CT_END_USER }, { "end user", CT_END_USER },
	{ "终端用户", CT_END_USER }, { "終端用戶", CT_END_USER },
	{ "终端客户", CT_END_USER }, { "終端客戶", CT_END_USER },
};

static const char *const S_dim_keys[DIM__COUNT] = {
	"development", "sales-management", "network", "promotion",
	"after-sales", "relationship", "product-traction",
	"management-improvement", "brand-contribution", "responsiveness",
	"quality", "safety"
};

static const char *const S_dim_names[DIM__COUNT][2] = {
	{ "开发能力", "開發能力" }, { "销售管理水平", "銷售管理水準" },
	{ "销售网络", "銷售網路" }, { "促销能力", "促銷能力" },
	{ "售后服务", "售後服務" }, { "与本公司的关系", "與本公司的關係" },
	{ "产品牵引", "產品牽引" }, { "管理改进", "管理改進" },
	{ "品牌贡献", "品牌貢獻" }, { "快速响应", "快速響應" },
	{ "质量", "品質" }, { "安全", "安全" },
};

static const char *const S_viol_keys[VIOL__COUNT] = {
	"cross-territory", "price-dumping"
};
static const char *const S_viol_names[VIOL__COUNT][3] = {
	{ "窜货", "竄貨", "跨区销售" }, { "低价倾销", "低價傾銷", "低价销售" },
};

const char *
cust_type_key(enum cust_type t)
{
	return (unsigned)t < CT__COUNT ? S_type_keys[t] : "";
}

int
cust_type_parse(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(S_type_names) / sizeof(S_type_names[0]); i++)
		if (strcasecmp(s, S_type_names[i].name) == 0)
			return S_type_names[i].type;
	return -1;
}

const char *
dim_key(enum dim d)
{
	return (unsigned)d < DIM__COUNT ? S_dim_keys[d] : "";
}

int
dim_parse(const char *s)
{
	int i;

	for (i = 0; i < DIM__COUNT; i++)
		if (strcasecmp(s, S_dim_keys[i]) == 0 ||
		    strcmp(s, S_dim_names[i][0]) == 0 ||
		    strcmp(s, S_dim_names[i][1]) == 0)
			return i;
	return -1;
}

const char *
viol_key(enum viol v)
{
	return (unsigned)v < VIOL__COUNT ? S_viol_keys[v] : "";
}

int
viol_parse(const char *s)
{
	int i, j;

	for (i = 0; i < VIOL__COUNT; i++) {
		if (strcasecmp(s, S_viol_keys[i]) == 0)
			return i;
		for (j = 0; j < 3; j++)
			if (strcmp(s, S_viol_names[i][j]) == 0)
				return i;
	}
	return -1;
}

void
model_init(struct model *m, int32_t as_of, int cycle_years)
{
	int y, mo, d;

	memset(m, 0, sizeof(*m));
	m->as_of = as_of;
	m->cycle_years = cycle_years;
	m->n_months = cycle_years * 12;
	m->first_month = cv_month_index(as_of) - m->n_months + 1;
	y = m->first_month / 12;
	mo = m->first_month % 12 + 1;
	d = 1;
	m->window_start = cv_days_from_civil(y, mo, d);
}

/*
 * Customers and their months come from large zeroed blocks, 64-byte
 * aligned: no per-customer malloc, and one page fault per huge page
 * instead of one per 4 KiB when the kernel grants transparent huge pages.
 */
#define S_BLOCK ((size_t)8 << 20)

/*
 * Fresh memory costs a page fault and the kernel zeroing it on first
 * touch (in a virtual machine the host backs it then, too): with 100,000
 * customers that was a tenth of the thread that adds sales up.  From the
 * third block on, a helper thread maps and touches the next block ahead,
 * while the other core is mostly idle; the model takes it when it needs
 * it (or maps its own if it is not ready yet).
 */
struct model_prefault {
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	void *ready;		/* a touched S_BLOCK mapping, or NULL */
	int want;		/* prepare one */
	int quit;
};

static void *
S_map_block(size_t sz)
{
	void *p = mmap(NULL, sz, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, sz, MADV_HUGEPAGE);
#endif
	return p;
}

static void *
S_prefault_thread(void *arg)
{
	struct model_prefault *pf = arg;
	volatile char *p;
	size_t i;

	pthread_mutex_lock(&pf->mu);
	for (;;) {
		while (!pf->quit && (!pf->want || pf->ready != NULL))
			pthread_cond_wait(&pf->cv, &pf->mu);
		if (pf->quit)
			break;
		pf->want = 0;
		pthread_mutex_unlock(&pf->mu);
		p = S_map_block(S_BLOCK);
		for (i = 0; p != NULL && i < S_BLOCK; i += 4096)
			p[i] = 0;
		pthread_mutex_lock(&pf->mu);
		pf->ready = (void *)p;
	}
	pthread_mutex_unlock(&pf->mu);
	return NULL;
}

/* An S_BLOCK mapping, touched ahead if one is ready; NULL if none. */
static void *
S_take_block(struct model *m)
{
	struct model_prefault *pf = m->pf;
	void *p = NULL;

	if (pf == NULL && m->n_blocks >= 4 && !m->no_prefault) {
		pf = cv_calloc(1, sizeof(*pf));
		pthread_mutex_init(&pf->mu, NULL);
		pthread_cond_init(&pf->cv, NULL);
		pf->want = 1;
		if (pthread_create(&pf->tid, NULL, S_prefault_thread, pf) != 0) {
			pthread_cond_destroy(&pf->cv);
			pthread_mutex_destroy(&pf->mu);
			free(pf);
			pf = NULL;
			m->no_prefault = 1;	/* do not try again */
		}
		m->pf = pf;
	}
	if (pf != NULL) {
		pthread_mutex_lock(&pf->mu);
		p = pf->ready;
		pf->ready = NULL;
		pf->want = 1;
		pthread_cond_signal(&pf->cv);
		pthread_mutex_unlock(&pf->mu);
	}
	return p != NULL ? p : S_map_block(S_BLOCK);
}

void
model_grown(struct model *m)
{
	struct model_prefault *pf = m->pf;

	m->no_prefault = 1;
	if (pf == NULL)
		return;
	pthread_mutex_lock(&pf->mu);
	pf->quit = 1;
	pthread_cond_signal(&pf->cv);
	pthread_mutex_unlock(&pf->mu);
	pthread_join(pf->tid, NULL);
	if (pf->ready != NULL)
		munmap(pf->ready, S_BLOCK);
	pthread_cond_destroy(&pf->cv);
	pthread_mutex_destroy(&pf->mu);
	free(pf);
	m->pf = NULL;
}

static void *
S_alloc(struct model *m, size_t n)
{
	void *p;
	size_t sz;

	n = (n + 63) & ~(size_t)63;
	if (n > m->block_left) {
		sz = n > S_BLOCK ? n : S_BLOCK;
		m->blocks = cv_realloc(m->blocks, (m->n_blocks + 2) *
		    sizeof(*m->blocks));
		p = sz == S_BLOCK ? S_take_block(m) : S_map_block(sz);
		if (p != NULL) {
			m->blocks[m->n_blocks + 1] = (void *)(uintptr_t)sz;
		} else {
			/* No mapping: heap memory (size 0 marks it). */
			if (posix_memalign(&p, 64, sz) != 0)
				p = cv_malloc(sz);	/* fails: out of memory */
			memset(p, 0, sz);
			m->blocks[m->n_blocks + 1] = NULL;
		}
		m->blocks[m->n_blocks] = p;
		m->n_blocks += 2;
		m->block_cur = p;
		m->block_left = sz;
	}
	p = m->block_cur;
	m->block_cur += n;
	m->block_left -= n;
	return p;
}

struct month_agg *
model_months(struct model *m, struct customer *c)
{
	if (c->months == NULL)
		c->months = S_alloc(m, (size_t)m->n_months * sizeof(*c->months));
	return c->months;
}

struct month_pay *
model_pay(struct model *m, struct customer *c)
{
	if (c->pay == NULL)
		c->pay = S_alloc(m, (size_t)m->n_months * sizeof(*c->pay));
	return c->pay;
}

static void
S_free_customer(struct customer *c)
{
	if (c->id != c->id_short)
		free(c->id);
}

#define S_TEXT_BLOCK ((size_t)64 << 10)

/* Room for n bytes of text. */
static char *
S_text_room(struct model *m, size_t n)
{
	char *p;

	if (n > m->text_left) {
		size_t sz = n > S_TEXT_BLOCK ? n : S_TEXT_BLOCK;

		m->texts = cv_realloc(m->texts, (m->n_texts + 1) *
		    sizeof(*m->texts));
		m->texts[m->n_texts++] = m->text_cur = cv_malloc(sz);
		m->text_left = sz;
	}
	p = m->text_cur;
	m->text_cur += n;
	m->text_left -= n;
	return p;
}

static void
S_text_put(const char **slots, size_t n_slots, const char *t)
{
	size_t i = (size_t)model_hash(t, strlen(t)) & (n_slots - 1);

	while (slots[i] != NULL)
		i = (i + 1) & (n_slots - 1);
	slots[i] = t;
}

const char *
model_text(struct model *m, const char *s, size_t n)
{
	char *t;

	if (n == 0)
		return "";
	t = S_text_room(m, n + 1);
	memcpy(t, s, n);
	t[n] = '\0';
	return t;
}

const char *
model_text_shared(struct model *m, const char *s, size_t n)
{
	size_t i, k;
	char *t;

	if (n == 0)
		return "";
	if (2 * (m->n_tused + 1) > m->n_tslots) {
		size_t ns = m->n_tslots ? 2 * m->n_tslots : 256;
		const char **slots = cv_calloc(ns, sizeof(*slots));

		for (k = 0; k < m->n_tslots; k++)
			if (m->tslots[k] != NULL)
				S_text_put(slots, ns, m->tslots[k]);
		free(m->tslots);
		m->tslots = slots;
		m->n_tslots = ns;
	}
	for (i = (size_t)model_hash(s, n) & (m->n_tslots - 1);
	    m->tslots[i] != NULL; i = (i + 1) & (m->n_tslots - 1))
		if (strncmp(m->tslots[i], s, n) == 0 &&
		    m->tslots[i][n] == '\0')
			return m->tslots[i];
	t = S_text_room(m, n + 1);
	memcpy(t, s, n);
	t[n] = '\0';
	m->tslots[i] = t;
	m->n_tused++;
	return t;
}

void
model_free(struct model *m)
{
	size_t i;

	model_grown(m);
	for (i = 0; i < m->n_cust; i++)
		S_free_customer(m->cust[i]);
	free(m->cust);
	free(m->hslots);
	for (i = 0; i + 1 < m->n_blocks; i += 2) {
		if (m->blocks[i + 1] != NULL)
			munmap(m->blocks[i], (size_t)(uintptr_t)m->blocks[i + 1]);
		else
			free(m->blocks[i]);
	}
	free(m->blocks);
	for (i = 0; i < m->n_texts; i++)
		free(m->texts[i]);
	free(m->texts);
	free(m->tslots);
	for (i = 0; i < m->n_inputs; i++) {
		free(m->inputs[i].path);
		free(m->inputs[i].kind);
		free(m->inputs[i].encoding);
	}
	free(m->inputs);
	for (i = 0; i < m->n_reasons; i++) {
		free(m->reasons[i].kind);
		free(m->reasons[i].text);
	}
	free(m->reasons);
	memset(m, 0, sizeof(*m));
}

/* The hash is kept in the slot, so a probe compares ids only on a match. */
/*
 * The index's hash of an id, eight bytes at a time (a sales line hashes
 * its customer id and its invoice id; byte-at-a-time FNV was a tenth of
 * the parsing thread).  Only this run's memory uses it.
 */
/* One 8-byte word into the hash, and the end of the hash. */
static inline uint64_t
S_hash_word(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
	return h ^ (h >> 32);
}

static inline uint64_t
S_hash_end(uint64_t h)
{
	h ^= h >> 29;
	h *= 0xC4CEB9FE1A85EC53ULL;
	return h ^ (h >> 32);
}

uint64_t
model_hash(const char *s, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ULL ^ (uint64_t)n, w;
	size_t i;

	for (i = n; i >= 8; s += 8, i -= 8) {
		memcpy(&w, s, 8);
		h = S_hash_word(h, w);
	}
	if (i > 0) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		if (n >= 8) {
			/* The last 8 bytes, shifted down to the i left over. */
			memcpy(&w, s + i - 8, 8);
			w >>= 8 * (8 - i);
		} else
#endif
		{
			size_t j;

			w = 0;
			for (j = 0; j < i; j++)
				w |= (uint64_t)(unsigned char)s[j] << (8 * j);
		}
		h = S_hash_word(h, w);
	}
	return S_hash_end(h);
}

uint64_t
model_hash_short(uint64_t w, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);	/* model_hash reads bytes little-endian */
#endif
	return S_hash_end(S_hash_word(0x9E3779B97F4A7C15ULL ^ (uint64_t)n, w));
}

static struct customer *
S_find(const struct model *m, const char *id, uint64_t h)
{
	size_t s;

	if (m->n_hslots == 0)
		return NULL;
	for (s = (size_t)h & (m->n_hslots - 1); m->hslots[s].c != NULL;
	    s = (s + 1) & (m->n_hslots - 1))
		if (m->hslots[s].hash == h && strcmp(m->hslots[s].c->id, id) == 0)
			return m->hslots[s].c;
	return NULL;
}

struct customer *
model_find(const struct model *m, const char *id)
{
	return S_find(m, id, model_hash(id, strlen(id)));
}

void
model_prefetch_slot(const struct model *m, uint64_t h)
{
	if (m->n_hslots > 0)
		__builtin_prefetch(&m->hslots[(size_t)h & (m->n_hslots - 1)]);
}

struct customer *
model_candidate(const struct model *m, uint64_t h)
{
	size_t s;

	if (m->n_hslots == 0)
		return NULL;
	for (s = (size_t)h & (m->n_hslots - 1); m->hslots[s].c != NULL;
	    s = (s + 1) & (m->n_hslots - 1))
		if (m->hslots[s].hash == h)
			return m->hslots[s].c;
	return NULL;
}

struct customer *
model_find_hashed(const struct model *m, const char *id, uint64_t hash)
{
	return S_find(m, id, hash);
}

static void
S_insert(struct model *m, uint64_t h, struct customer *c)
{
	size_t s;

	for (s = (size_t)h & (m->n_hslots - 1); m->hslots[s].c != NULL;
	    s = (s + 1) & (m->n_hslots - 1))
		;
	m->hslots[s].hash = h;
	m->hslots[s].c = c;
}

static void
S_rehash(struct model *m, size_t n_slots)
{
	size_t i;

	free(m->hslots);
	m->n_hslots = n_slots;
	m->hslots = cv_calloc(m->n_hslots, sizeof(*m->hslots));
	for (i = 0; i < m->n_cust; i++)
		S_insert(m, model_hash(m->cust[i]->id, strlen(m->cust[i]->id)),
		    m->cust[i]);
}

struct customer *
model_get(struct model *m, const char *id, int *created)
{
	return model_get_hashed(m, id, model_hash(id, strlen(id)), created);
}

struct customer *
model_get_hashed(struct model *m, const char *id, uint64_t h, int *created)
{
	struct customer *c;
	int i;

	*created = 0;
	if ((c = S_find(m, id, h)) != NULL)
		return c;
	*created = 1;
	c = S_alloc(m, sizeof(*c) + (size_t)m->cycle_years * sizeof(*c->year));
	c->year = (struct cust_year *)(void *)(c + 1);
	if (strlen(id) < sizeof(c->id_short))
		c->id = strcpy(c->id_short, id);
	else
		c->id = cv_strdup(id);
	c->name = c->region = c->industry = c->rep = c->territory = "";
	c->since = CV_DATE_NONE;
	c->terms_days = -1;
	c->first_sale = c->last_sale = CV_DATE_NONE;
	for (i = 0; i < DIM__COUNT; i++) {
		c->dim[i] = NAN;
		c->dim_period[i] = INT32_MIN;
	}
	if (m->n_cust == m->cap_cust) {
		m->cap_cust = m->cap_cust ? m->cap_cust * 2 : 256;
		m->cust = cv_realloc(m->cust, m->cap_cust * sizeof(*m->cust));
	}
	m->cust[m->n_cust++] = c;
	if (m->n_cust * 2 > m->n_hslots)
		S_rehash(m, m->n_hslots ? m->n_hslots * 2 : 1024);
	else
		S_insert(m, h, c);
	return c;
}

int
model_month_slot(const struct model *m, int32_t day)
{
	int32_t slot;

	if (day > m->as_of || day < m->window_start)
		return -1;
	slot = cv_month_index(day) - m->first_month;
	return slot >= 0 && slot < m->n_months ? (int)slot : -1;
}

int
model_year_of(const struct model *m, int32_t day)
{
	int slot = model_month_slot(m, day);

	return slot < 0 ? -1 : slot / 12;
}

struct input_stats *
model_add_input(struct model *m, const char *kind, const char *path)
{
	struct input_stats *in;

	m->inputs = cv_realloc(m->inputs, (m->n_inputs + 1) * sizeof(*m->inputs));
	in = &m->inputs[m->n_inputs++];
	memset(in, 0, sizeof(*in));
	in->kind = cv_strdup(kind);
	in->path = cv_strdup(path);
	in->encoding = cv_strdup("");
	in->date_min = in->date_max = CV_DATE_NONE;
	return in;
}

void
model_count_reject(struct model *m, const char *kind, int id, const char *text)
{
	size_t i;
	struct reject_reason *r;

	for (i = 0; i < m->n_reasons; i++)
		if (m->reasons[i].id == id && strcmp(m->reasons[i].kind, kind) == 0) {
			m->reasons[i].count++;
			return;
		}
	m->reasons = cv_realloc(m->reasons, (m->n_reasons + 1) *
	    sizeof(*m->reasons));
	r = &m->reasons[m->n_reasons++];
	r->kind = cv_strdup(kind);
	r->id = id;
	r->text = cv_strdup(text);
	r->count = 1;
}

static int
S_cmp_cust(const void *a, const void *b)
{
	const struct customer *x = *(const struct customer *const *)a;
	const struct customer *y = *(const struct customer *const *)b;

	return strcmp(x->id, y->id);
}

void
model_sort(struct model *m)
{
	/* The index points at customers, not positions: no rehash needed. */
	if (m->n_cust > 1)
		qsort(m->cust, m->n_cust, sizeof(*m->cust), S_cmp_cust);
}
