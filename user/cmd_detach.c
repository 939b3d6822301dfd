// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* exfilguard detach: remove a pinned guard, stopping its daemon if one runs. */
#include <stdio.h>
#include <json-c/json.h>
#include "cli.h"
#include "pins.h"

static const char detach_help[] =
	"Usage: exfilguard detach\n"
	"\n"
	"Detaches every hook pinned under the pin directory and removes the pins, even if\n"
	"the daemon that pinned them is gone; a running daemon is asked to stop (SIGTERM).\n"
	"Succeeds when nothing is pinned.\n";

int eg_cmd_detach(struct eg_cli *cli, int argc, char **argv)
{
	int rc = eg_cli_no_options(cli, argc, argv, detach_help), removed = 0;
	struct eg_error err = {0};

	if (rc)
		return rc < 0 ? EG_EXIT_OK : rc;
	if (eg_pins_detach(cli->pin_dir, &removed, &err)) {
		rc = eg_cli_pins_denied(cli, err.code);
		return rc >= 0 ? rc : eg_cli_error(cli, &err);
	}
	if (cli->json) {
		json_object *obj = json_object_new_object();

		json_object_object_add(obj, "pin_dir", json_object_new_string(cli->pin_dir));
		json_object_object_add(obj, "removed", json_object_new_int(removed));
		eg_cli_print_json(obj);
	} else {
		printf("%s: %s\n", cli->pin_dir,
		       removed ? "detached and removed" : "nothing was pinned");
	}
	return EG_EXIT_OK;
}
