// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * AWS ip-ranges.json (https://ip-ranges.amazonaws.com/ip-ranges.json):
 * "prefixes" [{ip_prefix, region, service}], "ipv6_prefixes" [{ipv6_prefix,
 * ...}], "createDate" "YYYY-MM-DD-hh-mm-ss". The China regions (cn-north-1
 * Beijing, run by Sinnet; cn-northwest-1 Ningxia, run by NWCD) are aws-china;
 * the European Sovereign Cloud's regions (eusc-*) are its own operator.
 */
#include <string.h>
#include "cloud_json.h"

static uint32_t aws_operator(const char *region)
{
	if (region && strncmp(region, "cn-", 3) == 0)
		return eg_range_operator_value("aws-china");
	if (region && strncmp(region, "eusc-", 5) == 0)
		return eg_range_operator_value("aws-european-sovereign-cloud");
	return eg_range_operator_value("aws");
}

static int aws_visit(json_object *item, size_t index, json_object *root, struct eg_dataset *ds,
		     const char *name, struct eg_error *err)
{
	(void)root;
	return eg_cloud_add(ds, name, index, eg_json_either(item, "ip_prefix", "ipv6_prefix"),
			    aws_operator(eg_json_string(item, "region")), err);
}

EG_CLOUD_FORMAT(eg_format_aws, "aws-json", "AWS ip-ranges.json", "createDate", "prefixes",
		"ipv6_prefixes", aws_visit, "\"syncToken\"", "\"createDate\"");
