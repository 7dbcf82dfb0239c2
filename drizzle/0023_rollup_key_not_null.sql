-- A yearly-totals row's key is never null: it is concat_ws of the group's attributes (drizzle/0012). Saying
-- so lets the history triggers match a row's earlier states by "=" on the key, through its twin's index
-- (history_capture, drizzle/0021); a nullable key made every publish scan every state of the rollup.
ALTER TABLE "observation_yearly_totals" ALTER COLUMN "group_key" SET NOT NULL;
