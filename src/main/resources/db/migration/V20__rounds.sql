-- Selection rounds (预选 / 正选 / 补退选) of a term, the students' plans (whose ranked entries are
-- the wishes of a pre-selection), and the lottery runs with their results. A term without rounds
-- is one first-come round: its own selection window, as before rounds existed.

-- Owned by the course domain: the rounds decide when selecting and dropping are open.
CREATE TABLE selection_rounds (
  id                  BIGINT AUTO_INCREMENT PRIMARY KEY,
  term_id             BIGINT      NOT NULL,
  kind                ENUM('PRESELECT','FIRST_COME','ADD_DROP') NOT NULL,
  opens_at            DATETIME(3) NOT NULL,
  closes_at           DATETIME(3) NOT NULL,
  drop_closes_at      DATETIME(3) NULL COMMENT 'drops allowed until; NULL = closes_at',
  max_wishes          INT         NOT NULL DEFAULT 5 COMMENT 'PRESELECT: wishes per student',
  release_min_seconds INT         NULL COMMENT 'ADD_DROP: a freed seat is released to everyone after a delay in [min, max]',
  release_max_seconds INT         NULL,
  options             TEXT        NOT NULL COMMENT 'JSON: PRESELECT priority rules and minimum section sizes',
  KEY ix_rounds_term (term_id, opens_at),
  CONSTRAINT fk_rounds_term FOREIGN KEY (term_id) REFERENCES terms (id),
  CONSTRAINT ck_rounds_times CHECK (closes_at > opens_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Owned by the round domain from here on.
-- A student's plan (选课计划) for a term, in order; in a PRESELECT round rank n is the n-th wish.
CREATE TABLE plan_entries (
  term_id     BIGINT      NOT NULL,
  student_id  VARCHAR(32) NOT NULL,
  rank_no     INT         NOT NULL,
  section_id  BIGINT      NOT NULL,
  PRIMARY KEY (term_id, student_id, rank_no),
  UNIQUE KEY uk_plan_section (term_id, student_id, section_id),
  KEY ix_plan_demand (term_id, section_id),
  CONSTRAINT fk_plan_section FOREIGN KEY (section_id) REFERENCES sections (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The last lottery of a PRESELECT round: what it ran on (seed, algorithm version, digest of the
-- inputs) so that the office can run it again and get the same results, and whether it was published.
CREATE TABLE lottery_runs (
  round_id      BIGINT      NOT NULL PRIMARY KEY,
  term_id       BIGINT      NOT NULL,
  seed          BIGINT      NOT NULL,
  version       INT         NOT NULL,
  inputs_digest CHAR(64)    NOT NULL,
  students      INT         NOT NULL,
  wishes        INT         NOT NULL,
  cancelled     TEXT        NOT NULL COMMENT 'JSON array of the section ids cancelled for their minimum size',
  drawn_at      DATETIME(3) NOT NULL,
  published_at  DATETIME(3) NULL,
  CONSTRAINT fk_lottery_round FOREIGN KEY (round_id) REFERENCES selection_rounds (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per wish of the last lottery: its outcome and the student's draw number in the
-- section's order (priority group, then the seeded random order), out of its applicants.
CREATE TABLE lottery_results (
  round_id     BIGINT      NOT NULL,
  student_id   VARCHAR(32) NOT NULL,
  rank_no      INT         NOT NULL,
  section_id   BIGINT      NOT NULL,
  outcome      VARCHAR(16) NOT NULL,
  draw_number  INT         NOT NULL,
  applicants   INT         NOT NULL,
  priority     INT         NOT NULL,
  PRIMARY KEY (round_id, student_id, rank_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
