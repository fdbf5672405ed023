-- Who may do what: service accounts that get tokens, the audit trail of
-- every write, and the failed-login counters behind rate limiting.

CREATE TABLE service_account (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role              text NOT NULL CHECK (role IN ('admin', 'officer', 'finance', 'chair', 'viewer')),
    la_code           integer CONSTRAINT service_account_la_fkey REFERENCES local_authority (code),
    school_urn        integer CONSTRAINT service_account_school_fkey REFERENCES school (urn),
    client_id         text NOT NULL,
    secret_hash       text NOT NULL,          -- Argon2id, encoded; the secret itself is never stored
    secret_rotated_at timestamptz NOT NULL DEFAULT now(),
    revoked_at        timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    version           integer NOT NULL DEFAULT 1,
    CONSTRAINT service_account_client_id_key UNIQUE (client_id)
);
CREATE INDEX service_account_name_idx ON service_account (name, id);

-- Append-only: one row per write, in the transaction of the write.
CREATE TABLE audit_event (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    subject     text NOT NULL,
    role        text NOT NULL,
    issuer      text NOT NULL,
    resource    text NOT NULL,
    resource_id text,
    action      text NOT NULL,
    request_id  text,
    la_code     integer,
    changes     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_event_resource_idx ON audit_event (resource, resource_id, id);
CREATE INDEX audit_event_subject_idx ON audit_event (subject, id);
CREATE INDEX audit_event_created_idx ON audit_event (created_at, id);
CREATE INDEX audit_event_la_idx ON audit_event (la_code, id);

CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events cannot be changed or deleted'
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();

-- Failed token requests per client id and per address, in fixed windows.
CREATE TABLE auth_failure (
    key          text PRIMARY KEY,
    window_start timestamptz NOT NULL,
    failures     integer NOT NULL
);
