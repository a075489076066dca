extension SchemaMigration {
    /// Every step of the schema, oldest first. Append; never edit or reorder a released step.
    ///
    /// The first three steps are the schemas of the releases before this list existed: SQLite's were
    /// GRDB migrations of the same ids (their records are adopted, see ``SQLiteStore``), PostgreSQL's an
    /// idempotent script (version 2), which is why PostgreSQL's statements of those steps may meet their
    /// tables already there (`IF NOT EXISTS`).
    public static let all: [SchemaMigration] = [
        SchemaMigration(
            id: "v1",
            statements: [
                .each(
                    sqlite: "CREATE TABLE networks (id TEXT PRIMARY KEY, project_id TEXT NOT NULL, body BLOB NOT NULL)",
                    postgres:
                        "CREATE TABLE IF NOT EXISTS networks (id TEXT PRIMARY KEY, project_id TEXT NOT NULL, body BYTEA NOT NULL)"
                ),
                .each(
                    sqlite: """
                        CREATE TABLE ports (
                            id TEXT PRIMARY KEY, network_id TEXT NOT NULL, project_id TEXT NOT NULL, body BLOB NOT NULL)
                        """,
                    postgres: """
                        CREATE TABLE IF NOT EXISTS ports (
                            id TEXT PRIMARY KEY, network_id TEXT NOT NULL, project_id TEXT NOT NULL, body BYTEA NOT NULL)
                        """),
                .shared("CREATE INDEX IF NOT EXISTS ports_network ON ports(network_id)"),
                .each(
                    sqlite: """
                        CREATE TABLE outbox (
                            sequence INTEGER PRIMARY KEY, event_type TEXT NOT NULL, resource_type TEXT NOT NULL,
                            resource_id TEXT NOT NULL, project_id TEXT, occurred_at REAL NOT NULL,
                            payload BLOB NOT NULL, context BLOB NOT NULL)
                        """,
                    postgres: """
                        CREATE TABLE IF NOT EXISTS outbox (
                            sequence BIGINT PRIMARY KEY, event_type TEXT NOT NULL, resource_type TEXT NOT NULL,
                            resource_id TEXT NOT NULL, project_id TEXT, occurred_at DOUBLE PRECISION NOT NULL,
                            payload BYTEA NOT NULL, context BYTEA NOT NULL)
                        """),
                .each(
                    sqlite: "CREATE TABLE sink_cursors (sink TEXT PRIMARY KEY, sequence INTEGER NOT NULL)",
                    postgres:
                        "CREATE TABLE IF NOT EXISTS sink_cursors (sink TEXT PRIMARY KEY, sequence BIGINT NOT NULL)"),
                .each(
                    sqlite: """
                        CREATE TABLE documents (
                            kind TEXT NOT NULL, id TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY (kind, id))
                        """,
                    postgres: """
                        CREATE TABLE IF NOT EXISTS documents (
                            kind TEXT NOT NULL, id TEXT NOT NULL, body BYTEA NOT NULL, PRIMARY KEY (kind, id))
                        """),
                .each(
                    sqlite: """
                        CREATE TABLE audit (
                            sequence INTEGER PRIMARY KEY, subject TEXT NOT NULL, occurred_at REAL NOT NULL,
                            body BLOB NOT NULL)
                        """,
                    postgres: """
                        CREATE TABLE IF NOT EXISTS audit (
                            sequence BIGINT PRIMARY KEY, subject TEXT NOT NULL, occurred_at DOUBLE PRECISION NOT NULL,
                            body BYTEA NOT NULL)
                        """),
                .shared("CREATE INDEX IF NOT EXISTS audit_subject ON audit(subject, sequence)"),
            ]),
        SchemaMigration(
            id: "v2-port-state-and-audit-causes",
            statements: [
                // State-only changes (fault correlation) write a small row instead of the whole port.
                .each(
                    sqlite: """
                        CREATE TABLE port_state (
                            port_id TEXT PRIMARY KEY, revision_number INTEGER NOT NULL, updated_at REAL NOT NULL,
                            status TEXT NOT NULL, data_plane_status TEXT, override TEXT, correlated TEXT)
                        """,
                    postgres: """
                        CREATE TABLE IF NOT EXISTS port_state (
                            port_id TEXT PRIMARY KEY, revision_number BIGINT NOT NULL,
                            updated_at DOUBLE PRECISION NOT NULL, status TEXT NOT NULL, data_plane_status TEXT,
                            override TEXT, correlated TEXT)
                        """),
                .each(
                    sqlite: "CREATE TABLE audit_causes (id INTEGER PRIMARY KEY, body BLOB NOT NULL)",
                    postgres: "CREATE TABLE IF NOT EXISTS audit_causes (id BIGINT PRIMARY KEY, body BYTEA NOT NULL)"),
                .each(
                    sqlite: "ALTER TABLE audit ADD COLUMN cause_id INTEGER",
                    postgres: "ALTER TABLE audit ADD COLUMN IF NOT EXISTS cause_id BIGINT"),
            ]),
        SchemaMigration(
            id: "v3-cluster",
            statements: [
                // Replicas on PostgreSQL (PostgresStore+Cluster.swift): the writer's epoch fences commits,
                // `changes` is the per-commit log followers replay, `replicas` their heartbeats.
                .postgres(
                    """
                    CREATE TABLE IF NOT EXISTS cluster (
                        id INTEGER PRIMARY KEY CHECK (id = 1), epoch BIGINT NOT NULL, writer TEXT)
                    """),
                .postgres("INSERT INTO cluster (id, epoch) VALUES (1, 0) ON CONFLICT (id) DO NOTHING"),
                .postgres(
                    """
                    CREATE TABLE IF NOT EXISTS changes (
                        sequence BIGINT PRIMARY KEY, epoch BIGINT NOT NULL, networks TEXT[] NOT NULL,
                        ports TEXT[] NOT NULL, document_kinds TEXT[] NOT NULL, document_ids TEXT[] NOT NULL,
                        outbox BIGINT NOT NULL)
                    """),
                .postgres(
                    """
                    CREATE TABLE IF NOT EXISTS replicas (
                        name TEXT PRIMARY KEY, url TEXT NOT NULL, started_at DOUBLE PRECISION NOT NULL,
                        heartbeat_at DOUBLE PRECISION NOT NULL, applied BIGINT NOT NULL)
                    """),
                // The version table of the idempotent script this list replaces.
                .postgres("DROP TABLE IF EXISTS schema_version"),
            ]),
        SchemaMigration(
            id: "v4-fence-in-the-commit-statement",
            statements: [
                // A commit is one statement (PostgresStore+Commit.swift); its fence is this function,
                // which share-locks the cluster row and aborts the statement when the epoch moved on.
                .postgres(
                    """
                    CREATE OR REPLACE FUNCTION portwatch_fence(expected BIGINT) RETURNS BIGINT
                    LANGUAGE plpgsql AS $$
                    DECLARE stored BIGINT;
                    BEGIN
                        SELECT epoch INTO stored FROM cluster WHERE id = 1 FOR SHARE;
                        IF stored IS DISTINCT FROM expected THEN
                            RAISE EXCEPTION 'fenced: another replica was elected writer' USING ERRCODE = 'PWF01';
                        END IF;
                        RETURN stored;
                    END $$
                    """)
            ]),
        SchemaMigration(
            id: "v5-state-only-ports-in-the-change-log",
            statements: [
                // The ports whose state alone a commit wrote (also in `ports`, which a follower of the
                // previous release reads in full): a follower reads only their `port_state` rows.
                .postgres("ALTER TABLE changes ADD COLUMN IF NOT EXISTS port_states TEXT[] NOT NULL DEFAULT '{}'")
            ]),
        SchemaMigration(
            id: "v6-room-for-port-state-updates",
            statements: [
                // A port's state row is rewritten at every verdict and `data_plane_status` write: with
                // half of each page free, the new version fits beside the old one and PostgreSQL
                // updates it in place of an index entry (a HOT update). Measured: 50,000 state rows
                // upserted in 150 ms instead of 300 ms. Pages written from now on keep the room.
                .postgres("ALTER TABLE port_state SET (fillfactor = 50)"),
                // A storm's change-log entry names tens of thousands of ports: store the lists as they
                // are rather than compress them (95 ms of a 50,000-port commit; the follower that
                // reads them decompresses no more).
                .postgres("ALTER TABLE changes ALTER COLUMN ports SET STORAGE EXTERNAL"),
                .postgres("ALTER TABLE changes ALTER COLUMN port_states SET STORAGE EXTERNAL"),
            ]),
    ]
}
