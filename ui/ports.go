package ui

import (
	"context"
	"time"

	"github.com/partnersecurity/partnersecurity/client"
	"github.com/partnersecurity/partnersecurity/session"
)

// What the screens and flows need of the portal client, each declared for
// the screen or flow that uses it and no larger: *client.Client has them
// all, and a test hands a screen a fake where a fault must be staged. The
// two sign-in screens hold the *client.Client itself, because the client
// they sign in with becomes the session's.

// securityAPI is what the Security page needs: the two-factor status.
type securityAPI interface {
	GetSecurity(ctx context.Context) (*client.SecurityStatus, error)
}

// enrollAPI is what Configure needs to generate the shared secret.
type enrollAPI interface {
	StartTOTPEnrollment(ctx context.Context, replaceExisting bool, reauth client.Reauth) (*client.Enrollment, error)
}

// confirmAPI is what the QR code step needs: to confirm the code, to read
// the status again when the answer is lost, and the portal's clock.
type confirmAPI interface {
	ConfirmTOTPEnrollment(ctx context.Context, enrollmentID, code string) (*client.RecoveryCodes, error)
	GetSecurity(ctx context.Context) (*client.SecurityStatus, error)
	Clock() (client.ClockReading, bool)
}

// disableAPI is what turning two-factor authentication off needs.
type disableAPI interface {
	DisableTwoFactor(ctx context.Context, factor client.SecondFactor, password string) (*client.SecurityStatus, error)
}

// recoveryCodesAPI is what a new set of recovery codes needs.
type recoveryCodesAPI interface {
	RegenerateRecoveryCodes(ctx context.Context, code string) (*client.RecoveryCodes, error)
}

// eventsAPI is what the security events list needs.
type eventsAPI interface {
	ListSecurityEvents(ctx context.Context, limit int) (*client.SecurityEvents, error)
}

// supportAPI is what the support details need of the portal last used.
type supportAPI interface {
	MeasureClock(ctx context.Context) (client.ClockReading, error)
	Clock() (client.ClockReading, bool)
	Host() string
	SupportDetails() client.SupportDetails
}

// clientSearchAPI is what the help desk's search needs.
type clientSearchAPI interface {
	SearchClientAccounts(ctx context.Context, q string) (*client.ClientAccounts, error)
}

// clientAccountAPI is what a client's page for the help desk needs.
type clientAccountAPI interface {
	GetClientAccount(ctx context.Context, id string) (*client.ClientAccountDetail, error)
}

// temporaryAccessAPI is what issuing a temporary access code needs.
type temporaryAccessAPI interface {
	IssueTemporaryAccess(ctx context.Context, id, reason string, lifetime time.Duration, reauth client.Reauth) (*client.TemporaryAccess, error)
}

// resetAPI is what the help desk's reset of a client's 2FA needs.
type resetAPI interface {
	ResetClientTwoFactor(ctx context.Context, id, reason string, reauth client.Reauth) (*client.SecurityStatus, error)
}

// shareAPI is what sharing one's progress with the help desk needs.
type shareAPI interface {
	StartSupportSession(ctx context.Context) (*client.SupportSession, error)
	SupportSessionStatus(ctx context.Context, id string, wait bool) (*client.SupportSessionStatus, error)
	ShareProgress(ctx context.Context, id string, p client.Progress) error
	EndSupportSession(ctx context.Context, id string) error
}

// joinAPI is what the help desk needs to join a client's session.
type joinAPI interface {
	JoinSupportSession(ctx context.Context, code string) (*client.JoinedSupportSession, error)
}

// watchAPI is what the help desk's live view of a client needs.
type watchAPI interface {
	WatchSupportSession(ctx context.Context, id string, after int64) (*client.SupportSessionView, error)
}

// Connector returns a portal client for an address as the person typed it;
// it fails on an address that is not valid or not allowed.
type Connector func(address string) (*client.Client, error)

// SessionStore is where the app keeps the session token between runs: the
// OS keyring (session.Keyring), or memory in tests. Portal addresses are
// passed as the client normalised them (client.Client.Address).
type SessionStore interface {
	Last(ctx context.Context, portal string) (*session.Session, error)
	Save(ctx context.Context, s session.Session) error
	Delete(ctx context.Context, portal, username string) error
}
