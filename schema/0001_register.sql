-- The register: local authorities, their areas and their schools, plus the
-- request bookkeeping every resource shares (idempotency keys).

CREATE FUNCTION api_ts(t timestamptz) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;

CREATE TABLE local_authority (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code                   integer NOT NULL CHECK (code BETWEEN 100 AND 999),
    name                   text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    review_interval_months integer NOT NULL DEFAULT 12
                           CHECK (review_interval_months BETWEEN 1 AND 60),
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    version                integer NOT NULL DEFAULT 1,
    CONSTRAINT local_authority_code_key UNIQUE (code)
);
CREATE INDEX local_authority_name_idx ON local_authority (name, id);

CREATE TABLE area (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    la_id          bigint NOT NULL
                   CONSTRAINT area_la_fkey REFERENCES local_authority (id),
    code           text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    district_codes text[] NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    version        integer NOT NULL DEFAULT 1,
    CONSTRAINT area_la_code_key UNIQUE (la_id, code),
    -- lets a school's (area_id, la_id) reference prove the area is its LA's
    CONSTRAINT area_id_la_key UNIQUE (id, la_id)
);
CREATE INDEX area_name_idx ON area (name, id);

CREATE TABLE school (
    urn                      integer PRIMARY KEY CHECK (urn BETWEEN 100000 AND 999999),
    la_id                    bigint NOT NULL
                             CONSTRAINT school_la_fkey REFERENCES local_authority (id),
    establishment_number     integer NOT NULL CHECK (establishment_number BETWEEN 0 AND 9999),
    name                     text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    phase                    text NOT NULL CHECK (phase IN ('nursery', 'primary', 'middle',
                               'secondary', 'all_through', 'special', 'pru', 'sixteen_plus')),
    type                     text NOT NULL CHECK (type IN ('maintained', 'academy',
                               'free_school', 'independent', 'other')),
    status                   text NOT NULL DEFAULT 'open'
                             CHECK (status IN ('open', 'closed', 'proposed')),
    ofsted_grade             text NOT NULL DEFAULT 'none' CHECK (ofsted_grade IN
                               ('outstanding', 'good', 'requires_improvement', 'inadequate', 'none')),
    ofsted_date              date,
    pupils                   integer CHECK (pupils BETWEEN 0 AND 100000),
    support_category         smallint CHECK (support_category BETWEEN 1 AND 4),
    vulnerable               boolean NOT NULL DEFAULT false,
    vulnerable_reason        text CHECK (length(vulnerable_reason) <= 2000),
    headteacher_name         text CHECK (length(headteacher_name) <= 200),
    headteacher_appointed_on date,
    area_id                  bigint,
    opened_on                date,
    closed_on                date,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    version                  integer NOT NULL DEFAULT 1,
    CONSTRAINT school_la_estab_key UNIQUE (la_id, establishment_number),
    CONSTRAINT school_area_fkey FOREIGN KEY (area_id, la_id) REFERENCES area (id, la_id),
    CONSTRAINT school_dates_check CHECK (closed_on IS NULL OR opened_on IS NULL OR closed_on >= opened_on),
    CONSTRAINT school_vulnerable_check CHECK (NOT vulnerable OR vulnerable_reason IS NOT NULL)
);
CREATE INDEX school_name_idx ON school (name, urn);
CREATE INDEX school_updated_idx ON school (updated_at, urn);
CREATE INDEX school_la_idx ON school (la_id, urn);
CREATE INDEX school_area_idx ON school (area_id, urn);

-- One row per (subject, key): the first response to a creating POST, replayed
-- when the same client sends the same key and body again.
CREATE TABLE idempotency_key (
    subject      text NOT NULL,
    key          text NOT NULL,
    method       text NOT NULL,
    path         text NOT NULL,
    request_hash text NOT NULL,
    status       integer NOT NULL,
    location     text,
    body         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subject, key)
);
CREATE INDEX idempotency_key_created_idx ON idempotency_key (created_at);
