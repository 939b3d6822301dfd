// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Oracle Cloud Infrastructure's public_ip_ranges.json
 * (https://docs.oracle.com/en-us/iaas/tools/public_ip_ranges.json):
 * "last_updated_timestamp", "regions" [{region, cidrs: [{cidr, tags}]}].
 * OCI runs no region in China, and the catalog names no separate operator
 * for its EU Sovereign Cloud (Oracle subsidiaries, US-controlled): every
 * range is oracle-cloud.
 */
#include <errno.h>
#include "cloud_json.h"

static int oracle_visit(json_object *item, size_t index, json_object *root, struct eg_dataset *ds,
			const char *name, struct eg_error *err)
{
	json_object *cidrs;

	(void)root;
	if (!json_object_object_get_ex(item, "cidrs", &cidrs))
		return eg_fail(err, EINVAL, "%s: region entry %zu: no \"cidrs\" list", name, index);
	return eg_cloud_add_all(ds, name, index, cidrs, "cidr",
				eg_range_operator_value("oracle-cloud"), err);
}

EG_CLOUD_FORMAT(eg_format_oracle, "oracle-json", "Oracle public_ip_ranges.json",
		"last_updated_timestamp", "regions", NULL, oracle_visit,
		"\"last_updated_timestamp\"", "\"regions\"");
