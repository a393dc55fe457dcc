package ui

import (
	"context"

	"github.com/partnersecurity/partnersecurity/client"
)

// PortalAPI is what the screens need of the portal client; *client.Client
// implements it. One PortalAPI talks to one portal address.
type PortalAPI interface {
	Login(ctx context.Context, username, password string) (*client.LoginResult, error)
	LoginMFA(ctx context.Context, mfaToken string, factor client.SecondFactor) (*client.Session, error)
	Logout(ctx context.Context) error
	GetAccount(ctx context.Context) (*client.Account, error)
	GetSecurity(ctx context.Context) (*client.SecurityStatus, error)
	StartTOTPEnrollment(ctx context.Context, replaceExisting bool, password string) (*client.Enrollment, error)
	ConfirmTOTPEnrollment(ctx context.Context, enrollmentID, code string) (*client.RecoveryCodes, error)
	DisableTwoFactor(ctx context.Context, factor client.SecondFactor, password string) (*client.SecurityStatus, error)
	RegenerateRecoveryCodes(ctx context.Context, code string) (*client.RecoveryCodes, error)
	ListSecurityEvents(ctx context.Context, limit int) (*client.SecurityEvents, error)
	MeasureClock(ctx context.Context) (client.ClockReading, error)
	Clock() (client.ClockReading, bool)
	Address() string
	Host() string
	Token() string
	SetToken(token string)
	SupportDetails() client.SupportDetails
}

// Connector returns a PortalAPI for a portal address as the person typed it;
// it fails on an address that is not valid or not allowed.
type Connector func(address string) (PortalAPI, error)
