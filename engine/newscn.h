/*
 * newscn — `cjmsim new NAME`: writes a starting scenario, NAME.lua, from the
 * template templates/scenario.lua in cjmsim's data directory (datadir.h),
 * with the scenario's name filled in. The template is a real file a teacher
 * can edit; the scenario it gives runs as is. An existing file is never
 * overwritten.
 */
#ifndef CJ_NEWSCN_H
#define CJ_NEWSCN_H

#include "cli.h"
#include "err.h"

cj_status new_command(const cli_options *opts, cj_err *err);

#endif
