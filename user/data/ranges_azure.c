// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Azure IP Ranges and Service Tags, the weekly JSON of each cloud
 * (ServiceTags_Public_*.json, ServiceTags_China_*.json, ...): "cloud"
 * ("Public", "AzureChinaCloud", "AzureGovernment"), "values" [{name,
 * properties: {region, addressPrefixes: [...]}}]. Tags overlap (AzureCloud
 * holds every regional tag); within one file they all have one operator.
 * The China cloud, and any region named china*, is Azure operated by
 * 21Vianet: azure-china. The file carries no date (only a change number):
 * its age is the file's.
 */
#include <errno.h>
#include <string.h>
#include "cloud_json.h"

static uint32_t azure_operator(const char *cloud, const char *region)
{
	if ((cloud && strstr(cloud, "China")) || (region && strncmp(region, "china", 5) == 0))
		return eg_range_operator_value("azure-china");
	return eg_range_operator_value("microsoft-azure");
}

static int azure_visit(json_object *item, size_t index, json_object *root, struct eg_dataset *ds,
		       const char *name, struct eg_error *err)
{
	json_object *props, *prefixes;

	if (!json_object_object_get_ex(item, "properties", &props) ||
	    !json_object_object_get_ex(props, "addressPrefixes", &prefixes))
		return eg_fail(err, EINVAL, "%s: entry %zu: no properties.addressPrefixes", name,
			       index);
	return eg_cloud_add_all(
		ds, name, index, prefixes, NULL,
		azure_operator(eg_json_string(root, "cloud"), eg_json_string(props, "region")),
		err);
}

EG_CLOUD_FORMAT(eg_format_azure, "azure-json", "Azure Service Tags", NULL, "values", NULL,
		azure_visit, "\"changeNumber\"", "\"cloud\"", "\"values\"");
