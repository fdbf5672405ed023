-- Reads on a standby (DATABASE_READ_URL): each caller's last write, as the
-- primary's WAL position just after its commit. A read of the caller's
-- goes to the standby only once the standby has replayed that far, so a
-- caller reads its own writes whichever server took them. Unlogged: a
-- fence matters for moments, is never replayed to the standby, and costs
-- no WAL of its own; after a crash of the primary the table starts empty,
-- as the standby then starts over too.
CREATE UNLOGGED TABLE read_fence (
    subject    text PRIMARY KEY,
    lsn        pg_lsn NOT NULL,
    written_at timestamptz NOT NULL DEFAULT now()
);
