-- All instants are stored in UTC.

CREATE TABLE terms (
  id                        BIGINT AUTO_INCREMENT PRIMARY KEY,
  name                      VARCHAR(100) NOT NULL,
  selection_opens_at        DATETIME(3)  NOT NULL,
  selection_closes_at       DATETIME(3)  NOT NULL,
  drop_closes_at            DATETIME(3)  NOT NULL,
  max_sections_per_student  INT          NOT NULL DEFAULT 2,
  profile_required          BOOLEAN      NOT NULL DEFAULT TRUE,
  retired                   BOOLEAN      NOT NULL DEFAULT FALSE,
  created_at                DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at                DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE accounts (
  id                    BIGINT AUTO_INCREMENT PRIMARY KEY,
  student_id            VARCHAR(32)  NOT NULL,
  password_hash         VARCHAR(255) NOT NULL,
  role                  ENUM('STUDENT','ADMIN') NOT NULL DEFAULT 'STUDENT',
  name                  VARCHAR(100) NOT NULL DEFAULT '',
  gender                ENUM('M','F') NULL,
  class_name            VARCHAR(100) NOT NULL DEFAULT '',
  major                 VARCHAR(100) NOT NULL DEFAULT '',
  college               VARCHAR(100) NOT NULL DEFAULT '',
  email                 VARCHAR(254) NOT NULL DEFAULT '',
  phone                 VARCHAR(32)  NOT NULL DEFAULT '',
  cohort_term_id        BIGINT NULL,
  must_change_password  BOOLEAN NOT NULL DEFAULT FALSE,
  created_at            DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at            DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  UNIQUE KEY uk_accounts_student_id (student_id),
  KEY ix_accounts_cohort (cohort_term_id),
  CONSTRAINT fk_accounts_term FOREIGN KEY (cohort_term_id) REFERENCES terms (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE periods (
  id         BIGINT AUTO_INCREMENT PRIMARY KEY,
  term_id    BIGINT NOT NULL,
  idx        INT    NOT NULL,
  starts_on  DATE   NOT NULL,
  ends_on    DATE   NOT NULL,
  UNIQUE KEY uk_periods_term_idx (term_id, idx),
  CONSTRAINT fk_periods_term FOREIGN KEY (term_id) REFERENCES terms (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE course_types (
  id    BIGINT AUTO_INCREMENT PRIMARY KEY,
  name  VARCHAR(100) NOT NULL,
  logo  VARCHAR(255) NULL,
  UNIQUE KEY uk_course_types_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE sections (
  id                BIGINT AUTO_INCREMENT PRIMARY KEY,
  term_id           BIGINT       NOT NULL,
  period_id         BIGINT       NOT NULL,
  type_id           BIGINT       NOT NULL,
  course_code       VARCHAR(32)  NOT NULL,
  course_title      VARCHAR(200) NOT NULL,
  teacher           VARCHAR(100) NOT NULL DEFAULT '',
  assistant         VARCHAR(100) NOT NULL DEFAULT '',
  location          VARCHAR(200) NOT NULL DEFAULT '',
  capacity          INT          NOT NULL,
  nature            ENUM('MAJOR','GENERAL') NOT NULL DEFAULT 'GENERAL',
  weekday           TINYINT      NOT NULL,
  start_time        TIME         NOT NULL,
  end_time          TIME         NOT NULL,
  allowed_prefixes  VARCHAR(255) NOT NULL DEFAULT '' COMMENT 'space-separated studentId prefixes; empty = everyone',
  retired           BOOLEAN      NOT NULL DEFAULT FALSE,
  KEY ix_sections_term (term_id),
  CONSTRAINT fk_sections_term FOREIGN KEY (term_id) REFERENCES terms (id),
  CONSTRAINT fk_sections_period FOREIGN KEY (period_id) REFERENCES periods (id),
  CONSTRAINT fk_sections_type FOREIGN KEY (type_id) REFERENCES course_types (id),
  CONSTRAINT ck_sections_weekday CHECK (weekday BETWEEN 1 AND 7),
  CONSTRAINT ck_sections_capacity CHECK (capacity >= 0),
  CONSTRAINT ck_sections_times CHECK (end_time > start_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Written only by the persister, from the term's event stream. last_event is the stream id
-- of the change that set the row, zero-padded so that string order is stream order; an
-- event older than last_event never overwrites the row, which makes replays harmless.
CREATE TABLE enrollments (
  student_id   VARCHAR(32) NOT NULL,
  section_id   BIGINT      NOT NULL,
  term_id      BIGINT      NOT NULL,
  state        ENUM('ENROLLED','DROPPED') NOT NULL,
  enrolled_at  DATETIME(3) NOT NULL,
  last_event   CHAR(24)    NOT NULL,
  PRIMARY KEY (student_id, section_id),
  KEY ix_enrollments_section (section_id, state),
  KEY ix_enrollments_term (term_id, state),
  CONSTRAINT fk_enrollments_section FOREIGN KEY (section_id) REFERENCES sections (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE waitlist_entries (
  student_id  VARCHAR(32) NOT NULL,
  section_id  BIGINT      NOT NULL,
  term_id     BIGINT      NOT NULL,
  state       ENUM('WAITING','PROMOTED','LEFT','SKIPPED') NOT NULL,
  seq         BIGINT      NOT NULL COMMENT 'order in the waitlist; lower is earlier',
  joined_at   DATETIME(3) NOT NULL,
  last_event  CHAR(24)    NOT NULL,
  PRIMARY KEY (student_id, section_id),
  KEY ix_waitlist_section (section_id, state, seq),
  CONSTRAINT fk_waitlist_section FOREIGN KEY (section_id) REFERENCES sections (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Each term has its own stream, so an event id is unique within its term.
CREATE TABLE selection_events (
  term_id     BIGINT      NOT NULL,
  event_id    CHAR(24)    NOT NULL,
  type        VARCHAR(16) NOT NULL,
  student_id  VARCHAR(32) NOT NULL,
  section_id  BIGINT      NOT NULL,
  at          DATETIME(3) NOT NULL,
  PRIMARY KEY (term_id, event_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
