package portal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// DemoAccounts is what EnsureDemoAccounts made or found: enough for a demo to
// sign in as the reseller and as the help desk.
type DemoAccounts struct {
	// PartnerCreated and SupportCreated report whether the accounts were created
	// now rather than found.
	PartnerCreated, SupportCreated bool
	// SupportTOTPSecret is the help-desk account's TOTP shared secret (base32),
	// from which `oathtool --totp -b SECRET` computes its codes. It is a demo's
	// credential, like DemoSupportPassword: print it, never log it.
	SupportTOTPSecret string
}

// EnsureDemoAccounts creates the demo accounts unless they exist: the reseller
// (DemoUsername / DemoPassword, without 2FA, as EnsureDemoAccount) and the help
// desk (DemoSupportUsername / DemoSupportPassword, role support, with an
// authenticator set up, as the /support calls require). A help-desk account
// found without 2FA gets a new authenticator. It returns the help desk's
// shared secret so the demo can be signed in.
func (s *Server) EnsureDemoAccounts(ctx context.Context) (DemoAccounts, error) {
	var d DemoAccounts
	var err error
	if d.PartnerCreated, err = s.EnsureDemoAccount(ctx); err != nil {
		return d, err
	}
	acct, err := accountByUsername(ctx, s.rdb, DemoSupportUsername)
	if errors.Is(err, sql.ErrNoRows) {
		err = s.CreateUser(ctx, NewUser{Username: DemoSupportUsername, Password: DemoSupportPassword,
			Name: DemoSupportName, Company: DemoSupportCompany, Role: RoleSupport})
		if err == nil {
			d.SupportCreated = true
			acct, err = accountByUsername(ctx, s.rdb, DemoSupportUsername)
		}
	}
	if err != nil {
		return d, err
	}
	if acct.role != RoleSupport {
		return d, fmt.Errorf("portal: the account %s exists but is not a support account", DemoSupportUsername)
	}
	if acct.totpSecret != nil {
		secret, err := s.keys.open(acct.totpSecret, acct.id)
		if err != nil {
			return d, err
		}
		d.SupportTOTPSecret = string(secret)
		return d, nil
	}
	secret := newTOTPSecret()
	err = s.writeTx(ctx, func(tx *txn) error {
		now := s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET totp_secret = ?, totp_configured_at = ? WHERE id = ?`,
			s.keys.seal([]byte(secret), acct.id), millis(now), acct.id); err != nil {
			return err
		}
		return recordStaffEvent(ctx, tx, acct.id, eventTwoFactorEnabled, "local", "authenticator set up for the demo", now)
	})
	if err != nil {
		return d, err
	}
	d.SupportTOTPSecret = secret
	s.log.Info("demo help-desk authenticator set up", "username", DemoSupportUsername)
	return d, nil
}
