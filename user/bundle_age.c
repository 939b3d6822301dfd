// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* How old the bundle's data is: each dataset's build date, where it comes from, the oldest. */
#include <stdio.h>
#include <string.h>
#include "bundle.h"
#include "manifest.h"

static const char *const kind_names[] = {[EG_DATA_COUNTRY] = "country",
					 [EG_DATA_ASN] = "asn",
					 [EG_DATA_PROVIDER] = "provider_ranges"};

/* The datasets in force, in a fixed order; returns how many. */
static size_t datasets(const struct eg_bundle *b, const struct eg_dataset *out[3])
{
	size_t n = 0;

	if (b->have_country)
		out[n++] = &b->country;
	if (b->have_asn)
		out[n++] = &b->asn;
	if (b->have_ranges)
		out[n++] = &b->ranges;
	return n;
}

uint64_t eg_bundle_oldest_build(const struct eg_bundle *b)
{
	const struct eg_dataset *ds[3];
	size_t n = datasets(b, ds);
	uint64_t oldest = 0;

	for (size_t i = 0; i < n; i++)
		if (!oldest || ds[i]->build_epoch < oldest)
			oldest = ds[i]->build_epoch;
	return oldest;
}

static double days(uint64_t now, uint64_t then)
{
	return now > then ? (double)(now - then) / 86400.0 : 0.0;
}

static int stale(const struct eg_bundle *b, uint64_t now)
{
	uint64_t after = eg_bundle_stale_after(b);

	return after && after <= now;
}

void eg_bundle_describe_age(const struct eg_bundle *b, uint64_t now, char *buf, size_t len)
{
	const struct eg_dataset *ds[3];
	size_t n = datasets(b, ds), used;
	uint64_t oldest = eg_bundle_oldest_build(b);

	used = (size_t)snprintf(buf, len, "data age:");
	if (!n) {
		snprintf(buf + used, len - used, " no datasets");
		return;
	}
	for (size_t i = 0; i < n && used < len; i++) {
		char built[32];

		eg_utc_format(ds[i]->build_epoch, built, sizeof(built));
		used += (size_t)snprintf(buf + used, len - used, " %s %s: %.1f days (%.10s, %s);",
					 kind_names[ds[i]->kind], ds[i]->path,
					 days(now, ds[i]->build_epoch), built,
					 eg_age_source_name(ds[i]->age_source));
	}
	if (used < len)
		used += (size_t)snprintf(buf + used, len - used, " oldest %.1f days",
					 days(now, oldest));
	if (used < len && b->policy.max_data_age)
		snprintf(buf + used, len - used, ", max_data_age %.1f days%s",
			 (double)b->policy.max_data_age / 86400.0,
			 stale(b, now) ? ": STALE, on_failure applies" : "");
}

json_object *eg_bundle_age_json(const struct eg_bundle *b, uint64_t now)
{
	json_object *obj = json_object_new_object(), *arr = json_object_new_array();
	const struct eg_dataset *ds[3];
	size_t n = datasets(b, ds);
	uint64_t oldest = eg_bundle_oldest_build(b);
	char summary[1024];

	eg_bundle_describe_age(b, now, summary, sizeof(summary));
	json_object_object_add(obj, "summary", json_object_new_string(summary));
	for (size_t i = 0; i < n; i++) {
		json_object *one = json_object_new_object();
		char built[32];

		eg_utc_format(ds[i]->build_epoch, built, sizeof(built));
		json_object_object_add(one, "kind",
				       json_object_new_string(kind_names[ds[i]->kind]));
		json_object_object_add(one, "path", json_object_new_string(ds[i]->path));
		json_object_object_add(one, "built", json_object_new_string(built));
		json_object_object_add(
			one, "age_seconds",
			json_object_new_int64((
				int64_t)(now > ds[i]->build_epoch ? now - ds[i]->build_epoch : 0)));
		json_object_object_add(
			one, "age_from",
			json_object_new_string(eg_age_source_name(ds[i]->age_source)));
		json_object_array_add(arr, one);
	}
	json_object_object_add(obj, "datasets", arr);
	json_object_object_add(obj, "oldest_age_seconds",
			       n ? json_object_new_int64((int64_t)(now > oldest ? now - oldest : 0))
				 : NULL);
	json_object_object_add(obj, "max_data_age_seconds",
			       b->policy.max_data_age
				       ? json_object_new_int64((int64_t)b->policy.max_data_age)
				       : NULL);
	json_object_object_add(obj, "stale", json_object_new_boolean(stale(b, now)));
	return obj;
}

json_object *eg_policy_data_age_json(const char *policy_path, uint64_t now)
{
	struct eg_error err = {0};
	struct eg_bundle b;
	json_object *age;

	if (eg_bundle_load_datasets(policy_path, &b, &err))
		return json_object_new_string(err.msg);
	age = eg_bundle_age_json(&b, now);
	eg_bundle_free(&b);
	return age;
}
