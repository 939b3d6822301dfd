// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdlib.h>
#include <string.h>
#include "dataset.h"

void eg_dataset_free(struct eg_dataset *ds)
{
	free(ds->path);
	free(ds->format);
	free(ds->description);
	eg_range_list_free(&ds->ranges);
	eg_runs_free(&ds->runs);
	eg_names_array_free(ds->names, ds->n_names);
	memset(ds, 0, sizeof(*ds));
}

int eg_dataset_compact(struct eg_dataset *ds)
{
	if (!ds->ranges.v)
		return 0; /* compacted before, or nothing */
	if (eg_runs_from_ranges(&ds->runs, &ds->ranges)) {
		eg_runs_free(&ds->runs);
		return -1;
	}
	eg_range_list_free(&ds->ranges);
	return 0;
}

const char *eg_dataset_asn_name(const struct eg_dataset *ds, uint32_t asn)
{
	return ds ? eg_names_find(ds->names, ds->n_names, asn) : NULL;
}

const char *eg_age_source_name(enum eg_age_source source)
{
	return source == EG_AGE_BUILT	   ? "build date"
	       : source == EG_AGE_MANIFEST ? "manifest"
					   : "file mtime: no build date known";
}
