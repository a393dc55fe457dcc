package portal

import (
	"context"
	"time"
)

// Security event types, as the contract names them.
const (
	eventSignedIn                 = "signed_in"
	eventSignInFailed             = "sign_in_failed"
	eventCodeFailed               = "code_failed"
	eventTwoFactorEnabled         = "two_factor_enabled"
	eventTwoFactorDisabled        = "two_factor_disabled"
	eventAuthenticatorReplaced    = "authenticator_replaced"
	eventRecoveryCodeUsed         = "recovery_code_used"
	eventRecoveryCodesRegenerated = "recovery_codes_regenerated"
)

// securityEvent is an event as the API shows it.
type securityEvent struct {
	ID            int64     `json:"id"`
	Type          string    `json:"type"`
	At            time.Time `json:"at"`
	ClientAddress string    `json:"client_address"`
	Detail        string    `json:"detail"`
}

// recordEvent adds a security event to the account's history, and queues the
// email that tells the account of it when the event is one that is emailed
// (notify.go). detail is a short sentence and never holds a secret.
func recordEvent(ctx context.Context, tx *txn, accountID, typ, clientAddr, detail string, now time.Time) error {
	_, err := tx.ExecContext(ctx,
		`INSERT INTO events (account_id, type, at, client_address, detail) VALUES (?, ?, ?, ?, ?)`,
		accountID, typ, millis(now), clientAddr, detail)
	if err != nil {
		return err
	}
	return enqueueNotification(ctx, tx, accountID, typ, clientAddr, detail, now)
}

// listEvents returns the account's newest events first.
func (s *Server) listEvents(ctx context.Context, accountID string, limit int) ([]securityEvent, error) {
	rows, err := s.rdb.QueryContext(ctx,
		`SELECT id, type, at, client_address, detail FROM events WHERE account_id = ? ORDER BY id DESC LIMIT ?`,
		accountID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	events := []securityEvent{}
	for rows.Next() {
		var e securityEvent
		var at int64
		if err := rows.Scan(&e.ID, &e.Type, &at, &e.ClientAddress, &e.Detail); err != nil {
			return nil, err
		}
		e.At = fromMillis(at)
		events = append(events, e)
	}
	return events, rows.Err()
}
