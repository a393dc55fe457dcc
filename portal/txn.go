package portal

import (
	"context"
	"database/sql"
	"sync"
)

// txn is a write transaction whose statements are prepared once per server and
// reused: SQLite's parser otherwise costs about a quarter of each code check.
// The writer pool has a single connection, so each statement is prepared on it
// once and database/sql hands the prepared form to every transaction.
type txn struct {
	*sql.Tx
	cache *stmtCache
}

func (t *txn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.cache.get(query); st != nil {
		return t.Tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

func (t *txn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.cache.get(query); st != nil {
		return t.Tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

func (t *txn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.cache.get(query); st != nil {
		return t.Tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

// stmtCache holds a pool's prepared statements by query text. A statement is
// prepared after its first use, outside any transaction: preparing needs a free
// connection, and inside a transaction on the one-connection writer pool there
// is none. The queries are the package's own constants, so the cache stays small.
type stmtCache struct {
	db      *sql.DB
	mu      sync.Mutex
	stmts   map[string]*sql.Stmt
	pending map[string]bool // used, not yet prepared
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}, pending: map[string]bool{}}
}

// get returns the prepared statement for query, or nil (and notes the query for
// preparePending) when it has none yet.
func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.stmts[query]
	if !ok && c.pending != nil {
		c.pending[query] = true
	}
	return st
}

// preparePending prepares the statements noted by get. Call it with no
// transaction open on the caller's side.
func (c *stmtCache) preparePending(ctx context.Context) {
	c.mu.Lock()
	var queries []string
	for q := range c.pending {
		queries = append(queries, q)
	}
	clear(c.pending)
	c.mu.Unlock()
	for _, q := range queries {
		st, err := c.db.PrepareContext(ctx, q)
		if err != nil {
			continue // it runs unprepared; the next use notes it again
		}
		c.mu.Lock()
		if c.stmts == nil || c.stmts[q] != nil { // closed, or prepared meanwhile
			st.Close()
		} else {
			c.stmts[q] = st
		}
		c.mu.Unlock()
	}
}

// readRow runs a single-row query on the cache's pool (not in a transaction)
// with a prepared statement, preparing it first on a miss.
func (c *stmtCache) readRow(ctx context.Context, query string, args ...any) *sql.Row {
	if c.get(query) == nil {
		c.preparePending(ctx)
	}
	if st := c.get(query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.db.QueryRowContext(ctx, query, args...)
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		st.Close()
	}
	c.stmts, c.pending = nil, nil
}
