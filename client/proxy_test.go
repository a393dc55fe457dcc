package client_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnersecurity/partnersecurity/client"
)

// childEnv selects a helper role when this test binary runs itself: the
// proxy settings are read from the environment once per process, so the
// proxy test needs a process of its own.
const childEnv = "PARTNERSECURITY_CLIENT_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "proxy" {
		os.Exit(proxyChild())
	}
	os.Exit(m.Run())
}

// proxyChild calls a portal that only the proxy can reach and reports the
// error kind it got.
func proxyChild() int {
	c, err := client.New(client.Options{Address: "partners.example.invalid", Timeout: 5 * time.Second})
	if err != nil {
		fmt.Println("New:", err)
		return 1
	}
	_, err = c.GetHealth(context.Background())
	var ne *client.NetworkError
	if !errors.As(err, &ne) {
		fmt.Println("GetHealth through a refusing proxy:", err)
		return 1
	}
	fmt.Println("CLIENT-CHILD-OK", ne.Kind)
	return 0
}

// Given HTTPS_PROXY in the environment, the client asks that proxy to
// connect to the portal (the test proxy refuses, so nothing leaves this
// computer).
func TestProxyFromEnvironment(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var connects []string
	proxy := newStage(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodConnect {
			mu.Lock()
			connects = append(connects, r.Host)
			mu.Unlock()
		}
		http.Error(w, "this test proxy connects nowhere", http.StatusForbidden)
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	for _, kv := range os.Environ() {
		switch strings.ToUpper(strings.SplitN(kv, "=", 2)[0]) {
		case "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "ALL_PROXY", childEnv:
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, "HTTPS_PROXY="+proxy.URL, childEnv+"=proxy")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "CLIENT-CHILD-OK unreachable") {
		t.Fatalf("child: %v\n%s", err, out)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(connects) == 0 || connects[0] != "partners.example.invalid:443" {
		t.Fatalf("the proxy saw CONNECT to %v, want partners.example.invalid:443", connects)
	}
}
