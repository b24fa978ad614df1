/* fuzz_value.c: libFuzzer target for the value parsers (money, numbers, dates, ids, text). */
#include <stddef.h>
#include <stdint.h>

#include "value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char out[64];
	int64_t m;
	double v;
	long long ll;
	int32_t day;
	int f;

	val_money(s, size, &m);
	val_decimal(s, size, &v);
	val_int(s, size, &ll);
	val_scaled(s, size, 6, &m);
	for (f = VAL_DATE_AUTO; f <= VAL_DATE_EXCEL; f++)
		val_date(s, size, (enum val_date_fmt)f, &day);
	val_id(s, size, out, sizeof(out));
	val_text(s, size, out, sizeof(out));
	return 0;
}
