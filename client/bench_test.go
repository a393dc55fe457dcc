package client_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/partnersecurity/partnersecurity/client"
)

// BenchmarkGetSecurity measures a signed-in GetSecurity against the
// in-process reference portal (real handler, real SQLite), next to the same
// request made with bare net/http and encoding/json: the difference is the
// client's overhead (resty, request ID, clock reading, content-type and
// shape checks).
//
//	go test -run '^$' -bench . -benchmem ./client
func BenchmarkGetSecurity(b *testing.B) {
	tb := newTestbed(b)
	c := tb.client(b)
	if _, err := c.Login(context.Background(), tb.username, tb.password); err != nil {
		b.Fatal(err)
	}
	benchClientAndBare(b, c, tb.url)
}

// BenchmarkGetSecurityStaticAnswer is the same against a handler that
// answers a fixed body at once, so the portal's own work (SQLite, token
// check) does not drown the client's overhead in noise.
func BenchmarkGetSecurityStaticAnswer(b *testing.B) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-ID", r.Header.Get("X-Request-ID"))
		fmt.Fprintln(w, `{"two_factor":{"required":true,"configured":true,"configured_at":"2026-03-02T09:00:05Z","recovery_codes_remaining":10}}`)
	}))
	b.Cleanup(ts.Close)
	c, err := client.New(client.Options{Address: ts.URL})
	if err != nil {
		b.Fatal(err)
	}
	c.SetToken("bench-token")
	benchClientAndBare(b, c, ts.URL)
}

func benchClientAndBare(b *testing.B, c *client.Client, base string) {
	ctx := context.Background()
	b.Run("client", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.GetSecurity(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bare-net-http", func(b *testing.B) {
		hc := &http.Client{}
		b.ReportAllocs()
		for b.Loop() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/account/security", nil)
			req.Header.Set("Authorization", "Bearer "+c.Token())
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var s client.SecurityStatus
			err = json.NewDecoder(resp.Body).Decode(&s)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				b.Fatal(resp.Status, err)
			}
		}
	})
}
