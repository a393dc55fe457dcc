package portal

import (
	"context"
	"database/sql"
	"net/http"
	"testing"
	"time"
)

// TestHealthChecksWhatSignInNeeds: while another process holds the
// database's write lock, every sign-in would fail with SQLITE_BUSY; health
// must say so (503 unavailable) within its own short timeout, and say ok
// again once the lock is gone.
func TestHealthChecksWhatSignInNeeds(t *testing.T) {
	tp := newTestPortal(t)
	wantStatus(t, tp.call(t, "GET", "/api/v1/health", "", nil), http.StatusOK)

	other, err := sql.Open("sqlite", tp.cfg.DBPath+"?_pragma=busy_timeout(1000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx := context.Background()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	wantError(t, tp.call(t, "GET", "/api/v1/health", "", nil), http.StatusServiceUnavailable, "unavailable")
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("health took %v to notice the lock", took)
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, tp.call(t, "GET", "/api/v1/health", "", nil), http.StatusOK)
}
