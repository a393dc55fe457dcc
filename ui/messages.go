package ui

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/partnersecurity/partnersecurity/client"
	"github.com/partnersecurity/partnersecurity/session"
)

// userMessage turns an error into a short sentence a person understands.
// It never includes the error's own text, which is for the log: the
// sentence is chosen by the error's type or code alone.
func userMessage(err error) string {
	var (
		rate *client.RateLimitError
		code *client.InvalidCodeError
		netw *client.NetworkError
		api  *client.APIError
	)
	switch {
	case err == nil, errors.Is(err, context.Canceled):
		return ""
	case errors.As(err, &rate):
		return "Too many attempts. For your security the portal is pausing sign-ins and codes for this account; try again when the countdown ends."
	case errors.As(err, &code):
		return invalidCodeMessage(code)
	case errors.Is(err, client.ErrCodeReused):
		return "That code has just been used. Wait for the next code to appear in your authenticator app (every 30 seconds), then enter it."
	case errors.Is(err, client.ErrEnrollmentExpired):
		return "This QR code has expired: a shared secret is valid for 10 minutes. Generate a new one and scan it again."
	case errors.Is(err, client.ErrEnrollmentNotFound):
		return "This QR code is no longer waiting to be confirmed: a newer one replaced it. Generate a new shared secret."
	case errors.Is(err, client.ErrInvalidCredentials):
		return "The username or password isn't right. Check them and try again."
	case errors.Is(err, client.ErrMFATokenInvalid):
		return "The sign-in took too long. Enter your password again."
	case errors.Is(err, client.ErrUnauthorized):
		return "Your sign-in has ended. Sign in again to continue."
	case errors.Is(err, client.ErrReauthRequired):
		return "For your security, enter your portal password again to continue."
	case errors.Is(err, client.ErrInvalidPassword):
		return "That password isn't right."
	case errors.Is(err, client.ErrTwoFactorNotEnabled):
		return "Two-factor authentication is not turned on for this account."
	case errors.Is(err, client.ErrEnrollmentRequired):
		return "Two-factor authentication is turned on by confirming a code from an authenticator app."
	case errors.Is(err, client.ErrReplaceConfirmationRequired):
		return "An authenticator app is already set up for this account. Confirm that the new one replaces it."
	case errors.Is(err, client.ErrTwoFactorNotConfigured):
		return "This client has no two-factor authentication, so there is nothing to get past: they sign in with their password."
	case errors.Is(err, client.ErrStaffTwoFactorRequired):
		return "Set up two-factor authentication on your own support account first: the help desk's screens need it."
	case errors.Is(err, client.ErrForbidden):
		return "This account is not a help-desk account."
	case errors.Is(err, client.ErrNotFound):
		return "This client's account no longer exists."
	case errors.Is(err, client.ErrInvalidAddress):
		return "That portal address isn't valid. It looks like partners.example.com."
	case errors.Is(err, client.ErrInsecureAddress):
		return "The portal address must start with https:// (plain http:// is only allowed for this computer)."
	case errors.Is(err, client.ErrInvalidCAFile):
		return "The certificate file given for this portal can't be used."
	case errors.As(err, &netw):
		return networkMessage(netw)
	case errors.Is(err, client.ErrServerError):
		return "The portal had a problem and couldn't finish. Try again in a moment; if it keeps happening, copy the support details for the help desk."
	case errors.As(err, &api):
		return fmt.Sprintf("The portal refused this (%s). Copy the support details for the help desk.", client.CodeOf(err))
	case errors.Is(err, session.ErrKeyringUnavailable):
		return keyringUnavailableMessage
	}
	return "Something went wrong. Try again; if it keeps happening, copy the support details for the help desk."
}

// errInternal stands for a failure of the app itself (a background call
// that panicked): the log has the details, the person gets the general
// sentence.
var errInternal = errors.New("ui: internal error")

// keyringUnavailableMessage is the banner shown when no keyring answers.
const keyringUnavailableMessage = "This computer can't keep you signed in; you'll sign in each time."

// invalidCodeMessage explains a refused code: with the portal's clock
// diagnosis when it has one, else with the attempts left.
func invalidCodeMessage(e *client.InvalidCodeError) string {
	var msg string
	if e.ClockOffset != nil {
		msg = phoneClockMessage(*e.ClockOffset)
	} else {
		msg = "That code isn't right. Enter the 6-digit code your authenticator app shows now."
	}
	if e.AttemptsRemaining != nil {
		switch n := *e.AttemptsRemaining; n {
		case 0:
			msg += " That was the last attempt for now."
		case 1:
			msg += " 1 attempt left."
		default:
			msg += fmt.Sprintf(" %d attempts left.", n)
		}
	}
	return msg
}

// phoneClockMessage tells the person their phone's clock is off by offset
// (phone minus portal) and how to fix it.
func phoneClockMessage(offset time.Duration) string {
	dir := "fast"
	if offset < 0 {
		dir = "slow"
	}
	return fmt.Sprintf("Your phone's clock looks about %s %s. Turn on automatic date and time on the phone, then enter the next code.",
		roughDuration(offset.Abs()), dir)
}

// roughDuration says d the way a person would: "30 seconds", "1 minute",
// "about 3 minutes" rounded to the half minute beyond a minute.
func roughDuration(d time.Duration) string {
	if d < 90*time.Second {
		s := int(math.Round(d.Seconds()))
		if s >= 60 {
			return "1 minute"
		}
		return fmt.Sprintf("%d seconds", s)
	}
	halves := math.Round(d.Minutes() * 2)
	if int(halves)%2 == 0 {
		return fmt.Sprintf("%d minutes", int(halves)/2)
	}
	return fmt.Sprintf("%.1f minutes", halves/2)
}

// networkMessage explains why the portal gave no usable answer.
func networkMessage(e *client.NetworkError) string {
	switch e.Kind {
	case client.KindTimeout:
		return fmt.Sprintf("The portal at %s didn't answer in time. Check your internet connection and try again.", e.Host)
	case client.KindTLS:
		return fmt.Sprintf("A secure connection to %s couldn't be made: its certificate isn't trusted by this computer. Check the portal address.", e.Host)
	case client.KindNotPortal:
		return fmt.Sprintf("%s answered, but not like a partner portal. Check the portal address.", e.Host)
	}
	return fmt.Sprintf("Can't reach the portal at %s. Check the address and your internet connection, then try again.", e.Host)
}

// retryAfter returns how long a rate-limited person must wait, if err says so.
func retryAfter(err error) (time.Duration, bool) {
	var rate *client.RateLimitError
	if errors.As(err, &rate) {
		return max(rate.RetryAfter, time.Second), true
	}
	return 0, false
}
