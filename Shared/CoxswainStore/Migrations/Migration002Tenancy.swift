extension Migration {
    /// Teams, users, memberships, invitations, API tokens, sessions; every resource belongs to a
    /// team; nodes carry their enrolment state and public keys; the audit log becomes a hash chain
    /// per team; control-plane signing keys; notification subscriptions.
    static let m002Tenancy = Migration(
        version: 2,
        name: "tenancy-and-security",
        statements: [
            """
            CREATE TABLE teams (
                id uuid PRIMARY KEY, name text NOT NULL UNIQUE, created_at timestamptz NOT NULL DEFAULT clock_timestamp())
            """,
            "INSERT INTO teams (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'default')",
            """
            CREATE TABLE users (
                id uuid PRIMARY KEY, name text NOT NULL UNIQUE, password_hash text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(), disabled boolean NOT NULL DEFAULT false)
            """,
            """
            CREATE TABLE memberships (
                team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
                user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                role text NOT NULL CHECK (role IN ('viewer', 'member', 'admin', 'owner')),
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                PRIMARY KEY (team_id, user_id))
            """,
            """
            CREATE TABLE invitations (
                id uuid PRIMARY KEY, team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
                role text NOT NULL, token_hash text NOT NULL UNIQUE, created_by text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(), expires_at timestamptz NOT NULL,
                accepted_at timestamptz, accepted_by uuid)
            """,
            """
            CREATE TABLE api_tokens (
                id uuid PRIMARY KEY, team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
                user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE, name text NOT NULL,
                role text NOT NULL, token_hash text NOT NULL UNIQUE,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(), expires_at timestamptz NOT NULL,
                revoked_at timestamptz, last_used_at timestamptz)
            """,
            """
            CREATE TABLE sessions (
                id uuid PRIMARY KEY, user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                token_hash text NOT NULL UNIQUE, created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                expires_at timestamptz NOT NULL, revoked_at timestamptz)
            """,
            "ALTER TABLE nodes ADD COLUMN team_id uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000001' REFERENCES teams (id)",
            "ALTER TABLE nodes ADD COLUMN enrolment_token_hash text UNIQUE",
            "ALTER TABLE nodes ADD COLUMN enrolment_expires_at timestamptz",
            "ALTER TABLE nodes ADD COLUMN enrolled_at timestamptz",
            "ALTER TABLE nodes ADD COLUMN signing_public_key text",
            "ALTER TABLE nodes ADD COLUMN sealing_public_key text",
            "ALTER TABLE nodes ADD COLUMN broker_user text",
            "ALTER TABLE nodes ALTER COLUMN agent_started_at DROP NOT NULL",
            "ALTER TABLE nodes ALTER COLUMN last_seen DROP NOT NULL",
            "ALTER TABLE jobs ADD COLUMN team_id uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000001' REFERENCES teams (id)",
            "CREATE INDEX jobs_team_created ON jobs (team_id, created_at DESC)",
            "ALTER TABLE audit_events ADD COLUMN team_id uuid",
            "ALTER TABLE audit_events ADD COLUMN seq bigint",
            "ALTER TABLE audit_events ADD COLUMN actor text",
            "ALTER TABLE audit_events ADD COLUMN action text",
            "ALTER TABLE audit_events ADD COLUMN target text",
            "ALTER TABLE audit_events ADD COLUMN outcome text",
            "ALTER TABLE audit_events ADD COLUMN request_id text",
            "ALTER TABLE audit_events ADD COLUMN prev_hash text",
            "ALTER TABLE audit_events ADD COLUMN hash text",
            "ALTER TABLE audit_events ADD COLUMN anchor boolean NOT NULL DEFAULT false",
            "ALTER TABLE audit_events ADD COLUMN event_us bigint",
            "ALTER TABLE audit_events ADD COLUMN payload_raw text",
            "CREATE UNIQUE INDEX audit_events_team_seq ON audit_events (team_id, seq)",
            """
            CREATE TABLE control_keys (
                id uuid PRIMARY KEY, public_key text NOT NULL, secret_key_sealed bytea NOT NULL,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(), retired_at timestamptz,
                active boolean NOT NULL DEFAULT false)
            """,
            "CREATE UNIQUE INDEX control_keys_one_active ON control_keys (active) WHERE active",
            """
            CREATE TABLE notification_subscriptions (
                id uuid PRIMARY KEY, team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
                url text NOT NULL, format text NOT NULL, events text[] NOT NULL,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp())
            """,
            """
            CREATE TABLE notification_deliveries (
                id bigserial PRIMARY KEY, subscription_id uuid NOT NULL REFERENCES notification_subscriptions (id) ON DELETE CASCADE,
                event_message_id text NOT NULL, attempts int NOT NULL DEFAULT 0, status text NOT NULL,
                last_error text, created_at timestamptz NOT NULL DEFAULT clock_timestamp(), delivered_at timestamptz,
                next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                UNIQUE (subscription_id, event_message_id))
            """,
        ]
    )
}
