// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Google's cloud.json (Google Cloud's external ranges, by region) and
 * goog.json (all of Google's), https://www.gstatic.com/ipranges/:
 * "prefixes" [{ipv4Prefix | ipv6Prefix, service, scope}], "creationTime".
 * Google runs no cloud region in China; every range is google-cloud.
 */
#include "cloud_json.h"

static int google_visit(json_object *item, size_t index, json_object *root, struct eg_dataset *ds,
			const char *name, struct eg_error *err)
{
	(void)root;
	return eg_cloud_add(ds, name, index, eg_json_either(item, "ipv4Prefix", "ipv6Prefix"),
			    eg_range_operator_value("google-cloud"), err);
}

EG_CLOUD_FORMAT(eg_format_google, "google-json", "Google IP ranges", "creationTime", "prefixes",
		NULL, google_visit, "\"syncToken\"", "\"creationTime\"");
