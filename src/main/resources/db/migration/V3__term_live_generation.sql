-- Counts the rebuilds of a term's live state from MySQL. Each event carries the generation of
-- the state it changed; the persister writes only events of the current generation, so a batch
-- read before Redis lost its data cannot land after the state was rebuilt without it.
ALTER TABLE terms ADD COLUMN live_generation BIGINT NOT NULL DEFAULT 0;
