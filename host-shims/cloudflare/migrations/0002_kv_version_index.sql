-- Versions stay above every row's, including rows that never went through a commit
-- (restored from a backup or imported with `wrangler d1 execute`): each commit's bump
-- takes the larger of the counter and the highest version in kv. This index makes
-- that highest version one index lookup instead of a scan of the table.
CREATE INDEX IF NOT EXISTS kv_version ON kv (version);
