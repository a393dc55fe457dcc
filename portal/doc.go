// Package portal is the reference partner-portal API server: the HTTP handlers of
// the contract in api/openapi.yaml, the TOTP and limit policy, and their storage in
// SQLite.
//
// A Server holds no state that a restart loses: sessions, pending sign-ins and
// enrollments, the last accepted TOTP step of each account and every limit counter
// live in the database. TOTP secrets are sealed with AES-256-GCM under a key kept
// beside the database (or given by the PORTAL_SECRET_KEY environment variable);
// passwords are argon2id hashes; session tokens, mfa tokens and recovery codes are
// stored only as hashes.
//
// Open a Server with Open, serve Handler, and Close it when done:
//
//	srv, err := portal.Open(ctx, portal.Config{DBPath: "portal.db"})
//	if err != nil { ... }
//	defer srv.Close()
//	http.ListenAndServe("127.0.0.1:8080", srv.Handler())
package portal
