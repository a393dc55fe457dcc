package portal

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Notifications (DESIGN § Notifications): every change of an account's second
// factor is emailed to the account (its username is its address), through the
// outbox table, in the same transaction as the change, so a message is queued
// exactly when the change commits. outbox.go delivers them.

// notice is what a message says about one kind of security event.
type notice struct {
	subject string
	what    string // the first paragraph: what changed
}

// notices are the events that are emailed, by event type.
var notices = map[string]notice{
	eventTwoFactorEnabled: {"Two-factor authentication was turned on",
		"Two-factor authentication was turned on for your partner portal account: signing in now asks for a code from your authenticator app."},
	eventTwoFactorDisabled: {"Two-factor authentication was turned off",
		"Two-factor authentication was turned off for your partner portal account: signing in now asks only for your password."},
	eventAuthenticatorReplaced: {"A new authenticator app replaced the old one",
		"A new authenticator app was set up for your partner portal account. Codes from the old one no longer work."},
	eventRecoveryCodesRegenerated: {"New recovery codes were made",
		"A new set of recovery codes was made for your partner portal account. The old ones no longer work."},
	eventRecoveryCodeUsed: {"A recovery code was used",
		"One of your recovery codes was used for your partner portal account. %d recovery codes are left."},
	eventTemporaryAccessIssued: {"The help desk issued a temporary access code",
		"The help desk issued a temporary access code for your partner portal account: it signs in once without your authenticator app."},
	eventTemporaryAccessUsed: {"Someone signed in with a temporary access code",
		"Someone signed in to your partner portal account with a temporary access code from the help desk. Set up your authenticator app again now if it was you."},
	eventTwoFactorResetBySupport: {"The help desk turned two-factor authentication off",
		"The help desk turned two-factor authentication off for your partner portal account, removed its recovery codes and ended every session."},
}

// enqueueNotification queues the email that tells the account about the event,
// if the event is one that is emailed. It runs in the event's transaction.
func enqueueNotification(ctx context.Context, tx *txn, accountID, typ, clientAddr, detail string, now time.Time) error {
	n, ok := notices[typ]
	if !ok {
		return nil
	}
	var username, name string
	if err := tx.QueryRowContext(ctx, `SELECT username, name FROM accounts WHERE id = ?`, accountID).Scan(&username, &name); err != nil {
		return err
	}
	what := n.what
	if strings.Contains(what, "%d") {
		left, err := recoveryCodesLeft(ctx, tx, accountID)
		if err != nil {
			return err
		}
		what = fmt.Sprintf(what, left)
	}
	_, err := tx.ExecContext(ctx,
		`INSERT INTO outbox (message_id, recipient, subject, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)`,
		newID(), username, "Partner portal: "+n.subject, notificationBody(name, username, what, clientAddr, detail, now), millis(now), millis(now))
	return err
}

// notificationBody is a message's text: what changed, when, from where, and
// what to do if it wasn't the account's owner. It holds no code, secret, token
// or link: a link in a security email teaches people to follow such links.
func notificationBody(name, username, what, clientAddr, detail string, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\n%s\n\n", name, what)
	fmt.Fprintf(&b, "Account:        %s\n", username)
	fmt.Fprintf(&b, "When:           %s\n", now.UTC().Format("Monday 2 January 2006, 15:04:05 UTC"))
	fmt.Fprintf(&b, "Client address: %s\n", clientAddr)
	if detail != "" {
		fmt.Fprintf(&b, "Details:        %s\n", detail)
	}
	b.WriteString("\nIf this was you, or the help desk at your request, there is nothing to do.\n\n" +
		"If it wasn't you, someone may know your password. Open the partner portal by typing its " +
		"address yourself (never from a link in an email), change your password, set up two-factor " +
		"authentication again, and call your help desk.\n\n" +
		"This message was sent automatically; replies are not read.\n")
	return b.String()
}
