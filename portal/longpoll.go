package portal

import (
	"context"
	"sync"
	"time"
)

// Long polls (the support sessions' GETs that wait for a change). A waiting
// request is its own handler goroutine, parked on the session's notifier: a
// channel that is closed when the session changes. There is no polling loop
// per request: the goroutine wakes when a change is committed on this
// instance, when the session is due to expire, when its wait is over, or when
// the server shuts down, and then reads the session once from the database.
//
// That final read is what makes it correct across instances: a change made by
// another instance (several portals on one PostgreSQL database) is seen at
// the latest when the wait ends. To bring that latency down, a watcher per
// instance can call notify for each change it learns of, from LISTEN/NOTIFY
// on PostgreSQL or from a short re-check of the versions of the sessions
// waited on (every 1 to 2 s, one query for all of them): notify is the only
// hook needed, the waiting requests stay as they are.

// defaultLongPollWait is how long a long poll waits for a change at most
// (contract: 25 s), unless Config.LongPollWait says otherwise.
const defaultLongPollWait = 25 * time.Second

// maxLongPollsPerAccount is how many long polls one account may hold at once
// on one instance; more are refused with 429. The app holds one per session
// it shows.
const maxLongPollsPerAccount = 4

// longPolls is one instance's waiting long polls: a notifier per session
// waited on, the count per account, and the signal that the server stops.
type longPolls struct {
	mu        sync.Mutex
	waiters   map[string]*notifier // by support session ID
	byAccount map[string]int
	total     int
	stopping  chan struct{}
	stopOnce  sync.Once
}

// notifier is the channel the waiters of one session park on.
type notifier struct {
	changed chan struct{} // closed on the next change
	waiting int
}

func newLongPolls() *longPolls {
	return &longPolls{waiters: map[string]*notifier{}, byAccount: map[string]int{}, stopping: make(chan struct{})}
}

// admit counts a long poll of the account, or refuses it when the account
// already holds maxLongPollsPerAccount. release undoes it.
func (p *longPolls) admit(accountID string) (release func(), ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.byAccount[accountID] >= maxLongPollsPerAccount {
		return nil, false
	}
	p.byAccount[accountID]++
	p.total++
	return func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.byAccount[accountID]--; p.byAccount[accountID] <= 0 {
			delete(p.byAccount, accountID)
		}
		p.total--
	}, true
}

// watch returns a channel that is closed at the session's next change. Call
// it before reading the session, so a change committed after the read is
// never missed; call done when no longer waiting.
func (p *longPolls) watch(id string) (changed <-chan struct{}, done func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := p.waiters[id]
	if n == nil {
		n = &notifier{changed: make(chan struct{})}
		p.waiters[id] = n
	}
	n.waiting++
	return n.changed, func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if n.waiting--; n.waiting == 0 && p.waiters[id] == n {
			delete(p.waiters, id)
		}
	}
}

// notify wakes every request waiting on the session. Call it after the
// change is committed.
func (p *longPolls) notify(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := p.waiters[id]; n != nil {
		close(n.changed)
		delete(p.waiters, id)
	}
}

// stop ends every wait, now and later: the server is shutting down, and each
// waiting request answers with what it has.
func (p *longPolls) stop() { p.stopOnce.Do(func() { close(p.stopping) }) }

// waiting is how many long polls are held now.
func (p *longPolls) waiting() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.total
}

// waitFor reads the session with load until done says its answer is ready,
// waking on each change, and gives up after wait (or at shutdown) with the
// last reading. load also says in how long the session changes by itself
// (its expiry; 0 for never), so the wait wakes then too.
func waitFor[T any](ctx context.Context, p *longPolls, id string, wait time.Duration,
	load func() (T, time.Duration, error), done func(T) bool) (T, error) {
	timeout := time.NewTimer(wait)
	defer timeout.Stop()
	for {
		changed, release := p.watch(id)
		v, untilDue, err := load()
		if err != nil || done(v) {
			release()
			return v, err
		}
		var due <-chan time.Time
		var dueTimer *time.Timer
		if untilDue > 0 {
			dueTimer = time.NewTimer(untilDue + 10*time.Millisecond)
			due = dueTimer.C
		}
		select {
		case <-changed:
		case <-due:
		case <-timeout.C:
			release()
			v, _, err = load() // the last look: a change on another instance shows here
			return v, err
		case <-p.stopping:
			release()
			return v, nil
		case <-ctx.Done():
			release()
			return v, ctx.Err()
		}
		if dueTimer != nil {
			dueTimer.Stop()
		}
		release()
	}
}
