/* SPDX-License-Identifier: MIT */
/* schema - the database schema (see README "Database schema"). */
#include "schema.h"

const char *const schema_migrations[] = {
    /* 0 -> 1: scan tables, resolver tables, policy and the verdicts view. */
    "CREATE TABLE sources("
    "  id INTEGER PRIMARY KEY,"
    "  path TEXT NOT NULL,"            /* last path the content was seen at */
    "  fingerprint TEXT NOT NULL,"     /* hex FNV-1a 64 of the first fp_len bytes */
    "  fp_len INTEGER NOT NULL,"       /* bytes hashed (4096 unless smaller) */
    "  format TEXT,"                   /* postfix|exim|sendmail|mbox */
    "  size INTEGER, mtime INTEGER,"   /* of the file as last scanned */
    "  compressed INTEGER NOT NULL DEFAULT 0,"
    "  bytes_read INTEGER NOT NULL DEFAULT 0,"  /* uncompressed bytes consumed */
    "  lines_read INTEGER NOT NULL DEFAULT 0,"
    "  last_offset INTEGER NOT NULL DEFAULT 0," /* resume point (byte) */
    "  last_line INTEGER NOT NULL DEFAULT 0,"   /* lines before last_offset */
    "  first_ts INTEGER, last_ts INTEGER,"
    "  scanned_at INTEGER);"
    "CREATE INDEX sources_fp ON sources(fingerprint);"
    "CREATE TABLE source_skips("
    "  source_id INTEGER NOT NULL REFERENCES sources(id),"
    "  reason TEXT NOT NULL,"
    "  count INTEGER NOT NULL,"
    "  PRIMARY KEY(source_id, reason)) WITHOUT ROWID;"
    "CREATE TABLE sessions("
    "  id INTEGER PRIMARY KEY,"        /* source_id << 32 | line */
    "  source_id INTEGER NOT NULL REFERENCES sources(id),"
    "  line INTEGER NOT NULL,"
    "  ts INTEGER,"                    /* UTC epoch seconds */
    "  mta TEXT NOT NULL,"
    "  ip TEXT NOT NULL,"
    "  helo TEXT,"                     /* NULL: never seen */
    "  helo_from TEXT,"                /* v1: 'log' | 'received'; v2: see 1 -> 2 */
    "  rdns TEXT NOT NULL DEFAULT '',"
    "  disposition TEXT NOT NULL,"
    "  messages INTEGER NOT NULL DEFAULT 0,"
    "  qids TEXT);"                    /* JSON array of queue IDs, or NULL */
    /* no index on sessions here: the scan only appends; resolve adds
     * sessions(helo, ip) and sessions(ts) before anything reads them */
    /* resolver: raw answers with their TTLs (negative answers included) */
    "CREATE TABLE dns_cache("
    "  qname TEXT NOT NULL,"
    "  qtype INTEGER NOT NULL,"
    "  status TEXT NOT NULL,"          /* ok|nxdomain|nodata|servfail|refused|timeout|error */
    "  rcode INTEGER NOT NULL,"
    "  answer BLOB,"                   /* the DNS message as received */
    "  ttl INTEGER NOT NULL,"
    "  fetched_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  PRIMARY KEY(qname, qtype)) WITHOUT ROWID;"
    /* CSA per distinct (HELO, client IP); helo '' = no HELO seen */
    "CREATE TABLE csa("
    "  helo TEXT NOT NULL,"
    "  ip TEXT NOT NULL,"
    "  status TEXT NOT NULL,"          /* ok|fail|unknown|defer */
    "  reason TEXT NOT NULL,"          /* DESIGN.md csa_reason */
    "  record TEXT,"                   /* the SRV record text that decided it */
    "  evaluated_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  PRIMARY KEY(helo, ip)) WITHOUT ROWID;"
    /* DNA per (HELO, service) */
    "CREATE TABLE dna("
    "  helo TEXT NOT NULL,"
    "  service TEXT NOT NULL,"
    "  grade TEXT,"                    /* A..E, NULL: no report */
    "  level TEXT,"
    "  info TEXT,"
    "  status TEXT NOT NULL,"          /* report|none|defer */
    "  evaluated_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  PRIMARY KEY(helo, service)) WITHOUT ROWID;"
    /* DNA combined per HELO */
    "CREATE TABLE dna_result("
    "  helo TEXT PRIMARY KEY,"
    "  status TEXT NOT NULL,"          /* recommended|not-recommended|unknown|defer */
    "  grade TEXT,"
    "  service TEXT,"
    "  evaluated_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL) WITHOUT ROWID;"
    /* the policy table: CSA status x DNA status -> action */
    "CREATE TABLE policy("
    "  csa_status TEXT NOT NULL,"
    "  dna_status TEXT NOT NULL,"
    "  action TEXT NOT NULL,"          /* accept|mark|reject|tempfail */
    "  PRIMARY KEY(csa_status, dna_status)) WITHOUT ROWID;"
    "INSERT INTO policy VALUES"
    "  ('ok','recommended','accept'),('ok','unknown','mark'),"
    "  ('ok','not-recommended','reject'),('ok','defer','mark'),"
    "  ('fail','recommended','reject'),('fail','unknown','reject'),"
    "  ('fail','not-recommended','reject'),('fail','defer','reject'),"
    "  ('unknown','recommended','mark'),('unknown','unknown','mark'),"
    "  ('unknown','not-recommended','reject'),('unknown','defer','mark'),"
    "  ('defer','recommended','tempfail'),('defer','unknown','tempfail'),"
    "  ('defer','not-recommended','reject'),('defer','defer','tempfail');"
    /* settings and counters: key/value */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"
    /* one row per resolve run: the DNS work done */
    "CREATE TABLE resolve_runs("
    "  id INTEGER PRIMARY KEY,"
    "  started_at INTEGER NOT NULL, finished_at INTEGER,"
    "  names INTEGER NOT NULL DEFAULT 0,"
    "  queries INTEGER NOT NULL DEFAULT 0,"
    "  cache_hits INTEGER NOT NULL DEFAULT 0,"
    "  timeouts INTEGER NOT NULL DEFAULT 0,"
    "  failures INTEGER NOT NULL DEFAULT 0);"
    /* one row per scan run */
    "CREATE TABLE scan_runs("
    "  id INTEGER PRIMARY KEY,"
    "  started_at INTEGER NOT NULL, finished_at INTEGER,"
    "  files INTEGER NOT NULL DEFAULT 0,"
    "  bytes INTEGER NOT NULL DEFAULT 0,"
    "  lines INTEGER NOT NULL DEFAULT 0,"
    "  sessions INTEGER NOT NULL DEFAULT 0,"
    "  helo_joined INTEGER NOT NULL DEFAULT 0);"
    /* every session with its CSA, DNA and the policy's action */
    "CREATE VIEW verdicts AS SELECT"
    "  s.id AS session_id, src.path AS source, s.line AS line, s.ts AS ts,"
    "  s.mta AS mta, s.ip AS ip, COALESCE(s.helo,'') AS helo, s.rdns AS rdns,"
    "  s.disposition AS disposition, s.messages AS messages,"
    "  c.status AS csa_status, c.reason AS csa_reason, c.record AS csa_record,"
    "  COALESCE(d.status,'unknown') AS dna_status, d.grade AS dna_grade,"
    "  d.service AS dna_service, p.action AS verdict"
    " FROM sessions s JOIN sources src ON src.id = s.source_id"
    " LEFT JOIN csa c ON c.helo = COALESCE(s.helo,'') AND c.ip = s.ip"
    " LEFT JOIN dna_result d ON d.helo = COALESCE(s.helo,'')"
    " LEFT JOIN policy p ON p.csa_status = c.status"
    "  AND p.dna_status = COALESCE(d.status,'unknown');",
    /* 1 -> 2: HELO provenance. helo_from is 'log' | 'implied' (the log
     * format implies it: Exim's H=name [ip]) | 'received' (Received join)
     * | 'none' (provably no HELO) | NULL (a HELO the log does not show).
     * Version 1 read every HELO-less session as sending none: its rows
     * keep that reading ('none'); a new scan gives the finer one. The
     * verdicts view gives unobserved sessions unknown/helo-unobserved and
     * the verdict 'unevaluated', and shows helo_from. */
    "UPDATE sessions SET helo_from = 'none'"
    " WHERE helo IS NULL AND helo_from IS NULL;"
    "DROP VIEW verdicts;"
    "CREATE VIEW verdicts AS SELECT"
    "  s.id AS session_id, src.path AS source, s.line AS line, s.ts AS ts,"
    "  s.mta AS mta, s.ip AS ip, COALESCE(s.helo,'') AS helo, s.rdns AS rdns,"
    "  s.disposition AS disposition, s.messages AS messages,"
    "  CASE WHEN " HV_SQL_HELO_UNOBSERVED " THEN 'unknown' ELSE c.status END"
    "   AS csa_status,"
    "  CASE WHEN " HV_SQL_HELO_UNOBSERVED " THEN 'helo-unobserved'"
    "   ELSE c.reason END AS csa_reason,"
    "  CASE WHEN " HV_SQL_HELO_UNOBSERVED " THEN NULL ELSE c.record END"
    "   AS csa_record,"
    "  COALESCE(d.status,'unknown') AS dna_status, d.grade AS dna_grade,"
    "  d.service AS dna_service,"
    "  CASE WHEN " HV_SQL_HELO_UNOBSERVED " THEN 'unevaluated'"
    "   ELSE p.action END AS verdict,"
    "  s.helo_from AS helo_from"
    " FROM sessions s JOIN sources src ON src.id = s.source_id"
    " LEFT JOIN csa c ON c.helo = COALESCE(s.helo,'') AND c.ip = s.ip"
    " LEFT JOIN dna_result d ON d.helo = COALESCE(s.helo,'')"
    " LEFT JOIN policy p ON p.csa_status = c.status"
    "  AND p.dna_status = COALESCE(d.status,'unknown');",
    /* 2 -> 3: spam/ham labels (README "Inputs", labels). label is 'spam' |
     * 'ham' | NULL (the data does not say); label_from is where it comes
     * from: 'folder' | 'header' | 'dnsbl' | 'content-filter' | 'received'
     * (a log session joined to a labelled mbox message) | NULL. A new
     * database gets them through this step too (every database is built by
     * the migrations in order). Older rows stay unlabelled until rescanned.
     * The verdicts view shows both, last. */
    "ALTER TABLE sessions ADD COLUMN label TEXT;"
    "ALTER TABLE sessions ADD COLUMN label_from TEXT;"
    "DROP VIEW verdicts;"
    "CREATE VIEW verdicts AS SELECT"
    "  s.id AS session_id, src.path AS source, s.line AS line, s.ts AS ts,"
    "  s.mta AS mta, s.ip AS ip, COALESCE(s.helo,'') AS helo, s.rdns AS rdns,"
    "  s.disposition AS disposition, s.messages AS messages,"
    "  CASE WHEN " HV_SQL_HELO_UNOBSERVED " THEN 'unknown' ELSE c.status END"
    "   AS csa_status,"
    "  CASE WHEN " HV_SQL_HELO_UNOBSERVED " THEN 'helo-unobserved'"
    "   ELSE c.reason END AS csa_reason,"
    "  CASE WHEN " HV_SQL_HELO_UNOBSERVED " THEN NULL ELSE c.record END"
    "   AS csa_record,"
    "  COALESCE(d.status,'unknown') AS dna_status, d.grade AS dna_grade,"
    "  d.service AS dna_service,"
    "  CASE WHEN " HV_SQL_HELO_UNOBSERVED " THEN 'unevaluated'"
    "   ELSE p.action END AS verdict,"
    "  s.helo_from AS helo_from, s.label AS label, s.label_from AS label_from"
    " FROM sessions s JOIN sources src ON src.id = s.source_id"
    " LEFT JOIN csa c ON c.helo = COALESCE(s.helo,'') AND c.ip = s.ip"
    " LEFT JOIN dna_result d ON d.helo = COALESCE(s.helo,'')"
    " LEFT JOIN policy p ON p.csa_status = c.status"
    "  AND p.dna_status = COALESCE(d.status,'unknown');",
    /* 3 -> 4: nightly runs, DNS drift (README "Nightly runs", "DNS
     * drift"). runs: one row per recorded run (`heloval run`) with its
     * window and its at-risk senders in run_senders (the report's at_risk
     * grouping). csa_changes / dna_changes: a resolve that replaces a CSA
     * row (helo, ip) or a DNA verdict (helo) whose status or reason
     * (grade) differs records old -> new, by triggers in the same
     * statement (so the same transaction) as the replacement. */
    "CREATE TABLE IF NOT EXISTS runs("
    "  id INTEGER PRIMARY KEY,"
    "  started_at INTEGER NOT NULL, finished_at INTEGER,"
    "  since INTEGER, until INTEGER,"  /* the report window, NULL: open */
    "  sessions INTEGER NOT NULL DEFAULT 0," /* sessions in the window */
    "  at_risk_senders INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS run_senders("
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  domain TEXT NOT NULL,"
    "  reason TEXT NOT NULL,"
    "  sessions INTEGER NOT NULL,"
    "  messages INTEGER NOT NULL,"
    "  PRIMARY KEY(run_id, domain, reason)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS csa_changes("
    "  id INTEGER PRIMARY KEY,"
    "  helo TEXT NOT NULL, ip TEXT NOT NULL,"
    "  old_status TEXT NOT NULL, old_reason TEXT NOT NULL,"
    "  new_status TEXT NOT NULL, new_reason TEXT NOT NULL,"
    "  old_evaluated_at INTEGER NOT NULL,"
    "  changed_at INTEGER NOT NULL);"  /* the new row's evaluated_at */
    "CREATE TABLE IF NOT EXISTS dna_changes("
    "  id INTEGER PRIMARY KEY,"
    "  helo TEXT NOT NULL,"
    "  old_status TEXT NOT NULL, old_grade TEXT,"
    "  new_status TEXT NOT NULL, new_grade TEXT,"
    "  old_evaluated_at INTEGER NOT NULL,"
    "  changed_at INTEGER NOT NULL);"
    "CREATE TRIGGER IF NOT EXISTS csa_drift BEFORE INSERT ON csa BEGIN"
    "  INSERT INTO csa_changes(helo, ip, old_status, old_reason, new_status,"
    "   new_reason, old_evaluated_at, changed_at)"
    "  SELECT o.helo, o.ip, o.status, o.reason, NEW.status, NEW.reason,"
    "   o.evaluated_at, NEW.evaluated_at FROM csa o"
    "  WHERE o.helo = NEW.helo AND o.ip = NEW.ip"
    "   AND (o.status IS NOT NEW.status OR o.reason IS NOT NEW.reason);"
    " END;"
    "CREATE TRIGGER IF NOT EXISTS dna_drift BEFORE INSERT ON dna_result BEGIN"
    "  INSERT INTO dna_changes(helo, old_status, old_grade, new_status,"
    "   new_grade, old_evaluated_at, changed_at)"
    "  SELECT o.helo, o.status, o.grade, NEW.status, NEW.grade,"
    "   o.evaluated_at, NEW.evaluated_at FROM dna_result o"
    "  WHERE o.helo = NEW.helo"
    "   AND (o.status IS NOT NEW.status OR o.grade IS NOT NEW.grade);"
    " END;"
    "CREATE INDEX IF NOT EXISTS csa_changes_pair ON csa_changes(helo, ip);"
    "CREATE INDEX IF NOT EXISTS dna_changes_helo ON dna_changes(helo);",
};

const size_t schema_version =
    sizeof(schema_migrations) / sizeof(schema_migrations[0]);
