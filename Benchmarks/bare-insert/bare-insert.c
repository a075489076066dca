/*
 * The yardstick for Portwatch's correlated storm: the same rows and bytes (port states, outbox
 * records, audit lines and causes) written with nothing but the sqlite3 C API, in one transaction,
 * with the same journal mode and `synchronous` setting as Portwatch's store.
 *
 *   bare-insert SOURCE.sqlite STORM.json TARGET.sqlite [FULL|NORMAL]
 *
 * SOURCE is the database `portwatch-bench correlation --export STORM.json` wrote; STORM.json names
 * the storm's rows there (outbox and audit sequences, audit cause ids: ranges (after, through]).
 * Every row is read into memory first; only the write transaction is timed. TARGET is created with
 * Portwatch's schema and holds the port states from before (so each port state is a replace, as
 * in Portwatch); its WAL is checkpointed before the timed transaction, as Portwatch's checkpointer
 * keeps it.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    int type;
    sqlite3_int64 i;
    double d;
    void *bytes;
    int length;
} cell;

typedef struct {
    int columns;
    int count;
    int capacity;
    cell *cells;
} table;

static void die(sqlite3 *db, const char *what) {
    fprintf(stderr, "bare-insert: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
    exit(1);
}

static void exec(sqlite3 *db, const char *sql) {
    char *error = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &error) != SQLITE_OK) {
        fprintf(stderr, "bare-insert: %s: %s\n", sql, error);
        exit(1);
    }
}

static void load(sqlite3 *db, const char *sql, sqlite3_int64 after, sqlite3_int64 through, table *out,
                 long *bytes) {
    sqlite3_stmt *statement;
    if (sqlite3_prepare_v2(db, sql, -1, &statement, NULL) != SQLITE_OK) die(db, sql);
    if (sqlite3_bind_parameter_count(statement) == 2) {
        sqlite3_bind_int64(statement, 1, after);
        sqlite3_bind_int64(statement, 2, through);
    }
    out->columns = sqlite3_column_count(statement);
    out->count = 0;
    out->capacity = 1024;
    out->cells = malloc(sizeof(cell) * out->capacity * out->columns);
    while (sqlite3_step(statement) == SQLITE_ROW) {
        if (out->count == out->capacity) {
            out->capacity *= 2;
            out->cells = realloc(out->cells, sizeof(cell) * out->capacity * out->columns);
        }
        for (int c = 0; c < out->columns; c++) {
            cell *cell = &out->cells[out->count * out->columns + c];
            cell->type = sqlite3_column_type(statement, c);
            cell->bytes = NULL;
            cell->length = 0;
            switch (cell->type) {
            case SQLITE_INTEGER: cell->i = sqlite3_column_int64(statement, c); *bytes += 8; break;
            case SQLITE_FLOAT: cell->d = sqlite3_column_double(statement, c); *bytes += 8; break;
            case SQLITE_TEXT:
            case SQLITE_BLOB:
                cell->length = sqlite3_column_bytes(statement, c);
                cell->bytes = malloc(cell->length + 1);
                memcpy(cell->bytes, sqlite3_column_blob(statement, c), cell->length);
                *bytes += cell->length;
                break;
            default: break;
            }
        }
        out->count++;
    }
    sqlite3_finalize(statement);
}

static void insert(sqlite3 *db, const char *sql, const table *rows) {
    sqlite3_stmt *statement;
    if (sqlite3_prepare_v2(db, sql, -1, &statement, NULL) != SQLITE_OK) die(db, sql);
    for (int r = 0; r < rows->count; r++) {
        for (int c = 0; c < rows->columns; c++) {
            const cell *cell = &rows->cells[r * rows->columns + c];
            switch (cell->type) {
            case SQLITE_INTEGER: sqlite3_bind_int64(statement, c + 1, cell->i); break;
            case SQLITE_FLOAT: sqlite3_bind_double(statement, c + 1, cell->d); break;
            case SQLITE_TEXT: sqlite3_bind_text(statement, c + 1, cell->bytes, cell->length, SQLITE_STATIC); break;
            case SQLITE_BLOB: sqlite3_bind_blob(statement, c + 1, cell->bytes, cell->length, SQLITE_STATIC); break;
            default: sqlite3_bind_null(statement, c + 1); break;
            }
        }
        if (sqlite3_step(statement) != SQLITE_DONE) die(db, sql);
        sqlite3_reset(statement);
    }
    sqlite3_finalize(statement);
}

static sqlite3_int64 range(const char *json, const char *key, int end) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":[", key);
    const char *at = strstr(json, pattern);
    if (!at) {
        fprintf(stderr, "bare-insert: no %s in the storm file\n", key);
        exit(1);
    }
    at += strlen(pattern);
    sqlite3_int64 first = strtoll(at, (char **)&at, 10);
    if (!end) return first;
    while (*at == ',' || *at == ' ') at++;
    return strtoll(at, NULL, 10);
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: bare-insert SOURCE.sqlite STORM.json TARGET.sqlite [FULL|NORMAL]\n");
        return 2;
    }
    const char *synchronous = argc > 4 ? argv[4] : "FULL";
    FILE *file = fopen(argv[2], "r");
    if (!file) die(NULL, argv[2]);
    char json[4096] = {0};
    fread(json, 1, sizeof json - 1, file);
    fclose(file);

    sqlite3 *source;
    if (sqlite3_open_v2(argv[1], &source, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) die(source, argv[1]);
    long bytes = 0;
    table states, outbox, causes, audit;
    load(source,
         "SELECT port_id, revision_number, updated_at, status, data_plane_status, override, correlated FROM port_state",
         0, 0, &states, &bytes);
    load(source,
         "SELECT sequence, event_type, resource_type, resource_id, project_id, occurred_at, payload, context "
         "FROM outbox WHERE sequence > ? AND sequence <= ? ORDER BY sequence",
         range(json, "outbox", 0), range(json, "outbox", 1), &outbox, &bytes);
    load(source, "SELECT id, body FROM audit_causes WHERE id > ? AND id <= ? ORDER BY id", range(json, "causes", 0),
         range(json, "causes", 1), &causes, &bytes);
    load(source,
         "SELECT sequence, subject, occurred_at, body, cause_id FROM audit WHERE sequence > ? AND sequence <= ? "
         "ORDER BY sequence",
         range(json, "audit", 0), range(json, "audit", 1), &audit, &bytes);
    sqlite3_close(source);

    remove(argv[3]);
    char wal[4096];
    snprintf(wal, sizeof wal, "%s-wal", argv[3]);
    remove(wal);
    sqlite3 *db;
    if (sqlite3_open(argv[3], &db) != SQLITE_OK) die(db, argv[3]);
    char pragmas[256];
    snprintf(pragmas, sizeof pragmas,
             "PRAGMA journal_mode = WAL; PRAGMA synchronous = %s; PRAGMA wal_autocheckpoint = 0;", synchronous);
    exec(db, pragmas);
    exec(db, "CREATE TABLE outbox (sequence INTEGER PRIMARY KEY, event_type TEXT NOT NULL, resource_type TEXT NOT NULL,"
             " resource_id TEXT NOT NULL, project_id TEXT, occurred_at REAL NOT NULL, payload BLOB NOT NULL,"
             " context BLOB NOT NULL);"
             "CREATE TABLE audit (sequence INTEGER PRIMARY KEY, subject TEXT NOT NULL, occurred_at REAL NOT NULL,"
             " body BLOB NOT NULL, cause_id INTEGER);"
             "CREATE INDEX audit_subject ON audit(subject, sequence);"
             "CREATE TABLE port_state (port_id TEXT PRIMARY KEY, revision_number INTEGER NOT NULL,"
             " updated_at REAL NOT NULL, status TEXT NOT NULL, data_plane_status TEXT, override TEXT, correlated TEXT);"
             "CREATE TABLE audit_causes (id INTEGER PRIMARY KEY, body BLOB NOT NULL);");
    const char *putState = "INSERT OR REPLACE INTO port_state (port_id, revision_number, updated_at, status,"
                           " data_plane_status, override, correlated) VALUES (?, ?, ?, ?, ?, ?, ?)";
    exec(db, "BEGIN");
    insert(db, putState, &states);
    exec(db, "COMMIT");
    exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");

    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    exec(db, "BEGIN IMMEDIATE");
    insert(db, putState, &states);
    insert(db,
           "INSERT INTO outbox (sequence, event_type, resource_type, resource_id, project_id, occurred_at, payload,"
           " context) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
           &outbox);
    insert(db, "INSERT INTO audit_causes (id, body) VALUES (?, ?)", &causes);
    insert(db, "INSERT INTO audit (sequence, subject, occurred_at, body, cause_id) VALUES (?, ?, ?, ?, ?)", &audit);
    exec(db, "COMMIT");
    clock_gettime(CLOCK_MONOTONIC, &end);
    sqlite3_close(db);
    double ms = (end.tv_sec - start.tv_sec) * 1e3 + (end.tv_nsec - start.tv_nsec) / 1e6;
    printf("bare insert (sqlite3 C API, synchronous=%s): %d port states, %d outbox records, %d audit lines, "
           "%d causes, %.1f MB, one transaction in %.1f ms\n",
           synchronous, states.count, outbox.count, audit.count, causes.count, bytes / 1e6, ms);
    return 0;
}
