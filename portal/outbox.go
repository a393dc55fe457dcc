package portal

import (
	"context"
	"sync"
	"time"
)

// The outbox's sender: one goroutine that delivers the queued notifications
// through Config.Mailer, oldest first, and deletes a message only once the relay
// has accepted it. A refused or failed attempt is tried again with backoff
// (notificationFirstRetry, doubling up to notificationMaxRetry) for
// notificationRetryFor; after that the message is kept, marked given up, for the
// operator. A portal that starts tries every waiting message at once, so
// neither a restart nor a relay outage loses one. A message the relay accepted
// just before the portal stopped, before its row was deleted, is sent again
// with the same Message-ID: delivery is at least once.

const (
	notificationFirstRetry = 30 * time.Second
	notificationMaxRetry   = time.Hour
	notificationRetryFor   = 24 * time.Hour
	// notificationSendTimeout bounds one message's delivery.
	notificationSendTimeout = time.Minute
	// defaultOutboxPoll is how often the outbox is looked at when
	// Config.OutboxPollInterval is 0.
	defaultOutboxPoll = 5 * time.Second
)

// Notification is one email of the outbox, as a Mailer gets it.
type Notification struct {
	// MessageID is unique and the same on every attempt: the local part of
	// the Message-ID header, so a message sent twice can be recognised.
	MessageID string
	// To is the account's username, its email address.
	To      string
	Subject string
	// Body is plain text.
	Body string
	// Date is when the change was made.
	Date time.Time
}

// Mailer delivers notifications. Send returns nil only once the relay has
// accepted the message; its errors never hold a credential.
type Mailer interface {
	Send(ctx context.Context, n Notification) error
}

// sender is the outbox's delivery goroutine.
type sender struct {
	s      *Server
	mailer Mailer
	poll   time.Duration
	cancel context.CancelFunc
	done   chan struct{}

	mu      sync.Mutex
	failing bool // the last attempt failed
}

// startSender starts delivering when a Mailer is configured. Every message
// waiting from before is due at once.
func (s *Server) startSender(ctx context.Context) error {
	if s.cfg.Mailer == nil {
		return nil
	}
	now := millis(s.now())
	if _, err := s.db.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = ? WHERE given_up_at IS NULL AND next_attempt_at > ?`, now, now); err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(context.Background())
	o := &sender{s: s, mailer: s.cfg.Mailer, poll: s.cfg.OutboxPollInterval, cancel: cancel, done: make(chan struct{})}
	if o.poll <= 0 {
		o.poll = defaultOutboxPoll
	}
	s.sender = o
	go o.run(runCtx)
	return nil
}

// stopSender stops the goroutine; a delivery under way is abandoned and its
// message stays due.
func (s *Server) stopSender() {
	if s.sender != nil {
		s.sender.cancel()
		<-s.sender.done
	}
}

func (o *sender) run(ctx context.Context) {
	defer close(o.done)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		if err := o.deliverDue(ctx); err != nil && ctx.Err() == nil {
			o.s.log.Warn("reading the outbox failed", "err", err)
		}
		timer.Reset(o.poll)
	}
}

// queued is a row of the outbox.
type queued struct {
	id        int64
	n         Notification
	createdAt time.Time
	attempts  int
}

// deliverDue tries every message that is due, oldest first.
func (o *sender) deliverDue(ctx context.Context) error {
	rows, err := o.s.rdb.QueryContext(ctx, `
		SELECT id, message_id, recipient, subject, body, created_at, attempts FROM outbox
		WHERE given_up_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT 50`, millis(o.s.now()))
	if err != nil {
		return err
	}
	var due []queued
	for rows.Next() {
		var q queued
		var created int64
		if err := rows.Scan(&q.id, &q.n.MessageID, &q.n.To, &q.n.Subject, &q.n.Body, &created, &q.attempts); err != nil {
			rows.Close()
			return err
		}
		q.createdAt = fromMillis(created)
		q.n.Date = q.createdAt
		due = append(due, q)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, q := range due {
		if ctx.Err() != nil {
			return nil
		}
		if err := o.deliver(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// deliver makes one attempt at one message and records its outcome.
func (o *sender) deliver(ctx context.Context, q queued) error {
	sendCtx, cancel := context.WithTimeout(ctx, notificationSendTimeout)
	sendErr := o.mailer.Send(sendCtx, q.n)
	cancel()
	if ctx.Err() != nil {
		return nil // stopping: the message stays due for the next start
	}
	o.mu.Lock()
	o.failing = sendErr != nil
	o.mu.Unlock()
	if sendErr == nil {
		if _, err := o.s.db.ExecContext(ctx, `DELETE FROM outbox WHERE id = ?`, q.id); err != nil {
			return err
		}
		o.s.log.Info("notification sent", "outbox_id", q.id, "message_id", q.n.MessageID, "attempts", q.attempts+1)
		return nil
	}
	now := o.s.now()
	attempts := q.attempts + 1
	reason := truncate(sendErr.Error(), 300)
	if now.Sub(q.createdAt) >= notificationRetryFor {
		o.s.log.Error("notification given up after 24 hours of failed attempts",
			"outbox_id", q.id, "message_id", q.n.MessageID, "attempts", attempts, "err", reason)
		_, err := o.s.db.ExecContext(ctx, `UPDATE outbox SET attempts = ?, last_error = ?, given_up_at = ? WHERE id = ?`,
			attempts, reason, millis(now), q.id)
		return err
	}
	wait := notificationBackoff(attempts)
	o.s.log.Warn("notification not sent; it will be tried again",
		"outbox_id", q.id, "message_id", q.n.MessageID, "attempts", attempts, "retry_in", wait.String(), "err", reason)
	_, err := o.s.db.ExecContext(ctx, `UPDATE outbox SET attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?`,
		attempts, reason, millis(now.Add(wait)), q.id)
	return err
}

// notificationBackoff is the wait after the attempts-th failed attempt: 30 s,
// 1 min, 2 min, … up to an hour.
func notificationBackoff(attempts int) time.Duration {
	wait := notificationFirstRetry
	for i := 1; i < attempts && wait < notificationMaxRetry; i++ {
		wait *= 2
	}
	return min(wait, notificationMaxRetry)
}

// Health's notifications field.
const (
	notificationsOK            = "ok"
	notificationsNotConfigured = "not_configured"
	notificationsFailing       = "failing"
)

// healthJSON is the answer of GET /api/v1/health.
type healthJSON struct {
	Status string `json:"status"`
	// Notifications is ok, not_configured (no relay: messages wait in the
	// outbox) or failing (the last delivery attempt failed).
	Notifications string `json:"notifications"`
	// NotificationsWaiting counts the queued messages not yet delivered.
	NotificationsWaiting int `json:"notifications_waiting"`
}

// health is the answer of GET /api/v1/health once the database has answered.
func (s *Server) health(ctx context.Context) (healthJSON, error) {
	h := healthJSON{Status: "ok", Notifications: notificationsNotConfigured}
	if err := s.rdb.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE given_up_at IS NULL`).Scan(&h.NotificationsWaiting); err != nil {
		return h, err
	}
	if s.sender != nil {
		s.sender.mu.Lock()
		h.Notifications = notificationsOK
		if s.sender.failing {
			h.Notifications = notificationsFailing
		}
		s.sender.mu.Unlock()
	}
	return h, nil
}
