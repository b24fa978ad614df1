/* cmd_calc.h: the "weights" and "rank" calculator subcommands. */
#ifndef CUSTEVAL_CMD_CALC_H
#define CUSTEVAL_CMD_CALC_H

#include <stdio.h>

struct diag;

/*
 * custeval weights --method ahp --matrix FILE [--ri saaty|cn]
 *     [--priority eigen|geomean] [--format text|csv]
 * custeval weights --method entropy|critic --data FILE
 *     [--directions +,-,...] [--normalize minmax|raw] [--format text|csv]
 * (both forms also take --lang zh-CN|zh-TW|en)
 *
 * argv[0] is the subcommand name.  Results go to out, problems to d.
 * --lang X is accepted (main has usually set d->lang from it already;
 * --lang=X sets it here); the AHP verdict line and CSV header rows are
 * printed in d->lang.  Message positions are FILE:LINE:FIELD, the field
 * counted from 1.
 * Returns the exit code: 0 ok, 1 usage, 2 data error or inconsistent
 * AHP matrix (the results are still printed), 3 I/O.
 */
int cmd_weights(int argc, char **argv, FILE *out, struct diag *d);

/*
 * custeval rank --method topsis|sum --data FILE --weights w1,w2,...
 *     [--directions +,-,...] [--normalize vector|minmax|zscore|percentile]
 *     [--format text|csv] [--lang zh-CN|zh-TW|en]
 *
 * Prints "name value rank" per data row in input order; rank 1 is best,
 * equal values share a rank (competition ranking 1224).  Exit codes as
 * cmd_weights.
 */
int cmd_rank(int argc, char **argv, FILE *out, struct diag *d);

#endif
