/* SPDX-License-Identifier: MIT */
/*
 * schema - the SQLite schema of a heloval database, as an ordered list of
 * migrations. Migration i (0-based) brings PRAGMA user_version from i to i+1.
 * Never edit a migration that has shipped; append a new one.
 */
#ifndef HV_SCHEMA_H
#define HV_SCHEMA_H

#include <stddef.h>

/* HV_SQL_HELO_UNOBSERVED - SQL condition on a sessions row aliased s: the
 * client may have sent a HELO that nothing read shows (helo_from NULL).
 * Such a session is CSA unknown/helo-unobserved, verdict unevaluated;
 * helo_from 'none' (provably no HELO) keeps unknown/no-helo. */
#define HV_SQL_HELO_UNOBSERVED "(s.helo IS NULL AND s.helo_from IS NULL)"

/* schema_migrations - SQL scripts, one per version step. */
extern const char *const schema_migrations[];
/* schema_version - number of entries in schema_migrations (= current version). */
extern const size_t schema_version;

#endif
