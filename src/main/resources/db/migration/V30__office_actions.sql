-- The course office acts on a student's behalf: who made a selection change when it was not the
-- student (the admin's username; NULL = the student), kept on the event and on the enrollment row
-- it last set, so the student's view and the export can say "by the office".
ALTER TABLE selection_events ADD COLUMN actor VARCHAR(32) NULL;
ALTER TABLE enrollments ADD COLUMN actor VARCHAR(32) NULL;
-- A deactivated student cannot log in and leaves the live cohort, but keeps every row of history
-- (enrollments, events, wishes, lottery results refer to the student id): accounts are never deleted.
ALTER TABLE accounts ADD COLUMN deactivated_at DATETIME(3) NULL;
