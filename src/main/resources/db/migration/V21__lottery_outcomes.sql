-- The lottery's results, one row per student instead of one per wish: the 250,000 wishes of a
-- 50,000-student pre-selection were 250,000 inserted rows, now 50,000. outcomes is a JSON array
-- in rank order of [rank, sectionId, outcome, drawNumber, applicants, priority].
CREATE TABLE lottery_outcomes (
  round_id    BIGINT      NOT NULL,
  student_id  VARCHAR(32) NOT NULL,
  outcomes    TEXT        NOT NULL COMMENT 'JSON [[rank, sectionId, outcome, drawNumber, applicants, priority], ...]',
  PRIMARY KEY (round_id, student_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO lottery_outcomes (round_id, student_id, outcomes)
SELECT round_id, student_id,
       CONCAT('[', GROUP_CONCAT(JSON_ARRAY(rank_no, section_id, outcome, draw_number, applicants, priority)
                                ORDER BY rank_no SEPARATOR ','), ']')
FROM lottery_results GROUP BY round_id, student_id;

DROP TABLE lottery_results;

-- Publication is a resumable job: started (from then on no new draw), placed and marked
-- published (students see their outcomes), then everyone mailed.
ALTER TABLE lottery_runs
  ADD COLUMN publish_started_at DATETIME(3) NULL AFTER drawn_at,
  ADD COLUMN mailed_at DATETIME(3) NULL;

UPDATE lottery_runs SET publish_started_at = published_at, mailed_at = published_at WHERE published_at IS NOT NULL;
